"""Exports too large for the request: written by a task for their requester only, with the
same rows as the inline export, their progress on their own page, deleted after 24 hours."""

import csv
import datetime
import hashlib
import io
import os
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.base import ContentFile
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applicants.exports import DOSSIERS_CSV, DOSSIERS_XLSX
from applicants.models import FinancingNeed
from ccr_portal.celery import app as celery_app
from ccr_portal.documents import exports as export_registry
from ccr_portal.documents.exports import get_export_kind
from ccr_portal.documents.models import BackgroundExport
from ccr_portal.documents.services import (
    export_build,
    exports_purge,
    exports_requeue_stale,
)
from ccr_portal.documents.tasks import build_export
from ccr_portal.notifications.models import Notification
from ccr_portal.security.models import SecurityEvent
from ccr_portal.users.models import Role
from ccr_portal.users.services import user_revoke_role
from tests.conftest import downloaded, page_text
from tests.factories import CampaignFactory, DossierFactory, StructureFactory, UserFactory
from tests.users.test_account_security import _authenticated_long_ago

pytestmark = pytest.mark.django_db

FILTERS = {"status": "submitted"}


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


@pytest.fixture
def dossiers():
    """Seven submitted dossiers (the filter's rows) and two drafts (filtered out)."""
    campaign = CampaignFactory(title="Appel CCR 2011")
    for n in range(7):
        dossier = DossierFactory(
            structure=StructureFactory(name=f"Structure {n}"), campaign=campaign, status="submitted"
        )
        FinancingNeed.objects.create(dossier=dossier, category="moving", amount=Decimal(100 * n))
    for n in range(2):
        DossierFactory(structure=StructureFactory(name=f"Brouillon {n}"), campaign=campaign)
    return campaign


