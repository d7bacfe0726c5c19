"""Passwords, staff sessions and re-authentication before sensitive actions (issue 13, point 10)."""

import time
from urllib.parse import quote

import pytest
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.urls import reverse

from ccr_portal.security.models import SecurityEvent
from ccr_portal.security.policy import LAST_ACTIVITY_KEY
from ccr_portal.users.models import Role, RoleAssignment, User
from tests.conftest import page_text
from tests.factories import PASSWORD, DossierFactory, UserFactory

pytestmark = pytest.mark.django_db


def _signup(client, password):
    return client.post(
        reverse("account_signup"),
        {
            "first_name": "Nadia",
            "last_name": "Ferrand",
            "email": "nadia@epicerie.example",
            "password1": password,
            "password2": password,
        },
    )


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("Ab3-court-x", "Il doit contenir au minimum 12 caractères."),
        ("password1234", "Ce mot de passe est trop courant."),
        ("123456789012", "Ce mot de passe est entièrement numérique."),
    ],
)
def test_weak_passwords_are_refused_in_french(client, password, error):
    response = _signup(client, password)
    assert response.status_code == 200
    assert error in page_text(response)
    assert not User.objects.filter(email="nadia@epicerie.example").exists()


def test_a_twelve_character_password_is_enough(client):
    assert _signup(client, "Panier-13002").status_code == 302
    assert User.objects.filter(email="nadia@epicerie.example").exists()


# --- Staff sessions expire after inactivity ---------------------------------


def _idle(client, seconds):
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - seconds
    session.save()


def test_a_staff_session_ends_after_two_idle_hours(client, settings):
    assert settings.STAFF_SESSION_IDLE_TIMEOUT == 7200
    coordinator = UserFactory(coordinator=True)
    client.force_login(coordinator)
    _idle(client, 7100)
    assert client.get(reverse("dashboard", args=["coordinator"])).status_code == 200

    _idle(client, 7201)
    response = client.get(reverse("dashboard", args=["coordinator"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.SESSION_EXPIRED, actor=coordinator
    ).exists()
    page = client.get(response.url)
    assert "Votre session a expiré après une période d'inactivité" in page_text(page)


def test_activity_pushes_the_deadline_back(client):
    coordinator = UserFactory(coordinator=True)
    client.force_login(coordinator)
    _idle(client, 7000)
    client.get(reverse("dashboard", args=["coordinator"]))
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5
    assert client.session.get_expiry_age() == 7200


def test_the_idle_timeout_is_a_setting(client, settings):
    settings.STAFF_SESSION_IDLE_TIMEOUT = 600
    funder = UserFactory(funder=True)
    client.force_login(funder)
    _idle(client, 601)
    assert client.get(reverse("dashboard", args=["funder"])).status_code == 302
    assert "_auth_user_id" not in client.session


def test_an_applicant_session_does_not_time_out_after_two_hours(client):
    applicant = UserFactory(applicant=True)
    client.force_login(applicant)
    _idle(client, 3 * 3600)
    assert client.get(reverse("dashboard", args=["applicant"])).status_code == 200


# --- Re-authentication before granting roles, exporting, a whole-dossier ZIP -


def _authenticated_long_ago(client, seconds=3600):
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - seconds}
        for record in session[AUTHENTICATION_METHODS_SESSION_KEY]
    ]
    session.save()


def test_a_fresh_login_exports_without_asking_again(client):
    client.force_login(UserFactory(coordinator=True))
    response = client.get(reverse("applicants:dossier-export", args=["csv"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")


def test_an_old_login_must_type_the_password_again_to_export(client):
    coordinator = UserFactory(coordinator=True)
    client.force_login(coordinator)
    _authenticated_long_ago(client)
    export = reverse("applicants:dossier-export", args=["xlsx"])

    response = client.get(export)
    assert response.status_code == 302
    assert response.url == f"{reverse('account_reauthenticate')}?next={quote(export, safe='')}"
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()

    wrong = client.post(response.url, {"password": "pas-le-bon-mot-de-passe"})
    assert wrong.status_code == 200
    assert client.get(export).status_code == 302

    response = client.post(
        f"{reverse('account_reauthenticate')}?next={export}", {"password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == export
    assert client.get(export).status_code == 200
    assert (
        SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, actor=coordinator).count() == 1
    )


def test_an_old_login_must_reauthenticate_for_the_dossier_zip(client):
    coordinator = UserFactory(coordinator=True)
    dossier = DossierFactory(complete=True, status="submitted")
    client.force_login(coordinator)
    _authenticated_long_ago(client)
    response = client.get(reverse("applicants:dossier-zip", args=[dossier.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))


def test_granting_a_role_waits_for_the_password_then_goes_through(client):
    coordinator = UserFactory(coordinator=True)
    person = UserFactory(applicant=True)
    client.force_login(coordinator)
    _authenticated_long_ago(client)
    roles_url = reverse("users:user-roles", args=[person.pk])
    assert client.get(roles_url).status_code == 200  # the form itself is shown

    response = client.post(roles_url, {"roles": ["committee"]})
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))
    assert not RoleAssignment.objects.filter(user=person, role=Role.COMMITTEE).exists()

    # The suspended request is replayed once the password is typed.
    response = client.post(
        f"{reverse('account_reauthenticate')}?next={roles_url}", {"password": PASSWORD}
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=person, role=Role.COMMITTEE).exists()
    assert SecurityEvent.objects.filter(
        kind=SecurityEvent.Kind.ROLE_GRANTED, target_id=str(person.pk)
    ).exists()
