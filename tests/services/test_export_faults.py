"""A large export asked for while Redis is away: the request still succeeds, and the
outbox drain hands the export to a real worker once Redis is back (one file, one notice)."""

import datetime
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

from ccr_portal.documents.models import BackgroundExport
from ccr_portal.documents.services import exports_requeue_stale
from ccr_portal.notifications.models import Notification
from tests.conftest import page_text, require
from tests.factories import CampaignFactory, DossierFactory, StructureFactory, UserFactory

from .faults import RedisServer, broker, celery_worker, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

LATER = datetime.timedelta(minutes=2)


def test_redis_down_during_a_large_export_then_the_drain_builds_it_once(client, settings, tmp_path):
    from django.db import connection

    require(connection.vendor == "postgresql", "DATABASE_URL doit viser PostgreSQL")
    require(bool(__import__("shutil").which("redis-server")), "redis-server n'est pas installé")
    campaign = CampaignFactory()
    for n in range(6):
        DossierFactory(
            structure=StructureFactory(name=f"Structure {n}"), campaign=campaign, status="submitted"
        )
    coordinator = UserFactory(coordinator=True)
    client.force_login(coordinator)
    settings.EXPORT_INLINE_MAX_ROWS = 5
    redis = RedisServer()
    queue = f"faults-{uuid.uuid4().hex[:8]}"

    redis.start()
    with broker(redis.url, queue):
        redis.stop()
        started = time.monotonic()
        response = client.get(reverse("applicants:dossier-export", args=["xlsx"]))
        assert time.monotonic() - started < 15
        export = BackgroundExport.objects.get()
        assert response.status_code == 302
        assert (export.status, export.enqueued_at, export.rows_total) == ("pending", None, 6)
        page = client.get(response["Location"])
        assert "Préparation en cours : 0 ligne sur 6." in page_text(page)

        redis.start()
        with celery_worker(
            broker_url=redis.url,
            queue=queue,
            log_path=tmp_path / "worker.log",
            env={"MEDIA_ROOT": str(django_settings.MEDIA_ROOT)},
        ) as worker:
            later = timezone.now() + LATER
            assert exports_requeue_stale(now=later) == 1
            wait_for(
                lambda: BackgroundExport.objects.filter(status="ready").exists(),
                90,
                what=(tmp_path / "worker.log").read_text()[-3000:],
            )
            # The next beat tick: nothing handed again.
            assert exports_requeue_stale(now=later + LATER) == 0
            time.sleep(1)
            assert worker.poll() is None
    redis.stop()

    export.refresh_from_db()
    assert (export.rows_done, export.rows_total, export.attempts) == (6, 6, 1)
    assert Notification.objects.filter(recipient=coordinator).count() == 1
    assert client.get(reverse("documents:export-download", args=[export.pk])).status_code == 200
