import rules

from ccr_portal.permissions import is_applicant, is_coordinator

from .models import Membership


@rules.predicate
def is_structure_member(user, structure) -> bool:
    if structure is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(structure=structure, user=user).exists()


@rules.predicate
def is_structure_editor(user, structure) -> bool:
    if structure is None or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        structure=structure, user=user, role=Membership.Role.EDITOR
    ).exists()


rules.add_perm("applicants.add_structure", is_applicant)
rules.add_perm("applicants.view_structure", is_coordinator | (is_applicant & is_structure_member))
rules.add_perm("applicants.change_structure", is_coordinator | (is_applicant & is_structure_editor))
rules.add_perm("applicants.list_all_structures", is_coordinator)
