"""Faults with the real services, each a test (issue 13, point 14).

Redis, PostgreSQL and SMTP servers here are throwaway instances of the test's
own (tests/services/faults.py), never the machine's shared ones. The clock is
the only thing faked: the drains are called with a later ``now`` instead of
waiting for the beat's next minute.
"""

import datetime
import os
import time
import urllib.error
import urllib.request
import uuid

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from applicants.documents import DOSSIER_SUMMARY, STRUCTURE_SHEET
from applicants.models import DossierStatus
from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_request, documents_requeue_stale
from ccr_portal.notifications.models import Notification, OutgoingEmail
from ccr_portal.notifications.services import notify, outgoing_emails_drain
from tests.conftest import page_text, require
from tests.factories import DossierFactory, MembershipFactory, UserFactory

from .faults import (
    PostgresCluster,
    RedisServer,
    broker,
    celery_worker,
    child_environment,
    children_of,
    free_port,
    kill,
    postgres_bin,
    wait_for,
)

pytestmark = pytest.mark.services

LATER = datetime.timedelta(minutes=2)


class SMTPHandler:
    """An SMTP server outside the project: refuses (451) until told to accept."""

    def __init__(self):
        self.refuse = False
        self.received: list[tuple[tuple[str, ...], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse:
            return "451 4.3.2 Service temporairement indisponible, réessayez plus tard"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append((tuple(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp_server():
    handler = SMTPHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def smtp_settings(settings, smtp_server):
    handler, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    return handler, port


def _require_postgres_and_redis_binary():
    require(
        connection.vendor == "postgresql",
        "DATABASE_URL doit viser PostgreSQL (le worker partage la base de test)",
    )
    require(bool(__import__("shutil").which("redis-server")), "redis-server n'est pas installé")


# --- 1. Redis stopped while an applicant submits ------------------------------


@pytest.mark.django_db(transaction=True)
def test_redis_down_during_a_submission_then_everything_goes_out_once(
    client, tmp_path, smtp_settings
):
    _require_postgres_and_redis_binary()
    handler, smtp_port = smtp_settings
    redis = RedisServer()
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    editor = UserFactory(applicant=True, email="editrice@epicerie.example")
    coordinator = UserFactory(coordinator=True, email="coordination@regain.example")
    dossier = DossierFactory(complete=True, editor=editor)
    client.force_login(editor)

    redis.start()
    with broker(redis.url, queue):
        redis.stop()
        started = time.monotonic()
        response = client.post(
            reverse("applicants:dossier-transition", args=[dossier.pk, "submit"])
        )
        summary = client.post(
            reverse("documents:request", args=[DOSSIER_SUMMARY, dossier.pk]),
            {"next": dossier.get_absolute_url()},
        )
        elapsed = time.monotonic() - started

        # The applicant sees the submission succeed, without waiting for Redis.
        assert response.status_code == 302
        assert summary.status_code == 302
        assert elapsed < 15
        dossier.refresh_from_db()
        assert dossier.status == DossierStatus.SUBMITTED
        emails = list(OutgoingEmail.objects.all())
        assert emails, "la soumission doit prévenir quelqu'un"
        assert {email.to for email in emails} >= {coordinator.email}
        assert all(e.status == "pending" and e.enqueued_at is None for e in emails)
        document = GeneratedDocument.objects.get(kind=DOSSIER_SUMMARY)
        assert (document.status, document.enqueued_at) == ("pending", None)
        assert handler.received == []

        # Redis is back; the beat's drains hand the outbox to a real worker.
        redis.start()
        worker_env = {
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        }
        with celery_worker(
            broker_url=redis.url, queue=queue, log_path=tmp_path / "worker.log", env=worker_env
        ) as worker:
            later = timezone.now() + LATER
            assert outgoing_emails_drain(now=later) == len(emails)
            assert documents_requeue_stale(now=later) == 1
            wait_for(
                lambda: (
                    not OutgoingEmail.objects.filter(status="pending").exists()
                    and GeneratedDocument.objects.filter(status="ready").exists()
                ),
                90,
                what=(tmp_path / "worker.log").read_text()[-3000:],
            )
            # Drained again (the next beat ticks): nothing more goes out.
            assert outgoing_emails_drain(now=later + LATER) == 0
            assert documents_requeue_stale(now=later + LATER) == 0
            time.sleep(2)
            assert worker.poll() is None
    redis.stop()

    assert len(handler.received) == len(emails)
    assert sorted(rcpt for rcpt, _ in handler.received) == sorted((e.to,) for e in emails)
    assert GeneratedDocument.objects.filter(kind=DOSSIER_SUMMARY).count() == 1
    assert GeneratedDocument.objects.get(kind=DOSSIER_SUMMARY).attempts == 1
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


# --- 2. A worker killed while rendering a PDF --------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_rendering_runs_the_task_again_and_makes_one_document(tmp_path):
    _require_postgres_and_redis_binary()
    assert django_settings.CELERY_TASK_ACKS_LATE is True
    assert django_settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    redis = RedisServer()
    redis.start()
    queue = f"faults-{uuid.uuid4().hex[:8]}"
    membership = MembershipFactory(structure__name="Coopérative Belle de Mai")
    # A long presentation: several seconds of WeasyPrint, time to kill the worker.
    membership.structure.description = "\n".join(
        f"Paragraphe {n} : épicerie, atelier, ressourcerie, coopérative. " * 12 for n in range(300)
    )
    membership.structure.save()
    log_path = tmp_path / "worker.log"
    try:
        with (
            broker(redis.url, queue),
            celery_worker(
                broker_url=redis.url,
                queue=queue,
                log_path=log_path,
                pool="prefork",
                env={"MEDIA_ROOT": str(django_settings.MEDIA_ROOT)},
            ) as worker,
        ):
            wait_for(lambda: children_of(worker.pid), 60, what="le worker démarre son processus")
            document = document_request(
                kind=STRUCTURE_SHEET, subject=membership.structure, requested_by=membership.user
            )
            wait_for(
                lambda: GeneratedDocument.objects.get(pk=document.pk).attempts == 1,
                60,
                interval=0.05,
                what="le rendu commence",
            )
            document.refresh_from_db()
            assert document.status == GeneratedDocument.Status.PENDING
            victims = children_of(worker.pid)
            assert len(victims) == 1
            kill(victims[0])

            wait_for(
                lambda: GeneratedDocument.objects.get(pk=document.pk).status == "ready",
                120,
                what=log_path.read_text()[-3000:],
            )
            assert worker.poll() is None
    finally:
        redis.stop()

    log = log_path.read_text()
    assert "WorkerLostError" in log or "exited prematurely" in log
    document.refresh_from_db()
    assert document.attempts == 2
    assert GeneratedDocument.objects.count() == 1
    pdfs = [name for _root, _dirs, files in os.walk(django_settings.MEDIA_ROOT) for name in files]
    assert len(pdfs) == 1


# --- 3. PostgreSQL restarting while the portal serves --------------------------


def test_the_portal_answers_again_by_itself_after_postgresql_restarts(tmp_path):
    require(postgres_bin("initdb") is not None, "PostgreSQL (initdb, pg_ctl) n'est pas installé")
    cluster = PostgresCluster()
    cluster.init()
    cluster.pg_ctl("start")
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115
    server = __import__("subprocess").Popen(
        [
            os.path.join(os.path.dirname(__import__("sys").executable), "gunicorn"),
            "ccr_portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--timeout",
            "30",
        ],
        cwd=django_settings.BASE_DIR,
        env=child_environment(
            DATABASE_URL=cluster.url,
            CONN_MAX_AGE="600",
            REDIS_URL="",
            DJANGO_SETTINGS_MODULE="ccr_portal.settings",
        ),
        stdout=log,
        stderr=log,
    )

    def healthz() -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=5) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            return 0

    try:
        # The port answers before the worker has loaded Django: wait for its first answer.
        wait_for(lambda: healthz() == 200, 60, what="gunicorn répond")
        assert healthz() == 200  # on the persistent connection (CONN_MAX_AGE)
        assert healthz() == 200

        cluster.pg_ctl("restart", "-m", "fast")
        started = time.monotonic()
        # The first request after the restart finds the old connection dead,
        # and CONN_HEALTH_CHECKS replaces it: no error, no manual restart.
        assert healthz() == 200
        assert [healthz() for _ in range(3)] == [200, 200, 200]
        assert time.monotonic() - started < 10
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
        cluster.destroy()
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()


# --- 4. The SMTP server refusing -----------------------------------------------


@pytest.mark.django_db
def test_refused_emails_are_retried_with_backoff_never_lost_and_shown_as_pending(
    client, smtp_settings, django_capture_on_commit_callbacks
):
    handler, _port = smtp_settings
    handler.refuse = True
    person = UserFactory(committee=True, email="daniel.mayer@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=person,
            subject="Vos rôles sur le portail CCR ont changé",
            template="role_changed",
            context={"roles": ["Comité de sélection"]},
            url="/",
        )
    email = OutgoingEmail.objects.get()
    first_try = timezone.now()
    assert (email.status, email.attempts) == ("pending", 1)
    assert "451" in email.last_error
    assert (
        datetime.timedelta(seconds=25)
        < email.next_attempt_at - first_try
        <= datetime.timedelta(seconds=31)
    )

    def drain_at(moment):
        with django_capture_on_commit_callbacks(execute=True):
            return outgoing_emails_drain(now=moment)

    # Not due yet: not tried again.
    assert drain_at(first_try + datetime.timedelta(seconds=10)) == 0
    # Due: refused again, and the delay doubles (30 s, 1 min, 2 min, …, 1 h at most).
    moment = first_try
    for attempt, delay in [(2, 60), (3, 120), (4, 240)]:
        moment = OutgoingEmail.objects.get().next_attempt_at + datetime.timedelta(seconds=1)
        assert drain_at(moment) == 1
        email.refresh_from_db()
        assert email.attempts == attempt
        # The task runs now (its clock is real): the next attempt is ``delay`` away.
        assert abs((email.next_attempt_at - timezone.now()).total_seconds() - delay) < 5

    coordinator = UserFactory(coordinator=True)
    client.force_login(coordinator)
    dashboard = page_text(client.get(reverse("dashboard", args=["coordinator"])))
    assert "E-mails en attente d'envoi" in dashboard
    pending = page_text(client.get(reverse("notifications:pending-emails")))
    assert "daniel.mayer@example.org" in pending
    assert "[Portail CCR] Vos rôles sur le portail CCR ont changé" in pending
    assert "451" in pending
    client.force_login(person)
    assert client.get(reverse("notifications:pending-emails")).status_code == 403

    # The server accepts again: sent once, then never again.
    handler.refuse = False
    assert drain_at(moment + datetime.timedelta(hours=1)) == 1
    assert drain_at(moment + datetime.timedelta(hours=2)) == 0
    assert [rcpt for rcpt, _ in handler.received] == [("daniel.mayer@example.org",)]
    email.refresh_from_db()
    assert (email.status, email.text, email.html) == ("sent", "", "")
    assert Notification.objects.get().emailed_at is not None
    client.force_login(coordinator)
    assert "E-mails en attente d'envoi" not in page_text(
        client.get(reverse("dashboard", args=["coordinator"]))
    )


@pytest.mark.django_db
def test_an_email_refused_for_days_is_still_pending_an_hour_apart(
    smtp_settings, django_capture_on_commit_callbacks
):
    handler, _port = smtp_settings
    handler.refuse = True
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            recipient=UserFactory(),
            subject="Relance",
            template="role_changed",
            context={"roles": []},
        )
    moment = timezone.now()
    for _ in range(15):
        moment = OutgoingEmail.objects.get().next_attempt_at + datetime.timedelta(seconds=1)
        with django_capture_on_commit_callbacks(execute=True):
            outgoing_emails_drain(now=moment)
    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == ("pending", 16)
    assert email.next_attempt_at - moment <= datetime.timedelta(hours=1, seconds=1)
    assert email.text != ""
