"""The financing panels of the dashboards: the fund officer's requests, the coordination's
requests to pre-review, a structure's requests."""

from django.db.models import Count

from ccr_portal.panels import Panel, register_panel
from ccr_portal.users.models import Role

from .models import FinancingRequest, RequestStatus, funder_ids
from .selectors import requests_for_list


def _counts(queryset) -> dict:
    return dict(queryset.order_by().values_list("status").annotate(total=Count("pk")))


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


register_panel(Role.FUNDER, Panel("financing/panels/requests.html", _funder_panel, order=5))
register_panel(
    Role.COORDINATOR, Panel("financing/panels/requests.html", _coordinator_panel, order=60)
)
register_panel(Role.APPLICANT, Panel("financing/panels/requests.html", _applicant_panel, 60))
