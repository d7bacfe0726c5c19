"""Uploads that could hurt (issue 13, points 1 and 6): refused on their content, cheaply.

Every hostile file is real and small on disk: the 1 GiB bomb is a 1 MB ODT.
"""

import time
import tracemalloc

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from applicants.models import Attachment
from applicants.services.attachments import attachment_add
from ccr_portal.uploads import validate_upload
from tests import files
from tests.conftest import page_text
from tests.factories import DocumentTypeFactory, DossierFactory, UserFactory


def refusal(name: str, content: bytes) -> tuple[list[str], float, int]:
    """The French messages, the seconds and the peak of memory the check took."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        validate_upload(files.upload(name, content))
    except ValidationError as error:
        messages = error.messages
    else:
        messages = []
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return messages, elapsed, peak


# --- Point 1: the zip bomb -------------------------------------------------------------


def test_the_one_gib_odt_bomb_is_refused_without_inflating_it():
    bomb = files.odt_bomb()
    assert len(bomb) < 1_100_000  # about 1 MB on disk, 1 GiB inflated

    messages, elapsed, peak = refusal("statuts.odt", bomb)

    assert messages == [
        "Le fichier « statuts.odt » se décompresse en 1\xa0024 Mo : ce n'est pas un document "
        "bureautique ordinaire, il est refusé par précaution."
    ]
    # The upload itself is 1 MB in memory; the check adds a fraction of it.
    assert peak < 512 * 1024
    assert elapsed < 1


def test_a_bomb_under_the_size_bound_is_refused_on_its_compression_ratio():
    bomb = files.odt_bomb(150)  # 150 MiB from 150 KB

    messages, elapsed, peak = refusal("statuts.odt", bomb)

    assert messages == [
        "Le fichier « statuts.odt » est anormalement compressé (un élément se décompresse "
        "1\xa0011 fois) : il est refusé par précaution."
    ]
    assert peak < 512 * 1024
    assert elapsed < 1


def test_an_index_lying_about_the_size_costs_no_more_than_a_few_bytes():
    # The mimetype member declares 39 bytes but its stream inflates to 1 GiB.
    bomb = files.odt_bomb(declared=39)

    messages, elapsed, peak = refusal("statuts.odt", bomb)

    assert messages == [
        "Le fichier « statuts.odt » est une archive ZIP : seuls les formats PDF, PNG, JPEG, ODT, "
        "DOCX, ODS, XLSX sont acceptés."
    ]
    assert peak < 512 * 1024
    assert elapsed < 1


def test_an_office_file_with_too_many_members_is_refused():
    messages, _, _ = refusal("rapport.docx", files.docx_with_many_members(1001))
    assert messages == [
        "Le fichier « rapport.docx » contient trop d'éléments pour un document bureautique "
        "(la limite est de 1\xa0000) : il est refusé par précaution."
    ]


def test_an_ordinary_office_file_with_many_pictures_is_accepted():
    assert validate_upload(files.upload("rapport.docx", files.docx_with_many_members(200))).code


@pytest.mark.django_db
def test_the_bomb_sent_through_the_form_is_refused_in_french_and_nothing_is_lost(client):
    editor = UserFactory(applicant=True)
    dossier = DossierFactory(editor=editor, current_premises="Local de 40 m²")
    statuts = DocumentTypeFactory(code="statuts", name="Statuts")
    client.force_login(editor)

    response = client.post(
        reverse("applicants:attachment-add", args=[dossier.pk]),
        {"document_type": statuts.pk, "upload": files.upload("statuts.odt", files.odt_bomb())},
        follow=True,
    )

    assert "Le fichier « statuts.odt » se décompresse en 1\xa0024 Mo" in page_text(response)
    assert Attachment.objects.count() == 0
    dossier.refresh_from_db()
    assert dossier.current_premises == "Local de 40 m²"


# --- Point 6: files that reach people ----------------------------------------------------

JAVASCRIPT = (
    "contient du JavaScript ou une action automatique (formulaire interactif, par exemple) : "
    "imprimez-le en PDF (« Imprimer » puis « Enregistrer au format PDF ») et déposez cette "
    "version."
)
HTML = "contient du code HTML caché : il est refusé par précaution."


@pytest.mark.parametrize(
    ("name", "maker", "message"),
    [
        ("statuts.pdf", files.pdf_html_polyglot, f"Le fichier « statuts.pdf » {HTML}"),
        (
            "statuts.pdf",
            files.pdf_with_open_action_javascript,
            f"Le fichier « statuts.pdf » {JAVASCRIPT}",
        ),
        (
            "statuts.pdf",
            files.pdf_with_additional_action,
            f"Le fichier « statuts.pdf » {JAVASCRIPT}",
        ),
        (
            "statuts.pdf",
            files.pdf_with_embedded_file,
            "Le fichier « statuts.pdf » contient des fichiers joints ou incorporés : déposez "
            "chaque document séparément.",
        ),
        ("plan.png", files.png_with_html, f"Le fichier « plan.png » {HTML}"),
        ("photo.jpg", files.jpeg_with_html, f"Le fichier « photo.jpg » {HTML}"),
        (
            "statuts.docx",
            lambda: files.docx_with({"word/embeddings/setup.exe": files.windows_executable()}),
            "Le fichier « statuts.docx » contient un programme, des macros ou un objet incorporé "
            "(« word/embeddings/setup.exe ») : seuls les documents sans contenu exécutable sont "
            "acceptés.",
        ),
        (
            "statuts.docx",
            # A program under an innocent name is recognised by its first bytes.
            lambda: files.docx_with({"word/media/image1.png": files.windows_executable()}),
            "Le fichier « statuts.docx » contient un programme, des macros ou un objet incorporé "
            "(« word/media/image1.png ») : seuls les documents sans contenu exécutable sont "
            "acceptés.",
        ),
        (
            "statuts.docx",
            lambda: files.docx_with({"word/vbaProject.bin": files.ole_header()}),
            "Le fichier « statuts.docx » contient un programme, des macros ou un objet incorporé "
            "(« word/vbaProject.bin ») : seuls les documents sans contenu exécutable sont "
            "acceptés.",
        ),
        (
            "statuts.docx",
            lambda: files.docx_with({"installer.exe": files.windows_executable()}),
            "Le fichier « statuts.docx » contient un élément inattendu pour un document DOCX "
            "(« installer.exe ») : il est refusé par précaution.",
        ),
        (
            "budget.xlsx",
            lambda: files.xlsx_with({"xl/embeddings/archive.zip": files.docx()}),
            "Le fichier « budget.xlsx » contient une archive (« xl/embeddings/archive.zip ») : "
            "il est refusé par précaution.",
        ),
        (
            "statuts.odt",
            lambda: files.odt_with({"Basic/Standard/Module1.xml": b"<script:module/>"}),
            "Le fichier « statuts.odt » contient un élément inattendu pour un document ODT "
            "(« Basic/Standard/Module1.xml ») : il est refusé par précaution.",
        ),
        (
            "statuts.odt",
            lambda: files.odt_with({"../../etc/cron.d/x": b"* * * * * root id"}),
            "Le fichier « statuts.odt » contient un élément au nom dangereux "
            "(« ../../etc/cron.d/x ») : il est refusé par précaution.",
        ),
    ],
)
@pytest.mark.django_db
def test_hostile_files_are_refused_in_french_and_nothing_is_stored(name, maker, message):
    editor = UserFactory(applicant=True)
    dossier = DossierFactory(editor=editor)
    statuts = DocumentTypeFactory(code="statuts", name="Statuts")

    with pytest.raises(ValidationError) as error:
        attachment_add(
            dossier=dossier, actor=editor, document_type=statuts, upload=files.upload(name, maker())
        )

    assert error.value.messages == [message]
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "maker", "kind"),
    [
        ("statuts.pdf", files.pdf_opening_on_its_first_page, "pdf"),
        ("statuts.docx", lambda: files.docx_with({"word/media/image1.png": files.png()}), "docx"),
        (
            "rapport.docx",
            lambda: files.docx_with({"word/embeddings/Feuille.xlsx": files.xlsx()}),
            "docx",
        ),
        ("budget.ods", lambda: files.ods_with_picture(), "ods"),
    ],
)
def test_ordinary_documents_are_not_refused_by_these_checks(name, maker, kind):
    assert validate_upload(files.upload(name, maker())).code == kind
