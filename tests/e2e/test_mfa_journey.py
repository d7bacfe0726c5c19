"""A coordinator turns MFA on at first login, then signs in with a second factor."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

from tests.e2e.helpers import field, log_out
from tests.factories import PASSWORD, UserFactory
from tests.totp import fresh_totp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _password_step(page, email):
    page.goto("/compte/login/")
    field(page, "Courriel").fill(email)
    field(page, "Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()


def test_a_coordinator_activates_totp_then_signs_in_with_a_code(page, settings):
    settings.MFA_REQUIRED_ROLES = ["coordinator", "committee", "funder", "admin"]
    coordinator = UserFactory(coordinator=True, email="myriam@regain.example")

    _password_step(page, coordinator.email)
    page.wait_for_url(re.compile(r".*/compte/2fa/totp/activate/"))
    assert page.get_by_text("Votre rôle impose la double authentification").is_visible()
    qr = page.get_by_role("img").first
    assert qr.evaluate("image => image.complete && image.naturalWidth > 0")
    secret = page.locator("#authenticator_secret").input_value()
    field(page, "Code de l'authentificateur").fill(fresh_totp(secret))
    page.get_by_role("button", name="Activer").click()
    page.wait_for_url(re.compile(r".*/compte/2fa/recovery-codes/"))
    page_text_of_recovery_codes = page.content()
    page.goto("/tableau-de-bord/coordinator/")
    assert page.get_by_role("heading", name=re.compile("Tableau de bord")).is_visible()

    log_out(page)
    _password_step(page, coordinator.email)
    page.wait_for_url(re.compile(r".*/compte/2fa/authenticate/"))
    # The TOTP code typed at activation cannot be replayed within its 30 s:
    # one of the recovery codes shown after activation signs in instead.
    codes = RecoveryCodes(
        Authenticator.objects.get(user=coordinator, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert codes[0] in page_text_of_recovery_codes
    page.get_by_label(re.compile("^\\s*Code")).fill(codes[0])
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/tableau-de-bord/coordinator/"))
