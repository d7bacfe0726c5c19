"""Meetings: scheduled with their members and invitations, moved, held, closed, cancelled."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from applicants.models import Campaign
from ccr_portal.formatting import format_date
from ccr_portal.notifications.services import notify
from ccr_portal.users.models import Role, User
from ccr_portal.workflow import TransitionRefused

from ..calendar import calendar_attachment
from ..models import Meeting, MeetingMember, MeetingStatus
from ..workflows import MEETING_WORKFLOW
from .conflicts import conflicts_prefill

# The fields that change what the members' calendars hold.
CALENDAR_FIELDS = ("starts_at", "duration_minutes", "place", "video_link")


def _check_members(members, chair) -> list[User]:
    members = list(dict.fromkeys(members))
    not_members = [person for person in members if not person.has_role(Role.COMMITTEE)]
    if not_members:
        names = ", ".join(person.display_name for person in not_members)
        raise ValidationError(
            {"members": f"Ces personnes ne sont pas membres du comité : {names}."}
        )
    if not members:
        raise ValidationError({"members": "Invitez au moins un membre du comité."})
    if chair is not None and chair not in members:
        raise ValidationError({"chair": "La présidence revient à un membre invité."})
    return members


def _check_quorum(quorum: int, members: list) -> None:
    if quorum > len(members):
        raise ValidationError(
            {
                "quorum": f"Le quorum ({quorum}) dépasse le nombre de membres invités "
                f"({len(members)})."
            }
        )


def _invite(meeting: Meeting, person: User, *, updated: bool = False) -> None:
    when = timezone.localtime(meeting.starts_at)
    notify(
        recipient=person,
        subject=f"{'Séance modifiée' if updated else 'Invitation'} : {meeting}",
        template="committee_invitation",
        context={
            "meeting": str(meeting),
            "campaign": meeting.campaign.title,
            "date": format_date(when.date()),
            "time": when.strftime("%H h %M"),
            "place": meeting.place,
            "video_link": meeting.video_link,
            "updated": updated,
        },
        url=meeting.get_absolute_url(),
        attachments=[calendar_attachment(meeting)],
    )


def _uninvite(meeting: Meeting, person: User) -> None:
    notify(
        recipient=person,
        subject=f"Vous n'êtes plus invité : {meeting}",
        template="committee_uninvited",
        context={"meeting": str(meeting), "campaign": meeting.campaign.title},
        attachments=[calendar_attachment(meeting, cancel=True)],
    )


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    campaign: Campaign,
    starts_at: datetime.datetime,
    quorum: int,
    members,
    duration_minutes: int = 180,
    place: str = "",
    video_link: str = "",
    chair: User | None = None,
) -> Meeting:
    """Schedule a meeting and send each invited member an invitation with its ``.ics``."""
    if not actor.has_perm("committee.schedule_meeting"):
        raise PermissionDenied("Seule la coordination programme les séances du comité.")
    members = _check_members(members, chair)
    _check_quorum(quorum, members)
    meeting = Meeting(
        campaign=campaign,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        place=place.strip(),
        video_link=video_link.strip(),
        quorum=quorum,
        chair=chair,
        created_by=actor,
    )
    meeting.full_clean()
    meeting.save()
    MeetingMember.objects.bulk_create(MeetingMember(meeting=meeting, user=p) for p in members)
    MEETING_WORKFLOW.record_event(meeting, actor=actor, event="schedule")
    for person in members:
        _invite(meeting, person)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    actor: User,
    starts_at: datetime.datetime,
    quorum: int,
    members,
    duration_minutes: int,
    place: str = "",
    video_link: str = "",
    chair: User | None = None,
) -> Meeting:
    """Move or change a scheduled meeting: the members' calendars follow (a new sequence of
    the same event), new members are invited and those taken off receive a cancellation."""
    meeting = Meeting.objects.select_for_update().select_related("campaign").get(pk=meeting.pk)
    if not actor.has_perm("committee.change_meeting", meeting):
        if meeting.status != MeetingStatus.SCHEDULED:
            raise TransitionRefused(
                "La séance ne peut plus être modifiée : elle est "
                f"« {meeting.get_status_display()} »."
            )
        raise PermissionDenied("Seule la coordination modifie les séances du comité.")
    members = _check_members(members, chair)
    _check_quorum(quorum, members)
    before = {name: getattr(meeting, name) for name in CALENDAR_FIELDS}
    meeting.starts_at = starts_at
    meeting.duration_minutes = duration_minutes
    meeting.place = place.strip()
    meeting.video_link = video_link.strip()
    meeting.quorum = quorum
    meeting.chair = chair
    moved = any(getattr(meeting, name) != value for name, value in before.items())
    invited = {invitation.user_id: invitation for invitation in meeting.invitations.all()}
    added = [person for person in members if person.pk not in invited]
    removed = [i.user for i in invited.values() if i.user_id not in {p.pk for p in members}]
    if moved or added or removed:
        meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    MeetingMember.objects.filter(meeting=meeting, user__in=removed).delete()
    MeetingMember.objects.bulk_create(MeetingMember(meeting=meeting, user=p) for p in added)
    changes = []
    if moved:
        changes.append(
            f"Nouvelle date : {format_date(meeting.day)} à "
            f"{timezone.localtime(meeting.starts_at):%H h %M}, "
            f"{meeting.place or meeting.video_link}."
        )
    if added:
        changes.append("Invités : " + ", ".join(p.display_name for p in added) + ".")
    if removed:
        changes.append("Retirés : " + ", ".join(p.display_name for p in removed) + ".")
    MEETING_WORKFLOW.record_event(meeting, actor=actor, event="update", comment="\n".join(changes))
    for person in added:
        _invite(meeting, person)
    if moved:
        for person in members:
            if person not in added:
                _invite(meeting, person, updated=True)
    for person in removed:
        _uninvite(meeting, person)
    if added:
        conflicts_prefill(meeting=meeting, actor=actor)
    return meeting


def meeting_transition(*, meeting: Meeting, actor: User, action: str, comment: str = ""):
    """Hold, close or cancel the meeting: the table's row says what else happens."""
    return MEETING_WORKFLOW.perform(meeting, actor=actor, action=action, comment=comment)


