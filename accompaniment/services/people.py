"""Who to tell: a structure's members, the coordination, a provider's consultants."""

from applicants.models import Dossier, Membership, Structure
from applicants.selectors import dossier_coordinators
from ccr_portal.users.models import Provider, Role, User


def structure_people(structure: Structure, *, editors_only: bool = False) -> list[User]:
    memberships = Membership.objects.filter(structure=structure).select_related("user")
    if editors_only:
        memberships = memberships.filter(role=Membership.Role.EDITOR)
    return [membership.user for membership in memberships if membership.user.is_active]


def coordinators(dossier: Dossier | None = None) -> list[User]:
    """The dossier's instructor when there is one, else every coordinator."""
    if dossier is not None:
        return dossier_coordinators(dossier)
    return list(
        User.objects.filter(role_assignments__role=Role.COORDINATOR, is_active=True).distinct()
    )


def consultants(provider: Provider) -> list[User]:
    return list(
        provider.members.filter(is_active=True, role_assignments__role=Role.PROVIDER).distinct()
    )
