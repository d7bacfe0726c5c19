"""Each row of the committee's two tables, run whole by the engine: one history record,
its effect, its audience told after the commit; refusals write and tell nothing."""

import pytest
from django.core.exceptions import ValidationError

from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.notifications.models import Notification
from ccr_portal.workflow import TransitionRefused
from committee.documents import DECISION_LETTER, MEETING_MINUTES
from committee.models import (
    DecisionStatus,
    DecisionTransition,
    MeetingStatus,
    MeetingTransition,
    Outcome,
)
from committee.services.decisions import DecisionEntry, decision_record, decision_send_letter
from committee.services.meetings import meeting_transition
from committee.workflows import DECISION_WORKFLOW, MEETING_WORKFLOW
from tests.committee.conftest import editor_of
from tests.committee.factories import held_meeting

pytestmark = pytest.mark.django_db


def _records(meeting, action):
    return list(MeetingTransition.objects.filter(meeting=meeting, action=action))


def test_the_tables_read_as_documented():
    assert MEETING_WORKFLOW.as_table() == [
        ("hold", ["scheduled"], "held", "committee.hold_meeting"),
        ("close", ["held"], "closed", "committee.close_meeting"),
        ("cancel", ["scheduled"], "cancelled", "committee.cancel_meeting"),
    ]
    assert DECISION_WORKFLOW.as_table() == [
        ("record", ["draft"], "recorded", "committee.record_decision"),
        ("send_letter", ["recorded"], "notified", "committee.send_letter"),
    ]


def test_hold_locks_the_meeting_once_and_only_for_the_coordination_or_chair(world):
    with pytest.raises(TransitionRefused):
        meeting_transition(meeting=world.meeting, actor=world.members[0], action="hold")
    assert _records(world.meeting, "hold") == []
    held_meeting(world.coordinator, world.meeting, world.members[:3])
    (record,) = _records(world.meeting, "hold")
    assert (record.from_status, record.to_status, record.actor) == (
        MeetingStatus.SCHEDULED,
        MeetingStatus.HELD,
        world.coordinator,
    )
    assert world.meeting.held_at is not None
    with pytest.raises(TransitionRefused):
        meeting_transition(meeting=world.meeting, actor=world.coordinator, action="hold")
    assert len(_records(world.meeting, "hold")) == 1


def test_cancel_needs_its_reason_and_tells_the_members_after_the_commit(
    world, django_capture_on_commit_callbacks
):
    before = Notification.objects.count()
    with pytest.raises(ValidationError) as refusal:
        meeting_transition(meeting=world.meeting, actor=world.coordinator, action="cancel")
    assert refusal.value.message_dict == {
        "comment": ["Expliquez pourquoi la séance est annulée : ce texte est transmis aux membres."]
    }
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        meeting_transition(
            meeting=world.meeting, actor=world.coordinator, action="cancel", comment="Grève."
        )
    assert Notification.objects.count() == before
    for callback in callbacks:
        callback()
    told = Notification.objects.filter(email_template="committee_meeting_status")
    assert told.count() == 5
    assert all(
        n.email_attachments[0]["mimetype"].startswith("text/calendar; method=CANCEL") for n in told
    )
    (record,) = _records(world.meeting, "cancel")
    assert (record.to_status, record.comment) == (MeetingStatus.CANCELLED, "Grève.")


def test_record_then_send_letter_then_close(world, django_capture_on_commit_callbacks):
    held_meeting(world.coordinator, world.meeting, world.members[:3])
    decisions = []
    for item in world.items:
        decisions.append(
            decision_record(
                actor=world.coordinator,
                entry=DecisionEntry(item=item, outcome=Outcome.REJECTED, motivation="Trop tôt."),
            )
        )
    record = DecisionTransition.objects.get(decision=decisions[0], action="record")
    assert (record.from_status, record.to_status) == (DecisionStatus.DRAFT, DecisionStatus.RECORDED)

    editor = editor_of(world.items[0].dossier)
    with django_capture_on_commit_callbacks(execute=True):
        decision_send_letter(decision=decisions[0], actor=world.coordinator)
    decisions[0].refresh_from_db()
    assert decisions[0].status == DecisionStatus.NOTIFIED
    assert GeneratedDocument.objects.filter(kind=DECISION_LETTER).count() == 1
    assert list(
        Notification.objects.filter(email_template="committee_letter_sent").values_list(
            "recipient", flat=True
        )
    ) == [editor.pk]
    with pytest.raises(TransitionRefused):
        decision_send_letter(decision=decisions[0], actor=world.coordinator)
    with pytest.raises(TransitionRefused):
        decision_send_letter(decision=decisions[1], actor=world.members[0])

    with django_capture_on_commit_callbacks(execute=True):
        meeting_transition(meeting=world.meeting, actor=world.coordinator, action="close")
    (record,) = _records(world.meeting, "close")
    assert record.to_status == MeetingStatus.CLOSED
    assert GeneratedDocument.objects.filter(kind=MEETING_MINUTES).count() == 1
    told = Notification.objects.filter(email_template="committee_meeting_status")
    assert told.count() == 5
