"""Browser journey: sign up, verify the address, log in, create a structure, download its sheet."""

import io
import re
from pathlib import Path

import pytest
from django.core import mail
from pypdf import PdfReader

from applicants.models import Structure
from ccr_portal.documents.models import GeneratedDocument
from tests.conftest import plain_spaces
from tests.e2e.helpers import create_structure, field

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Candidature-CCR-2026"


def test_visitor_signs_up_creates_a_structure_and_downloads_its_sheet(page, live_server):
    page.goto("/")
    assert page.title() == "Accueil · Portail d'accompagnement CCR"
    page.get_by_role("link", name="Créer un compte pour candidater").click()
    page.wait_for_url("**/signup/")

    field(page, "Prénom").fill("Nadia")
    field(page, "Nom").fill("Ferrand")
    field(page, "Courriel").fill("nadia@epicerie.example")
    field(page, "Mot de passe").fill(PASSWORD)
    field(page, "Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_role("button", name="Création de compte").click()
    page.wait_for_url("**/confirm-email/")

    # The verification link arrives by e-mail.
    assert len(mail.outbox) == 1
    link = re.search(r"http://[^\s]+/compte/confirm-email/[^\s]+/", mail.outbox[0].body).group(0)
    page.goto(link.replace("http://testserver", live_server.url))
    page.get_by_role("button", name="Confirmer").click()

    page.goto("/compte/login/")
    field(page, "Courriel").fill("nadia@epicerie.example")
    field(page, "Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/tableau-de-bord/applicant/")
    assert page.get_by_role("heading", name="Mes structures").is_visible()

    create_structure(page)

    assert page.get_by_role("heading", name="Épicerie Solidaire du Panier", level=1).is_visible()
    assert page.get_by_text("185\u00a0000,00\u00a0€").is_visible()

    page.get_by_role("button", name="Générer la fiche structure").click()
    download_link = page.get_by_role("link", name="Télécharger la fiche structure")
    download_link.wait_for()
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == "fiche-structure-epicerie-solidaire-du-panier.pdf"
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages
    )
    text = plain_spaces(text)
    assert "Épicerie Solidaire du Panier" in text
    assert "W131000123" in text

    structure = Structure.objects.get()
    assert structure.memberships.get().user.email == "nadia@epicerie.example"
    assert GeneratedDocument.objects.get().status == GeneratedDocument.Status.READY
