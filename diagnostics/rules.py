"""Who may do what with a diagnostic: one permission per action.

The detail page, the PDF (documents pipeline), the covered document's file and
every list ask these permissions; lists use ``Diagnostic.objects.visible_to``,
which states the same reading rule as a query.

Reading a diagnostic:
- coordinators: every diagnostic;
- a structure's members (applicant role): its support diagnostics at every
  stage; an assessment diagnostic belongs to the instruction, so the structure
  reads it only once validated (never the drafts nor the triage);
- providers: the diagnostics assigned to their organisation;
- committee members: an assessment diagnostic once validated, a support one
  once delivered and only while the structure's consent is active; never a
  structure they declared a conflict of interest with (the committee app's rule);
- funders: none.

A request covered by an existing diagnostic counts as finished for reading
(``models.SHAREABLE_STATUSES``): covered assessment ones are read like
validated ones, covered support ones are shared like delivered ones.
"""

import rules

from applicants.access import register_structure_access
from applicants.models import DossierStatus
from applicants.rules import is_structure_editor, is_structure_member
from ccr_portal.permissions import (
    committee_excluded_structure_ids,
    is_applicant,
    is_committee,
    is_coordinator,
    is_provider,
    provider_ids,
)

from .models import CommitteeConsent, Diagnostic, DiagnosticPurpose, DiagnosticStatus

# A coordinator may order an assessment diagnostic while the dossier is instructed.
ASSESSMENT_DOSSIER_STATUSES = (
    DossierStatus.SUBMITTED,
    DossierStatus.UNDER_REVIEW,
    DossierStatus.IN_COMMITTEE,
)


@rules.predicate
def is_member_of_diagnostic_structure(user, diagnostic) -> bool:
    return diagnostic is not None and is_structure_member(user, diagnostic.structure)


@rules.predicate
def is_editor_of_diagnostic_structure(user, diagnostic) -> bool:
    return diagnostic is not None and is_structure_editor(user, diagnostic.structure)


@rules.predicate
def structure_may_read(user, diagnostic) -> bool:
    """Support: always its own; assessment: only the validated report."""
    return diagnostic is not None and (
        diagnostic.purpose == DiagnosticPurpose.SUPPORT or diagnostic.is_published
    )


@rules.predicate
def is_assigned_provider(user, diagnostic) -> bool:
    return (
        diagnostic is not None
        and diagnostic.provider_id is not None
        and diagnostic.provider_id in provider_ids(user)
    )


@rules.predicate
def committee_may_read(user, diagnostic) -> bool:
    if diagnostic is None:
        return False
    # A member's conflict of interest with the structure closes its diagnostics to them.
    if diagnostic.structure_id in committee_excluded_structure_ids(user):
        return False
    if diagnostic.purpose == DiagnosticPurpose.ASSESSMENT:
        return diagnostic.is_published
    return (
        diagnostic.is_shareable
        and CommitteeConsent.objects.filter(
            diagnostic_id=diagnostic.pk, revoked_at__isnull=True
        ).exists()
    )


@rules.predicate
def is_support(user, diagnostic) -> bool:
    return diagnostic is not None and diagnostic.purpose == DiagnosticPurpose.SUPPORT


@rules.predicate
def is_declined(user, diagnostic) -> bool:
    return diagnostic is not None and diagnostic.status == DiagnosticStatus.DECLINED


@rules.predicate
def dossier_is_instructed(user, dossier) -> bool:
    return dossier is not None and dossier.status in ASSESSMENT_DOSSIER_STATUSES


@rules.predicate
def is_member_of_provider(user, provider) -> bool:
    return provider is not None and provider.pk in provider_ids(user)


structure_reader = is_applicant & is_member_of_diagnostic_structure & structure_may_read
structure_editor = is_applicant & is_editor_of_diagnostic_structure & structure_may_read
assigned_provider = is_provider & is_assigned_provider

rules.add_perm(
    "diagnostics.view_diagnostic",
    is_coordinator | structure_reader | assigned_provider | (is_committee & committee_may_read),
)
# The provider's draft grid stays between the provider and the coordination.
rules.add_perm("diagnostics.view_draft_grid", is_coordinator | assigned_provider)

# Requests: the structure asks (support); the coordination orders (assessment).
rules.add_perm("diagnostics.request_diagnostic", is_applicant & is_structure_editor)
rules.add_perm("diagnostics.order_assessment", is_coordinator & dossier_is_instructed)

# Triage, assignment and validation by the coordination.
rules.add_perm("diagnostics.list_all_diagnostics", is_coordinator)
rules.add_perm("diagnostics.triage_diagnostic", is_coordinator)
rules.add_perm("diagnostics.assign_diagnostic", is_coordinator)
rules.add_perm("diagnostics.validate_diagnostic", is_coordinator)

# The diagnostic's thread joins the structure (while it may read the diagnostic), the
# assigned provider's consultants and the coordination; the committee takes no part.
rules.add_perm(
    "diagnostics.view_diagnostic_thread", is_coordinator | structure_reader | assigned_provider
)
rules.add_perm(
    "diagnostics.post_diagnostic_message",
    (is_coordinator | structure_editor | assigned_provider) & ~is_declined,
)

# The provider answers the assignment and fills the grid.
rules.add_perm("diagnostics.respond_assignment", assigned_provider)
rules.add_perm("diagnostics.fill_grid", assigned_provider)
rules.add_perm("diagnostics.list_assignments", is_provider)

# The structure's shared sign-off and its consent to the committee (support only).
rules.add_perm("diagnostics.sign_off_diagnostic", structure_editor)
rules.add_perm("diagnostics.manage_consent", structure_editor & is_support)
rules.add_perm("diagnostics.list_my_diagnostics", is_applicant)

# Capacity: a provider declares its own, the coordination any.
rules.add_perm(
    "diagnostics.declare_capacity", is_coordinator | (is_provider & is_member_of_provider)
)


# A consultant reads the structure and its dossier while its diagnostic is open: assigned,
# under way, or delivered and not yet validated.
OPEN_ASSIGNMENT_STATUSES = (
    DiagnosticStatus.ASSIGNED,
    DiagnosticStatus.IN_PROGRESS,
    DiagnosticStatus.DELIVERED,
)


@register_structure_access
def structures_of_open_diagnostics(user):
    if not provider_ids(user):
        return None
    return Diagnostic.objects.filter(
        provider_id__in=provider_ids(user), status__in=OPEN_ASSIGNMENT_STATUSES
    ).values_list("structure_id", flat=True)
