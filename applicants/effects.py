"""What the dossier workflow does besides moving the status: named on its table's rows."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ccr_portal.workflow import Speaker

from .completeness import dossier_completeness
from .models import Dossier, DossierTransition, Message


def require_complete(dossier: Dossier, *, actor, data) -> None:
    """A dossier is submitted whole: the refusal lists what is missing."""
    completeness = dossier_completeness(dossier)
    if not completeness.is_complete:
        raise ValidationError(
            ["Le dossier n'est pas complet : il n'a pas été déposé.", *completeness.messages()]
        )


def stamp_submitted(dossier: Dossier, *, actor, record, data) -> None:
    dossier.submitted_at = timezone.now()


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
