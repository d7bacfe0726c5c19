import html
import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.core.cache import cache

from ccr_portal.celery import app as celery_app
from ccr_portal.users.models import Role
from tests.factories import PASSWORD, MembershipFactory, StructureFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(available: bool, reason: str) -> None:
    """Skip on a developer's machine when a real service is missing; fail in CI."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"Service manquant en CI (CI=true) : {reason}", pytrace=False)
    pytest.skip(reason)


def port_open(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def chromium_path() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None
    )


def pytest_configure(config):
    from django.conf import settings

    # Tests run tasks eagerly unless a test starts a real worker itself.
    celery_app.conf.task_always_eager = True
    # A fast hasher: the suite creates hundreds of accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def page_text(response) -> str:
    """The response's HTML with entities decoded, to compare with French sentences."""
    return html.unescape(response.content.decode())


def downloaded(response) -> bytes:
    """The body of a file response, streamed or not (exports stream theirs)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def applicant(db):
    return UserFactory(applicant=True)


@pytest.fixture
def coordinator(db):
    return UserFactory(coordinator=True)


@pytest.fixture
def structure_with_editor(db):
    membership = MembershipFactory()
    return membership.structure, membership.user


@pytest.fixture
def other_structure(db):
    return StructureFactory(name="Autre Structure Voisine")


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


STAFF_ROLES = [Role.COORDINATOR, Role.PROVIDER, Role.COMMITTEE, Role.FUNDER]
