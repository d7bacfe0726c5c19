"""Login throttling behind the reverse proxy, and the admin's door (issue 13, points 3 and 4).

Every request comes from the proxy (REMOTE_ADDR 10.0.0.2); the proxy appends
the client's address to X-Forwarded-For. With one trusted proxy, the
attacker is blocked and the other people behind the same proxy are not.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.urls import reverse

from ccr_portal.security.models import SecurityEvent
from tests.conftest import page_text
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
ALLAUTH_REFUSAL = "Trop de tentatives de connexion échouées. Veuillez réessayer ultérieurement."
PROXY = "10.0.0.2"
ATTACKER = "203.0.113.7"
NEIGHBOUR = "198.51.100.20"


@pytest.fixture(autouse=True)
def _one_trusted_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1


def _login(client, email, password, forwarded_for):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def _attack(client, times: int, forwarded_for: str = ATTACKER) -> list[int]:
    # Password spraying: a different account each time, so only the address adds up.
    return [
        _login(client, f"cible{n}@example.org", "devine-moi-2026", forwarded_for).status_code
        for n in range(times)
    ]


def test_the_attacker_is_blocked_and_the_neighbour_behind_the_same_proxy_is_not(client, settings):
    victim = UserFactory(applicant=True, email="victime@example.org")
    neighbour = UserFactory(applicant=True, email="voisine@example.org")

    statuses = _attack(client, settings.AXES_FAILURE_LIMIT)
    assert statuses[: settings.AXES_FAILURE_LIMIT - 1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429

    # Now even the right password of a real account is refused from that address
    # (allauth's limit: 10 failures a minute)…
    blocked = _login(client, victim.email, PASSWORD, ATTACKER)
    assert ALLAUTH_REFUSAL in page_text(blocked)
    assert "_auth_user_id" not in client.session
    # …while someone else behind the same proxy signs in.
    other = client.__class__()
    response = _login(other, neighbour.email, PASSWORD, NEIGHBOUR)
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(neighbour.pk)

    # A minute later allauth's window is over (its counters live in the cache),
    # and django-axes still holds the address for its cool-off (15 minutes).
    cache.clear()
    blocked = _login(client, victim.email, PASSWORD, ATTACKER)
    assert blocked.status_code == 429
    assert "Connexion temporairement bloquée" in page_text(blocked)
    assert "pendant 15 minutes" in page_text(blocked)
    assert "_auth_user_id" not in client.session
    other = client.__class__()
    assert _login(other, neighbour.email, PASSWORD, NEIGHBOUR).status_code == 302

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    lockouts = SecurityEvent.objects.filter(kind=SecurityEvent.Kind.LOCKOUT)
    assert {event.ip_address for event in lockouts} == {ATTACKER}
    assert not SecurityEvent.objects.filter(ip_address=PROXY).exists()


def test_a_forged_forwarded_for_does_not_let_the_attacker_out(client, settings):
    victim = UserFactory(applicant=True)
    _attack(client, settings.AXES_FAILURE_LIMIT)

    # The client writes its own X-Forwarded-For; the proxy appends the real address.
    forged = f"192.0.2.99, {ATTACKER}"
    assert ALLAUTH_REFUSAL in page_text(_login(client, victim.email, PASSWORD, forged))
    cache.clear()
    assert _login(client, victim.email, PASSWORD, forged).status_code == 429
    assert "_auth_user_id" not in client.session
    assert not AccessAttempt.objects.filter(ip_address="192.0.2.99").exists()


def test_without_trusted_proxy_the_forwarded_header_is_ignored(client, settings):
    """The embedded default trusts no proxy: X-Forwarded-For cannot pick an address."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    _login(client, "cible@example.org", "devine-moi-2026", ATTACKER)
    assert AccessAttempt.objects.get().ip_address == PROXY


def test_allauth_rate_limit_counts_the_forwarded_client(client, settings):
    """allauth's own limit (10 failures a minute per address) reads the same address."""
    settings.AXES_FAILURE_LIMIT = 1000
    responses = [
        _login(client, f"cible{n}@example.org", "devine-moi-2026", ATTACKER) for n in range(11)
    ]
    assert [ALLAUTH_REFUSAL in page_text(response) for response in responses] == [False] * 10 + [
        True
    ]
    neighbour = UserFactory(applicant=True)
    other = client.__class__()
    assert _login(other, neighbour.email, PASSWORD, NEIGHBOUR).status_code == 302


def test_the_admin_login_sends_to_the_portal_login(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login") + "?next=")


def test_a_password_posted_to_the_admin_login_is_never_checked_there(client):
    superuser = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    for _ in range(3):
        response = client.post(
            reverse("admin:login"), {"username": superuser.email, "password": PASSWORD}
        )
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_the_admin_signs_in_through_the_portal_and_is_throttled_like_anyone(client, settings):
    # allauth stops guesses on one account after 5; django-axes at as many here.
    settings.AXES_FAILURE_LIMIT = 5
    superuser = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    for _ in range(5):
        _login(client, superuser.email, "pas-le-bon-mot-de-passe", ATTACKER)
    cache.clear()  # past allauth's windows: django-axes alone
    assert _login(client, superuser.email, PASSWORD, ATTACKER).status_code == 429
    assert "_auth_user_id" not in client.session

    other = client.__class__()
    response = other.post(
        f"{reverse('account_login')}?next={reverse('admin:index')}",
        {"login": superuser.email, "password": PASSWORD},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=NEIGHBOUR,
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:index")
    assert other.get(reverse("admin:index")).status_code == 200


def test_the_admin_path_is_a_setting():
    probe = (
        "import django; django.setup(); from django.urls import reverse; "
        "import json; print(json.dumps([reverse('admin:index'), reverse('admin:login')]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "ccr_portal.settings",
            "ADMIN_URL": "gestion-7f3a",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == ["/gestion-7f3a/", "/gestion-7f3a/login/"]
