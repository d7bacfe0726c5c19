"""The financing panels of the dashboards: the fund officer's requests, the coordination's
requests to pre-review, a structure's requests."""

from django.db.models import Count

from ccr_portal.panels import PLAN_FINANCING, STRUCTURE_DETAIL, Panel, register_panel
from ccr_portal.plan_lines import register_plan_lines
from ccr_portal.users.models import Role

from .models import FinancingRequest, RequestStatus, funder_ids
from .selectors import plan_repayment_lines, requests_for_list


def _counts(queryset) -> dict:
    # COUNT(*), not COUNT(id): PostgreSQL answers from the status index alone.
    return dict(queryset.order_by().values_list("status").annotate(total=Count("*")))


def _funder_panel(request) -> dict | None:
    funds = funder_ids(request.user)
    if not funds:
        return None
    requests = FinancingRequest.objects.visible_to(request.user)
    counts = _counts(requests)
    waiting = list(
        requests_for_list(requests.filter(status=RequestStatus.FORWARDED)).order_by(
            "forwarded_at", "pk"
        )[:5]
    )
    return {
        "title": "Demandes transmises à mon fonds",
        "rows": waiting,
        "empty": "Aucune demande n'attend votre décision.",
        "counts": [
            (RequestStatus.FORWARDED.label, counts.get(RequestStatus.FORWARDED, 0)),
            (RequestStatus.GRANTED.label, counts.get(RequestStatus.GRANTED, 0)),
            (RequestStatus.DECLINED.label, counts.get(RequestStatus.DECLINED, 0)),
        ],
    }


def _coordinator_panel(request) -> dict:
    """The requests by state, each a link to the filtered list: one query (the
    coordination's dashboard gathers many panels)."""
    counts = _counts(FinancingRequest.objects.all())
    return {
        "title": "Demandes de financement",
        "rows": None,
        "empty": "",
        "counts": [(label, counts.get(code, 0)) for code, label in RequestStatus.choices],
        "linked": [
            (code, label, counts.get(code, 0))
            for code, label in RequestStatus.choices
            if counts.get(code)
        ],
    }


def _applicant_panel(request) -> dict | None:
    requests = FinancingRequest.objects.visible_to(request.user)
    rows = list(requests_for_list(requests).order_by("-created_at", "-pk")[:5])
    if not rows:
        return None
    return {"title": "Mes demandes de financement", "rows": rows, "empty": "", "counts": []}


def _plan_repayments(request, plan) -> dict | None:
    """Beside the plan's financing plan: what the granted loans repay in its years N, N+1
    and N+2 (the « Remboursement d'emprunts » line), from their schedules."""
    from .arithmetic import ZERO, repayments_by_year
    from .selectors import schedule_of

    granted = list(
        FinancingRequest.objects.visible_to(request.user)
        .filter(
            structure_id=plan.structure_id,
            campaign_id=plan.campaign_id,
            status=RequestStatus.GRANTED,
        )
        .select_related("product")
    )
    rows = []
    for financing_request in granted:
        by_year = repayments_by_year(schedule_of(financing_request))
        if by_year:
            rows.append((financing_request, [by_year.get(year, ZERO) for year in plan.years]))
    if not rows:
        return None
    totals = [sum(amounts[index] for _r, amounts in rows) for index in range(3)]
    return {"plan": plan, "rows": rows, "totals": totals}


def _structure_financing(request, structure) -> dict | None:
    """The structure's page: its financing responses and requests, for who may read them."""
    from .models import FinancingResponse

    user = request.user
    if not user.has_perm("financing.view_response", structure):
        return None
    responses = list(
        FinancingResponse.objects.filter(structure=structure).select_related("campaign")
    )
    requests = list(
        FinancingRequest.objects.visible_to(user)
        .filter(structure=structure)
        .select_related("product")
        .order_by("-created_at", "-pk")
    )
    if not (responses or requests):
        return None
    return {"responses": responses, "requests": requests}


register_panel(
    STRUCTURE_DETAIL,
    Panel("financing/panels/structure_financing.html", _structure_financing, 40),
)
register_panel(PLAN_FINANCING, Panel("financing/panels/plan_repayments.html", _plan_repayments))
# The repayments count in the plan's financing plan itself (its balance, check and PDF).
register_plan_lines(plan_repayment_lines)
register_panel(Role.FUNDER, Panel("financing/panels/requests.html", _funder_panel, order=5))
register_panel(
    Role.COORDINATOR, Panel("financing/panels/requests.html", _coordinator_panel, order=60)
)
register_panel(Role.APPLICANT, Panel("financing/panels/requests.html", _applicant_panel, 60))
