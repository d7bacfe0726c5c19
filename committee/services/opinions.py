"""Opinions: each member's word on each file of the agenda, until the meeting is held."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ccr_portal.users.models import User
from ccr_portal.workflow import TransitionRefused

from ..models import Meeting, MeetingStatus, Opinion, OpinionScore, OpinionValue
from ..selectors import forget_committee_cache


@transaction.atomic
def opinions_give(*, meeting: Meeting, actor: User, entries: list[dict]) -> list[Opinion]:
    """Give or change opinions on several files at once: ``item``, ``value``, ``comment``
    and ``scores`` ({commitment: 1..4}). A file left without a value is skipped.

    The meeting is locked, so an opinion cannot slip in once the meeting is held.
    """
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise TransitionRefused(
            f"Les avis sont figés : la séance est « {meeting.get_status_display()} »."
        )
    saved = []
    for entry in entries:
        item = entry["item"]
        if item.meeting_id != meeting.pk:
            raise ValidationError("Ce dossier n'est pas à l'ordre du jour de cette séance.")
        value = entry.get("value") or ""
        if not value:
            continue
        if value not in OpinionValue.values:
            raise ValidationError(
                {f"{item.pk}-value": "Choisissez favorable, réservé ou défavorable."}
            )
        if not actor.has_perm("committee.give_opinion", item):
            raise PermissionDenied(
                f"Vous ne pouvez pas donner d'avis sur « {item.dossier.structure} »."
            )
        opinion, _ = Opinion.objects.get_or_create(
            item=item, member=actor, defaults={"value": value}
        )
        opinion.value = value
        opinion.comment = (entry.get("comment") or "").strip()
        opinion.full_clean()
        opinion.save()
        commitments = {c.pk: c for c in item.dossier.campaign.charter_commitments.all()}
        scores = entry.get("scores") or {}
        opinion.scores.exclude(commitment_id__in=[c.pk for c in scores if scores[c]]).delete()
        for commitment, score in scores.items():
            if not score:
                continue
            if commitment.pk not in commitments:
                raise ValidationError("Cet engagement n'est pas dans la charte de l'appel.")
            line, _ = OpinionScore.objects.get_or_create(
                opinion=opinion, commitment=commitment, defaults={"score": score}
            )
            line.score = int(score)
            line.full_clean()
            line.save()
        saved.append(opinion)
    forget_committee_cache(actor)
    return saved
