"""docker-compose.yml validates, and runs the same commands as the Makefile."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent


SECRETS = {
    "SECRET_KEY": "placeholder-secret",
    "POSTGRES_PASSWORD": "placeholder-db",
    "REDIS_PASSWORD": "placeholder-redis",
    "SITE_DOMAIN": "portail.example.org",
}


def _compose_config(env: dict) -> subprocess.CompletedProcess:
    executable = shutil.which("docker-compose")
    require(
        executable is not None, "docker-compose n'est pas installé (paquet Debian docker-compose)"
    )
    base = {key: value for key, value in os.environ.items() if key not in SECRETS}
    return subprocess.run(
        [executable, "config"],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_docker_compose_file_validates():
    result = _compose_config(SECRETS)
    assert result.returncode == 0, result.stderr
    config = result.stdout
    assert "placeholder-db" in config
    # Only the proxy publishes ports; the portal trusts exactly that one proxy.
    assert "8000:8000" not in config
    assert "published: 443" in config or "443:443" in config
    assert "TRUSTED_PROXY_COUNT: '1'" in config or 'TRUSTED_PROXY_COUNT: "1"' in config


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_docker_compose_has_no_default_secret(missing):
    env = {key: value for key, value in SECRETS.items() if key != missing}
    result = _compose_config(env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_compose_runs_the_makefile_commands():
    compose = (ROOT / "docker-compose.yml").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "celery -A ccr_portal worker --loglevel=INFO --concurrency=2" in compose
    assert "celery -A ccr_portal worker --loglevel=INFO --concurrency=2" in makefile
    assert "celery -A ccr_portal beat --loglevel=INFO" in compose
    assert "celery -A ccr_portal beat --loglevel=INFO" in makefile
    for service in ("db:", "redis:", "web:", "worker:", "beat:", "proxy:"):
        assert f"\n  {service}" in compose
    assert compose.count("healthcheck:") >= 5
    assert "python manage.py migrate --noinput" in compose
    assert "python manage.py collectstatic --noinput" in compose
