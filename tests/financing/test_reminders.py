"""The financing reminders: due dates, weekly repetition, never twice."""

import datetime
from decimal import Decimal as D

from django.utils import timezone

from ccr_portal.notifications.models import Notification, SentReminder
from financing.models import FinancingRequest
from financing.services.reminders import (
    decision_deadline,
    remind_changes_pending,
    remind_decisions_overdue,
)
from tests.financing.factories import make_request


def test_decision_deadlines_start_after_21_days_then_come_weekly():
    forwarded = datetime.date(2026, 11, 1)
    assert decision_deadline(forwarded, datetime.date(2026, 11, 21)) is None
    assert decision_deadline(forwarded, datetime.date(2026, 11, 22)) == datetime.date(2026, 11, 22)
    assert decision_deadline(forwarded, datetime.date(2026, 11, 28)) == datetime.date(2026, 11, 22)
    assert decision_deadline(forwarded, datetime.date(2026, 11, 29)) == datetime.date(2026, 11, 29)


def test_the_fund_is_reminded_once_a_week_of_a_request_without_decision(world):
    request = make_request(
        world,
        structure=world.scop,
        product="pargest",
        amount=D("30000"),
        category="productive_investment",
        months=60,
        status="forwarded",
    )
    today = timezone.localdate()
    FinancingRequest.objects.filter(pk=request.pk).update(
        forwarded_at=timezone.now() - datetime.timedelta(days=20)
    )
    Notification.objects.all().delete()
    assert remind_decisions_overdue(today=today) == 0
    later = today + datetime.timedelta(days=1)
    assert remind_decisions_overdue(today=later) == 1
    assert remind_decisions_overdue(today=later) == 0
    assert remind_decisions_overdue(today=later + datetime.timedelta(days=6)) == 0
    assert remind_decisions_overdue(today=later + datetime.timedelta(days=7)) == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [
        world.urscop_officer.pk,
        world.urscop_officer.pk,
    ]
    assert SentReminder.objects.filter(rule="financing-decision-overdue").count() == 2


def test_a_decided_request_is_not_reminded(world):
    request = make_request(
        world,
        structure=world.scop,
        product="pargest",
        amount=D("30000"),
        category="productive_investment",
        months=60,
        status="declined",
    )
    FinancingRequest.objects.filter(pk=request.pk).update(
        forwarded_at=timezone.now() - datetime.timedelta(days=40)
    )
    assert remind_decisions_overdue() == 0


def test_the_structure_is_reminded_seven_days_after_changes_were_asked(world):
    request = make_request(
        world,
        structure=world.association,
        product="fonds-amorcage-associatif",
        amount=D("8000"),
        category="initial_stock",
        months=12,
        status="changes_requested",
    )
    Notification.objects.all().delete()
    today = timezone.localdate()
    assert remind_changes_pending(today=today + datetime.timedelta(days=6)) == 0
    assert remind_changes_pending(today=today + datetime.timedelta(days=7)) == 1
    assert remind_changes_pending(today=today + datetime.timedelta(days=9)) == 0
    assert list(Notification.objects.values_list("recipient", flat=True)) == [
        world.association_editor.pk
    ]
    assert request.status == "changes_requested"
