"""Decisions: recorded at the meeting, one or several at once, then the letters."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from applicants.models import Site
from ccr_portal.users.models import User
from ccr_portal.workflow import TransitionRefused

from ..effects import check_entry
from ..models import AgendaItem, Decision, DecisionStatus, Meeting
from ..workflows import DECISION_WORKFLOW


@dataclass
class DecisionEntry:
    item: AgendaItem
    outcome: str
    motivation: str
    site: Site | None = None
    conditions: str = ""
    recommended_axes: list[str] = field(default_factory=list)
    condition_axis: str = ""
    financing_referral: bool = False
    financing_note: str = ""
    assessment_override: str = ""


class DecisionsRefused(Exception):
    """Some decisions of a batch were refused: none was recorded. ``errors`` maps each
    refused agenda item's id to its ``ValidationError``."""

    def __init__(self, errors: dict[int, ValidationError]):
        super().__init__("Des décisions ont été refusées.")
        self.errors = errors


@transaction.atomic
def decision_record(*, actor: User, entry: DecisionEntry) -> Decision:
    """Record one decision: its fields are checked, then the decision workflow runs the
    rest (the quorum, the dossier's move, the accompaniment recommended)."""
    item = entry.item
    decision = Decision.objects.filter(item=item).first()
    if decision is not None and decision.status != DecisionStatus.DRAFT:
        raise TransitionRefused(
            f"La décision sur « {item.dossier.structure} » est déjà enregistrée."
        )
    decision = decision or Decision(item=item)
    if not actor.has_perm("committee.record_decision", decision):
        raise PermissionDenied(
            "Seules la coordination et la présidence de séance enregistrent les décisions."
        )
    decision.outcome = entry.outcome
    decision.motivation = entry.motivation.strip()
    decision.site = entry.site
    decision.conditions = entry.conditions.strip()
    decision.financing_referral = entry.financing_referral
    decision.financing_note = entry.financing_note.strip() if entry.financing_referral else ""
    decision.assessment_override = entry.assessment_override.strip()
    check_entry(
        decision, recommended_axes=entry.recommended_axes, condition_axis=entry.condition_axis
    )
    decision.full_clean()
    decision.save()
    DECISION_WORKFLOW.perform(
        decision,
        actor=actor,
        action="record",
        recommended_axes=list(entry.recommended_axes),
        condition_axis=entry.condition_axis,
    )
    decision.refresh_from_db()
    return decision


def decisions_record(*, meeting: Meeting, actor: User, entries: list[DecisionEntry]) -> list:
    """Several decisions at the end of a meeting: all are recorded, or none (with each
    refusal's reason, so that nothing the secretary wrote is lost)."""
    errors: dict[int, ValidationError] = {}
    with transaction.atomic():
        Meeting.objects.select_for_update().get(pk=meeting.pk)
        decisions = []
        for entry in entries:
            if entry.item.meeting_id != meeting.pk:
                raise ValidationError("Ce dossier n'est pas à l'ordre du jour de la séance.")
            try:
                with transaction.atomic():
                    decisions.append(decision_record(actor=actor, entry=entry))
            except ValidationError as error:
                errors[entry.item.pk] = error
            except (TransitionRefused, PermissionDenied) as refusal:
                errors[entry.item.pk] = ValidationError(str(refusal))
        if errors:
            raise DecisionsRefused(errors)
    return decisions


def decision_send_letter(*, decision: Decision, actor: User):
    return DECISION_WORKFLOW.perform(decision, actor=actor, action="send_letter")


@transaction.atomic
def letters_send(*, meeting: Meeting, actor: User) -> int:
    """Send every recorded decision's letter of the meeting; returns how many went."""
    if not actor.has_perm("committee.send_letter"):
        raise PermissionDenied("Seule la coordination envoie les lettres de décision.")
    decisions = Decision.objects.filter(item__meeting=meeting, status=DecisionStatus.RECORDED)
    count = 0
    for decision in decisions:
        decision_send_letter(decision=decision, actor=actor)
        count += 1
    return count
