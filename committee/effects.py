"""What the committee's workflows do besides moving the status: named on their rows."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accompaniment.services.committee import committee_recommendation_apply
from applicants.models import Campaign, DossierStatus
from applicants.workflows import DOSSIER_WORKFLOW
from ccr_portal.axes import Axis
from ccr_portal.documents.services import document_request
from ccr_portal.formatting import format_date
from ccr_portal.users.models import User
from diagnostics.models import AxisRecommendation, DiagnosticStatus
from diagnostics.selectors import assessment_warning, unfinished_assessments
from financing.services.responses import response_open

from .calendar import calendar_attachment
from .documents import DECISION_LETTER, MEETING_MINUTES
from .models import (
    DOSSIER_ACTION,
    ConflictOfInterest,
    Decision,
    Meeting,
    MeetingStatus,
    Outcome,
)

DEFAULT_RECOMMENDED_DAYS = Decimal("2")


def members_count(count: int, adjective: str = "présent") -> str:
    """« 1 membre présent », « 3 membres présents »."""
    plural = "s" if count > 1 else ""
    return f"{count} membre{plural} {adjective}{plural}"


# --- The meeting --------------------------------------------------------------------


def require_meeting_day(meeting: Meeting, *, actor, data) -> None:
    if meeting.day > timezone.localdate():
        raise ValidationError(
            f"La séance est prévue le {format_date(meeting.day)} : elle ne peut pas être "
            "déclarée tenue avant ce jour."
        )


def stamp_held(meeting: Meeting, *, actor, record, data) -> None:
    meeting.held_at = timezone.now()


def require_all_decided(meeting: Meeting, *, actor, data) -> None:
    """Every dossier still before the committee has its decision before the minutes."""
    waiting = [
        item.dossier.structure.name
        for item in meeting.agenda.select_related("dossier__structure", "decision")
        if item.dossier.status == DossierStatus.IN_COMMITTEE
        and not (hasattr(item, "decision") and item.decision.is_recorded)
    ]
    if waiting:
        raise ValidationError(
            [
                "La séance ne peut pas être close : des dossiers attendent leur décision.",
                *(f"« {name} » n'a pas de décision enregistrée." for name in waiting),
            ]
        )


def publish_minutes(meeting: Meeting, *, actor, record, data) -> None:
    meeting.closed_at = timezone.now()
    document_request(kind=MEETING_MINUTES, subject=meeting, requested_by=actor)


def cancel_meeting(meeting: Meeting, *, actor, record, data) -> None:
    meeting.cancelled_at = timezone.now()
    # Calendars replace the event they hold by the cancelled one.
    meeting.sequence += 1


def meeting_notice(meeting: Meeting, record, transition, details) -> dict:
    notice = {
        "subject": f"{meeting} : {record.get_to_status_display().lower()}",
        "template": "committee_meeting_status",
        "context": {
            "meeting": str(meeting),
            "campaign": meeting.campaign.title,
            "description": transition.description,
            "comment": record.comment,
            "closed": meeting.status == MeetingStatus.CLOSED,
        },
        "url": meeting.get_absolute_url(),
    }
    if meeting.status == MeetingStatus.CANCELLED:
        notice["attachments"] = [calendar_attachment(meeting, cancel=True)]
    return notice


# --- The decision -------------------------------------------------------------------


def check_entry(decision: Decision, *, recommended_axes, condition_axis: str) -> None:
    """What the secretary wrote makes a decision: French errors keyed by field."""
    errors = {}
    dossier = decision.item.dossier
    campaign = dossier.campaign
    if not decision.motivation.strip():
        errors["motivation"] = "Écrivez la motivation : elle est transmise à la structure."
    if decision.is_accepting:
        if decision.site is None:
            errors["site"] = "Attribuez un site à une candidature retenue."
        elif not campaign.sites.filter(pk=decision.site_id).exists():
            errors["site"] = f"Le site « {decision.site} » n'est pas proposé par « {campaign} »."
    elif decision.site_id:
        errors["site"] = "Un site ne s'attribue qu'à une candidature retenue."
    conditional = decision.outcome == Outcome.ACCEPTED_WITH_CONDITIONS
    if conditional and not decision.conditions.strip():
        errors["conditions"] = "Écrivez les conditions de la décision."
    if not conditional and (decision.conditions.strip() or condition_axis):
        errors["conditions"] = (
            "Des conditions ne se posent qu'avec la décision « Retenue sous conditions »."
        )
    axes = set(recommended_axes) | ({condition_axis} if condition_axis else set())
    if not decision.is_accepting and (axes or decision.financing_referral):
        errors["recommended_axes"] = (
            "Les accompagnements et l'orientation vers le financement se recommandent à une "
            "candidature retenue."
        )
    elif (
        Axis.SECURING in axes
        and campaign.securing_timing == Campaign.SecuringTiming.BEFORE_SELECTION
    ):
        errors["recommended_axes"] = (
            f"L'appel « {campaign} » prévoit la sécurisation avant la sélection uniquement : "
            "le comité ne peut pas la recommander après."
        )
    if errors:
        raise ValidationError(errors)


def require_decidable(decision: Decision, *, actor, data) -> None:
    meeting = decision.item.meeting
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError(
            "Les décisions s'enregistrent une fois la séance tenue et avant sa clôture : la "
            f"séance est « {meeting.get_status_display()} »."
        )
    dossier = decision.item.dossier
    if dossier.status != DossierStatus.IN_COMMITTEE:
        raise ValidationError(
            f"Le dossier de « {dossier.structure} » n'est plus en comité de sélection : il est "
            f"« {dossier.get_status_display()} »."
        )
    present = meeting.invitations.filter(present=True).count()
    if present < meeting.quorum:
        raise ValidationError(
            f"Le quorum n'est pas atteint : {members_count(present)} pour un quorum de "
            f"{meeting.quorum}. La décision n'a pas été enregistrée."
        )
    check_entry(
        decision,
        recommended_axes=data.get("recommended_axes", ()),
        condition_axis=data.get("condition_axis", ""),
    )
    pending = unfinished_assessments([dossier]).get(dossier.pk)
    if pending and not decision.assessment_override.strip():
        raise ValidationError({"assessment_override": assessment_warning(pending)})


def recommended_days(dossier, axis: str) -> Decimal:
    """The days the structure's latest validated diagnostic recommends on the axis, or 2."""
    line = (
        AxisRecommendation.objects.filter(
            diagnostic__structure_id=dossier.structure_id,
            diagnostic__status=DiagnosticStatus.VALIDATED,
            axis=axis,
        )
        .order_by("-diagnostic__validated_at", "-pk")
        .first()
    )
    return line.days if line else DEFAULT_RECOMMENDED_DAYS


