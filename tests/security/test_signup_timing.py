"""Sign-up costs the same for a known and a new e-mail: no account enumeration (point 7).

Two measurements: the work each path does (one password hash, one queued
e-mail, the same answer), counted exactly; and the time with the real
PBKDF2 hasher, compared by medians of interleaved runs with a bound generous
enough for a loaded 2-core machine (before the fix the known path took about
a tenth of the new one).
"""

import statistics
import time

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from ccr_portal.notifications.models import OutgoingEmail
from ccr_portal.users.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Une-candidature-2026"


class CountingHasher(MD5PasswordHasher):
    """Django's MD5 hasher, counting how many passwords it hashed."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        type(self).hashed += 1
        return super().encode(password, salt)


def _signup(client, email):
    return client.post(
        reverse("account_signup"),
        {
            "first_name": "Nadia",
            "last_name": "Ferrand",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )


def test_both_paths_hash_one_password_queue_one_email_and_answer_alike(client, settings):
    settings.PASSWORD_HASHERS = ["tests.security.test_signup_timing.CountingHasher"]
    UserFactory(email="deja@example.org")

    CountingHasher.hashed = 0
    known = _signup(client, "deja@example.org")
    known_hashes, known_emails = CountingHasher.hashed, OutgoingEmail.objects.count()

    CountingHasher.hashed = 0
    new = _signup(client.__class__(), "nouvelle@example.org")
    new_hashes = CountingHasher.hashed
    new_emails = OutgoingEmail.objects.count() - known_emails

    assert (known_hashes, known_emails) == (1, 1)
    assert (new_hashes, new_emails) == (1, 1)
    assert (known.status_code, known.url) == (new.status_code, new.url)
    assert known.url == reverse("account_email_verification_sent")
    assert User.objects.filter(email="nouvelle@example.org").exists()
    assert User.objects.filter(email="deja@example.org").count() == 1
    subjects = list(OutgoingEmail.objects.order_by("pk").values_list("to", "subject"))
    assert subjects[0][0] == "deja@example.org"
    assert subjects[1][0] == "nouvelle@example.org"


def test_known_and_new_emails_take_comparable_time_with_the_real_hasher(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
    runs = 3
    for n in range(runs):
        UserFactory(email=f"connue{n}@example.org")
    _signup(client.__class__(), "echauffement@example.org")  # warm up templates and caches

    known, new = [], []
    for n in range(runs):
        for email, timings in ((f"connue{n}@example.org", known), (f"neuve{n}@example.org", new)):
            started = time.perf_counter()
            response = _signup(client.__class__(), email)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 302

    ratio = statistics.median(known) / statistics.median(new)
    assert 0.5 < ratio < 2.0, (known, new)
