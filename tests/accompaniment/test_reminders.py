"""The three reminders: due only when due, sent once per object, rule and date."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from accompaniment.models import PlanStatus
from accompaniment.services.reminders import (
    RULE_FOLLOW_UP_DUE,
    RULE_PLAN_AGREEMENT,
    RULE_SESSION_NOTES,
    remind_follow_up_due,
    remind_plan_agreement,
    remind_session_notes,
)
from accompaniment.services.sessions import session_log
from accompaniment.tasks import (
    send_follow_up_reminders,
    send_plan_agreement_reminders,
    send_session_notes_reminders,
)
from ccr_portal.axes import Axis
from ccr_portal.notifications.models import Notification, SentReminder
from tests.factories import UserFactory

from .factories import (
    AccompanimentProviderFactory,
    consultant_of,
    drafted_plan,
    move_plan,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world():
    coordinator = UserFactory(coordinator=True)
    provider = AccompanimentProviderFactory()
    plan, editor = drafted_plan(coordinator, provider, name="Café de la Plaine")
    return {
        "coordinator": coordinator,
        "provider": provider,
        "consultant": consultant_of(provider),
        "editor": editor,
        "plan": plan,
    }


def test_every_rule_has_its_own_beat_entry():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "accompaniment.tasks.send_session_notes_reminders",
        "accompaniment.tasks.send_plan_agreement_reminders",
        "accompaniment.tasks.send_follow_up_reminders",
    } <= tasks


def test_a_session_without_notes_reminds_its_consultant_two_days_after(world):
    move_plan(world["plan"], coordinator=world["coordinator"], editor=world["editor"], to="agreed")
    session = session_log(
        actor=world["consultant"],
        provider=world["provider"],
        date=datetime.date(2011, 6, 27),
        duration_hours=Decimal("3"),
        axis=Axis.SECURING,
        theme="Stratégie marketing",
        format="individual",
        actions=[world["plan"].actions.get()],
    )
    assert remind_session_notes(today=datetime.date(2011, 6, 28)) == 0  # one day only
    assert remind_session_notes(today=datetime.date(2011, 6, 29)) == 1
    assert remind_session_notes(today=datetime.date(2011, 7, 5)) == 0  # never twice

    notification = Notification.objects.get(recipient=world["consultant"])
    assert notification.subject == "Compte rendu attendu : séance du 27 juin 2011"
    assert "La séance « Stratégie marketing » du 27 juin 2011" in notification.body
    reminder = SentReminder.objects.get(rule=RULE_SESSION_NOTES)
    assert reminder.deadline == session.date + datetime.timedelta(days=2)


def test_a_held_session_is_not_reminded(world):
    move_plan(world["plan"], coordinator=world["coordinator"], editor=world["editor"], to="agreed")
    session_log(
        actor=world["consultant"],
        provider=world["provider"],
        date=TODAY - datetime.timedelta(days=10),
        duration_hours=Decimal("3"),
        axis=Axis.SECURING,
        theme="Stratégie marketing",
        format="individual",
        actions=[world["plan"].actions.get()],
        summary="Fait.",
    )
    assert remind_session_notes(today=TODAY) == 0
    assert not SentReminder.objects.exists()


def test_a_plan_awaiting_agreement_reminds_the_editors_after_seven_days(world):
    plan = move_plan(
        world["plan"], coordinator=world["coordinator"], editor=world["editor"], to="proposed"
    )
    Notification.objects.all().delete()
    proposed_on = timezone.localdate(plan.proposed_at)

    assert remind_plan_agreement(today=proposed_on + datetime.timedelta(days=6)) == 0
    assert remind_plan_agreement(today=proposed_on + datetime.timedelta(days=7)) == 1
    assert remind_plan_agreement(today=proposed_on + datetime.timedelta(days=8)) == 0

    notification = Notification.objects.get()
    assert notification.recipient == world["editor"]
    assert notification.subject == (
        "Votre plan de développement attend votre accord (Café de la Plaine)"
    )
    assert SentReminder.objects.get(rule=RULE_PLAN_AGREEMENT).deadline == (
        proposed_on + datetime.timedelta(days=7)
    )


def test_an_agreed_plan_is_not_reminded(world):
    move_plan(world["plan"], coordinator=world["coordinator"], editor=world["editor"], to="agreed")
    assert remind_plan_agreement(today=TODAY + datetime.timedelta(days=30)) == 0


def test_the_follow_up_reminds_the_coordination_when_due(world):
    plan = move_plan(
        world["plan"],
        coordinator=world["coordinator"],
        editor=world["editor"],
        to=PlanStatus.COMPLETED,
    )
    Notification.objects.all().delete()
    due = plan.follow_up.due_on

    assert remind_follow_up_due(today=due - datetime.timedelta(days=1)) == 0
    assert remind_follow_up_due(today=due) == 1
    assert remind_follow_up_due(today=due + datetime.timedelta(days=3)) == 0

    notification = Notification.objects.get()
    assert notification.recipient == world["coordinator"]
    assert notification.subject == "Point de suivi à faire : Café de la Plaine"
    assert SentReminder.objects.get(rule=RULE_FOLLOW_UP_DUE).deadline == due


def test_the_beat_tasks_run_the_rules():
    assert send_session_notes_reminders() == 0
    assert send_plan_agreement_reminders() == 0
    assert send_follow_up_reminders() == 0
