"""The agenda: dossiers in instruction put before the committee, in order."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from applicants.models import Dossier, DossierStatus
from applicants.workflows import DOSSIER_WORKFLOW
from ccr_portal.users.models import User
from ccr_portal.workflow import TransitionRefused
from diagnostics.selectors import assessment_warning, unfinished_assessments

from ..models import AgendaItem, Meeting, MeetingStatus
from ..selectors import agenda_candidates
from ..workflows import MEETING_WORKFLOW
from .conflicts import conflicts_prefill


def _check_agenda(meeting: Meeting, actor: User) -> Meeting:
    meeting = Meeting.objects.select_for_update().select_related("campaign").get(pk=meeting.pk)
    if not actor.has_perm("committee.set_agenda", meeting):
        if meeting.status != MeetingStatus.SCHEDULED:
            raise TransitionRefused(
                "L'ordre du jour ne se modifie plus : la séance est "
                f"« {meeting.get_status_display()} »."
            )
        raise PermissionDenied("Seule la coordination fixe l'ordre du jour.")
    return meeting


@transaction.atomic
def agenda_add(
    *, meeting: Meeting, actor: User, dossiers, assessment_override: str = ""
) -> list[AgendaItem]:
    """Put dossiers on the agenda: a dossier in instruction moves to « En comité de
    sélection ». A dossier whose ordered assessment diagnostic is not validated needs the
    coordinator's confirmation, with its reason, recorded on the item and the dossier."""
    meeting = _check_agenda(meeting, actor)
    dossiers = list(dossiers)
    if not dossiers:
        raise ValidationError({"dossiers": "Choisissez au moins un dossier."})
    allowed = set(agenda_candidates(meeting).values_list("pk", flat=True))
    refused = [d for d in dossiers if d.pk not in allowed]
    if refused:
        raise ValidationError(
            {
                "dossiers": [
                    f"« {d.structure} » ne peut pas être inscrit : le dossier est "
                    f"« {d.get_status_display()} » ou déjà à l'ordre du jour d'une séance."
                    for d in refused
                ]
            }
        )
    pending = unfinished_assessments(dossiers)
    override = assessment_override.strip()
    if pending and not override:
        raise ValidationError(
            {
                "assessment_override": [
                    f"{d.structure} : {assessment_warning(pending[d.pk])}"
                    for d in dossiers
                    if d.pk in pending
                ]
            }
        )
    position = meeting.agenda.count()
    items = []
    for dossier in dossiers:
        item = AgendaItem(
            meeting=meeting,
            dossier=dossier,
            position=position,
            added_by=actor,
            assessment_override=override if dossier.pk in pending else "",
        )
        item.full_clean()
        item.save()
        items.append(item)
        position += 1
        if dossier.status == DossierStatus.UNDER_REVIEW:
            comment = f"Inscrit à l'ordre du jour : {meeting}."
            if dossier.pk in pending:
                comment += f"\nSans diagnostic d'instruction validé : {override}"
            DOSSIER_WORKFLOW.perform(
                dossier,
                actor=actor,
                action="send_to_committee",
                comment=comment,
                assessment_override=item.assessment_override,
            )
    MEETING_WORKFLOW.record_event(
        meeting,
        actor=actor,
        event="agenda",
        comment="Ajoutés : " + ", ".join(str(d.structure) for d in dossiers) + ".",
    )
    conflicts_prefill(meeting=meeting, actor=actor)
    return items


@transaction.atomic
def agenda_remove(*, item: AgendaItem, actor: User) -> None:
    """Take a dossier off a scheduled agenda; it stays before the committee, for another
    meeting. Refused once members have given opinions on it."""
    meeting = _check_agenda(item.meeting, actor)
    if item.opinions.exists():
        raise TransitionRefused(
            f"Des avis sont déjà donnés sur « {item.dossier.structure} » : le dossier reste à "
            "l'ordre du jour."
        )
    name = str(item.dossier.structure)
    item.delete()
    MEETING_WORKFLOW.record_event(meeting, actor=actor, event="agenda", comment=f"Retiré : {name}.")


def agenda_dossiers(ids) -> list[Dossier]:
    return list(Dossier.objects.filter(pk__in=ids).select_related("structure"))
