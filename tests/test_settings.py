"""Settings from the environment: the embedded default, and production passing check --deploy."""

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from ccr_portal.formatting import format_euros, format_number

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
from ccr_portal.celery import app
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "name": str(settings.DATABASES["default"]["NAME"]),
    "eager": app.conf.task_always_eager,
    "broker": app.conf.broker_url,
    "email": settings.EMAIL_BACKEND,
    "media": str(settings.MEDIA_ROOT),
    "cache": settings.CACHES["default"]["BACKEND"],
    "language": settings.LANGUAGE_CODE,
    "tz": settings.TIME_ZONE,
}))
"""


def run(args, env):
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        args, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_no_environment_gives_the_embedded_default():
    result = run([sys.executable, "-c", PROBE], {"DJANGO_SETTINGS_MODULE": "ccr_portal.settings"})
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values == {
        "engine": "django.db.backends.sqlite3",
        "name": str(ROOT / "var" / "db.sqlite3"),
        "eager": True,
        "broker": "memory://localhost/",
        "email": "django.core.mail.backends.console.EmailBackend",
        "media": str(ROOT / "var" / "media"),
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "language": "fr-fr",
        "tz": "Europe/Paris",
    }


def test_production_environment_switches_services():
    result = run(
        [sys.executable, "-c", PROBE],
        {
            "DJANGO_SETTINGS_MODULE": "ccr_portal.settings",
            "DATABASE_URL": "postgres://ccr:secret@db:5432/ccr",
            "REDIS_URL": "redis://redis:6379/0",
            "EMAIL_URL": "smtp+tls://user:pass@smtp.example.org:587",
            "MEDIA_ROOT": "/srv/media",
        },
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["name"] == "ccr"
    assert values["eager"] is False
    assert values["broker"] == "redis://redis:6379/0"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["media"] == "/srv/media"
    assert values["cache"] == "django.core.cache.backends.redis.RedisCache"


PRODUCTION = {
    "DEBUG": "False",
    "SECRET_KEY": "k2v!8h3$production-secret-key-that-is-long-and-random-4f9a7c1e5d2b",
    "ALLOWED_HOSTS": "portail.ccr-marseille.fr",
    "CSRF_TRUSTED_ORIGINS": "https://portail.ccr-marseille.fr",
    "SECURE_HTTPS": "True",
    "STATICFILES_MANIFEST": "True",
    "DATABASE_URL": "postgres://ccr:secret@db:5432/ccr",
    "REDIS_URL": "redis://redis:6379/0",
    "EMAIL_URL": "smtp+tls://user:pass@smtp.example.org:587",
}


def test_check_deploy_reports_no_issue_with_production_values():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_flags_the_embedded_secret_key():
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = run([sys.executable, "manage.py", "check", "--deploy"], env)
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12500, "12\u00a0500,00\u00a0€"),
        (Decimal("1000.5"), "1\u00a0000,50\u00a0€"),
        (0, "0,00\u00a0€"),
        (Decimal("-2500"), "\u22122\u00a0500,00\u00a0€"),
        (None, "—"),
    ],
)
def test_amounts_in_french(value, expected):
    assert format_euros(value) == expected


def test_numbers_in_french():
    assert format_number(Decimal("3.5"), 2) == "3,50"
    assert format_number(1234567) == "1\u00a0234\u00a0567"


def test_dates_in_french(settings):
    import datetime

    from django.template import Context, Template

    rendered = Template('{{ day|date:"j F Y" }}').render(
        Context({"day": datetime.date(2011, 6, 28)})
    )
    assert rendered == "28 juin 2011"


@pytest.mark.parametrize(
    ("count", "suffix"),
    [(0, ""), (1, ""), (Decimal("1.5"), ""), (2, "s"), (Decimal("2.5"), "s"), ([1, 2, 3], "s")],
)
def test_french_plural_is_singular_below_two(count, suffix):
    from ccr_portal.templatetags.ccr import pluriel

    assert pluriel(count) == suffix


def test_iso_dates_of_e_mail_contexts_read_in_french():
    from django.template import Context, Template

    template = Template("{% load ccr %}{{ day|jour }}|{{ empty|jour }}|{{ odd|jour }}")
    rendered = template.render(Context({"day": "2011-06-28", "empty": "", "odd": "bientôt"}))
    assert rendered == "28 juin 2011||bientôt"