@transaction.atomic
def attendance_record(*, meeting: Meeting, actor: User, present_ids) -> Meeting:
    """Who is present: the quorum and the abstentions of each decision are read from it."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not actor.has_perm("committee.record_attendance", meeting):
        raise PermissionDenied("Seules la coordination et la présidence relèvent les présences.")
    if meeting.status not in (MeetingStatus.SCHEDULED, MeetingStatus.HELD):
        raise TransitionRefused(
            "Les présences ne se modifient plus : la séance est "
            f"« {meeting.get_status_display()} »."
        )
    present_ids = {int(pk) for pk in present_ids}
    for invitation in meeting.invitations.select_related("user"):
        present = invitation.user_id in present_ids
        if invitation.present != present:
            invitation.present = present
            invitation.save(update_fields=["present"])
    count = meeting.invitations.filter(present=True).count()
    MEETING_WORKFLOW.record_event(
        meeting,
        actor=actor,
        event="attendance",
        comment=f"{count} présent{'s' if count > 1 else ''} pour un quorum de {meeting.quorum}.",
    )
    return meeting


@transaction.atomic
def packs_prepare(*, meeting: Meeting, actor: User) -> None:
    """Ask for every member's pack: rendered in the background, each member told when ready."""
    if not actor.has_perm("committee.prepare_packs", meeting):
        raise PermissionDenied("Seule la coordination prépare les dossiers de séance.")
    if not meeting.agenda.exists():
        raise ValidationError("L'ordre du jour est vide : ajoutez des dossiers d'abord.")
    MEETING_WORKFLOW.record_event(meeting, actor=actor, event="packs")
    from ..tasks import prepare_meeting_packs

    meeting_id, actor_id = meeting.pk, actor.pk
    transaction.on_commit(lambda: prepare_meeting_packs.delay(meeting_id, actor_id))
