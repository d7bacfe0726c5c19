"""The thread between the structure and Regain, and the coordination's private notes."""

import io
import zipfile

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from applicants.documents import DOSSIER_SUMMARY
from applicants.models import Membership, Message, MessageAttachment, PrivateNote
from applicants.services.messages import message_post, private_note_add
from ccr_portal.documents.services import document_request
from tests import files
from tests.conftest import downloaded, page_text, plain_spaces
from tests.factories import DossierFactory, UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Trésorerie fragile : vigilance au moment du déménagement"


@pytest.fixture
def thread():
    editor = UserFactory(applicant=True, first_name="Éva", last_name="Éditrice")
    reader = UserFactory(applicant=True)
    coordinator = UserFactory(coordinator=True, first_name="Myriam", last_name="Carbonare")
    dossier = DossierFactory(complete=True, status="under_review")
    Membership.objects.create(structure=dossier.structure, user=editor, role="editor")
    Membership.objects.create(structure=dossier.structure, user=reader, role="reader")
    dossier.instructor = coordinator
    dossier.save()
    return dossier, editor, reader, coordinator


def test_the_structure_writes_and_the_instructor_is_notified(
    client, thread, django_capture_on_commit_callbacks
):
    dossier, editor, _reader, coordinator = thread
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("applicants:dossier-messages", args=[dossier.pk]),
            {
                "body": "Voici le budget corrigé.",
                "files": [files.upload("budget.xlsx", files.xlsx())],
            },
        )
    assert response.status_code == 302
    message = Message.objects.get(is_automatic=False)
    assert (message.author, message.from_coordination) == (editor, False)
    assert message.attachments.get().original_name == "budget.xlsx"
    assert [m.to for m in mail.outbox] == [[coordinator.email]]
    assert "Voici le budget corrigé." in mail.outbox[0].body


def test_unread_state_follows_each_reader(client, thread):
    dossier, editor, reader, coordinator = thread
    message_post(dossier=dossier, author=coordinator, body="Pouvez-vous préciser le loyer actuel ?")

    client.force_login(editor)
    dossier_page = page_text(client.get(dossier.get_absolute_url()))
    assert '1<span class="visually-hidden"> non lu</span>' in dossier_page
    thread_page = page_text(client.get(reverse("applicants:dossier-messages", args=[dossier.pk])))
    assert "Nouveau</span>" in thread_page
    assert "Pouvez-vous préciser le loyer actuel ?" in thread_page
    # Read now: no longer new for the editor, still new for the reader.
    again = page_text(client.get(reverse("applicants:dossier-messages", args=[dossier.pk])))
    assert "Nouveau</span>" not in again
    client.force_login(reader)
    assert "Nouveau</span>" in page_text(
        client.get(reverse("applicants:dossier-messages", args=[dossier.pk]))
    )


def test_a_reader_reads_but_cannot_write(client, thread):
    dossier, _editor, reader, _coordinator = thread
    client.force_login(reader)
    response = client.post(
        reverse("applicants:dossier-messages", args=[dossier.pk]), {"body": "Je voudrais écrire"}
    )
    assert response.status_code == 302
    assert not Message.objects.filter(is_automatic=False).exists()


def test_a_refused_attachment_posts_nothing(client, thread):
    dossier, editor, *_ = thread
    client.force_login(editor)
    response = client.post(
        reverse("applicants:dossier-messages", args=[dossier.pk]),
        {"body": "Mon message", "files": [files.upload("outil.pdf", files.windows_executable())]},
    )
    text = page_text(response)
    assert "Le fichier « outil.pdf » est un programme exécutable" in text
    assert "Mon message</textarea>" in text
    assert not Message.objects.exists()
    assert not MessageAttachment.objects.exists()


def test_private_notes_never_reach_the_structure(
    client, thread, django_capture_on_commit_callbacks
):
    dossier, editor, reader, coordinator = thread
    private_note_add(dossier=dossier, author=coordinator, body=SECRET)

    client.force_login(coordinator)
    assert SECRET in page_text(client.get(dossier.get_absolute_url()))

    for person in (editor, reader):
        client.force_login(person)
        assert SECRET not in page_text(client.get(dossier.get_absolute_url()))
        assert SECRET not in page_text(
            client.get(reverse("applicants:dossier-messages", args=[dossier.pk]))
        )
        response = client.post(
            reverse("applicants:private-note-add", args=[dossier.pk]), {"body": "x"}
        )
        assert response.status_code == 403
    assert PrivateNote.objects.count() == 1

    # Not in the summary PDF, not in the ZIP (which the structure may download too).
    with django_capture_on_commit_callbacks(execute=True):
        summary = document_request(kind=DOSSIER_SUMMARY, subject=dossier, requested_by=editor)
    summary.refresh_from_db()
    summary_text = "\n".join(p.extract_text() for p in PdfReader(summary.file.open("rb")).pages)
    summary_text = plain_spaces(summary_text)
    assert dossier.structure.name in summary_text
    assert "Trésorerie fragile" not in summary_text
    client.force_login(editor)
    response = client.get(reverse("applicants:dossier-zip", args=[dossier.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    for name in archive.namelist():
        assert b"vigilance au moment" not in archive.read(name)

    # Nor in the coordinators' exports.
    client.force_login(coordinator)
    export = client.get(reverse("applicants:dossier-export", args=["csv"]))
    assert "Trésorerie fragile" not in downloaded(export).decode("utf-8-sig")


@pytest.mark.parametrize("role", ["provider", "committee", "funder"])
def test_other_roles_see_no_thread_and_no_notes(client, thread, role):
    dossier, *_ = thread
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("applicants:dossier-messages", args=[dossier.pk])).status_code == 403
    assert (
        client.post(
            reverse("applicants:private-note-add", args=[dossier.pk]), {"body": "x"}
        ).status_code
        == 403
    )
    response = client.post(
        reverse("applicants:dossier-messages", args=[dossier.pk]), {"body": "intrusion"}
    )
    assert response.status_code == 403
    assert not PrivateNote.objects.exists()
    assert not Message.objects.filter(body="intrusion").exists()
