"""A plan's financing typed the French way in an English-language browser.

The coordinator's Chromium runs with an English interface: a number input used to read
« 15000,00 » as 1 500 000. The grid's text fields read it as fifteen thousand, the totals
and the balance follow the typing, and the saved plan holds 15 000,00 €.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from accompaniment.models import FinancingItem
from tests.accompaniment.factories import AccompanimentProviderFactory, drafted_plan
from tests.e2e.helpers import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_comma_amount_in_an_english_browser(browser, live_server):
    coordinator = UserFactory(coordinator=True, email="myriam@regain.example")
    ramsess = AccompanimentProviderFactory(name="RAMSESS", axes=["securing"])
    plan, _editor = drafted_plan(coordinator, ramsess, name="Café de la Plaine")
    plan.financing_lines.update(year_n=0, year_n1=0, year_n2=0)

    context = browser.new_context(base_url=live_server.url, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, coordinator.email)
        page.goto(reverse("accompaniment:plan-financing", args=[plan.pk]))
        equity = page.locator("#id_equity_0")
        equity.fill("15000,00")
        working_capital = page.locator("#id_working_capital_0")
        working_capital.fill("15 000")
        # The totals and the balance of year N follow the typing, before any saving.
        inflow = page.locator('[data-total="inflow"][data-year="0"]')
        assert inflow.inner_text().replace("\u202f", " ").replace("\u00a0", " ") == "15 000,00 €"
        balance = page.locator('[data-difference][data-year="0"] [data-balance-label]')
        assert balance.inner_text() == "équilibré"
        working_capital.fill("14 000")
        assert balance.inner_text() == "non équilibré"
        working_capital.fill("15 000")
        page.get_by_role("button", name="Enregistrer le plan de financement").click()
        page.wait_for_url(f"**/plans/{plan.pk}/**")
    finally:
        context.close()

    lines = {line.item: line for line in plan.financing_lines.all()}
    assert lines[FinancingItem.EQUITY].year_n == Decimal("15000.00")
    assert lines[FinancingItem.WORKING_CAPITAL].year_n == Decimal("15000.00")
