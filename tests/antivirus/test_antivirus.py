"""Antivirus on every upload (issue 13, point 8), with a real clamd.

``pending`` → ``clean`` | ``infected`` | ``error``; ``not_scanned`` without clamd.
Nothing is served until clean (or not scanned); an infected file is quarantined,
its uploader and the coordinators are told, and nothing else is lost.
"""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import PlanStatus
from accompaniment.services.sessions import session_document_add, session_log
from applicants.models import Attachment, Message
from applicants.services.campaigns import campaign_document_add
from ccr_portal.antivirus.models import ScanStatus
from ccr_portal.antivirus.services import scanned_files_requeue_stale, scanned_models
from ccr_portal.axes import Axis
from ccr_portal.formatting import with_preposition
from ccr_portal.notifications.models import Notification
from diagnostics.services.diagnostics import diagnostic_mark_covered
from tests import files
from tests.accompaniment.factories import (
    AccompanimentProviderFactory,
    consultant_of,
    drafted_plan,
)
from tests.conftest import page_text, plain_spaces
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import (
    CampaignFactory,
    DocumentTypeFactory,
    DossierFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

INFECTED_PAGE = "virus détecté : fichier mis en quarantaine"


@pytest.fixture
def draft():
    """A draft dossier with its editor, its instructor, one document already in."""
    membership = MembershipFactory(user__first_name="Éva", user__last_name="Éditrice")
    instructor = UserFactory(coordinator=True, first_name="Myriam", last_name="Carbonare")
    UserFactory(coordinator=True)  # another coordinator: the instructor alone is told
    dossier = DossierFactory(
        structure=membership.structure, instructor=instructor, current_premises="Local de 40 m²"
    )
    statuts = DocumentTypeFactory(code="statuts", name="Statuts")
    budget = DocumentTypeFactory(code="budget", name="Budget")
    dossier.campaign.required_document_types.add(statuts, budget)
    return dossier, membership.user, instructor, statuts, budget


def upload_attachment(client, dossier, document_type, name, content, capture):
    with capture(execute=True):
        return client.post(
            reverse("applicants:attachment-add", args=[dossier.pk]),
            {"document_type": document_type.pk, "upload": files.upload(name, content)},
            follow=True,
        )


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [path for path in root.rglob("*") if path.is_file()]


# --- With clamd: the real scan ------------------------------------------------------


def test_eicar_uploaded_through_the_form_is_quarantined_and_nothing_else_is_lost(
    client, with_clamd, draft, django_capture_on_commit_callbacks, mailoutbox
):
    dossier, editor, instructor, statuts, budget = draft
    client.force_login(editor)
    upload_attachment(
        client, dossier, budget, "budget.pdf", files.pdf(), django_capture_on_commit_callbacks
    )
    Notification.objects.all().delete()
    mailoutbox.clear()

    response = upload_attachment(
        client,
        dossier,
        statuts,
        "statuts.pdf",
        files.pdf_carrying_eicar(),
        django_capture_on_commit_callbacks,
    )

    infected = Attachment.objects.get(original_name="statuts.pdf")
    assert (infected.scan_status, infected.scan_signature) == (
        ScanStatus.INFECTED,
        "Eicar-Test-Signature.UNOFFICIAL",
    )
    # Out of the media storage, into the quarantine, under the same server name.
    assert not (Path(settings.MEDIA_ROOT) / infected.file.name).exists()
    quarantined = Path(settings.QUARANTINE_ROOT) / infected.file.name
    assert quarantined.read_bytes() == files.pdf_carrying_eicar()
    # Never served.
    download = client.get(reverse("applicants:attachment-download", args=[infected.pk]))
    assert download.status_code == 410
    assert (
        "Le fichier « statuts.pdf » contient un virus : il a été mis en quarantaine et ne peut "
        "pas être téléchargé." in page_text(download)
    )
    # The page says so, and the document still counts as missing.
    page = page_text(client.get(dossier.get_absolute_url()))
    assert INFECTED_PAGE in page
    assert "Ajoutez la pièce « Statuts »" in page
    # The uploader and the instructor are told, in French; nobody else.
    assert sorted(Notification.objects.values_list("recipient", "subject")) == sorted(
        [
            (editor.pk, "Fichier refusé par l'antivirus : « statuts.pdf »"),
            (instructor.pk, "Virus détecté et mis en quarantaine : « statuts.pdf »"),
        ]
    )
    to_editor = next(mail for mail in mailoutbox if mail.to == [editor.email])
    assert (
        "Le fichier « statuts.pdf » que vous avez déposé sur le dossier "
        f"{with_preposition('de', dossier.structure)} "
        "contient un virus (Eicar-Test-Signature.UNOFFICIAL)." in plain_spaces(to_editor.body)
    )
    to_instructor = next(mail for mail in mailoutbox if mail.to == [instructor.email])
    assert "déposé par Éva Éditrice" in to_instructor.body
    # Nothing else of the dossier is lost.
    dossier.refresh_from_db()
    assert dossier.current_premises == "Local de 40 m²"
    clean = Attachment.objects.get(original_name="budget.pdf")
    assert clean.scan_status == ScanStatus.CLEAN
    assert client.get(reverse("applicants:attachment-download", args=[clean.pk])).status_code == 200
    # The page shown right after the upload came before the scan (run after the commit).
    assert "analyse antivirus en cours" in page_text(response)


def test_a_clean_file_is_scanned_and_then_served(
    client, with_clamd, draft, django_capture_on_commit_callbacks
):
    dossier, editor, _instructor, statuts, _budget = draft
    client.force_login(editor)
    content = files.docx()
    upload_attachment(
        client, dossier, statuts, "statuts.docx", content, django_capture_on_commit_callbacks
    )
    attachment = Attachment.objects.get()
    assert attachment.scan_status == ScanStatus.CLEAN
    response = client.get(reverse("applicants:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content


def test_eicar_inside_an_office_file_is_found_by_clamd(
    client, with_clamd, draft, django_capture_on_commit_callbacks
):
    dossier, editor, _instructor, statuts, _budget = draft
    client.force_login(editor)
    upload_attachment(
        client,
        dossier,
        statuts,
        "statuts.docx",
        files.docx_carrying_eicar(),
        django_capture_on_commit_callbacks,
    )
    assert Attachment.objects.get().scan_status == ScanStatus.INFECTED


def test_a_bare_eicar_file_is_refused_before_any_scan(client, with_clamd, draft):
    dossier, editor, _instructor, statuts, _budget = draft
    client.force_login(editor)
    response = client.post(
        reverse("applicants:attachment-add", args=[dossier.pk]),
        {"document_type": statuts.pk, "upload": files.upload("eicar.pdf", files.EICAR)},
        follow=True,
    )
    assert (
        "Le fichier « eicar.pdf » n'est pas d'un type accepté : seuls les formats PDF, PNG, "
        "JPEG, ODT, DOCX, ODS, XLSX sont acceptés." in page_text(response)
    )
    assert not Attachment.objects.exists()


def test_an_infected_message_attachment_keeps_the_message(
    client, with_clamd, draft, django_capture_on_commit_callbacks
):
    dossier, editor, instructor, _statuts, _budget = draft
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("applicants:dossier-messages", args=[dossier.pk]),
            {
                "body": "Voici nos statuts.",
                "files": [files.upload("statuts.pdf", files.pdf_carrying_eicar())],
            },
        )
    message = Message.objects.get()
    assert message.body == "Voici nos statuts."
    attachment = message.attachments.get()
    assert attachment.scan_status == ScanStatus.INFECTED
    thread = page_text(client.get(reverse("applicants:dossier-messages", args=[dossier.pk])))
    assert "Voici nos statuts." in thread
    assert INFECTED_PAGE in thread
    url = reverse("applicants:message-attachment-download", args=[attachment.pk])
    assert client.get(url).status_code == 410
    assert Notification.objects.filter(
        recipient=instructor, subject="Virus détecté et mis en quarantaine : « statuts.pdf »"
    ).exists()


def test_every_kind_of_upload_goes_through_the_scan(with_clamd, django_capture_on_commit_callbacks):
    """Porte-documents, covered diagnostic, session document: the same path."""
    coordinator = UserFactory(coordinator=True)
    eicar = files.pdf_carrying_eicar()
    with django_capture_on_commit_callbacks(execute=True):
        campaign_document = campaign_document_add(
            actor=coordinator,
            campaign=CampaignFactory(),
            title="Compte rendu",
            upload=files.upload("cr.pdf", eicar),
        )
    with django_capture_on_commit_callbacks(execute=True):
        diagnostic = diagnostic_mark_covered(
            diagnostic=DiagnosticFactory(),
            actor=coordinator,
            source="dla",
            source_name="",
            covered_on=datetime.date(2010, 11, 5),
            upload=files.upload("dla.pdf", eicar),
        )
    ramsess = AccompanimentProviderFactory()
    consultant = consultant_of(ramsess)
    plan, _editor = drafted_plan(coordinator, ramsess, to=PlanStatus.AGREED)
    session = session_log(
        actor=consultant,
        provider=ramsess,
        date=timezone.localdate(),
        duration_hours=Decimal("2"),
        axis=Axis.SECURING,
        theme="Prévisionnel",
        format="individual",
        actions=[plan.actions.get()],
    )
    with django_capture_on_commit_callbacks(execute=True):
        session_document = session_document_add(
            session=session, actor=consultant, upload=files.upload("support.pdf", eicar)
        )
    for scanned in (campaign_document, diagnostic, session_document):
        scanned.refresh_from_db()
        assert scanned.scan_status == ScanStatus.INFECTED, scanned
        assert not Path(scanned.scanned_file.path).exists()
    # The diagnostic's move to "covered" stands: only the file is held back.
    assert diagnostic.status == "covered"
    assert Notification.objects.filter(
        recipient=consultant, subject="Fichier refusé par l'antivirus : « support.pdf »"
    ).exists()


def test_the_public_porte_documents_hides_a_file_until_it_is_clean(
    client, settings, with_clamd, django_capture_on_commit_callbacks
):
    coordinator = UserFactory(coordinator=True)
    campaign = CampaignFactory()
    pending = campaign_document_add(
        actor=coordinator,
        campaign=campaign,
        title="GT5",
        upload=files.upload("gt5.pdf", files.pdf()),
    )
    assert pending.scan_status == ScanStatus.PENDING
    public = page_text(client.get(campaign.get_absolute_url()))
    assert "GT5" not in public
    assert client.get(reverse("applicants:campaign-document", args=[pending.pk])).status_code == 409

    with django_capture_on_commit_callbacks(execute=True):
        clean = campaign_document_add(
            actor=coordinator,
            campaign=campaign,
            title="GT6",
            upload=files.upload("gt6.pdf", files.pdf()),
        )
    clean.refresh_from_db()
    assert clean.scan_status == ScanStatus.CLEAN
    assert "GT6" in page_text(client.get(campaign.get_absolute_url()))
    download = client.get(reverse("applicants:campaign-document", args=[clean.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="gt6.pdf"'


# --- Pending, and clamd unreachable -------------------------------------------------


def test_a_pending_file_is_neither_served_nor_zipped_and_the_page_says_so(
    client, settings, draft, django_capture_on_commit_callbacks
):
    settings.CLAMD_URL = "unix:///nonexistent/clamd.sock"
    dossier, editor, _instructor, statuts, _budget = draft
    client.force_login(editor)
    # The scan is enqueued after the commit: not run here, the file stays pending.
    client.post(
        reverse("applicants:attachment-add", args=[dossier.pk]),
        {"document_type": statuts.pk, "upload": files.upload("statuts.pdf", files.pdf())},
    )
    attachment = Attachment.objects.get()
    assert attachment.scan_status == ScanStatus.PENDING
    assert "analyse antivirus en cours" in page_text(client.get(dossier.get_absolute_url()))
    download = client.get(reverse("applicants:attachment-download", args=[attachment.pk]))
    assert download.status_code == 409
    assert (
        "Le fichier « statuts.pdf » est en cours d'analyse antivirus : il sera téléchargeable "
        "dans quelques instants." in page_text(download)
    )

    from applicants.archive import zip_entry_names

    assert zip_entry_names(dossier) == []


def test_clamd_unreachable_is_retried_then_the_file_stays_unserved_and_coordinators_know(
    client, settings, draft, django_capture_on_commit_callbacks
):
    settings.CLAMD_URL = "unix:///nonexistent/clamd.sock"
    dossier, editor, instructor, statuts, _budget = draft
    client.force_login(editor)
    upload_attachment(
        client, dossier, statuts, "statuts.pdf", files.pdf(), django_capture_on_commit_callbacks
    )
    attachment = Attachment.objects.get()
    assert attachment.scan_status == ScanStatus.ERROR
    assert attachment.scan_signature.startswith("clamd injoignable")
    assert (
        client.get(reverse("applicants:attachment-download", args=[attachment.pk])).status_code
        == 409
    )
    assert "analyse antivirus impossible" in page_text(client.get(dossier.get_absolute_url()))
    assert list(Notification.objects.values_list("recipient", "subject")) == [
        (instructor.pk, "Analyse antivirus impossible : « statuts.pdf »")
    ]
    assert (Path(settings.MEDIA_ROOT) / attachment.file.name).exists()  # kept, to scan again


def test_the_beat_scans_again_what_stayed_pending(
    with_clamd, draft, django_capture_on_commit_callbacks
):
    dossier, editor, _instructor, statuts, _budget = draft
    from applicants.services.attachments import attachment_add

    attachment = attachment_add(
        dossier=dossier,
        actor=editor,
        document_type=statuts,
        upload=files.upload("statuts.pdf", files.pdf_carrying_eicar()),
    )  # its task lost: the commit callback never ran
    assert scanned_files_requeue_stale() == 0  # not stale yet
    Attachment.objects.filter(pk=attachment.pk).update(
        scan_updated_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert scanned_files_requeue_stale() == 1
    attachment.refresh_from_db()
    assert attachment.scan_status == ScanStatus.INFECTED


def test_scan_files_scans_what_was_stored_before_clamd(
    settings, tmp_path, draft, clamd_socket, django_capture_on_commit_callbacks
):
    dossier, editor, _instructor, statuts, budget = draft
    from applicants.services.attachments import attachment_add

    before = [
        attachment_add(
            dossier=dossier, actor=editor, document_type=document_type, upload=files.upload(n, c)
        )
        for document_type, n, c in [
            (statuts, "statuts.pdf", files.pdf_carrying_eicar()),
            (budget, "budget.pdf", files.pdf()),
        ]
    ]
    assert [a.scan_status for a in before] == [ScanStatus.NOT_SCANNED] * 2
    settings.CLAMD_URL = clamd_socket
    settings.QUARANTINE_ROOT = tmp_path / "quarantine"
    out = io.StringIO()
    call_command("scan_files", stdout=out)
    assert out.getvalue() == "2 fichier(s) envoyé(s) à l'antivirus.\n"
    assert dict(Attachment.objects.values_list("original_name", "scan_status")) == {
        "statuts.pdf": ScanStatus.INFECTED,
        "budget.pdf": ScanStatus.CLEAN,
    }


# --- Without clamd: the embedded default ---------------------------------------------


def test_without_clamd_uploads_are_not_scanned_served_and_flagged_to_coordinators(
    client, draft, django_capture_on_commit_callbacks
):
    assert settings.CLAMD_URL == ""
    dossier, editor, instructor, statuts, _budget = draft
    client.force_login(editor)
    upload_attachment(
        client, dossier, statuts, "statuts.pdf", files.pdf(), django_capture_on_commit_callbacks
    )
    attachment = Attachment.objects.get()
    assert attachment.scan_status == ScanStatus.NOT_SCANNED
    assert (
        client.get(reverse("applicants:attachment-download", args=[attachment.pk])).status_code
        == 200
    )
    assert "non analysé par l'antivirus" not in page_text(client.get(dossier.get_absolute_url()))
    client.force_login(instructor)
    assert "non analysé par l'antivirus" in page_text(client.get(dossier.get_absolute_url()))
    assert not Notification.objects.filter(subject__contains="antivirus").exists()


def test_a_row_saved_without_the_scan_is_never_served(client, draft):
    """The default is pending: code that forgets the scan fails closed."""
    dossier, editor, _instructor, statuts, _budget = draft
    attachment = Attachment(
        dossier=dossier, document_type=statuts, original_name="x.pdf", file_kind="pdf", size=4
    )
    from django.core.files.base import ContentFile

    attachment.file.save("x.pdf", ContentFile(b"%PDF"))
    client.force_login(editor)
    url = reverse("applicants:attachment-download", args=[attachment.pk])
    assert client.get(url).status_code == 409


def test_the_dossier_zip_leaves_out_what_the_antivirus_holds_back(draft):
    dossier, editor, _instructor, statuts, budget = draft
    from applicants.archive import zip_entry_names
    from applicants.services.attachments import attachment_add

    kept = attachment_add(
        dossier=dossier,
        actor=editor,
        document_type=budget,
        upload=files.upload("b.pdf", files.pdf()),
    )
    held = attachment_add(
        dossier=dossier,
        actor=editor,
        document_type=statuts,
        upload=files.upload("s.pdf", files.pdf()),
    )
    Attachment.objects.filter(pk=held.pk).update(scan_status=ScanStatus.INFECTED)
    assert [attachment for _name, attachment in zip_entry_names(dossier)] == [kept]


# --- Written once, for later apps too ------------------------------------------------


def test_every_model_storing_a_file_is_scanned_unless_the_portal_made_the_file():
    """A new model with a FileField fails here until it inherits ScannedFile."""
    from django.apps import apps
    from django.db import models

    made_by_the_portal = {"documents.GeneratedDocument", "documents.BackgroundExport"}
    storing = {
        model._meta.label
        for model in apps.get_models()
        if any(isinstance(field, models.FileField) for field in model._meta.fields)
    }
    assert storing - made_by_the_portal == {model._meta.label for model in scanned_models()}
    assert {model._meta.label for model in scanned_models()} == {
        "applicants.Attachment",
        "applicants.CampaignDocument",
        "applicants.MessageAttachment",
        "diagnostics.Diagnostic",
        "accompaniment.SessionDocument",
        "financing.RequestDocument",
    }


def test_a_malformed_clamd_url_is_an_error_the_coordinators_read(
    client, settings, draft, django_capture_on_commit_callbacks
):
    settings.CLAMD_URL = "clamd.local:3310"
    dossier, editor, _instructor, statuts, _budget = draft
    client.force_login(editor)
    upload_attachment(
        client, dossier, statuts, "statuts.pdf", files.pdf(), django_capture_on_commit_callbacks
    )
    attachment = Attachment.objects.get()
    assert attachment.scan_status == ScanStatus.ERROR
    assert "CLAMD_URL doit commencer par unix:// ou tcp://" in attachment.scan_signature
