"""MFA (allauth: TOTP and recovery codes) required for the staff roles and the admin (point 10).

Enforcement is a setting, ``MFA_REQUIRED_ROLES``: strict in production, off on
the embedded default (the demo logins work with the password alone). These
tests turn it on and sign in with codes computed here from the secret.
"""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from ccr_portal.security.models import SecurityEvent
from tests.conftest import page_text
from tests.factories import PASSWORD, UserFactory
from tests.totp import fresh_totp, secret_on_page, totp

pytestmark = pytest.mark.django_db

STRICT = ["coordinator", "committee", "funder", "admin"]


@pytest.fixture
def strict(settings):
    settings.MFA_REQUIRED_ROLES = STRICT


def _password_login(client, user, next_url=""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": user.email, "password": PASSWORD})


def _with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


@pytest.mark.parametrize("role", ["coordinator", "committee", "funder"])
def test_a_staff_role_without_mfa_is_sent_to_activate_it(client, strict, role):
    person = UserFactory(**{role: True})
    assert _password_login(client, person).status_code == 302

    response = client.get(reverse("dashboard", args=[role]))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    follow = client.get(response.url)
    assert "Votre rôle impose la double authentification" in page_text(follow)


def test_activating_totp_with_a_real_code_opens_the_portal(
    client, strict, django_capture_on_commit_callbacks
):
    coordinator = UserFactory(coordinator=True)
    _password_login(client, coordinator)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = secret_on_page(page.content.decode())

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=coordinator).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": fresh_totp(secret)})
    assert response.status_code == 302
    assert set(Authenticator.objects.filter(user=coordinator).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    assert client.get(reverse("dashboard", args=["coordinator"])).status_code == 200
    added = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.MFA_ADDED, actor=coordinator)
    assert sorted(event.details["type"] for event in added) == ["recovery_codes", "totp"]
    assert {event.ip_address for event in added} == {"127.0.0.1"}


def test_the_login_asks_for_the_code_and_refuses_a_wrong_one(client, strict):
    coordinator = UserFactory(coordinator=True)
    secret = _with_totp(coordinator)

    response = _password_login(client, coordinator)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.MFA_FAILED).count() == 1

    response = client.post(reverse("mfa_authenticate"), {"code": fresh_totp(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)
    assert client.get(reverse("dashboard", args=["coordinator"])).status_code == 200


def test_a_recovery_code_signs_in_once(client, strict):
    coordinator = UserFactory(coordinator=True)
    _with_totp(coordinator)
    codes = RecoveryCodes(
        Authenticator.objects.get(user=coordinator, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(codes) == 10

    _password_login(client, coordinator)
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert client.session["_auth_user_id"] == str(coordinator.pk)

    other = client.__class__()
    _password_login(other, coordinator)
    assert other.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 200
    assert "_auth_user_id" not in other.session


def test_an_old_code_is_refused(client, strict):
    coordinator = UserFactory(coordinator=True)
    secret = _with_totp(coordinator)
    _password_login(client, coordinator)
    stale = totp(secret, at=time.time() - 300)
    assert client.post(reverse("mfa_authenticate"), {"code": stale}).status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_admin_needs_mfa_for_the_django_admin(client, strict):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    _password_login(client, superuser, next_url=reverse("admin:index"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")

    secret = secret_on_page(client.get(reverse("mfa_activate_totp")).content.decode())
    client.post(reverse("mfa_activate_totp"), {"code": fresh_totp(secret)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_applicants_and_providers_are_not_forced(client, strict):
    applicant = UserFactory(applicant=True)
    provider = UserFactory(provider=True)
    for person, role in ((applicant, "applicant"), (provider, "provider")):
        client.force_login(person)
        assert client.get(reverse("dashboard", args=[role])).status_code == 200


def test_a_person_who_must_use_mfa_cannot_deactivate_it(client, strict):
    coordinator = UserFactory(coordinator=True)
    _with_totp(coordinator)
    client.force_login(coordinator)
    client.post(reverse("mfa_deactivate_totp"))
    assert Authenticator.objects.filter(user=coordinator, type=Authenticator.Type.TOTP).exists()


def test_an_applicant_may_turn_mfa_on_and_off(client, strict):
    applicant = UserFactory(applicant=True)
    _with_totp(applicant)
    client.force_login(applicant)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=applicant, type=Authenticator.Type.TOTP).exists()


def test_the_embedded_default_requires_nothing(client, settings):
    """The demo: the README's logins work with the password only."""
    assert settings.MFA_REQUIRED_ROLES == []
    coordinator = UserFactory(coordinator=True)
    _password_login(client, coordinator)
    assert client.get(reverse("dashboard", args=["coordinator"])).status_code == 200
