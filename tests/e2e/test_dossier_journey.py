"""Browser journey: an applicant fills the dossier over two visits, submits; the coordinator
asks for changes; the applicant answers, fixes, resubmits; the coordinator starts the review."""

import pytest
from django.utils import timezone

from applicants.models import CharterCommitment, Dossier, DossierStatus
from tests import files
from tests.e2e.helpers import create_structure, field, log_in, log_out
from tests.factories import CampaignFactory, DocumentTypeFactory, SiteFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(tmp_path):
    campaign = CampaignFactory(title="Appel à candidatures CCR 2011")
    campaign.sites.set(
        [
            SiteFactory(code="mk2", name="mk2"),
            SiteFactory(code="friche", name="la Friche Belle de Mai"),
        ]
    )
    campaign.required_document_types.set(
        [
            DocumentTypeFactory(code="statuts", name="Statuts"),
            DocumentTypeFactory(code="budget", name="Budget prévisionnel"),
        ]
    )
    CharterCommitment.objects.create(campaign=campaign, text="Commerce équitable", position=1)
    applicant = UserFactory(
        applicant=True, email="nadia@epicerie.example", first_name="Nadia", last_name="Ferrand"
    )
    coordinator = UserFactory(
        coordinator=True, email="myriam@regain.example", first_name="Myriam", last_name="Carbonare"
    )
    statuts = tmp_path / "statuts.pdf"
    statuts.write_bytes(files.pdf("Statuts"))
    budget = tmp_path / "budget.xlsx"
    budget.write_bytes(files.xlsx())
    return {
        "campaign": campaign,
        "applicant": applicant,
        "coordinator": coordinator,
        "statuts": statuts,
        "budget": budget,
    }


def test_dossier_journey(page, world):
    year = timezone.localdate().year
    # Visit 1: the applicant creates the structure, opens the dossier, fills the project.
    log_in(page, "nadia@epicerie.example")
    create_structure(page)
    page.get_by_role("button", name="Ouvrir le dossier de candidature").click()
    page.get_by_role("link", name="Modifier le projet d'installation").click()
    field(page, "Site souhaité : 1er choix").select_option(label="la Friche Belle de Mai")
    field(page, "Surface souhaitée (m²)").fill("60")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.get_by_text("Rubrique « Le projet d'installation » enregistrée.").is_visible()
    log_out(page)

    # Visit 2: the rest of the sections and the documents, then the submission.
    log_in(page, "nadia@epicerie.example")
    page.get_by_role(
        "link", name="Épicerie Solidaire du Panier · Appel à candidatures CCR 2011"
    ).click()
    assert page.get_by_text("Ce qu'il reste à compléter").is_visible()
    page.get_by_role("link", name="Modifier le projet d'installation").click()
    assert field(page, "Surface souhaitée (m²)").input_value() == "60"
    field(page, "Type d'activité").select_option(label="Boutique")
    field(page, "Date d'installation souhaitée").fill("2027-03-01")
    field(page, "Vos locaux actuels").fill("30 m² rue du Panier")
    field(page, "Effet attendu de l'installation sur votre modèle économique").fill(
        "Plus de passage"
    )
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name="Modifier la charte").click()
    page.get_by_label("Commerce équitable").check()
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name="Modifier les données économiques").click()
    for offset in (1, 2):
        field(page, f"Chiffre d'affaires ou produits (€) : exercice {year - offset}").fill(
            "150 000"
        )
        field(page, f"Résultat (€) : exercice {year - offset}").fill("2 500")
        field(page, f"Fonds propres (€) : exercice {year - offset}").fill("20 000")
        field(page, f"Effectif (ETP) : exercice {year - offset}").fill("3,5")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_role("link", name="Modifier les besoins").click()
    page.get_by_label("A. Diagnostic préalable", exact=True).check()
    field(page, "Pourquoi : A. Diagnostic préalable").fill("Faire le point avant de s'engager")
    field(page, "Aménagement de la boutique : montant (€)").fill("18 000")
    page.get_by_role("button", name="Enregistrer").click()

    for label, path in (("Statuts", world["statuts"]), ("Budget prévisionnel", world["budget"])):
        field(page, "Type de pièce").select_option(label=label)
        field(page, "Fichier").set_input_files(str(path))
        page.get_by_role("button", name="Ajouter la pièce").click()
    assert page.get_by_role("heading", name="Dossier complet").is_visible()
    page.get_by_role("link", name="Déposer le dossier").click()
    page.get_by_role("button", name="Déposer le dossier").click()
    assert (
        page.get_by_role("status")
        .get_by_text("Le dossier a été déposé auprès de la coordination.")
        .is_visible()
    )
    dossier = Dossier.objects.get()
    assert dossier.status == DossierStatus.SUBMITTED
    log_out(page)

    # The coordinator asks for changes with a message.
    log_in(page, "myriam@regain.example")
    page.get_by_role("link", name="Dossiers", exact=True).click()
    page.get_by_role("link", name="Épicerie Solidaire du Panier").click()
    page.get_by_role("link", name="Demander des compléments").click()
    field(page, "Motif").select_option(label="Informations périmées")
    field(page, "Message à la structure").fill(
        "Le budget prévisionnel date de 2009 : merci de l'actualiser."
    )
    page.get_by_role("button", name="Demander des compléments").click()
    assert page.get_by_text("Compléments demandés").first.is_visible()
    log_out(page)

    # The applicant answers in the thread, fixes the document and resubmits.
    log_in(page, "nadia@epicerie.example")
    page.get_by_role(
        "link", name="Épicerie Solidaire du Panier · Appel à candidatures CCR 2011"
    ).click()
    assert (
        page.get_by_role("status")
        .get_by_text("La coordination demande des compléments")
        .is_visible()
    )
    page.get_by_role("link", name="Échanges avec la coordination").click()
    assert page.get_by_text("Le budget prévisionnel date de 2009").first.is_visible()
    field(page, "Votre message").fill("C'est corrigé, voici le budget 2011.")
    page.get_by_role("button", name="Envoyer").click()
    assert page.get_by_text("Message envoyé.").is_visible()
    page.get_by_role("link", name="Dossier d'Épicerie Solidaire du Panier").click()
    page.get_by_role("link", name="Retirer budget.xlsx").click()
    page.get_by_role("button", name="Retirer la pièce").click()
    field(page, "Type de pièce").select_option(label="Budget prévisionnel")
    field(page, "Fichier").set_input_files(str(world["budget"]))
    page.get_by_role("button", name="Ajouter la pièce").click()
    page.get_by_role("link", name="Déposer le dossier").click()
    page.get_by_role("button", name="Déposer le dossier").click()
    log_out(page)

    # The coordinator starts the review.
    log_in(page, "myriam@regain.example")
    page.goto(dossier.get_absolute_url())
    page.get_by_role("link", name="Passer en instruction").click()
    page.get_by_role("button", name="Passer en instruction").click()
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.UNDER_REVIEW
    log_out(page)

    # The applicant sees the timeline.
    log_in(page, "nadia@epicerie.example")
    page.goto(dossier.get_absolute_url())
    timeline = page.locator("ol.timeline")
    assert timeline.get_by_text("Brouillon → Déposé").is_visible()
    assert timeline.get_by_text("Déposé → Compléments demandés").is_visible()
    assert timeline.get_by_text("Motif : Informations périmées").is_visible()
    assert timeline.get_by_text("Compléments demandés → Déposé").is_visible()
    assert timeline.get_by_text("Déposé → En instruction").is_visible()
    assert page.get_by_text("Votre dossier est en instruction").is_visible()
