"""What the dossier workflow does besides moving the status: named on its table's rows."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ccr_portal.formatting import format_date
from ccr_portal.workflow import Notice, Speaker

from .checks import decision_warnings
from .completeness import dossier_completeness
from .models import Campaign, Dossier, DossierStatus, DossierTransition, Message


def require_complete(dossier: Dossier, *, actor, data) -> None:
    """A dossier is submitted whole: the refusal lists what is missing."""
    completeness = dossier_completeness(dossier)
    if not completeness.is_complete:
        raise ValidationError(
            ["Le dossier n'est pas complet : il n'a pas été déposé.", *completeness.messages()]
        )


NUMBER_PREFIX = "CCR"


def next_number(dossier: Dossier) -> str:
    """The campaign's next dossier number, « CCR-2026-0042 », under the campaign's lock."""
    campaign = Campaign.objects.select_for_update().get(pk=dossier.campaign_id)
    prefix = f"{NUMBER_PREFIX}-{campaign.opens_on.year}-"
    last = (
        Dossier.objects.filter(campaign=campaign, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


def require_assessment_or_override(dossier: Dossier, *, actor, data) -> None:
    """A committee step without the ordered assessment needs the coordinator's reason."""
    warnings = decision_warnings(dossier)
    if warnings and not data.get("assessment_override", "").strip():
        raise ValidationError({"assessment_override": warnings})


def stamp_submitted(dossier: Dossier, *, actor, record, data) -> None:
    """Submitted now; numbered at the first submission, the number kept afterwards."""
    dossier.submitted_at = timezone.now()
    if not dossier.number:
        dossier.number = next_number(dossier)


def post_in_thread(dossier: Dossier, record: DossierTransition, transition) -> None:
    """The automatic message of the thread: the step, its motive and its message."""
    lines = [
        f"{transition.description} (« {record.get_from_status_display()} » → "
        f"« {record.get_to_status_display()} »)."
    ]
    if record.reason:
        lines.append(f"Motif : {record.get_reason_display()}.")
    if record.comment:
        lines.append(record.comment)
    Message.objects.create(
        dossier=dossier,
        author=record.actor,
        from_coordination=transition.speaker == Speaker.COORDINATION,
        is_automatic=True,
        body="\n".join(lines),
    )


def submission_receipt(dossier: Dossier, record: DossierTransition, transition, details) -> dict:
    """The acknowledgement the structure's members receive: the number and the date."""
    return {
        "subject": f"Accusé de réception : dossier {dossier.number} déposé",
        "template": "dossier_receipt",
        "context": {
            "structure": dossier.structure.name,
            "campaign": dossier.campaign.title,
            "number": dossier.number,
            "submitted_on": format_date(timezone.localdate(dossier.submitted_at)),
            "submitted_by": record.actor.display_name if record.actor else "",
            "resubmitted": record.from_status == DossierStatus.CHANGES_REQUESTED,
        },
        "url": reverse("applicants:dossier-detail", kwargs={"pk": dossier.pk}),
    }


def status_notice(dossier: Dossier, record: DossierTransition, transition, details) -> dict:
    return {
        "subject": f"Dossier {dossier.structure} : {record.get_to_status_display().lower()}",
        "template": "dossier_status_changed",
        "context": {
            "structure": dossier.structure.name,
            "campaign": dossier.campaign.title,
            "from_status": record.get_from_status_display(),
            "to_status": record.get_to_status_display(),
            "reason": record.get_reason_display() if record.reason else "",
            "message": record.comment,
        },
        "url": reverse("applicants:dossier-detail", kwargs={"pk": dossier.pk}),
    }


RECEIPT = Notice(submission_receipt)
