"""Dossier reminders: sent once, not twice, never to readers."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from applicants.models import DossierTransition, Membership
from applicants.services.reminders import remind_campaign_closing, remind_changes_pending
from applicants.tasks import send_dossier_reminders
from ccr_portal.formatting import format_date
from ccr_portal.notifications.models import SentReminder
from tests.factories import CampaignFactory, DossierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members():
    return UserFactory(applicant=True), UserFactory(applicant=True)


def _dossier(members, *, closes_in: int, status="draft"):
    today = timezone.localdate()
    campaign = CampaignFactory(closes_on=today + datetime.timedelta(days=closes_in))
    dossier = DossierFactory(campaign=campaign, status=status)
    editor, reader = members
    Membership.objects.create(structure=dossier.structure, user=editor, role="editor")
    Membership.objects.create(structure=dossier.structure, user=reader, role="reader")
    return dossier


def test_closing_soon_reminds_editors_once(members, django_capture_on_commit_callbacks):
    editor, _reader = members
    dossier = _dossier(members, closes_in=5)
    _dossier((UserFactory(applicant=True), UserFactory(applicant=True)), closes_in=20)
    _dossier(
        (UserFactory(applicant=True), UserFactory(applicant=True)), closes_in=3, status="submitted"
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_campaign_closing() == 1
        assert remind_campaign_closing() == 0
        assert send_dossier_reminders() == {"closing_soon": 0, "changes_pending": 0}

    assert [m.to for m in mail.outbox] == [[editor.email]]
    closes_on = dossier.campaign.closes_on
    assert "se termine le" in mail.outbox[0].subject
    assert SentReminder.objects.get().deadline == closes_on


def test_changes_pending_reminds_after_a_week_once(members, django_capture_on_commit_callbacks):
    editor, _reader = members
    dossier = _dossier(members, closes_in=40, status="changes_requested")
    requested = DossierTransition.objects.create(
        dossier=dossier,
        action="request_changes",
        from_status="submitted",
        to_status="changes_requested",
    )
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_changes_pending(today=today + datetime.timedelta(days=6)) == 0
        assert remind_changes_pending(today=today + datetime.timedelta(days=7)) == 1
        assert remind_changes_pending(today=today + datetime.timedelta(days=9)) == 0
    assert [m.to for m in mail.outbox] == [[editor.email]]
    assert "Compléments attendus" in mail.outbox[0].subject
    assert f"Le {format_date(timezone.localdate(requested.created_at))}, " in mail.outbox[0].body
