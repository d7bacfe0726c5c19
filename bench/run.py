"""Benchmark of the portal's heavy pages and of the PDF rendering.

Usage: ``make bench`` (or ``.venv/bin/python bench/run.py --structures 500``).
It builds a throw-away database (a temporary SQLite file, or the database of
``DATABASE_URL`` with a ``_bench`` suffix), fills it with ``bench/generate.py``,
then times each page with Django's test client: median and 95th percentile of
``--repeat`` runs, and the number of SQL queries of one run.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--structures", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ccr-bench-"))
    if "DATABASE_URL" in os.environ:
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_bench"
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "True"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ccr_portal.settings")

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if connection.vendor == "postgresql":
        from django.db import connections

        name = connection.settings_dict["NAME"]
        with connections["default"]._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)

    from bench.generate import generate

    people = generate(structures=args.structures)
    print(
        f"Base : {connection.vendor}, {args.structures} structures, {args.repeat} mesures par page"
    )
    print(f"{'page':<42} {'médiane':>9} {'p95':>9} {'requêtes':>9}")
    for label, user, url in people.pages:
        client = Client()
        client.force_login(user)
        client.get(url)  # warm-up
        timings = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
        print(f"{label:<42} {statistics.median(timings):>7.1f}ms {p95:>7.1f}ms {len(queries):>9}")

    from applicants.documents import STRUCTURE_SHEET
    from ccr_portal.documents.services import document_render, document_request

    timings = []
    for structure, user in people.sheets[: min(10, len(people.sheets))]:
        document = document_request(kind=STRUCTURE_SHEET, subject=structure, requested_by=user)
        document.status = "pending"
        document.save(update_fields=["status"])
        start = time.perf_counter()
        document_render(document_id=document.pk)
        timings.append((time.perf_counter() - start) * 1000)
    print(f"{'rendu PDF fiche structure (WeasyPrint)':<42} {statistics.median(timings):>7.1f}ms")


if __name__ == "__main__":
    main()
