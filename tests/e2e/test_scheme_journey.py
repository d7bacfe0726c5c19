"""Browser journey on the demo: needs against offer, a figure traced to its structures, a
scenario brought from a gap to no gap by adding capacity (htmx), saved and compared."""

import re

import pytest
from django.core.management import call_command

from ccr_portal.users.demo import DEMO_PASSWORD
from scheme.models import Scenario
from tests.conftest import plain_spaces
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHANGED = "before => document.querySelector('#scenario-results').innerText !== before"
NO_GAP = """() => document.querySelector('#scenario-results').textContent
    .replace(/[\u00a0\u202f]/g, ' ').includes('Écart du scénario : 0,0 jours')"""


def test_from_the_gap_to_a_saved_scenario(page):
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    log_in(page, "coordinator@example.org", DEMO_PASSWORD)
    page.get_by_role("link", name="Besoins et offre", exact=True).first.click()
    page.get_by_role("heading", name="Besoins et offre du dispositif").wait_for()
    assert re.search(
        r"écart : \d[\d,]* jours, soit [\d\s ]+,\d\d", plain_spaces(page.inner_text("main"))
    )

    # The full diagnostics of the first month lead to their structures.
    page.get_by_role("link", name=re.compile(r"^complets : ")).first.click()
    page.get_by_role("heading", name="Structures derrière un chiffre").wait_for()
    assert page.locator("tbody tr").count() >= 1
    assert "Diagnostic demandé ou en cours" in page.inner_text("main")

    # A scenario: the figures follow each change without a reload.
    page.get_by_role("link", name="Scénarios", exact=True).click()
    results = page.locator("#scenario-results")
    before = results.inner_text()
    page.get_by_label("Résidents attendus").fill("30")
    page.get_by_label("Résidents attendus").dispatch_event("change")
    page.wait_for_function(CHANGED, arg=before)
    assert "Écart du scénario : 0,0" not in plain_spaces(results.inner_text())
    page.get_by_label("Prestataire ajouté : nom").fill("Consultants en renfort")
    page.get_by_label("A. Diagnostic préalable").check()
    page.get_by_label("B. Accompagnement de sécurisation").check()
    page.get_by_label("Prestataire ajouté : jours par mois").fill("80")
    page.get_by_label("Prestataire ajouté : jours par mois").dispatch_event("change")
    page.wait_for_function(NO_GAP)
    assert Scenario.objects.count() == 1  # the demo's, nothing written by recomputing

    page.get_by_label("Nom du scénario").fill("Trente résidents et renfort")
    page.get_by_role("button", name="Enregistrer le scénario").click()
    page.get_by_role("heading", name="Scénario « Trente résidents et renfort »").wait_for()
    assert Scenario.objects.count() == 2
    assert "Aujourd'hui" in page.inner_text("main")
