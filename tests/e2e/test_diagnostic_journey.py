"""Browser journey: a structure asks for a light diagnostic; the coordination accepts and
assigns it; the provider fills the grid over two visits and delivers; the coordination
validates; the structure signs off, shares it with the committee and downloads the PDF."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from pypdf import PdfReader

from diagnostics.models import Diagnostic
from tests.e2e.helpers import field, log_in, log_out
from tests.factories import MembershipFactory, ProviderFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def flash(page) -> str:
    return page.locator(".messages").inner_text()


def test_a_light_diagnostic_from_request_to_shared_report(page):
    membership = MembershipFactory(
        structure__name="Épicerie Solidaire du Panier",
        user__first_name="Amina",
        user__last_name="Benali",
    )
    applicant = membership.user
    coordinator = UserFactory(coordinator=True)
    ramsess = ProviderFactory(
        name="RAMSESS", short_name="RAMSESS", monthly_capacity_days=Decimal("4")
    )
    consultant = UserFactory(provider=True, first_name="Marie", last_name="Dulaurier")
    ramsess.members.add(consultant)
    committee = UserFactory(committee=True)
    due = timezone.localdate() + datetime.timedelta(days=21)

    # The structure asks, from its page, before it has any dossier.
    log_in(page, applicant.email)
    page.get_by_role("link", name="Mes structures", exact=True).click()
    page.get_by_role("link", name="Épicerie Solidaire du Panier").click()
    page.get_by_role("link", name="Demander un diagnostic").click()
    page.get_by_label("Diagnostic léger").check()
    field(page, "Ce que vous attendez du diagnostic").fill("Faut-il candidater dès cet appel ?")
    page.get_by_role("button", name="Envoyer la demande").click()
    assert "Votre demande de diagnostic léger est envoyée à la coordination." in flash(page)
    assert page.get_by_text("Demandé", exact=True).is_visible()
    diagnostic = Diagnostic.objects.get()

    # The coordination accepts it and gives it to RAMSESS.
    log_out(page)
    log_in(page, coordinator.email)
    page.get_by_role("link", name="Diagnostics", exact=True).click()
    page.get_by_role("link", name="Épicerie Solidaire du Panier").click()
    page.get_by_role("button", name="Accepter la demande").click()
    assert "La coordination a accepté la demande de diagnostic." in flash(page)
    page.get_by_role("link", name="Affecter à un prestataire").click()
    field(page, "Prestataire").select_option(label="RAMSESS")
    field(page, "Échéance").fill(due.isoformat())
    # The consultants follow the chosen provider, and the month is previewed (htmx).
    preview = page.locator("#assignment-preview")
    preview.get_by_text("RAMSESS").wait_for()
    assert "j prévus pour" in preview.inner_text()
    field(page, "Consultant").select_option(label="Marie Dulaurier")
    page.get_by_role("button", name="Affecter").click()
    assert "Le diagnostic est confié à RAMSESS" in flash(page)

    # The provider accepts and fills the grid over two visits.
    log_out(page)
    log_in(page, consultant.email)
    page.get_by_role("link", name="Mes diagnostics", exact=True).click()
    page.get_by_role("link", name="Accepter ou refuser").click()
    page.get_by_role("button", name="Accepter l'affectation").click()
    page.get_by_role("link", name="Remplir la grille du diagnostic").click()
    field(page, "Projet et gouvernance : appréciation").select_option(label="3 · Correct")
    field(page, "Projet et gouvernance : observations").fill("Projet clair et partagé.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert "Brouillon enregistré" in flash(page)

    page.goto("/")
    page.get_by_role("link", name="Mes diagnostics", exact=True).click()
    page.get_by_role("link", name="Reprendre le brouillon").click()
    assert field(page, "Projet et gouvernance : observations").input_value() == (
        "Projet clair et partagé."
    )
    for theme, score in [
        ("Modèle économique", "2 · À consolider"),
        ("Situation financière (fonds propres, trésorerie, BFR)", "2 · À consolider"),
        ("Risque lié au site choisi", "3 · Correct"),
    ]:
        field(page, f"{theme} : appréciation").select_option(label=score)
        field(page, f"{theme} : observations").fill(f"Observations : {theme}.")
    field(page, "Points forts").fill("Une clientèle fidèle du quartier.")
    field(page, "Points de vigilance").fill("Une trésorerie tendue en fin d'année.")
    field(page, "Risque global").select_option(label="Moyen")
    field(page, "Recommandation sur l'intégration à la CCR").select_option(
        label="Prête avec un accompagnement de sécurisation"
    )
    page.get_by_role("button", name="Enregistrer et remettre le diagnostic").click()
    # Delivering cannot be undone: it is confirmed on its own page.
    assert "Cette étape ne peut pas être annulée." in page.content()
    page.get_by_role("button", name="Remettre le diagnostic").click()
    assert "Le prestataire a remis le diagnostic." in flash(page)

    # The coordination validates it.
    log_out(page)
    log_in(page, coordinator.email)
    page.goto(diagnostic.get_absolute_url())
    page.get_by_role("button", name="Valider le diagnostic").click()
    assert "La coordination a validé le diagnostic." in flash(page)

    # The committee cannot read it yet.
    log_out(page)
    log_in(page, committee.email)
    assert page.goto(diagnostic.get_absolute_url()).status == 403

    # The structure signs off, shares it with the committee and downloads the report.
    log_out(page)
    log_in(page, applicant.email)
    page.get_by_role("link", name="Mes diagnostics", exact=True).click()
    page.get_by_role("link", name="Diagnostic léger d'Épicerie Solidaire du Panier").click()
    assert page.get_by_text("Une clientèle fidèle du quartier.").is_visible()
    page.get_by_label("Au nom de la structure, je confirme avoir lu ces conclusions").check()
    field(page, "Commentaires de la structure").fill("Nous nuançons le risque lié au site.")
    page.get_by_role("button", name="Confirmer les conclusions").click()
    assert "les conclusions du diagnostic sont confirmées" in flash(page)
    page.get_by_role("button", name="Partager avec le comité de sélection").click()
    assert "Le comité de sélection peut désormais lire ce diagnostic." in flash(page)

    page.get_by_role("button", name="Générer la synthèse du diagnostic").click()
    download_link = page.get_by_role("link", name="Télécharger la synthèse du diagnostic")
    download_link.wait_for()
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == "diagnostic-leger-epicerie-solidaire-du-panier.pdf"
    pdf = PdfReader(io.BytesIO(Path(download.path()).read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).replace("\u00a0", " ").split())
    assert "Épicerie Solidaire du Panier" in text
    assert "Diagnostic léger" in text
    assert "Une clientèle fidèle du quartier." in text
    assert "Nous nuançons le risque lié au site." in text
    assert "Conclusions confirmées par Amina Benali" in text

    # Now the committee reads it.
    log_out(page)
    log_in(page, committee.email)
    assert page.goto(diagnostic.get_absolute_url()).status == 200
    diagnostic.refresh_from_db()
    assert (diagnostic.status, diagnostic.signed_off_by, diagnostic.consultant) == (
        "validated",
        applicant,
        consultant,
    )
    assert diagnostic.consents.filter(revoked_at__isnull=True).count() == 1
