"""Who may do what in the applicants app: one permission per action.

Views, downloads, exports, ZIPs and PDFs all ask these permissions; lists
use the matching ``visible_to`` querysets.
"""

import rules

from ccr_portal.permissions import is_applicant, is_coordinator, is_provider

from .access import worked_structure_ids
from .models import Membership


def _member_role(user, structure) -> str | None:
    if structure is None or not user.is_authenticated:
        return None
    cache = user.__dict__.setdefault("_membership_roles", {})
    if structure.pk not in cache:
        cache[structure.pk] = (
            Membership.objects.filter(structure_id=structure.pk, user=user)
            .values_list("role", flat=True)
            .first()
        )
    return cache[structure.pk]


@rules.predicate
def is_structure_member(user, structure) -> bool:
    return _member_role(user, structure) is not None


@rules.predicate
def is_structure_editor(user, structure) -> bool:
    return _member_role(user, structure) == Membership.Role.EDITOR


@rules.predicate
def is_dossier_member(user, dossier) -> bool:
    return dossier is not None and _member_role(user, dossier.structure) is not None


@rules.predicate
def is_dossier_editor(user, dossier) -> bool:
    return dossier is not None and _member_role(user, dossier.structure) == Membership.Role.EDITOR


@rules.predicate
def works_for_structure(user, structure) -> bool:
    """A consultant assigned to the structure's open diagnostic or plan action."""
    return structure is not None and structure.pk in worked_structure_ids(user)


@rules.predicate
def works_for_dossier_structure(user, dossier) -> bool:
    return dossier is not None and dossier.structure_id in worked_structure_ids(user)


structure_member = is_applicant & is_structure_member
structure_editor = is_applicant & is_structure_editor
dossier_member = is_applicant & is_dossier_member
dossier_editor = is_applicant & is_dossier_editor

# Structures and their members.
rules.add_perm("applicants.add_structure", is_applicant)
# A consultant working for the structure reads it, read-only (``applicants.access``).
structure_worker = is_provider & works_for_structure
dossier_worker = is_provider & works_for_dossier_structure
rules.add_perm("applicants.view_structure", is_coordinator | structure_member | structure_worker)
rules.add_perm("applicants.change_structure", is_coordinator | structure_editor)
rules.add_perm("applicants.manage_members", structure_editor)
# RGPD: the structure's whole data, JSON and files (its editors only).
rules.add_perm("applicants.export_structure_data", structure_editor)
rules.add_perm("applicants.list_all_structures", is_coordinator)
rules.add_perm("applicants.search", is_coordinator)

# Campaigns (appels à candidatures).
rules.add_perm("applicants.manage_campaigns", is_coordinator)

# Dossiers: the structure fills and submits; the coordination instructs.
rules.add_perm("applicants.add_dossier", structure_editor)
rules.add_perm("applicants.view_dossier", is_coordinator | dossier_member | dossier_worker)
# The instruction's history and the summary built from it stay between Regain and the
# structure, like the thread: a consultant reads the sections and the documents only.
rules.add_perm("applicants.view_dossier_history", is_coordinator | dossier_member)
rules.add_perm("applicants.change_dossier", dossier_editor)
rules.add_perm("applicants.submit_dossier", dossier_editor)
rules.add_perm("applicants.withdraw_dossier", dossier_editor)
rules.add_perm("applicants.instruct_dossier", is_coordinator)
rules.add_perm("applicants.decide_dossier", is_coordinator)
rules.add_perm("applicants.list_all_dossiers", is_coordinator)
rules.add_perm("applicants.export_dossiers", is_coordinator)

# The thread and the coordination's private notes.
rules.add_perm("applicants.view_messages", is_coordinator | dossier_member)
rules.add_perm("applicants.post_message", is_coordinator | dossier_editor)
rules.add_perm("applicants.view_private_notes", is_coordinator)
rules.add_perm("applicants.add_private_note", is_coordinator)
