"""The diagnostics' panels on dashboards, structure and dossier pages."""

from ccr_portal.panels import (
    DOSSIER_DETAIL,
    STRUCTURE_DETAIL,
    Panel,
    register_panel,
)
from ccr_portal.users.models import Role

from .models import COMMITTED_STATUSES, Diagnostic, DiagnosticStatus
from .selectors import (
    awaiting_sign_off,
    capacity_plan,
    capacity_warnings,
    member_diagnostics,
    provider_assignments,
)

PANEL_ROWS = 5


def _coordinator_panel(request) -> dict:
    plan = capacity_plan(horizon=3)
    # The plan counted the diagnostics by status and found the overdue ones already.
    totals = plan.status_totals
    counts = [(code, label, totals.get(code, 0)) for code, label in DiagnosticStatus.choices]
    return {
        "counts": [row for row in counts if row[2]],
        "to_triage": totals.get(DiagnosticStatus.REQUESTED, 0),
        "overdue": plan.late.overdue,
        "plan": plan,
        "warnings": capacity_warnings(plan),
    }


def _provider_panel(request) -> dict:
    assignments = provider_assignments(request.user).filter(
        status__in=[*COMMITTED_STATUSES, DiagnosticStatus.DELIVERED]
    )
    return {
        "assignments": assignments.select_related("structure")[:PANEL_ROWS],
        "total": assignments.count(),
    }


def _applicant_panel(request) -> dict:
    mine = member_diagnostics(request.user).select_related("structure")
    return {
        "awaiting": list(awaiting_sign_off(request.user)[:PANEL_ROWS]),
        "diagnostics": list(mine.order_by("-requested_at")[:PANEL_ROWS]),
    }


def _structure_panel(request, structure) -> dict:
    # The structure page already checked that the viewer may read the structure.
    diagnostics = (
        Diagnostic.objects.visible_to(request.user)
        .filter(structure=structure)
        .select_related("provider")
        .order_by("-requested_at")
    )
    return {
        "structure": structure,
        "diagnostics": list(diagnostics),
        "can_request": request.user.has_perm("diagnostics.request_diagnostic", structure),
    }


def _dossier_panel(request, dossier) -> dict | None:
    user = request.user
    diagnostics = list(
        Diagnostic.objects.visible_to(user)
        .filter(dossier=dossier)
        .select_related("provider")
        .order_by("-requested_at")
    )
    can_order = user.has_perm("diagnostics.order_assessment", dossier)
    if not diagnostics and not can_order:
        return None
    return {"dossier": dossier, "diagnostics": diagnostics, "can_order": can_order}


register_panel(
    Role.COORDINATOR, Panel("diagnostics/panels/coordinator.html", _coordinator_panel, 30)
)
register_panel(Role.PROVIDER, Panel("diagnostics/panels/provider.html", _provider_panel, 20))
register_panel(Role.APPLICANT, Panel("diagnostics/panels/applicant.html", _applicant_panel, 20))
register_panel(STRUCTURE_DETAIL, Panel("diagnostics/panels/structure.html", _structure_panel, 20))
register_panel(DOSSIER_DETAIL, Panel("diagnostics/panels/dossier.html", _dossier_panel, 20))
