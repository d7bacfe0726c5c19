"""Who hears about a diagnostic: the structure, the provider, the coordination."""

from applicants.models import Membership
from ccr_portal.users.models import Role, User

from ..models import Diagnostic


def structure_people(diagnostic: Diagnostic, *, editors_only: bool = False) -> list[User]:
    memberships = Membership.objects.filter(structure_id=diagnostic.structure_id).select_related(
        "user"
    )
    if editors_only:
        memberships = memberships.filter(role=Membership.Role.EDITOR)
    return [membership.user for membership in memberships if membership.user.is_active]


def provider_people(diagnostic: Diagnostic) -> list[User]:
    """The consultant in charge, or every consultant of the organisation when none is named."""
    if diagnostic.provider_id is None:
        return []
    if diagnostic.consultant_id and diagnostic.consultant.is_active:
        return [diagnostic.consultant]
    return list(diagnostic.provider.members.filter(is_active=True))


def coordinators() -> list[User]:
    return list(
        User.objects.filter(role_assignments__role=Role.COORDINATOR, is_active=True).distinct()
    )