def _plain(text: str) -> str:
    """Figures read with plain spaces (the page keeps French no-break ones in « 3 500 »)."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def _xlsx_rows(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body)).active.values)


def _rows(file_format: str, body: bytes) -> list:
    return _csv_rows(body) if file_format == "csv" else _xlsx_rows(body)


def _inline(client, settings, file_format: str, params=FILTERS) -> bytes:
    settings.EXPORT_INLINE_MAX_ROWS = 1000
    response = client.get(reverse("applicants:dossier-export", args=[file_format]), params)
    assert response.status_code == 200
    return downloaded(response)


def _ask(client, file_format: str, params=FILTERS):
    return client.get(reverse("applicants:dossier-export", args=[file_format]), params)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_above_the_threshold_a_task_writes_the_same_rows_as_the_inline_export(
    client, settings, coordinator, dossiers, file_format, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    inline = _rows(file_format, _inline(client, settings, file_format))
    assert len(inline) == 1 + 7  # the header and the seven submitted dossiers

    settings.EXPORT_INLINE_MAX_ROWS = 5
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, file_format)

    export = BackgroundExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("documents:export-status", args=[export.pk])
    assert export.kind == (DOSSIERS_CSV if file_format == "csv" else DOSSIERS_XLSX)
    assert export.requested_by == coordinator
    assert export.params == "status=submitted"
    assert export.status == BackgroundExport.Status.READY
    assert (export.rows_done, export.rows_total) == (7, 7)
    assert export.attempts == 1
    with export.file.open("rb") as file:
        body = file.read()
    assert _rows(file_format, body) == inline
    assert export.checksum == hashlib.sha256(body).hexdigest()
    # The file's name says nothing of the filters nor of the requester.
    assert export.file.name.startswith("exports/")
    assert export.file.name.endswith(f".{file_format}")

    # The requester is told, in the portal (and by e-mail), with a link to the page.
    notification = Notification.objects.get(recipient=coordinator)
    label = f"Dossiers de candidature ({file_format.upper()})"
    assert notification.subject == f"Votre export est prêt : {label}"
    assert notification.url == reverse("documents:export-status", args=[export.pk])
    assert f"Votre export « {label} » est prêt (7 lignes)." in _plain(notification.body)
    expires = timezone.localtime(export.created_at + datetime.timedelta(hours=24))
    day = "1er" if expires.day == 1 else str(expires.day)
    months = "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    when = f"{day} {months.split()[expires.month - 1]} {expires.year} à {expires:%H:%M}"
    assert f"sur le portail avant le {when} : il sera ensuite supprimé." in _plain(
        notification.body
    )
    assert [(m.to, _plain(m.subject)) for m in mail.outbox] == [
        ([coordinator.email], f"[Portail CCR] Votre export est prêt : {label}")
    ]

    page = client.get(response["Location"])
    text = page_text(page)
    assert "L'export est prêt : 7 lignes." in text
    assert f"Télécharger l'export ({file_format.upper()}" in text
    assert 'aria-live="polite"' in page.content.decode()
    download = client.get(reverse("documents:export-download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="dossiers-ccr-')
    assert download["Cache-Control"] == "private, no-store"
    assert download["Content-Security-Policy"] == "sandbox"
    assert downloaded(download) == body
    assert (
        SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT, actor=coordinator).count() == 2
    )  # the request of the export, then its download


def test_below_the_threshold_the_export_streams_in_the_request_as_before(
    client, settings, coordinator, dossiers
):
    client.force_login(coordinator)
    settings.EXPORT_INLINE_MAX_ROWS = 7  # exactly the selection: still inline
    response = _ask(client, "csv")
    assert response.status_code == 200
    assert response.streaming
    assert len(_csv_rows(downloaded(response))) == 8
    assert not BackgroundExport.objects.exists()
    assert not Notification.objects.exists()


def test_the_default_threshold_is_5000_rows():
    assert django_settings.EXPORT_INLINE_MAX_ROWS == 5000


def test_progress_is_recorded_every_chunk(coordinator, dossiers, monkeypatch):
    """The writer reports the rows written every ``CHUNK_SIZE`` rows (two here)."""
    monkeypatch.setattr(export_registry, "CHUNK_SIZE", 2)
    seen = []
    output = io.BytesIO()
    written = get_export_kind(DOSSIERS_CSV).write(
        output, QueryDict("status=submitted"), coordinator, progress=seen.append
    )
    assert written == 7
    assert seen == [2, 4, 6]
    assert len(_csv_rows(output.getvalue())) == 8


def test_the_page_of_a_pending_export_shows_its_progress_and_polls(client, coordinator):
    export = BackgroundExport.objects.create(
        kind=DOSSIERS_XLSX, requested_by=coordinator, rows_done=3500, rows_total=10000
    )
    client.force_login(coordinator)
    url = reverse("documents:export-status", args=[export.pk])

    page = client.get(url)
    text = _plain(page_text(page))
    assert page.status_code == 200
    assert "Préparation en cours : 3 500 lignes sur 10 000." in text
    html = page.content.decode()
    assert 'id="export-etat" aria-live="polite"' in html
    assert f'data-hx-get="{url}?lignes=3500"' in html
    # Without JavaScript: a plain link reloads the page.
    assert f'<a href="{url}">Actualiser la page</a>' in html
    assert '<progress class="w-100 mb-2" max="10000" value="3500"' in html

    # The poll while nothing moved: no content, nothing swapped nor read out again.
    unchanged = client.get(url, {"lignes": "3500"}, headers={"HX-Request": "true"})
    assert (unchanged.status_code, unchanged.content) == (204, b"")
    BackgroundExport.objects.filter(pk=export.pk).update(rows_done=4000)
    fragment = client.get(url, {"lignes": "3500"}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode()
    assert "Préparation en cours : 4 000 lignes sur 10 000." in _plain(page_text(fragment))
    assert f'data-hx-get="{url}?lignes=4000"' in fragment.content.decode()
    # Nothing to download yet.
    assert client.get(reverse("documents:export-download", args=[export.pk])).status_code == 404


@pytest.fixture
def ready_export(coordinator):
    export = BackgroundExport(
        kind=DOSSIERS_CSV,
        requested_by=coordinator,
        params="status=submitted",
        status=BackgroundExport.Status.READY,
        rows_done=1,
        rows_total=1,
        checksum="0" * 64,
        ready_at=timezone.now(),
    )
    export.file.save("export.csv", ContentFile(b"\xef\xbb\xbfStructure\r\nSecret\r\n"), save=False)
    export.save()
    return export


@pytest.mark.parametrize(
    "stranger",
    [
        lambda: UserFactory(coordinator=True),
        lambda: UserFactory(applicant=True),
        lambda: UserFactory(funder=True),
    ],
    ids=["another-coordinator", "applicant", "funder"],
)
def test_someone_else_replaying_the_urls_gets_a_404_and_learns_nothing(
    client, ready_export, stranger
):
    client.force_login(stranger())
    for name in ("documents:export-status", "documents:export-download"):
        response = client.get(reverse(name, args=[ready_export.pk]))
        assert response.status_code == 404
        assert b"Secret" not in response.content
        # The same answer as for an export that does not exist.
        assert client.get(reverse(name, args=[ready_export.pk + 1000])).status_code == 404
    # Nothing was downloaded: no export in the security log.
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_the_requester_who_lost_the_export_permission_is_refused(client, ready_export):
    coordinator = ready_export.requested_by
    user_revoke_role(user=coordinator, role=Role.COORDINATOR, revoked_by=None)
    client.force_login(coordinator)
    for name in ("documents:export-status", "documents:export-download"):
        response = client.get(reverse(name, args=[ready_export.pk]))
        assert response.status_code == 403
        assert b"Secret" not in response.content
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()
    assert (
        SecurityEvent.objects.filter(
            kind=SecurityEvent.Kind.PERMISSION_DENIED, actor=coordinator
        ).count()
        == 2
    )


def test_the_download_asks_for_the_password_again_after_a_while(client, ready_export):
    client.force_login(ready_export.requested_by)
    _authenticated_long_ago(client)
    # The progress page shows no data: it keeps polling without asking.
    assert client.get(reverse("documents:export-status", args=[ready_export.pk])).status_code == 200
    response = client.get(reverse("documents:export-download", args=[ready_export.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_asking_again_reuses_the_export_and_a_replayed_task_rebuilds_nothing(
    client, settings, coordinator, dossiers, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    settings.EXPORT_INLINE_MAX_ROWS = 5
    with django_capture_on_commit_callbacks(execute=True):
        first = _ask(client, "xlsx")
    export = BackgroundExport.objects.get()
    name, checksum, ready_at = export.file.name, export.checksum, export.ready_at

    # The same filters (the page number aside, in another order): the same export.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = _ask(client, "xlsx", {"page": "2", **FILTERS})
    assert again["Location"] == first["Location"]
    assert callbacks == []  # no task published
    # The task replayed (the broker delivering twice): nothing written again.
    assert build_export.apply(args=[export.pk]).get() == "ready"
    assert export_build(export_id=export.pk).status == "ready"

    export.refresh_from_db()
    assert BackgroundExport.objects.count() == 1
    assert (export.file.name, export.checksum, export.ready_at) == (name, checksum, ready_at)
    assert export.attempts == 1
    assert Notification.objects.filter(recipient=coordinator).count() == 1
    assert len(os.listdir(os.path.dirname(export.file.path))) == 1

    # Other filters, or another format, or an hour later: a new export.
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, "csv")
        _ask(client, "xlsx", {"status": "submitted", "sector": "food"})
    assert BackgroundExport.objects.count() == 3
    BackgroundExport.objects.filter(pk=export.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=1, minutes=1)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, "xlsx")
    assert BackgroundExport.objects.count() == 4


def test_a_failed_export_is_asked_for_anew(
    client, settings, coordinator, dossiers, django_capture_on_commit_callbacks
):
    failed = BackgroundExport.objects.create(
        kind=DOSSIERS_CSV,
        requested_by=coordinator,
        params="status=submitted",
        status=BackgroundExport.Status.FAILED,
    )
    client.force_login(coordinator)
    page = client.get(reverse("documents:export-status", args=[failed.pk]))
    assert "La préparation de l'export a échoué." in page_text(page)
    same_filters = f'<a href="{reverse("applicants:dossier-list")}?status=submitted">'
    assert same_filters in page.content.decode()
    settings.EXPORT_INLINE_MAX_ROWS = 5
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, "csv")
    fresh = BackgroundExport.objects.exclude(pk=failed.pk).get()
    assert fresh.status == BackgroundExport.Status.READY
    assert fresh.rows_done == 7


def test_the_task_filters_again_with_the_requester_s_rights_of_now(
    coordinator, dossiers, django_capture_on_commit_callbacks
):
    """Stored parameters are not trusted: a requester who lost the role gets no file."""
    export = BackgroundExport.objects.create(
        kind=DOSSIERS_CSV, requested_by=coordinator, params="status=submitted", rows_total=7
    )
    user_revoke_role(user=coordinator, role=Role.COORDINATOR, revoked_by=None)

    assert build_export.apply(args=[export.pk]).get() == "failed"

    export.refresh_from_db()
    assert export.status == BackgroundExport.Status.FAILED
    assert export.error == "Le demandeur n'a plus le droit d'exporter ces données."
    assert not export.file
    assert not Notification.objects.exists()


def test_a_failing_export_is_retried_then_marked_failed(settings, tmp_path, coordinator, dossiers):
    # The storage cannot be written: a real failure after the rows were read.
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("x")
    settings.MEDIA_ROOT = blocked
    export = BackgroundExport.objects.create(
        kind=DOSSIERS_CSV, requested_by=coordinator, params="status=submitted", rows_total=7
    )

    assert build_export.apply(args=[export.pk]).get() == "failed"

    export.refresh_from_db()
    assert export.status == BackgroundExport.Status.FAILED
    assert export.attempts == 4  # the first try and three retries
    assert export.checksum == ""
    assert not export.file
    assert "Error" in export.error
    assert not Notification.objects.exists()


def test_an_export_the_broker_never_got_is_built_by_the_drain(
    coordinator, dossiers, django_capture_on_commit_callbacks
):
    export = BackgroundExport.objects.create(
        kind=DOSSIERS_CSV, requested_by=coordinator, params="status=submitted", rows_total=7
    )
    now = timezone.now()
    # Too recent: left to the publication of its own commit.
    assert exports_requeue_stale(now=now) == 0
    BackgroundExport.objects.filter(pk=export.pk).update(
        updated_at=now - datetime.timedelta(minutes=1)
    )
    assert exports_requeue_stale(now=now) == 1
    export.refresh_from_db()
    assert export.status == BackgroundExport.Status.READY
    assert export.rows_done == 7
    assert export.enqueued_at is not None


def test_the_purge_deletes_the_files_asked_for_more_than_24_hours_ago(
    client, ready_export, coordinator
):
    old_path = ready_export.file.path
    BackgroundExport.objects.filter(pk=ready_export.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=24, minutes=1)
    )
    recent = BackgroundExport(
        kind=DOSSIERS_CSV,
        requested_by=coordinator,
        status=BackgroundExport.Status.READY,
        checksum="1" * 64,
        created_at=timezone.now() - datetime.timedelta(hours=23),
    )
    recent.file.save("export.csv", ContentFile(b"x"), save=True)
    assert os.path.exists(old_path)

    assert celery_app.tasks["ccr_portal.documents.tasks.purge_expired_exports"].apply().get() == 1

    assert not os.path.exists(old_path)
    assert list(BackgroundExport.objects.all()) == [recent]
    assert os.path.exists(recent.file.path)
    assert exports_purge() == 0
    # The purged export answers its requester as one that never existed.
    client.force_login(coordinator)
    for name in ("documents:export-status", "documents:export-download"):
        assert client.get(reverse(name, args=[ready_export.pk])).status_code == 404


def test_a_ready_export_whose_file_is_gone_is_a_404_not_an_error(client, ready_export):
    # The purge deletes the file, then the row: stopped in between, the row stays alone.
    ready_export.file.storage.delete(ready_export.file.name)
    client.force_login(ready_export.requested_by)
    for name in ("documents:export-status", "documents:export-download"):
        assert client.get(reverse(name, args=[ready_export.pk])).status_code == 404
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.EXPORT).exists()


def test_the_purge_runs_every_hour_from_the_beat():
    entry = django_settings.CELERY_BEAT_SCHEDULE["documents-purge-exports"]
    assert entry["task"] == "ccr_portal.documents.tasks.purge_expired_exports"
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].minute == {20}
    assert len(entry["schedule"].hour) == 24


def test_every_export_kind_names_real_permissions_and_its_list():
    import rules

    kinds = {kind.code: kind for kind in export_registry.all_export_kinds()}
    assert sorted(kinds) == ["dossiers_csv", "dossiers_xlsx", "financing_requests_xlsx"]
    for kind in kinds.values():
        assert kind.permissions
        assert all(rules.perm_exists(permission) for permission in kind.permissions), kind.code
        assert reverse(kind.list_url_name)
        assert kind.get_filename().endswith(f".{kind.file_format}")
