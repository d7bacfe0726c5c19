"""Automated accessibility audit (axe-core, WCAG 2.1 A and AA) of the main pages, per role.

axe-core comes from the npm registry (package-lock.json) and is injected into
each page by Playwright; it finds what a machine can find (contrast, labels,
landmarks, ARIA misuse), not everything a person would.
"""

from pathlib import Path

import pytest
from django.core.management import call_command

from accompaniment.models import DevelopmentPlan
from applicants.models import Dossier, Structure
from ccr_portal.users.demo import DEMO_PASSWORD
from diagnostics.models import Diagnostic
from tests.conftest import require
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def inject_axe(page) -> None:
    # Evaluated by the browser's debugging protocol, not as a <script> tag: the
    # portal's Content Security Policy refuses inline scripts, rightly.
    page.evaluate(AXE.read_text())


def audit(page, path: str) -> list[str]:
    page.goto(path)
    inject_axe(page)
    result = page.evaluate("options => axe.run(document, options)", RULES)
    return [
        f"{path} · {violation['id']} ({violation['impact']}): {violation['help']} → "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:3])
        for violation in result["violations"]
    ]


@pytest.fixture
def demo():
    require(AXE.exists(), "axe-core manque : lancez « npm ci »")
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_pages_pass_the_automated_audit(page, demo):
    epicerie = Structure.objects.get(name="Épicerie Solidaire du Panier")
    dossier = Dossier.objects.get(structure=epicerie)
    voyages = Dossier.objects.get(structure__name="Voyages Équitables Méditerranée")
    violations = []

    for path in ["/", "/compte/login/", "/compte/signup/", dossier.campaign.get_absolute_url()]:
        violations += audit(page, path)

    log_in(page, "applicant@example.org", DEMO_PASSWORD)
    for path in [
        "/tableau-de-bord/applicant/",
        epicerie.get_absolute_url(),
        dossier.get_absolute_url(),
        f"/dossiers/{dossier.pk}/rubrique/projet/",
        f"/dossiers/{dossier.pk}/rubrique/besoins/",
        f"/dossiers/{dossier.pk}/messages/",
        "/notifications/",
    ]:
        violations += audit(page, path)

    # A form sent empty: the errors next to the fields must be accessible too.
    page.goto("/structures/nouvelle/")
    page.get_by_role("button", name="Enregistrer").click()
    inject_axe(page)
    result = page.evaluate("options => axe.run(document, options)", RULES)
    violations += [f"formulaire en erreur · {v['id']}" for v in result["violations"]]
    page.context.clear_cookies()

    diagnostic = Diagnostic.objects.filter(status="validated").first()
    plan = DevelopmentPlan.objects.order_by("pk").first()
    log_in(page, "coordinator@example.org", DEMO_PASSWORD)
    for path in [
        diagnostic.get_absolute_url(),
        plan.get_absolute_url(),
        "/tableau-de-bord/coordinator/",
        "/dossiers/",
        voyages.get_absolute_url(),
        "/diagnostics/",
        "/accompagnement/plans/",
        "/equipe/",
        "/appels/",
    ]:
        violations += audit(page, path)
    page.context.clear_cookies()

    log_in(page, "provider@example.org", DEMO_PASSWORD)
    for path in ["/tableau-de-bord/provider/", "/accompagnement/seances/"]:
        violations += audit(page, path)

    assert violations == []
