"""The committee's beat reminders: never twice for the same member, meeting and rule."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from ccr_portal.documents.services import document_request
from ccr_portal.notifications.models import Notification
from committee.documents import MEETING_PACK
from committee.models import Meeting, MeetingMember
from committee.services.opinions import opinions_give
from committee.services.reminders import (
    remind_minutes_overdue,
    remind_opinions_due,
    remind_packs_ready,
)
from tests.committee.factories import held_meeting

pytestmark = pytest.mark.django_db


def test_each_rule_has_its_beat_entry():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "committee.tasks.send_opinions_due_reminders",
        "committee.tasks.send_pack_ready_reminders",
        "committee.tasks.send_minutes_overdue_reminders",
    } <= tasks


def test_members_missing_opinions_are_reminded_two_days_before_once(world):
    day = world.meeting.day
    opinions_give(
        meeting=world.meeting,
        actor=world.members[0],
        entries=[{"item": item, "value": "favourable"} for item in world.items],
    )
    # The consultant's conflict leaves two files: they still owe those.
    assert remind_opinions_due(today=day - datetime.timedelta(days=3)) == 0
    assert remind_opinions_due(today=day - datetime.timedelta(days=2)) == 4
    assert remind_opinions_due(today=day - datetime.timedelta(days=1)) == 0
    reminded = set(
        Notification.objects.filter(email_template="committee_reminder_opinions").values_list(
            "recipient", flat=True
        )
    )
    assert reminded == {person.pk for person in [*world.members[1:], world.consultant]}
    told = Notification.objects.get(
        recipient=world.consultant, email_template="committee_reminder_opinions"
    )
    assert "2 dossiers attendent encore votre avis" in told.body


def test_a_member_is_told_once_when_their_pack_is_ready(world, django_capture_on_commit_callbacks):
    invitation = MeetingMember.objects.get(meeting=world.meeting, user=world.members[0])
    with django_capture_on_commit_callbacks(execute=True):
        document_request(kind=MEETING_PACK, subject=invitation, requested_by=world.coordinator)
    ready = Notification.objects.filter(email_template="committee_pack_ready")
    assert list(ready.values_list("recipient", flat=True)) == [world.members[0].pk]
    assert ready.get().url == f"/comite/dossiers-de-seance/{invitation.pk}/"
    # The beat's catch-up finds nothing new, and a new version tells nobody again.
    assert remind_packs_ready() == 0
    opinions_give(
        meeting=world.meeting,
        actor=world.members[1],
        entries=[{"item": world.items[0], "value": "favourable"}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        document_request(kind=MEETING_PACK, subject=invitation, requested_by=world.coordinator)
    assert ready.count() == 1


def test_coordinators_are_reminded_once_of_minutes_seven_days_after_the_meeting(world):
    held_meeting(world.coordinator, world.meeting, world.members[:3])
    held_on = timezone.localtime(Meeting.objects.get().held_at).date()
    assert remind_minutes_overdue(today=held_on + datetime.timedelta(days=6)) == 0
    assert remind_minutes_overdue(today=held_on + datetime.timedelta(days=7)) == 1
    assert remind_minutes_overdue(today=held_on + datetime.timedelta(days=9)) == 0
    (told,) = Notification.objects.filter(email_template="committee_reminder_minutes")
    assert told.recipient == world.coordinator
