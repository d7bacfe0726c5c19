"""The demo tells the scheme's story: full diagnostics short in the first two months, a
securing gap priced in euros, and a saved scenario that closes the gap with capacity."""

from dataclasses import replace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ccr_portal.users.models import User
from scheme.demo import RENFORT
from scheme.exports import parameters_of
from scheme.figures import Period, month_of, scenario_figures, today_figures
from scheme.models import Scenario
from scheme.selectors import load_facts

pytestmark = pytest.mark.django_db


@pytest.fixture
def period():
    return Period(start=month_of(timezone.localdate()), length=settings.SCHEME_PERIOD_MONTHS)


def test_full_diagnostics_are_short_in_the_first_two_months(demo, period):
    figures = today_figures(load_facts(period), period)
    a = figures.row("diagnostic")
    first, second, third, _ = (a.months[month] for month in period.months)
    assert first.gap > 0
    assert second.gap > 0
    assert third.gap == 0  # the collective DLA's diagnostics absorb the backlog
    assert a.need_by_kind["full"] > a.need_by_kind.get("light", 0)
    assert first.need > first.offer


def test_securing_gap_is_priced_in_euros(demo, period):
    b = today_figures(load_facts(period), period).row("securing")
    assert b.gap > 0
    assert b.gap_euros == (b.gap * b.rate).quantize(b.gap_euros)
    assert b.gap_euros > 0


def test_working_capital_is_not_covered(demo, period):
    from applicants.models import FinancingCategory
    from scheme.figures import money_figures
    from scheme.selectors import load_envelopes, load_money_needs

    rows = money_figures(
        load_money_needs(), load_envelopes(period), period, FinancingCategory.values
    )
    working_capital = next(row for row in rows if row.category == "working_capital")
    assert working_capital.uncovered > 0


def test_saved_scenario_closes_the_gap_by_adding_capacity(demo, period):
    facts = load_facts(period)
    parameters = parameters_of(Scenario.objects.get(name=RENFORT))
    assert parameters.added_provider is not None
    assert scenario_figures(facts, period, parameters).gap == 0
    without = replace(parameters, added_provider=None)
    assert scenario_figures(facts, period, without).gap > 0


def test_the_cached_figures_are_the_need_lines_figures(demo):
    from tests.scheme.test_cache import assert_same_figures, periods

    for period in periods():
        assert_same_figures(period)


def test_the_demo_pages_open(demo, client):
    client.force_login(User.objects.get(email="coordinator@example.org"))
    scenario = Scenario.objects.get(name=RENFORT)
    for url in (
        reverse("scheme:quantification"),
        reverse("scheme:scenario"),
        scenario.get_absolute_url(),
        reverse("scheme:brief"),
        reverse("scheme:report"),
        reverse("scheme:structures") + "?axis=diagnostic&kind=full",
    ):
        assert client.get(url).status_code == 200, url
