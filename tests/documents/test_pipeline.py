"""The documents pipeline: rendered in a task, idempotent, retried, permission-checked."""

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from applicants.documents import STRUCTURE_SHEET
from applicants.services.structures import structure_update
from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_request, documents_requeue_stale
from tests.conftest import page_text, plain_spaces
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    return plain_spaces("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


@pytest.fixture
def member():
    return MembershipFactory(
        structure__name="Épicerie Solidaire du Panier",
        structure__last_budget=12500,
        structure__city="Marseille",
    )


def test_structure_sheet_is_rendered_in_french_with_its_figures(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        document = document_request(
            kind=STRUCTURE_SHEET, subject=member.structure, requested_by=member.user
        )
    # The rendering waited for the commit: it was enqueued, not run inside the request.
    assert len(callbacks) == 1
    document.refresh_from_db()

    assert document.status == GeneratedDocument.Status.READY
    data = document.file.read()
    assert hashlib.sha256(data).hexdigest() == document.checksum
    text = pdf_text(data)
    assert "Fiche structure" in text
    assert "Épicerie Solidaire du Panier" in text
    assert "12\u00a0500,00\u00a0€" in text or "12 500,00 €" in text
    assert "Association loi 1901" in text
    assert document.requested_by == member.user
    assert document.ready_at is not None


def test_asking_twice_for_unchanged_content_gives_one_document(
    member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = document_request(
            kind=STRUCTURE_SHEET, subject=member.structure, requested_by=member.user
        )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = document_request(
            kind=STRUCTURE_SHEET, subject=member.structure, requested_by=member.user
        )

    assert second.pk == first.pk
    assert callbacks == []  # nothing re-rendered
    assert GeneratedDocument.objects.count() == 1


def test_changed_content_gives_a_new_document(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = document_request(
            kind=STRUCTURE_SHEET, subject=member.structure, requested_by=member.user
        )
    structure_update(
        structure=member.structure, actor=member.user, city="Aubagne", postal_code="13400"
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = document_request(
            kind=STRUCTURE_SHEET, subject=member.structure, requested_by=member.user
        )

    assert second.pk != first.pk
    second.refresh_from_db()
    assert "Aubagne" in pdf_text(second.file.read())
    assert GeneratedDocument.objects.count() == 2


def test_a_failing_render_is_retried_then_marked_failed(
    member, settings, tmp_path, django_capture_on_commit_callbacks
):
    # The storage cannot be written: a real failure outside the renderer.
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("x")
    settings.MEDIA_ROOT = blocked

    with django_capture_on_commit_callbacks(execute=True):
        document = document_request(
            kind=STRUCTURE_SHEET, subject=member.structure, requested_by=member.user
        )
    document.refresh_from_db()

    assert document.status == GeneratedDocument.Status.FAILED
    assert document.attempts == 4  # the first try and three retries
    assert document.checksum == ""
    assert "Error" in document.error

    # Once the storage is back, asking again gives the same row another chance.
    settings.MEDIA_ROOT = tmp_path / "media"
    with django_capture_on_commit_callbacks(execute=True):
        again = document_request(
            kind=STRUCTURE_SHEET, subject=member.structure, requested_by=member.user
        )
    again.refresh_from_db()
    assert again.pk == document.pk
    assert again.status == GeneratedDocument.Status.READY


def test_stale_pending_documents_are_enqueued_again(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        document = document_request(
            kind=STRUCTURE_SHEET, subject=member.structure, requested_by=member.user
        )
    # The task was lost (the callbacks never ran) and the row is old.
    GeneratedDocument.objects.filter(pk=document.pk).update(
        updated_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    fresh = MembershipFactory()
    with django_capture_on_commit_callbacks(execute=False):
        document_request(kind=STRUCTURE_SHEET, subject=fresh.structure, requested_by=fresh.user)

    with django_capture_on_commit_callbacks(execute=True):
        count = documents_requeue_stale()

    assert count == 1
    document.refresh_from_db()
    assert document.status == GeneratedDocument.Status.READY
    assert GeneratedDocument.objects.filter(status="pending").count() == 1


def test_an_outsider_cannot_ask_for_the_sheet(member):
    outsider = UserFactory(applicant=True)
    with pytest.raises(PermissionDenied):
        document_request(kind=STRUCTURE_SHEET, subject=member.structure, requested_by=outsider)
    assert GeneratedDocument.objects.count() == 0


def test_pending_document_shows_progress_and_cannot_be_downloaded(
    client, member, django_capture_on_commit_callbacks
):
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("documents:request", args=[STRUCTURE_SHEET, member.structure.pk]))
    document = GeneratedDocument.objects.get()
    assert document.status == GeneratedDocument.Status.PENDING

    page = client.get(reverse("applicants:structure-detail", args=[member.structure.pk]))
    text = page_text(page)
    assert "En cours de génération" in text
    assert f'data-hx-get="{reverse("documents:status", args=[document.pk])}"' in text
    assert 'data-hx-trigger="every 2s"' in text

    status = client.get(reverse("documents:status", args=[document.pk]), HTTP_HX_REQUEST="true")
    assert "En cours de génération" in page_text(status)
    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 404


def test_request_through_the_page_then_download(client, member, django_capture_on_commit_callbacks):
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:request", args=[STRUCTURE_SHEET, member.structure.pk]),
            {"next": member.structure.get_absolute_url()},
        )
    assert response.status_code == 302
    assert response.url == member.structure.get_absolute_url()
    document = GeneratedDocument.objects.get()

    status = client.get(reverse("documents:status", args=[document.pk]))
    assert "Télécharger la fiche structure" in page_text(status)
    download = client.get(reverse("documents:download", args=[document.pk]))
    assert download["Cache-Control"] == "private, no-store"
    assert "Épicerie Solidaire du Panier" in pdf_text(b"".join(download.streaming_content))


def test_unsafe_next_url_is_ignored(client, member, django_capture_on_commit_callbacks):
    client.force_login(member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:request", args=[STRUCTURE_SHEET, member.structure.pk]),
            {"next": "https://evil.example/"},
        )
    assert response.url == "/"


def test_unknown_document_kind_is_a_404(client, member):
    client.force_login(member.user)
    response = client.post(reverse("documents:request", args=["inconnu", member.structure.pk]))
    assert response.status_code == 404
