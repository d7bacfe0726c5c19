"""One entry point to notify a person: in-app list with unread count, French e-mail in a task."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse

from ccr_portal.notifications.models import Notification, SentReminder
from ccr_portal.notifications.services import notify, remind_once
from tests.conftest import page_text
from tests.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


class FlakySMTPBackend(EmailBackend):
    """An SMTP server (outside the project) that fails on the first attempt."""

    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == 1:
            raise smtplib.SMTPServerDisconnected("Connexion perdue")
        return super().send_messages(messages)


def _notify(person, **kwargs):
    return notify(
        recipient=person,
        subject="Vos rôles sur le portail CCR ont changé",
        template="role_changed",
        context={"roles": ["Comité de sélection"]},
        url="/",
        **kwargs,
    )


def test_notify_lists_the_notification_and_sends_a_french_mail_after_commit(
    django_capture_on_commit_callbacks,
):
    person = UserFactory(committee=True, first_name="Daniel", last_name="Mayer")
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(person)
        assert len(mail.outbox) == 0  # nothing leaves before the commit

    assert notification.body == (
        "La coordination a mis à jour vos rôles sur le portail.\nVos rôles : Comité de sélection."
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "[Portail CCR] Vos rôles sur le portail CCR ont changé"
    assert message.to == [person.email]
    assert message.body.startswith("Bonjour Daniel Mayer,\n\nLa coordination a mis à jour")
    assert "http://127.0.0.1:8000/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    assert "Vos rôles\u00a0: Comité de sélection." in html
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def _drain_later(django_capture_on_commit_callbacks, seconds: int) -> int:
    """What the beat's drain does ``seconds`` from now (the clock is the only thing faked)."""
    from django.utils import timezone

    from ccr_portal.notifications.services import outgoing_emails_drain

    with django_capture_on_commit_callbacks(execute=True):
        return outgoing_emails_drain(now=timezone.now() + datetime.timedelta(seconds=seconds))


def test_the_mail_is_retried_by_the_drain_when_the_smtp_server_fails(
    settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.notifications.test_notify.FlakySMTPBackend"
    FlakySMTPBackend.calls = 0
    person = UserFactory(committee=True)
    with django_capture_on_commit_callbacks(execute=True):
        notification = _notify(person)

    assert FlakySMTPBackend.calls == 1
    assert len(mail.outbox) == 0
    notification.refresh_from_db()
    assert notification.emailed_at is None
    assert _drain_later(django_capture_on_commit_callbacks, 10) == 0  # not due yet

    assert _drain_later(django_capture_on_commit_callbacks, 40) == 1
    assert FlakySMTPBackend.calls == 2
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_a_sent_mail_is_not_sent_again():
    from ccr_portal.notifications.services import notification_send_email

    person = UserFactory(committee=True)
    notification = _notify(person)
    assert notification_send_email(notification_id=notification.pk) is True
    assert notification_send_email(notification_id=notification.pk) is False
    assert len(mail.outbox) == 1


def test_unread_count_in_the_header_and_marking_read(client):
    person = UserFactory(applicant=True)
    other = UserFactory(applicant=True)
    first = _notify(person)
    _notify(person)
    _notify(other)
    client.force_login(person)

    page = page_text(client.get(reverse("notifications:list")))
    assert (
        '<span class="badge text-bg-danger">2<span class="visually-hidden"> non lues</span>' in page
    )
    assert page.count("Vos rôles sur le portail CCR ont changé") == 4  # 2 titles + 2 hidden labels

    response = client.post(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302
    assert response.url == "/"
    first.refresh_from_db()
    assert first.read_at is not None
    page = page_text(client.get(reverse("notifications:list")))
    assert (
        '<span class="badge text-bg-danger">1<span class="visually-hidden"> non lue</span>' in page
    )

    client.post(reverse("notifications:mark-all-read"))
    assert Notification.objects.filter(recipient=person, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_a_person_cannot_open_someone_elses_notification(client):
    person = UserFactory(applicant=True)
    theirs = _notify(UserFactory(applicant=True))
    client.force_login(person)
    assert client.post(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_reminder_is_sent_once_per_rule_object_and_deadline(django_capture_on_commit_callbacks):
    person = UserFactory(applicant=True)
    structure = StructureFactory()
    deadline = datetime.date(2026, 12, 1)
    kwargs = {
        "recipient": person,
        "subject": "Vos rôles sur le portail CCR ont changé",
        "template": "role_changed",
        "context": {"roles": []},
    }

    with django_capture_on_commit_callbacks(execute=True):
        assert remind_once(rule="test-rule", about=structure, deadline=deadline, **kwargs) is True
        assert remind_once(rule="test-rule", about=structure, deadline=deadline, **kwargs) is False
        assert (
            remind_once(
                rule="test-rule",
                about=structure,
                deadline=deadline + datetime.timedelta(days=1),
                **kwargs,
            )
            is True
        )

    assert SentReminder.objects.count() == 2
    assert Notification.objects.filter(recipient=person).count() == 2
    assert len(mail.outbox) == 2


def test_an_address_without_account_gets_the_mail_after_a_retry_and_no_notification(
    settings, django_capture_on_commit_callbacks
):
    from ccr_portal.notifications.services import email_address

    settings.EMAIL_BACKEND = "tests.notifications.test_notify.FlakySMTPBackend"
    FlakySMTPBackend.calls = 0
    with django_capture_on_commit_callbacks(execute=True):
        email_address(
            to="nouvelle@epicerie.example",
            subject="Invitation à rejoindre Épicerie du Panier",
            template="structure_invitation",
            context={
                "structure": "Épicerie du Panier",
                "invited_by": "Amina Benali",
                "role": "Éditeur",
                "has_account": False,
            },
            url="/invitations/abc/",
        )
        assert len(mail.outbox) == 0

    assert FlakySMTPBackend.calls == 1
    assert _drain_later(django_capture_on_commit_callbacks, 40) == 1
    assert FlakySMTPBackend.calls == 2
    assert [m.to for m in mail.outbox] == [["nouvelle@epicerie.example"]]
    assert mail.outbox[0].subject == "[Portail CCR] Invitation à rejoindre Épicerie du Panier"
    assert "Créez d'abord votre compte avec cette adresse e-mail" in mail.outbox[0].body
    assert "http://127.0.0.1:8000/invitations/abc/" in mail.outbox[0].body
    assert not Notification.objects.exists()
