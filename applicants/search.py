"""The coordinators' search across structures, people and dossier numbers."""

import re
from dataclasses import dataclass, field

from django.db.models import Prefetch

from ccr_portal.search import text_search
from ccr_portal.users.models import User

from .models import Dossier, Membership, Structure

LIMIT = 20


@dataclass
class SearchResults:
    query: str
    structures: list = field(default_factory=list)
    people: list = field(default_factory=list)
    dossiers: list = field(default_factory=list)
    more: set = field(default_factory=set)

    @property
    def count(self) -> int:
        return len(self.structures) + len(self.people) + len(self.dossiers)


def normalised_query(query: str) -> str:
    """What was typed, trimmed; a SIRET typed in groups (« 732 829 320 00074 ») joined.

    A NUL character (which PostgreSQL refuses in any text) is dropped.
    """
    query = " ".join((query or "").replace("\x00", "").split())[:100]
    if re.fullmatch(r"[\d ]+", query):
        query = query.replace(" ", "")
    return query


def _first(queryset, results: SearchResults, name: str) -> list:
    rows = list(queryset[: LIMIT + 1])
    if len(rows) > LIMIT:
        results.more.add(name)
    return rows[:LIMIT]


def search_everything(query: str) -> SearchResults:
    """Structures (name, SIRET, RNA, city), people (name, e-mail) and dossiers (number,
    structure): a bounded number of rows each, in a fixed number of queries."""
    query = normalised_query(query)
    results = SearchResults(query=query)
    if len(query) < 2:
        return results
    results.structures = _first(
        text_search(
            Structure.objects.all(),
            query=query,
            fields=["name", "city", "siret", "rna"],
            words=["name", "city"],
        ).order_by("name", "pk"),
        results,
        "structures",
    )
    results.people = _first(
        text_search(
            User.objects.filter(is_active=True),
            query=query,
            fields=["first_name", "last_name", "email"],
            words=["first_name", "last_name"],
        )
        .prefetch_related(
            Prefetch("memberships", Membership.objects.select_related("structure")),
            "role_assignments",
        )
        .order_by("last_name", "first_name", "pk"),
        results,
        "people",
    )
    results.dossiers = _first(
        text_search(
            Dossier.objects.select_related("structure", "campaign"),
            query=query,
            fields=["number", "structure__name"],
        ).order_by("-number", "pk"),
        results,
        "dossiers",
    )
    return results
