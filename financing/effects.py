"""What the request's workflow does besides moving the status: named on its rows."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ccr_portal.documents.services import document_request
from ccr_portal.formatting import format_euros

from .documents import FINANCING_FILE
from .models import FinancingRequest, RequestMessage, RequestTransition
from .selectors import envelope_warning, request_problems

SPEAKERS = {
    "submit": "structure",
    "withdraw": "structure",
    "request_changes": "coordination",
    "forward": "coordination",
    "grant": "funder",
    "decline": "funder",
}


def require_submittable(request: FinancingRequest, *, actor, data) -> None:
    problems = request_problems(request)
    if problems:
        raise ValidationError(["La demande ne peut pas être déposée :", *problems])


def stamp_submitted(request: FinancingRequest, *, actor, record, data) -> None:
    request.submitted_at = timezone.now()
    request.changes_requested_at = None


def stamp_changes_requested(request: FinancingRequest, *, actor, record, data) -> None:
    request.changes_requested_at = timezone.now()


def require_forwardable(request: FinancingRequest, *, actor, data) -> None:
    """Beyond what remains of the credit line (or the cap per resident), forwarding needs
    a coordinator's recorded justification."""
    warning = envelope_warning(request)
    if not warning:
        return
    justification = (data.get("envelope_override") or "").strip()
    if not justification:
        raise ValidationError(
            {"envelope_override": f"{warning} Justifiez le dépassement pour transmettre."}
        )
    if not actor.has_perm("financing.override_envelope", request):
        raise ValidationError("Seule la coordination peut dépasser l'enveloppe.")


def forward(request: FinancingRequest, *, actor, record, data) -> list[str]:
    request.forwarded_at = timezone.now()
    warning = envelope_warning(request)
    request.over_envelope = bool(warning)
    request.envelope_override = (data.get("envelope_override") or "").strip() if warning else ""
    # The financing file is generated now and stays attached to the request.
    document_request(kind=FINANCING_FILE, subject=request, requested_by=actor)
    return [warning] if warning else []


GRANT_FIELDS = (
    "granted_amount",
    "granted_rate",
    "granted_months",
    "granted_deferral_months",
    "granted_share",
    "grant_conditions",
    "committee_date",
    "first_due_on",
)


def require_grant_terms(request: FinancingRequest, *, actor, data) -> None:
    errors = {}
    amount = data.get("granted_amount")
    if amount is None or amount <= 0:
        errors["granted_amount"] = "Indiquez le montant accordé."
    elif amount > request.amount:
        errors["granted_amount"] = (
            "Le montant accordé ne peut dépasser le montant demandé "
            f"({format_euros(request.amount)})."
        )
    if not data.get("committee_date"):
        errors["committee_date"] = "Indiquez la date du comité d'engagement."
    if request.product.is_repaid:
        months = data.get("granted_months")
        if not months:
            errors["granted_months"] = "Indiquez la durée accordée."
        elif (data.get("granted_deferral_months") or 0) >= months:
            errors["granted_deferral_months"] = "Le différé doit être plus court que la durée."
        if not data.get("first_due_on"):
            errors["first_due_on"] = "Indiquez la date de la première échéance."
    if errors:
        raise ValidationError(errors)


def grant(request: FinancingRequest, *, actor, record, data) -> list[str]:
    for name in GRANT_FIELDS:
        if name in data:
            setattr(request, name, data[name] if data[name] is not None else None)
    request.grant_conditions = data.get("grant_conditions") or ""
    if request.granted_rate is None:
        request.granted_rate = request.product.interest_rate
    request.decided_at = timezone.now()
    return [f"Montant accordé : {format_euros(request.granted_amount)}."]


def decline(request: FinancingRequest, *, actor, record, data) -> None:
    request.refusal_reason = record.comment
    request.decided_at = timezone.now()


def release_line(request: FinancingRequest, *, actor, record, data) -> None:
    """A withdrawn request leaves the response: its line is freed to be split again."""
    line = request.response_line
    if line is not None:
        request.response_line = None
        FinancingRequest.objects.filter(pk=request.pk).update(response_line=None)
        line.delete()


def announce(request: FinancingRequest, record: RequestTransition, transition) -> None:
    """The automatic message of the request's thread."""
    body = transition.description
    if record.comment:
        body = f"{body}\n{record.comment}"
    RequestMessage.objects.create(
        request=request,
        author=record.actor,
        speaker=SPEAKERS.get(record.action, "system"),
        is_automatic=True,
        body=body,
    )


def status_notice(request: FinancingRequest, record: RequestTransition, transition, details):
    return {
        "subject": f"Demande de financement ({request.product.name}, {request.structure}) : "
        f"{record.get_to_status_display().lower()}",
        "template": "financing_request_status",
        "context": {
            "structure": request.structure.name,
            "product": request.product.name,
            "funder": str(request.product.funder),
            "amount": format_euros(request.amount),
            "description": transition.description,
            "to_status": record.get_to_status_display(),
            "comment": record.comment,
            "details": details,
        },
        "url": reverse("financing:request-detail", kwargs={"pk": request.pk}),
    }
