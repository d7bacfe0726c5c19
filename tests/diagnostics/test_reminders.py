"""The reminders: three days before and the day after a due date; a sign-off awaited 5 days."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from applicants.models import Membership
from ccr_portal.notifications.models import SentReminder
from diagnostics.services.reminders import (
    RULE_DUE_SOON,
    RULE_OVERDUE,
    RULE_SIGN_OFF_PENDING,
    remind_due_soon,
    remind_overdue,
    remind_sign_off_pending,
)
from diagnostics.tasks import send_due_soon_reminders
from tests.conftest import plain_spaces
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2011, 6, 28)


def sent_to(capture, run) -> list[str]:
    mail.outbox.clear()
    with capture(execute=True):
        run()
    return sorted(message.to[0] for message in mail.outbox)


def test_the_provider_is_reminded_three_days_before_the_due_date_once(
    ramsess, consultant, django_capture_on_commit_callbacks
):
    colleague = UserFactory(provider=True)
    ramsess.members.add(colleague)
    due = DiagnosticFactory(
        in_progress=True,
        provider=ramsess,
        consultant=consultant,
        due_date=TODAY + datetime.timedelta(3),
    )
    later = DiagnosticFactory(
        in_progress=True, provider=ramsess, due_date=TODAY + datetime.timedelta(4)
    )
    DiagnosticFactory(delivered=True, provider=ramsess, due_date=TODAY + datetime.timedelta(2))

    first = sent_to(django_capture_on_commit_callbacks, lambda: remind_due_soon(today=TODAY))
    next_day = sent_to(
        django_capture_on_commit_callbacks,
        lambda: remind_due_soon(today=TODAY + datetime.timedelta(1)),
    )

    # The named consultant only; nothing yet for the later one nor ever for the delivered one.
    assert first == [consultant.email]
    # The next day, the later one is three days away: no consultant named, the whole team;
    # the first one is not reminded twice.
    assert next_day == sorted([consultant.email, colleague.email])
    assert sorted(
        SentReminder.objects.filter(rule=RULE_DUE_SOON).values_list("object_id", flat=True)
    ) == sorted([due.pk, later.pk])


def test_the_reminder_names_the_due_date_in_french(
    ramsess, consultant, django_capture_on_commit_callbacks
):
    DiagnosticFactory(
        assigned=True,
        provider=ramsess,
        structure__name="Épicerie Solidaire du Panier",
        due_date=datetime.date(2011, 7, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        remind_due_soon(today=TODAY)
    (message,) = mail.outbox
    assert (
        plain_spaces(message.subject)
        == "[Portail CCR] Échéance proche : diagnostic d'Épicerie Solidaire du Panier"
    )
    assert "attendu pour le 1er juillet 2011" in message.body
    # No consultant named: every consultant of the organisation.
    assert message.to == [consultant.email]


def test_the_provider_is_reminded_the_day_after_the_due_date_once_per_due_date(
    ramsess, consultant, django_capture_on_commit_callbacks
):
    diagnostic = DiagnosticFactory(in_progress=True, provider=ramsess, due_date=TODAY)
    assert sent_to(django_capture_on_commit_callbacks, lambda: remind_overdue(today=TODAY)) == []

    day_after = TODAY + datetime.timedelta(1)
    assert sent_to(django_capture_on_commit_callbacks, lambda: remind_overdue(today=day_after)) == [
        consultant.email
    ]
    assert "était le 28 juin 2011" in mail.outbox[0].body
    assert (
        sent_to(django_capture_on_commit_callbacks, lambda: remind_overdue(today=day_after)) == []
    )

    # A new due date is a new deadline: one more reminder when it passes too.
    diagnostic.due_date = TODAY + datetime.timedelta(10)
    diagnostic.save()
    later = TODAY + datetime.timedelta(11)
    assert sent_to(django_capture_on_commit_callbacks, lambda: remind_overdue(today=later)) == [
        consultant.email
    ]
    assert SentReminder.objects.filter(rule=RULE_OVERDUE).count() == 2


def test_the_structure_s_editors_are_reminded_of_a_sign_off_awaited_five_days(
    django_capture_on_commit_callbacks,
):
    editor = MembershipFactory()
    structure = editor.structure
    MembershipFactory(structure=structure, role=Membership.Role.READER)
    delivered_at = timezone.make_aware(datetime.datetime(2011, 6, 23, 16, 0))
    diagnostic = DiagnosticFactory(structure=structure, delivered=True, delivered_at=delivered_at)
    validated = DiagnosticFactory(structure=structure, validated=True, delivered_at=delivered_at)
    signed = DiagnosticFactory(
        structure=structure,
        validated=True,
        delivered_at=delivered_at,
        signed_off_at=delivered_at,
        kind="full",
    )

    four_days = datetime.date(2011, 6, 27)
    assert (
        sent_to(
            django_capture_on_commit_callbacks, lambda: remind_sign_off_pending(today=four_days)
        )
        == []
    )
    # Five days on: the editor (never the reader), once per diagnostic.
    five_days = datetime.date(2011, 6, 28)
    first = sent_to(
        django_capture_on_commit_callbacks, lambda: remind_sign_off_pending(today=five_days)
    )
    assert first == [editor.user.email, editor.user.email]
    assert "vous attend depuis le 23 juin 2011" in mail.outbox[0].body
    assert (
        sent_to(
            django_capture_on_commit_callbacks, lambda: remind_sign_off_pending(today=five_days)
        )
        == []
    )
    reminded = set(
        SentReminder.objects.filter(rule=RULE_SIGN_OFF_PENDING).values_list("object_id", flat=True)
    )
    assert reminded == {diagnostic.pk, validated.pk}
    assert signed.pk not in reminded


def test_an_assessment_diagnostic_awaits_sign_off_from_its_validation(
    django_capture_on_commit_callbacks,
):
    editor = MembershipFactory()
    validated_at = timezone.make_aware(datetime.datetime(2011, 6, 25, 9, 0))
    DiagnosticFactory(
        structure=editor.structure,
        assessment=True,
        validated=True,
        delivered_at=validated_at - datetime.timedelta(days=20),
        validated_at=validated_at,
    )
    DiagnosticFactory(
        structure=editor.structure,
        assessment=True,
        delivered=True,
        delivered_at=validated_at - datetime.timedelta(days=20),
    )
    assert (
        sent_to(
            django_capture_on_commit_callbacks,
            lambda: remind_sign_off_pending(today=datetime.date(2011, 6, 29)),
        )
        == []
    )
    assert sent_to(
        django_capture_on_commit_callbacks,
        lambda: remind_sign_off_pending(today=datetime.date(2011, 6, 30)),
    ) == [editor.user.email]


def test_the_task_runs_the_rule_and_is_scheduled_once_per_rule(
    settings, ramsess, consultant, django_capture_on_commit_callbacks
):
    DiagnosticFactory(
        assigned=True, provider=ramsess, due_date=timezone.localdate() + datetime.timedelta(2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_soon_reminders.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_soon_reminders.delay().get() == 0
    assert len(mail.outbox) == 1
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "diagnostics.tasks.send_due_soon_reminders",
        "diagnostics.tasks.send_overdue_reminders",
        "diagnostics.tasks.send_sign_off_reminders",
    } <= tasks
