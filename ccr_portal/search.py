"""Accent- and case-insensitive text search, on PostgreSQL and on the embedded SQLite.

``folded(expression)`` is the expression with its accents and capitals removed, in the
database: ``unaccent(lower(…))`` on PostgreSQL (its ``unaccent`` extension, created by a
migration), a Python function registered on each SQLite connection otherwise. On
PostgreSQL, names are also matched with its full-text search, in a French configuration
that ignores accents (``french_unaccent``): « epiceries » finds « Épicerie ».
"""

import unicodedata

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.backends.signals import connection_created
from django.db.models import Func, Q, TextField
from django.db.models.functions import Lower
from django.dispatch import receiver

FTS_CONFIG = "french_unaccent"


def fold(text: str) -> str:
    """« Épicerie du Panier » → « epicerie du panier »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@receiver(connection_created)
def _register_sqlite_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("ccr_fold", 1, fold, deterministic=True)


class Folded(Func):
    """The text of an expression, folded in the database (see the module's docstring)."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="UNACCENT",
            template="%(function)s(LOWER(%(expressions)s))",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="ccr_fold", **extra)


def folded_contains(fields: list[str], query: str) -> Q:
    """Rows where any of ``fields`` contains ``query``, accents and capitals aside.

    Used with ``annotate(**folded_fields(fields))`` so the folded columns exist."""
    needle = fold(query)
    condition = Q()
    for field in fields:
        condition |= Q(**{f"_folded_{field.replace('__', '_')}__contains": needle})
    return condition


def folded_fields(fields: list[str]) -> dict:
    return {f"_folded_{field.replace('__', '_')}": Folded(field) for field in fields}


def text_search(queryset, *, query: str, fields: list[str], words: list[str] | None = None):
    """``queryset`` narrowed to the rows matching ``query``: any field containing it,
    folded; on PostgreSQL, or the full-text match of ``words`` (French, without accents).
    """
    query = (query or "").strip()
    if not query:
        return queryset
    queryset = queryset.annotate(**folded_fields(fields))
    condition = folded_contains(fields, query)
    if words and connection.vendor == "postgresql":
        queryset = queryset.annotate(_search=SearchVector(*words, config=FTS_CONFIG))
        condition |= Q(_search=SearchQuery(query, config=FTS_CONFIG, search_type="websearch"))
    return queryset.filter(condition)


__all__ = ["Folded", "Lower", "fold", "text_search"]
