"""Sign-up with e-mail verification, login, logout, password reset and change, in French."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from ccr_portal.users.models import Role, RoleAssignment, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nouveau-mot-de-passe-2026"


def _link_in_last_mail(pattern: str) -> str:
    body = mail.outbox[-1].body
    match = re.search(pattern, body)
    assert match, body
    return match.group(0)


def test_signup_sends_a_french_verification_mail_and_blocks_login_until_verified(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "first_name": "Nadia",
                "last_name": "Ferrand",
                "email": "nadia@epicerie.example",
                "password1": "Une-candidature-2026",
                "password2": "Une-candidature-2026",
            },
        )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="nadia@epicerie.example")
    assert (user.first_name, user.last_name) == ("Nadia", "Ferrand")
    assert set(user.role_assignments.values_list("role", flat=True)) == {Role.APPLICANT}
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nadia@epicerie.example"]
    assert "Confirmez" in mail.outbox[0].subject or "confirm" in mail.outbox[0].subject.lower()
    assert "adresse" in mail.outbox[0].body.lower()

    # Not verified yet: the login sends a new verification mail, no session.
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"),
            {"login": "nadia@epicerie.example", "password": "Une-candidature-2026"},
        )
    assert "_auth_user_id" not in client.session

    link = _link_in_last_mail(r"http://testserver/compte/confirm-email/[^\s]+/")
    confirm_path = link.removeprefix("http://testserver")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Confirmer" in page.content.decode()
    response = client.post(confirm_path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nadia@epicerie.example").verified is True

    response = client.post(
        reverse("account_login"),
        {"login": "nadia@epicerie.example", "password": "Une-candidature-2026"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    dashboard = client.get("/", follow=True)
    assert dashboard.redirect_chain[-1][0] == reverse("dashboard", kwargs={"role": "applicant"})


def test_signup_cannot_grant_a_staff_role_through_extra_fields(client):
    client.post(
        reverse("account_signup"),
        {
            "first_name": "Intrus",
            "last_name": "Malin",
            "email": "intrus@example.org",
            "password1": "Une-candidature-2026",
            "password2": "Une-candidature-2026",
            "role": "coordinator",
            "roles": ["coordinator", "funder"],
            "is_staff": "on",
        },
    )
    user = User.objects.get(email="intrus@example.org")
    assert list(user.role_assignments.values_list("role", flat=True)) == [Role.APPLICANT]
    assert user.is_staff is False
    assert user.is_superuser is False


def test_signup_errors_are_in_french_next_to_the_field(client):
    UserFactory(email="deja@example.org")
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "",
            "last_name": "Durand",
            "email": "deja@example.org",
            "password1": "court",
            "password2": "different",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in html
    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in html
    assert 'aria-invalid="true"' in html or "is-invalid" in html
    assert User.objects.filter(last_name="Durand").count() == 0


def test_login_with_wrong_password_is_refused_in_french(client):
    user = UserFactory(applicant=True)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "mauvais-mot-de-passe"}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.content.decode()


def test_login_then_logout(client, password):
    user = UserFactory(applicant=True)
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_by_mail(client, django_capture_on_commit_callbacks):
    user = UserFactory(applicant=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "mot de passe" in mail.outbox[0].subject.lower()

    link = _link_in_last_mail(r"http://testserver/compte/password/reset/key/[^\s]+/")
    page = client.get(link.removeprefix("http://testserver"), follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else link
    response = client.post(
        form_url.removeprefix("http://testserver"),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_reset_for_an_unknown_address_sends_no_reset_link(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "inconnu@example.org"})
    assert all("/password/reset/key/" not in message.body for message in mail.outbox)


def test_password_change(client, password):
    user = UserFactory(applicant=True)
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": password, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_password_change_with_a_wrong_current_password_keeps_the_old_one(client, password):
    user = UserFactory(applicant=True)
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": "pas-le-bon", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert "mot de passe actuel" in response.content.decode().lower()
    user.refresh_from_db()
    assert user.check_password(password)
    assert not RoleAssignment.objects.exclude(role=Role.APPLICANT).exists()


def test_account_emails_speak_as_the_portal_in_its_layout(
    client, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://portail.ccr-marseille.fr"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "first_name": "Amina",
                "last_name": "Benali",
                "email": "amina@atelier.example",
                "password1": "Une-candidature-2026",
                "password2": "Une-candidature-2026",
            },
        )
    [message] = mail.outbox
    assert message.subject.startswith("[Portail CCR] ")
    text = message.body
    assert text.startswith("Bonjour,")
    assert "Portail d'accompagnement des futurs résidents de la CCR" in text
    assert "https://portail.ccr-marseille.fr" in text
    # Never the host the request came through, never the English greeting.
    assert "testserver" not in text.split("http")[0]
    assert "c'est testserver" not in text
    assert "Merci d'utiliser" not in text
    assert "portail.ccr-marseille.fr" in text.split("\n\n")[1]
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    assert "Coordination : association Regain" in html
