import html
import io
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


@pytest.fixture(scope="session")
def demo_media(tmp_path_factory):
    """Where the demo's files live: the same folder for every test that reads the demo."""
    return tmp_path_factory.mktemp("demo-media")


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(request, settings, tmp_path):
    if "demo" in request.fixturenames:
        settings.MEDIA_ROOT = request.getfixturevalue("demo_media")
    else:
        settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, demo_media):
    """The demo data, loaded once per module inside a transaction rolled back at its end.

    Each test of the module runs in its own savepoint (pytest-django's ``db``), so what a
    test changes is undone before the next one, and the next module starts empty.
    """
    from django.core.management import call_command
    from django.db import transaction
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=demo_media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_demo", stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def page_text(response) -> str:
    """The response's HTML with entities decoded, to compare with French sentences.

    The no-break spaces that the typography filter puts before « : ; ! ? » and
    inside « » read as plain spaces here, so that tests compare the wording;
    tests/test_typography.py checks the spaces themselves. Amounts keep theirs.
    """
    return plain_spaces(html.unescape(response.content.decode()))


def plain_spaces(text: str) -> str:
    """The typography's no-break spaces (before « : ; ! ? », inside « ») as plain spaces."""
    return text.replace("\u202f", " ").replace("\u00a0:", " :")


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
