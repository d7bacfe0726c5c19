"""Automated accessibility audit (axe-core, WCAG 2.1 A and AA) of the financing pages, for
the coordination, a fund's officer and a structure, on the demo."""

import pytest
from django.core.management import call_command

from ccr_portal.users.demo import DEMO_PASSWORD
from financing.models import CreditLine, FinancingRequest, FinancingResponse
from tests.conftest import require
from tests.e2e.crawl import AXE, run_axe
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def audit(page, path: str) -> list[str]:
    page.goto(path, wait_until="domcontentloaded")
    return run_axe(page, path)


@pytest.fixture
def audited_page(browser, live_server):
    """A page with axe-core loaded before the portal's scripts (the CSP allows no inline
    script, so it comes as an init script)."""
    require(AXE.exists(), "axe-core manque : lancez « npm ci »")
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(20_000)
    context.add_init_script(path=str(AXE))
    yield context.new_page()
    context.close()


def test_the_financing_pages_pass_the_automated_audit(audited_page):
    page = audited_page
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    granted = FinancingRequest.objects.get(status="granted", product__code="fris")
    submitted = FinancingRequest.objects.get(status="submitted")
    response = FinancingResponse.objects.get(structure=granted.structure)
    line = CreditLine.objects.get(funder__short_name="ESIA")
    violations = []

    log_in(page, "coordinator@example.org", DEMO_PASSWORD)
    for path in [
        "/financement/produits/",
        f"/financement/produits/{granted.product_id}/",
        "/financement/lignes-de-credit/",
        line.get_absolute_url(),
        "/financement/reponses/",
        response.get_absolute_url(),
        "/financement/demandes/?status=granted",
        granted.get_absolute_url(),
        f"/financement/demandes/{submitted.pk}/etape/forward/",
        "/financement/reponse-globale/",
    ]:
        violations += audit(page, path)
    page.context.clear_cookies()

    log_in(page, "funder@example.org", DEMO_PASSWORD)
    for path in ["/tableau-de-bord/funder/", "/financement/demandes/", granted.get_absolute_url()]:
        violations += audit(page, path)
    page.context.clear_cookies()

    log_in(page, "ressourcerie@example.org", DEMO_PASSWORD)
    for path in [response.get_absolute_url(), granted.get_absolute_url()]:
        violations += audit(page, path)
    assert violations == []
