"""In-process measurements on a seeded database: queries, sizes, PDFs, the sweep, exports.

Run by ``run.py`` in a child process per database (``DATABASE_URL``), which prints
one JSON object on its last line; the quick mode calls the same functions directly.
"""

import gc
import gzip
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "True")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    # The test environment: locmem e-mail (the sweep sends nothing out), any host.
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]


def _client(email: str):
    from django.test import Client

    from ccr_portal.users.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def _read(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def pages(selected, *, repeat: int = 0) -> list[dict]:
    """Status, SQL queries, HTML size (raw and gzipped), and ``repeat`` timings per page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = []
    clients = {}
    for page in selected:
        client = clients.setdefault(page.viewer, _client(page.viewer))
        url = page.url()
        client.get(url)  # warm-up: caches, templates
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        body = _read(response)
        timings = []
        for _ in range(repeat):
            start = time.perf_counter()
            _read(client.get(url))
            timings.append((time.perf_counter() - start) * 1000)
        results.append(
            {
                "label": page.label,
                "kind": page.kind,
                "url": url,
                "status": response.status_code,
                "queries": len(queries),
                "html_bytes": len(body),
                "gzip_bytes": len(gzip.compress(body)),
                "timings_ms": timings,
            }
        )
    return results


def session_cookies(viewers) -> dict[str, str]:
    """A signed-in session per viewer, stored in the database for the server to read."""
    from django.conf import settings

    return {email: _client(email).cookies[settings.SESSION_COOKIE_NAME].value for email in viewers}


def documents(selected) -> list[dict]:
    """Each PDF kind on its subjects: the HTML (``document_request``) and WeasyPrint's render."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.pages import COORDINATOR
    from ccr_portal.documents.models import GeneratedDocument
    from ccr_portal.documents.services import document_render, document_request
    from ccr_portal.users.models import User

    coordinator = User.objects.get(email=COORDINATOR)
    results = []
    created = []
    with mock.patch("ccr_portal.documents.services._enqueue_render"):
        for document in selected:
            requests, renders, queries_count = [], [], 0
            for subject in document.subjects():
                GeneratedDocument.objects.filter(kind=document.kind, object_id=subject.pk).delete()
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    pdf = document_request(
                        kind=document.kind, subject=subject, requested_by=coordinator
                    )
                    requests.append((time.perf_counter() - start) * 1000)
                queries_count = len(queries)
                created.append(pdf.pk)
                start = time.perf_counter()
                document_render(document_id=pdf.pk)
                renders.append((time.perf_counter() - start) * 1000)
            results.append(
                {
                    "label": document.label,
                    "html_ms": requests,
                    "render_ms": renders,
                    "queries": queries_count,
                    "render_median_ms": statistics.median(renders) if renders else None,
                }
            )
    for document in GeneratedDocument.objects.filter(pk__in=created):
        document.file.delete(save=False)
    GeneratedDocument.objects.filter(pk__in=created).delete()
    return results


def sweep() -> dict:
    """Every reminder of the beat schedule once, e-mails included; then undone."""
    from django.conf import settings
    from django.core import mail
    from django.db import connection
    from django.db.models import Max
    from django.test.utils import CaptureQueriesContext

    from ccr_portal.celery import app
    from ccr_portal.notifications.models import Notification, SentReminder

    names = [
        entry["task"]
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if "reminder" in entry["task"]
    ]
    app.loader.import_default_modules()
    last_sent = SentReminder.objects.aggregate(last=Max("pk"))["last"] or 0
    last_notification = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    mail.outbox = []
    per_task = {}
    # The e-mails' share (the worker's, in production), timed apart.
    from ccr_portal.notifications import tasks as notification_tasks

    sending = {"seconds": 0.0, "queries": 0, "batches": 0}
    send = notification_tasks.outgoing_emails_send

    def timed_send(*args, **kwargs):
        start, before = time.perf_counter(), len(connection.queries_log)
        try:
            return send(*args, **kwargs)
        finally:
            sending["seconds"] += time.perf_counter() - start
            sending["queries"] += len(connection.queries_log) - before
            sending["batches"] += 1

    start = time.perf_counter()
    with (
        mock.patch.object(notification_tasks, "outgoing_emails_send", timed_send),
        CaptureQueriesContext(connection) as queries,
    ):
        for name in names:
            before = len(queries)
            task_start = time.perf_counter()
            sent = app.tasks[name]()
            per_task[name] = {
                "sent": sent,
                "queries": len(queries) - before,
                "seconds": round(time.perf_counter() - task_start, 3),
            }
    seconds = time.perf_counter() - start
    result = {
        "seconds": round(seconds, 2),
        "queries": len(queries),
        "reminders": SentReminder.objects.filter(pk__gt=last_sent).count(),
        "notifications": Notification.objects.filter(pk__gt=last_notification).count(),
        "emails": len(mail.outbox),
        "email_seconds": round(sending["seconds"], 2),
        # The worker's share (eager here): the batches' own queries.
        "email_queries": sending["queries"],
        "email_batches": sending["batches"],
        "tasks": per_task,
    }
    SentReminder.objects.filter(pk__gt=last_sent).delete()
    Notification.objects.filter(pk__gt=last_notification).delete()
    mail.outbox = []
    return result


def exports(selected) -> list[dict]:
    """Each export of every dossier: time, size, and Python's peak memory of the file
    written (inline, whatever the number of rows, to compare runs), then the request as
    a person gets it: above ``EXPORT_INLINE_MAX_ROWS`` rows, a redirect to the export
    written in the background (rolled back: the task is not run, nothing is kept)."""
    from django.db import transaction
    from django.test.utils import override_settings

    results = []
    for page in selected:
        client = _client(page.viewer)
        url = page.url()
        with override_settings(EXPORT_INLINE_MAX_ROWS=sys.maxsize):
            start = time.perf_counter()
            response = client.get(url)
            size = sum(len(chunk) for chunk in _chunks(response))
            seconds = time.perf_counter() - start
            gc.collect()
            tracemalloc.start()
            response = client.get(url)
            for _chunk in _chunks(response):
                pass
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        with transaction.atomic():
            start = time.perf_counter()
            asked = client.get(url)
            for _chunk in _chunks(asked):
                pass
            request_seconds = time.perf_counter() - start
            transaction.set_rollback(True)
        results.append(
            {
                "label": page.label,
                "status": response.status_code,
                "streaming": response.streaming,
                "seconds": round(seconds, 3),
                "bytes": size,
                "peak_mb": round(peak / 2**20, 1),
                # 302: written in the background; 200: streamed in the request.
                "request_status": asked.status_code,
                "request_seconds": round(request_seconds, 3),
            }
        )
    return results


def _chunks(response):
    if response.streaming:
        yield from response.streaming_content
    else:
        yield response.content


def volumes() -> dict:
    from accompaniment.models import DevelopmentPlan, Session
    from applicants.models import Dossier, Structure
    from diagnostics.models import Diagnostic

    return {
        "structures": Structure.objects.count(),
        "dossiers": Dossier.objects.count(),
        "diagnostics": Diagnostic.objects.count(),
        "plans": DevelopmentPlan.objects.count(),
        "sessions": Session.objects.count(),
    }


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument(
        "what", nargs="+", choices=["pages", "cookies", "documents", "sweep", "exports"]
    )
    args = parser.parse_args()
    setup()
    from bench.pages import DOCUMENTS, EXPORTS, PAGES

    output = {"volumes": volumes()}
    if "pages" in args.what:
        output["pages"] = pages(PAGES)
    if "cookies" in args.what:
        output["cookies"] = session_cookies(sorted({page.viewer for page in PAGES}))
    if "documents" in args.what:
        output["documents"] = documents(DOCUMENTS)
    if "sweep" in args.what:
        output["sweep"] = sweep()
    if "exports" in args.what:
        output["exports"] = exports(EXPORTS)
    print(json.dumps(output, default=str))


if __name__ == "__main__":
    main()
