"""docker-compose.yml validates, and runs the same commands as the Makefile."""

import shutil
import subprocess
from pathlib import Path

from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent


def test_docker_compose_file_validates():
    executable = shutil.which("docker-compose")
    require(
        executable is not None, "docker-compose n'est pas installé (paquet Debian docker-compose)"
    )
    result = subprocess.run(
        [executable, "config", "-q"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_compose_runs_the_makefile_commands():
    compose = (ROOT / "docker-compose.yml").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "celery -A ccr_portal worker --loglevel=INFO --concurrency=2" in compose
    assert "celery -A ccr_portal worker --loglevel=INFO --concurrency=2" in makefile
    assert "celery -A ccr_portal beat --loglevel=INFO" in compose
    assert "celery -A ccr_portal beat --loglevel=INFO" in makefile
    for service in ("db:", "redis:", "web:", "worker:", "beat:"):
        assert f"\n  {service}" in compose
    assert compose.count("healthcheck:") >= 4
    assert "python manage.py migrate --noinput" in compose
    assert "python manage.py collectstatic --noinput" in compose
