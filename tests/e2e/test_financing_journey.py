"""Browser journey on the demo: a resident's needs split between a contrat d'apport
associatif and a FRIS loan, an eligibility error fixed, the request deposited, forwarded
beyond the credit line with a justification, granted lower with conditions by ESIA's
officer; the structure reads the decision and its schedule; the credit line shows it."""

import re

import pytest
from django.core.management import call_command

from financing.models import FinancingRequest
from tests.e2e.helpers import field, see

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STRUCTURE = "Atelier Vélo Solidaire"


def _line(page, legend: str, *, product: str, category: str, amount: str, months: str):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Produit").select_option(label=product)
    group.get_by_label("Besoin financé").select_option(label=category)
    group.get_by_label("Montant (€)").fill(amount)
    group.get_by_label("Durée (mois)").fill(months)


def test_a_resident_s_financing_from_its_needs_to_the_credit_line(signed_in):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115

    # 1. The structure declares its needs.
    structure = signed_in("velo@example.org")
    structure.get_by_role("link", name="Mon financement").click()
    structure.get_by_role("link", name=STRUCTURE).click()
    structure.get_by_text("Saisir les besoins").click()
    field(structure, "Aménagement de la boutique : montant (€)").fill("20 000")
    field(structure, "Aménagement de la boutique : mois du besoin").fill("2027-02")
    structure.get_by_role("button", name="Enregistrer les besoins").click()
    assert see(structure.get_by_text("Les besoins sont enregistrés"))

    # 2. The split: a FRIS loan on the moving is refused, in French; fixed, then deposited.
    _line(
        structure,
        "Ajouter une ligne",
        product="FRIS (prêt participatif) (ESIA)",
        category="Déménagement",
        amount="15 000",
        months="60",
    )
    structure.get_by_role("button", name="Enregistrer et vérifier la réponse").click()
    assert see(structure.get_by_text(re.compile(r"FRIS \(prêt participatif\) ne finance pas")))
    group = structure.get_by_role("group", name=re.compile("Ligne 1"))
    group.get_by_label("Besoin financé").select_option(label="Aménagement de la boutique")
    _line(
        structure,
        "Ajouter une ligne",
        product="Contrat d'apport associatif (ESIA)",
        category="Déménagement",
        amount="8 000",
        months="36",
    )
    structure.get_by_role("button", name="Enregistrer et vérifier la réponse").click()
    assert see(structure.get_by_text("La réponse financière est enregistrée"))
    assert structure.get_by_text("ne finance pas").count() == 0
    structure.get_by_role("button", name=re.compile("Créer les demandes")).click()
    assert see(structure.get_by_text("2 demandes créées en brouillon"))
    structure.get_by_role("link", name="Mes demandes de financement").click()
    structure.get_by_role("row", name=re.compile("FRIS")).get_by_role("link").click()
    structure.get_by_role("link", name="Déposer la demande").click()
    structure.get_by_role("button", name="Déposer la demande").click()
    assert see(structure.get_by_text("La structure a déposé sa demande"))
    request = FinancingRequest.objects.get(structure__name=STRUCTURE, product__code="fris")
    assert request.status == "submitted"

    # 3. Regain forwards it, beyond what remains of ESIA's credit line: justified.
    coordinator = signed_in("coordinator@example.org")
    coordinator.goto(request.get_absolute_url())
    coordinator.get_by_role("link", name="Transmettre au financeur").click()
    assert see(coordinator.get_by_text(re.compile("dépasse ce qui reste de l'enveloppe")))
    field(coordinator, "Justification du dépassement de l'enveloppe").fill(
        "Installation prioritaire : le vélo-atelier ouvre avec la CCR."
    )
    coordinator.get_by_role("button", name="Transmettre au financeur").click()
    assert see(coordinator.get_by_text("Regain a transmis la demande au financeur"))

    # 4. ESIA's officer grants a lower amount, with conditions.
    officer = signed_in("funder@example.org")
    officer.get_by_role("link", name="Demandes transmises").click()
    officer.get_by_role("link", name=STRUCTURE).first.click()
    officer.get_by_role("link", name="Accorder le financement").click()
    field(officer, "Montant accordé (€)").fill("12 000")
    field(officer, "Taux (%)").fill("2")
    field(officer, "Durée (mois)").fill("48")
    field(officer, "Différé (mois)").fill("6")
    field(officer, "Première échéance").fill("2027-03-01")
    field(officer, "Date du comité d'engagement").fill("2026-11-26")
    field(officer, "Conditions").fill("Devis signés avant le premier versement.")
    officer.get_by_role("button", name="Accorder le financement").click()
    assert see(officer.get_by_text("Le financeur a accordé le financement"))

    # 5. The structure reads the decision and the repayment schedule.
    structure.goto(request.get_absolute_url())
    assert see(structure.get_by_text("Devis signés avant le premier versement."))
    assert see(structure.get_by_text(re.compile(r"48 échéances mensuelles")))
    structure.get_by_text("Voir les 48 échéances").click()
    assert see(structure.get_by_role("cell", name=re.compile(r"1er mars 2027")))

    # 6. The credit line shows what the grant consumes.
    coordinator.get_by_role("link", name="Lignes de crédit").click()
    coordinator.get_by_role("link", name=re.compile("Ligne de crédit dédiée")).click()
    # 22 000 € granted earlier (FRIS) and 12 000 € now.
    assert see(coordinator.get_by_text(re.compile(r"34[\s\u202f\u00a0]000,00")))
