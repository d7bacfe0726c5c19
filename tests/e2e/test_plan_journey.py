"""Browser journey on the demo: a plan drafted from a diagnostic, agreed, followed, printed.

The coordinator drafts Fil Rouge Textile's plan from its validated diagnostic,
balances the financing plan and proposes it; the structure agrees; the
RAMSESS consultant logs an individual then a collective session; the
structure sees its consumed days and finds its figures in the plan's PDF.
"""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from accompaniment.models import DevelopmentPlan, PlanStatus, Session
from tests.conftest import plain_spaces
from tests.e2e.helpers import field, see

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


BROWSER_TIMEOUT = 15_000


def test_plan_from_diagnostic_to_pdf(signed_in):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    year = timezone.localdate().year
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    # The coordinator drafts the plan from the validated diagnostic.
    coordinator = signed_in("coordinator@example.org")
    coordinator.get_by_role("link", name="Plans", exact=True).click()
    coordinator.get_by_role("link", name="Rédiger un plan").click()
    field(coordinator, "Structure").select_option(label="Fil Rouge Textile")
    field(coordinator, "Appel à candidatures").select_option(label="Appel à candidatures CCR 2011")
    coordinator.get_by_role("button", name="Créer le plan à partir des diagnostics").click()
    heading = "Plan stratégique de développement : Fil Rouge Textile"
    assert see(coordinator.get_by_role("heading", name=heading, level=1))
    assert see(coordinator.get_by_text("1 800,00 €", exact=True))  # 4 j × 450 €
    # The needs declared in the dossier are not covered yet: the plan cannot be proposed.
    assert see(
        coordinator.get_by_text(
            f"Le plan de financement n'est pas équilibré pour l'année {year} (N) : "
            "31 500,00 € de besoins non couverts."
        )
    )

    coordinator.get_by_role("link", name="Modifier le plan de financement").click()
    coordinator.get_by_label(f"Apports en fonds propres, {year} (N)").fill("5000")
    coordinator.get_by_label(f"Subventions d'investissement, {year} (N)").fill("15000")
    coordinator.get_by_label(f"Emprunts et prêts (dont prêts solidaires), {year} (N)").fill("11500")
    coordinator.get_by_role("button", name="Enregistrer le plan de financement").click()
    assert see(coordinator.get_by_text("Le plan de financement est enregistré et équilibré."))
    coordinator.get_by_role("button", name="Proposer le plan à la structure").click()
    assert see(coordinator.get_by_text("La coordination propose le plan à la structure."))
    plan = DevelopmentPlan.objects.get(structure__name="Fil Rouge Textile")
    assert plan.status == PlanStatus.PROPOSED

    # The structure's editor agrees.
    structure = signed_in("filrouge@example.org")
    structure.get_by_role("link", name="Mon accompagnement").first.click()
    structure.get_by_role("link", name="Fil Rouge Textile").click()
    structure.get_by_role("link", name="Valider le plan").click()
    structure.get_by_role("button", name="Valider le plan").click()
    assert see(structure.get_by_text("La structure valide le plan."))

    # The RAMSESS consultant logs an individual session, then a collective one.
    provider = signed_in("provider@example.org")
    provider.get_by_role("link", name="Mes séances").click()
    provider.get_by_role("link", name="Saisir une séance").click()
    field(provider, "Date").fill(yesterday.isoformat())
    field(provider, "Durée (heures)").fill("7")
    field(provider, "Axe").select_option(label="B. Accompagnement de sécurisation")
    field(provider, "Thème").fill("Modèle économique de la boutique")
    provider.get_by_label("Individuel").check()
    provider.get_by_label(
        "Fil Rouge Textile · B. Accompagnement de sécurisation (4,0 j prévus, RAMSESS)"
    ).check()
    field(provider, "Compte rendu").fill("Hypothèses de ventes revues avec la gérante.")
    provider.get_by_role("button", name="Enregistrer la séance").click()
    assert see(provider.get_by_role("heading", name="Modèle économique de la boutique"))

    provider.get_by_role("link", name="Mes séances").click()
    provider.get_by_role("link", name="Saisir une séance").click()
    field(provider, "Date").fill(yesterday.isoformat())
    field(provider, "Durée (heures)").fill("3,5")
    field(provider, "Axe").select_option(label="B. Accompagnement de sécurisation")
    field(provider, "Thème").fill("Atelier collectif : le plan de financement")
    provider.get_by_label("Collectif").check()
    provider.get_by_label(re.compile(r"Fil Rouge Textile · B\. ")).check()
    provider.get_by_label(re.compile(r"Atelier Vélo Solidaire · B\. ")).check()
    field(provider, "Compte rendu").fill("Besoins et ressources, année par année.")
    provider.get_by_role("button", name="Enregistrer la séance").click()
    assert see(provider.get_by_role("heading", name="Atelier collectif : le plan de financement"))
    assert Session.objects.filter(theme__startswith="Atelier collectif").get().format == (
        "collective"
    )

    # The structure sees its consumed days: 7 h + 3.5 h = 1.5 days of the 4 planned.
    structure.reload()
    assert see(structure.get_by_text("En cours", exact=True))
    securing = structure.get_by_role("row").filter(
        has=structure.get_by_role("link", name="Accompagnement de sécurisation")
    )
    assert securing.get_by_role("cell").nth(2).inner_text() == "4,0"
    assert securing.get_by_role("cell").nth(3).inner_text() == "1,50"
    assert securing.get_by_role("cell").nth(4).inner_text() == "2,50"

    # And downloads the agreed plan, its figures inside.
    download_link = structure.get_by_role(
        "link", name="Télécharger la version imprimable du plan stratégique de développement"
    )
    with structure.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == f"plan-strategique-fil-rouge-textile-{year}.pdf"
    text = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(Path(download.path()).read_bytes())).pages
    )
    text = plain_spaces(text)
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    for expected in [
        "Plan stratégique de développement",
        "Fil Rouge Textile",
        f"{year} (N)",
        "Aménagement de la boutique",
        "18 000,00 €",
        "31 500,00 €",  # needs and resources of year N
        "1 800,00 €",  # B: 4 days × 450 €
        "600,00 €",  # C: 1.5 days × 400 €
        "420,00 €",  # F: 1 day × 420 €
        "2 820,00 €",  # the plan's total
        "Le plan de financement est équilibré chaque année.",
        "par Sophie Garnier",
        "Date et signature",
    ]:
        assert expected in text, expected
