"""Supporting documents: accepted by their content, refused with a French error, nothing lost."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applicants.models import Attachment, DossierStatus
from applicants.services.attachments import attachment_add
from ccr_portal.uploads import validate_upload
from tests import files
from tests.conftest import page_text
from tests.factories import DocumentTypeFactory, DossierFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft():
    editor = UserFactory(applicant=True)
    dossier = DossierFactory(editor=editor)
    statuts = DocumentTypeFactory(code="statuts", name="Statuts")
    dossier.campaign.required_document_types.add(statuts)
    dossier.wished_surface_m2 = 75
    dossier.current_premises = "Texte déjà saisi"
    dossier.save()
    return dossier, editor, statuts


@pytest.mark.parametrize(
    ("name", "maker", "kind"),
    [
        ("statuts.pdf", files.pdf, "pdf"),
        ("plan.png", files.png, "png"),
        ("photo.jpg", files.jpeg, "jpg"),
        ("photo.jpeg", files.jpeg, "jpg"),
        ("statuts.odt", files.odt, "odt"),
        ("statuts.docx", files.docx, "docx"),
        ("budget.ods", files.ods, "ods"),
        ("budget.xlsx", files.xlsx, "xlsx"),
    ],
)
def test_allowed_types_are_stored_under_a_server_name(draft, name, maker, kind):
    dossier, editor, statuts = draft
    attachment = attachment_add(
        dossier=dossier, actor=editor, document_type=statuts, upload=files.upload(name, maker())
    )
    assert attachment.file_kind == kind
    assert attachment.original_name == name
    assert attachment.file.name.startswith(f"dossiers/{dossier.pk}/")
    assert name.rsplit(".", 1)[0] not in attachment.file.name
    assert attachment.size == len(maker())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "statuts.pdf",
            files.windows_executable(),
            "Le fichier « statuts.pdf » est un programme exécutable : seuls les formats PDF, PNG, "
            "JPEG, ODT, DOCX, ODS, XLSX sont acceptés.",
        ),
        ("vide.pdf", b"", "Le fichier « vide.pdf » est vide."),
        (
            "notes.pdf",
            b"Bonjour, ceci est du texte brut.",
            "Le fichier « notes.pdf » n'est pas d'un type accepté : seuls les formats PDF, PNG, "
            "JPEG, ODT, DOCX, ODS, XLSX sont acceptés.",
        ),
        (
            "scan.pdf",
            files.png(),
            "Le nom du fichier « scan.pdf » ne correspond pas à son contenu (PNG) : renommez-le "
            "avec l'extension .png.",
        ),
    ],
)
def test_refused_files_get_a_french_error_and_leave_the_dossier_unchanged(
    draft, name, content, message
):
    dossier, editor, statuts = draft
    with pytest.raises(ValidationError) as error:
        attachment_add(
            dossier=dossier, actor=editor, document_type=statuts, upload=files.upload(name, content)
        )
    assert error.value.messages == [message]
    assert Attachment.objects.count() == 0
    dossier.refresh_from_db()
    assert (dossier.wished_surface_m2, dossier.current_premises) == (75, "Texte déjà saisi")


def test_oversized_file_is_refused(settings, draft):
    settings.UPLOAD_MAX_SIZE_MB = 1
    dossier, editor, statuts = draft
    big = files.pdf() + b"%" * (1024 * 1024 + 10)
    with pytest.raises(ValidationError) as error:
        attachment_add(
            dossier=dossier,
            actor=editor,
            document_type=statuts,
            upload=files.upload("gros.pdf", big),
        )
    assert error.value.messages == [
        "Le fichier « gros.pdf » pèse 1,0 Mo : la taille maximale est de 1 Mo."
    ]
    assert Attachment.objects.count() == 0


def test_a_wrong_file_in_the_middle_of_a_draft_shows_the_error_and_keeps_everything(client, draft):
    dossier, editor, statuts = draft
    client.force_login(editor)
    client.post(
        reverse("applicants:attachment-add", args=[dossier.pk]),
        {"document_type": statuts.pk, "upload": files.upload("bon.pdf", files.pdf())},
    )
    response = client.post(
        reverse("applicants:attachment-add", args=[dossier.pk]),
        {
            "document_type": statuts.pk,
            "upload": files.upload("virus.pdf", files.windows_executable()),
        },
        follow=True,
    )
    text = page_text(response)
    assert "Le fichier « virus.pdf » est un programme exécutable" in text
    assert "bon.pdf" in text
    assert "virus.pdf</a>" not in text
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["bon.pdf"]
    dossier.refresh_from_db()
    assert dossier.current_premises == "Texte déjà saisi"


def test_upload_is_refused_once_the_dossier_is_submitted(client, draft):
    dossier, editor, statuts = draft
    dossier.status = DossierStatus.SUBMITTED
    dossier.save()
    client.force_login(editor)
    response = client.post(
        reverse("applicants:attachment-add", args=[dossier.pk]),
        {"document_type": statuts.pk, "upload": files.upload("tard.pdf", files.pdf())},
        follow=True,
    )
    assert "Les pièces ne peuvent plus être modifiées : le dossier est « Déposé »." in page_text(
        response
    )
    assert Attachment.objects.count() == 0


def test_download_is_an_attachment_with_a_safe_name(client, draft):
    dossier, editor, statuts = draft
    attachment = attachment_add(
        dossier=dossier,
        actor=editor,
        document_type=statuts,
        upload=files.upload('statuts "signés"\r\n.pdf', files.pdf()),
    )
    client.force_login(editor)
    response = client.get(reverse("applicants:attachment-download", args=[attachment.pk]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition
    assert "\n" not in disposition
    assert '"signés"' not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_validate_upload_detects_office_files_by_their_content():
    assert validate_upload(files.upload("a.docx", files.docx())).code == "docx"
    assert validate_upload(files.upload("a.xlsx", files.xlsx())).code == "xlsx"
    with pytest.raises(ValidationError):
        validate_upload(files.upload("a.docx", files.xlsx()))
