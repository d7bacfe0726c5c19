"""Who hears about a diagnostic: the structure, the provider, the coordination."""

from collections import defaultdict

from applicants.selectors import members_by_structure
from ccr_portal.users.models import Provider, Role, User

from ..models import Diagnostic


def structure_people(diagnostic: Diagnostic, *, editors_only: bool = False) -> list[User]:
    return members_by_structure([diagnostic.structure_id], editors_only=editors_only)[
        diagnostic.structure_id
    ]


def provider_people(diagnostic: Diagnostic) -> list[User]:
    """The consultant in charge, or every consultant of the organisation when none is named."""
    return provider_people_by_diagnostic([diagnostic])[diagnostic.pk]


def provider_people_by_diagnostic(diagnostics) -> dict[int, list[User]]:
    """``provider_people`` in bulk: one query for the organisations without a named consultant."""
    diagnostics = list(diagnostics)

    def named(diagnostic):
        return diagnostic.consultant_id and diagnostic.consultant.is_active

    unnamed = {d.provider_id for d in diagnostics if d.provider_id and not named(d)}
    members = defaultdict(list)
    if unnamed:
        links = Provider.members.through.objects.filter(
            provider_id__in=unnamed, user__is_active=True
        ).select_related("user")
        for link in links:
            members[link.provider_id].append(link.user)
    return {
        d.pk: []
        if d.provider_id is None
        else [d.consultant]
        if named(d)
        else members[d.provider_id]
        for d in diagnostics
    }


def coordinators() -> list[User]:
    return list(
        User.objects.filter(role_assignments__role=Role.COORDINATOR, is_active=True).distinct()
    )
