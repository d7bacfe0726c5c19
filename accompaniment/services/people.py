"""Who to tell: a structure's members, the coordination, a provider's consultants."""

from collections import defaultdict

from applicants.models import Dossier, Structure
from applicants.selectors import dossier_coordinators, members_by_structure
from ccr_portal.users.models import Provider, Role, User


def structure_people(structure: Structure, *, editors_only: bool = False) -> list[User]:
    return members_by_structure([structure.pk], editors_only=editors_only)[structure.pk]


def coordinators(dossier: Dossier | None = None) -> list[User]:
    """The dossier's instructor when there is one, else every coordinator."""
    if dossier is not None:
        return dossier_coordinators(dossier)
    return list(
        User.objects.filter(role_assignments__role=Role.COORDINATOR, is_active=True).distinct()
    )


def consultants(provider: Provider) -> list[User]:
    return consultants_by_provider([provider.pk])[provider.pk]


def consultants_by_provider(provider_ids) -> dict[int, list[User]]:
    """``consultants`` in bulk, in one query."""
    links = (
        Provider.members.through.objects.filter(
            provider_id__in=list(provider_ids),
            user__is_active=True,
            user__role_assignments__role=Role.PROVIDER,
        )
        .select_related("user")
        .distinct()
    )
    people = defaultdict(list)
    for link in links:
        people[link.provider_id].append(link.user)
    return people