def applicant_message(decision: Decision, axes: list[str]) -> str:
    """What the structure reads in its thread and its e-mail: never the opinions."""
    meeting = decision.item.meeting
    lines = [
        f"Décision du comité de sélection du {format_date(meeting.day)} : "
        f"{decision.get_outcome_display().lower()}."
    ]
    if decision.site:
        lines.append(f"Site attribué : {decision.site.name}.")
    lines.append(f"Motivation : {decision.motivation.strip()}")
    if decision.condition_lines:
        lines.append("Conditions :")
        lines += [f"– {line}" for line in decision.condition_lines]
    if axes:
        lines.append("Accompagnement recommandé : " + " ; ".join(Axis(a).label for a in axes) + ".")
    if decision.financing_referral:
        referral = "Orientation vers l'accompagnement financier (ESIA, PARGEST)"
        note = decision.financing_note.strip()
        lines.append(f"{referral} : {note}" if note else f"{referral}.")
    return "\n".join(lines)


def apply_decision(decision: Decision, *, actor, record, data) -> list[str]:
    """Snapshot the attendance, move the dossier, and hand the recommended axes to the
    accompaniment (the action in the plan, or a pending recommendation), once; a
    referral to the financial accompaniment opens the structure's financing response."""
    meeting = decision.item.meeting
    dossier = decision.item.dossier
    present = list(
        User.objects.filter(
            committee_invitations__meeting=meeting, committee_invitations__present=True
        ).order_by("pk")
    )
    conflicted = set(
        ConflictOfInterest.objects.filter(
            member__in=present, structure_id=dossier.structure_id, withdrawn_at__isnull=True
        ).values_list("member_id", flat=True)
    )
    decision.quorum = meeting.quorum
    decision.recorded_by = actor
    decision.recorded_at = timezone.now()
    decision.present_members.set(present)
    decision.abstaining_members.set([person for person in present if person.pk in conflicted])

    condition_axis = data.get("condition_axis", "")
    wanted = set(data.get("recommended_axes", ())) | ({condition_axis} if condition_axis else set())
    axes = [axis for axis in Axis.values if axis in wanted]
    DOSSIER_WORKFLOW.perform(
        dossier,
        actor=actor,
        action=DOSSIER_ACTION[Outcome(decision.outcome)],
        comment=applicant_message(decision, axes),
        # Recording the decision was the actor's right; the dossier follows from it.
        check_permission=False,
        assessment_override=decision.assessment_override,
    )
    dossier.refresh_from_db(fields=["status"])
    details = []
    for axis in axes:
        is_condition = axis == condition_axis
        recommendation = committee_recommendation_apply(
            dossier=dossier,
            axis=axis,
            actor=actor,
            origin=str(meeting),
            note=decision.conditions.strip() if is_condition else "",
            is_condition=is_condition,
            planned_days=recommended_days(dossier, axis),
        )
        decision.recommendations.add(recommendation)
        details.append(
            f"{Axis(axis).label} : "
            + ("ajouté au plan." if recommendation.action_id else recommendation.pending_reason)
        )
    if decision.financing_referral:
        _response, opened = response_open(
            dossier=dossier, actor=actor, note=decision.financing_note
        )
        details.append(
            "Accompagnement financier : "
            + ("réponse financière ouverte." if opened else "réponse financière déjà ouverte.")
        )
    return details


def send_letter(decision: Decision, *, actor, record, data) -> None:
    decision.letter_sent_at = timezone.now()
    document_request(kind=DECISION_LETTER, subject=decision, requested_by=actor)


def letter_notice(decision: Decision, record, transition, details) -> dict:
    dossier = decision.item.dossier
    return {
        "subject": f"Lettre du comité de sélection : {dossier.structure}",
        "template": "committee_letter_sent",
        "context": {
            "structure": dossier.structure.name,
            "campaign": dossier.campaign.title,
            "meeting": str(decision.item.meeting),
            "outcome": decision.get_outcome_display(),
        },
        "url": reverse("applicants:dossier-detail", kwargs={"pk": dossier.pk}),
    }
