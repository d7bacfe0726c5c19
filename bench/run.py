"""Benchmark of the portal's heavy pages and of the PDF rendering.

Usage: ``make bench`` (or ``.venv/bin/python bench/run.py --structures 500``).
It builds a throw-away database (a temporary SQLite file, or the database of
``DATABASE_URL`` with a ``_bench`` suffix), fills it with ``bench/generate.py``,
then times each page with Django's test client, as the role that uses it:
median and 95th percentile of ``--repeat`` runs, and the number of SQL queries
of one run. Then, for each kind of PDF, the documents service on ten subjects:
``document_request`` (context, HTML and fingerprint; queries of the last one)
and ``document_render`` (WeasyPrint).
"""

import argparse
import gc
import os
import shutil
import statistics
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LABEL_WIDTH = 42


def _row(label: str, timings: list[float], queries: int | None = None) -> str:
    p95 = statistics.quantiles(timings, n=20)[18] if len(timings) >= 2 else timings[0]
    count = "" if queries is None else str(queries)
    return f"{label:<{LABEL_WIDTH}} {statistics.median(timings):>7.1f}ms {p95:>7.1f}ms {count:>9}"


def _plain(text: str) -> str:
    """Lower case without accents: ``--only seances`` finds « séances »."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _selected(label: str, url: str, only: list[str]) -> bool:
    if not only:
        return True
    return any(_plain(word) in _plain(label) or word in url for word in only)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--structures", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SUBSTRING",
        help="time only the pages and PDFs whose label (or URL) contains it "
        "(case and accents ignored); repeatable",
    )
    args = parser.parse_args()
    if args.structures < 1 or args.repeat < 1:
        parser.error("--structures and --repeat must be at least 1")

    workdir = Path(tempfile.mkdtemp(prefix="ccr-bench-"))
    try:
        _run(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _run(args, workdir: Path) -> None:
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

    start = time.perf_counter()
    data = generate(structures=args.structures)
    generated = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    # Out of the collector's sight: what is loaded by now (Django, the apps, WeasyPrint,
    # about 150,000 objects) would otherwise be scanned by every full collection, and
    # those pauses (100 to 200 ms here) landed in the timed requests and made the p95.
    gc.collect()
    gc.freeze()
    pages = [page for page in data.pages if _selected(page[0], page[2], args.only)]
    documents = [doc for doc in data.documents if _selected(doc.label, "", args.only)]
    if not pages and not documents:
        labels = [label for label, _user, _url in data.pages] + [d.label for d in data.documents]
        sys.exit("--only ne désigne aucune page ; pages : " + " | ".join(labels))

    print(
        f"Base : {connection.vendor}, {args.structures} structures, {args.repeat} mesures par page"
    )
    volumes = ", ".join(f"{total} {name}" for name, total in data.volumes.items())
    print(f"Données : {volumes} (générées en {generated:.1f} s)")
    print(f"{'page':<{LABEL_WIDTH}} {'médiane':>9} {'p95':>9} {'requêtes':>9}")
    for label, user, url in pages:
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
        print(_row(label, timings, len(queries)))

    from ccr_portal.documents.models import GeneratedDocument
    from ccr_portal.documents.services import document_render, document_request

    # The rendering is timed on its own: the request does not enqueue it (eager otherwise).
    with mock.patch("ccr_portal.documents.services._enqueue_render"):
        for document in documents:
            if not document.subjects:
                continue
            requests, renders, request_queries = [], [], 0
            for subject, user in document.subjects:
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    pdf = document_request(kind=document.kind, subject=subject, requested_by=user)
                    requests.append((time.perf_counter() - start) * 1000)
                request_queries = len(queries)  # the last subject's: caches are warm
                assert pdf.status == GeneratedDocument.Status.PENDING, pdf.status
                start = time.perf_counter()
                document_render(document_id=pdf.pk)
                renders.append((time.perf_counter() - start) * 1000)
            print(_row(f"{document.label} : HTML", requests, request_queries))
            print(_row(f"{document.label} : rendu WeasyPrint", renders))


if __name__ == "__main__":
    main()
