"""The committee's reminders, run by Celery beat (one entry per rule in the settings).

Each rule selects what is due and reminds through ``remind_once``: never twice for the
same member (or meeting), meeting and rule.
"""

import datetime

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from applicants.people import coordinators
from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.formatting import format_date
from ccr_portal.notifications.services import remind_once

from ..documents import MEETING_PACK, tell_member_pack_ready
from ..models import ConflictOfInterest, Meeting, MeetingMember, MeetingStatus, Opinion

OPINIONS_DAYS_BEFORE = 2
MINUTES_DAYS_AFTER = 7

RULE_OPINIONS_DUE = "committee-opinions-due"
RULE_MINUTES_OVERDUE = "committee-minutes-overdue"


def remind_opinions_due(*, today: datetime.date | None = None) -> int:
    """Members who have not given all their opinions, two days before the meeting."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=OPINIONS_DAYS_BEFORE)
    meetings = Meeting.objects.filter(
        status=MeetingStatus.SCHEDULED,
        starts_at__date__gte=today,
        starts_at__date__lte=horizon,
    ).select_related("campaign")
    sent = 0
    for meeting in meetings:
        items = list(meeting.agenda.select_related("dossier"))
        for invitation in meeting.invitations.select_related("user").filter(user__is_active=True):
            member = invitation.user
            closed = set(
                ConflictOfInterest.objects.filter(
                    member=member, withdrawn_at__isnull=True
                ).values_list("structure_id", flat=True)
            )
            given = set(
                Opinion.objects.filter(member=member, item__meeting=meeting).values_list(
                    "item_id", flat=True
                )
            )
            missing = [
                item
                for item in items
                if item.dossier.structure_id not in closed and item.pk not in given
            ]
            if missing and remind_once(
                rule=RULE_OPINIONS_DUE,
                about=invitation,
                deadline=meeting.day,
                recipient=member,
                subject=f"Vos avis sont attendus : {meeting}",
                template="committee_reminder_opinions",
                context={
                    "meeting": str(meeting),
                    "date": format_date(meeting.day),
                    "missing": len(missing),
                },
                url=reverse("committee:opinions", kwargs={"pk": meeting.pk}),
            ):
                sent += 1
    return sent


def remind_packs_ready() -> int:
    """Members whose pack is ready and who were not told yet (the render tells them at
    once; this catches a worker that stopped in between)."""
    ready = GeneratedDocument.objects.filter(
        kind=MEETING_PACK,
        object_id=OuterRef("pk"),
        status=GeneratedDocument.Status.READY,
    )
    invitations = (
        MeetingMember.objects.filter(meeting__status=MeetingStatus.SCHEDULED)
        .filter(Exists(ready))
        .select_related("meeting__campaign", "user")
    )
    sent = 0
    for invitation in invitations:
        document = (
            GeneratedDocument.objects.filter(
                kind=MEETING_PACK, object_id=invitation.pk, status=GeneratedDocument.Status.READY
            )
            .order_by("-ready_at")
            .first()
        )
        if tell_member_pack_ready(document):
            sent += 1
    return sent


def remind_minutes_overdue(*, today: datetime.date | None = None) -> int:
    """The coordinators, when a held meeting still has no minutes seven days later."""
    today = today or timezone.localdate()
    meetings = Meeting.objects.filter(
        status=MeetingStatus.HELD,
        held_at__date__lte=today - datetime.timedelta(days=MINUTES_DAYS_AFTER),
    ).select_related("campaign")
    sent = 0
    for meeting in meetings:
        held_on = timezone.localtime(meeting.held_at).date()
        if remind_once(
            rule=RULE_MINUTES_OVERDUE,
            about=meeting,
            deadline=held_on + datetime.timedelta(days=MINUTES_DAYS_AFTER),
            recipients=coordinators(),
            subject=f"Procès-verbal attendu : {meeting}",
            template="committee_reminder_minutes",
            context={"meeting": str(meeting), "held_on": format_date(held_on)},
            url=meeting.get_absolute_url(),
        ):
            sent += 1
    return sent
