"""The global response by month, summed by the database, on a fixture computed by hand:
the page (table and chart), the XLSX and the fund's brief."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from financing.documents import brief_context
from financing.models import Disbursement, FinancingNeed, RequestUse
from financing.selectors import global_response
from financing.services.requests import request_transition
from tests.conftest import downloaded
from tests.financing.factories import make_request

JAN, FEB, MAR = (datetime.date(2027, month, 1) for month in (1, 2, 3))


@pytest.fixture
def fixture(world):
    """Needs:
    - Atelier Vélo: shop fit-out 20 000 in January, initial stock 6 000 in February;
    - Fil Rouge: productive investment 30 000 in January, working capital 5 000 in March.
    Requests:
    - Atelier Vélo, FRIS 18 000 (12 000 fit-out, 6 000 stock), 11 000 granted: 7 333,33
      for January's fit-out, 3 666,67 for February's stock; 5 000 paid on 15 January and
      3 000 on 10 March;
    - Fil Rouge, PARGEST 25 000 of productive investment, forwarded (January);
    - Fil Rouge, FRIS 7 000 of initial stock, declined: Fil Rouge declared no stock need,
      so no month;
    - Atelier Vélo, FRIS 9 000 draft: not requested money."""
    for structure, category, amount, month in [
        (world.association, "shop_fitout", "20000", JAN),
        (world.association, "initial_stock", "6000", FEB),
        (world.scop, "productive_investment", "30000", JAN),
        (world.scop, "working_capital", "5000", MAR),
    ]:
        FinancingNeed.objects.create(
            structure=structure,
            campaign=world.campaign,
            category=category,
            amount=D(amount),
            needed_on=month,
        )
    loan = make_request(
        world,
        structure=world.association,
        product="fris",
        amount=D("18000"),
        category="shop_fitout",
        months=60,
    )
    loan.uses.update(amount=D("12000"))
    RequestUse.objects.create(request=loan, category="initial_stock", amount=D("6000"))
    for step, actor in [
        ("submit", world.association_editor),
        ("forward", world.coordinator),
        ("grant", world.esia_officer),
    ]:
        data = {}
        if step == "grant":
            data = {
                "granted_amount": D("11000"),
                "granted_months": 60,
                "first_due_on": datetime.date(2027, 6, 1),
                "committee_date": datetime.date(2026, 12, 10),
            }
        request_transition(request=loan, actor=actor, action=step, **data)
    Disbursement.objects.create(request=loan, day=datetime.date(2027, 1, 15), amount=D("5000"))
    Disbursement.objects.create(request=loan, day=datetime.date(2027, 3, 10), amount=D("3000"))
    make_request(
        world,
        structure=world.scop,
        product="pargest",
        amount=D("25000"),
        category="productive_investment",
        months=60,
        status="forwarded",
    )
    make_request(
        world,
        structure=world.scop,
        product="fris",
        amount=D("7000"),
        category="initial_stock",
        months=36,
        status="declined",
    )
    make_request(
        world,
        structure=world.association,
        product="fris",
        amount=D("9000"),
        category="shop_fitout",
        months=36,
    )
    return world


def month_rows(consolidation):
    return [
        (month, needs, totals.requested, totals.granted, totals.disbursed)
        for month, needs, totals in consolidation.month_rows()
    ]


def test_the_months_of_all_funds_against_the_needs(fixture):
    result = global_response(fixture.coordinator)
    assert month_rows(result) == [
        (JAN, D("50000"), D("37000"), D("7333.33"), D("5000")),
        (FEB, D("6000"), D("6000"), D("3666.67"), D("0")),
        (MAR, D("5000"), D("0"), D("0"), D("3000")),
        (None, D("0"), D("7000"), D("0"), D("0")),
    ]
    assert {
        name: (totals.requested, totals.granted, totals.disbursed)
        for name, totals in result.by_funder.items()
    } == {
        "ESIA": (D("25000"), D("11000"), D("8000")),
        "URSCOP": (D("25000"), D("0"), D("0")),
    }
    assert [
        (funder, [(m, t.requested, t.granted, t.disbursed) for m, t in rows])
        for funder, rows in result.funder_month_rows()
    ] == [
        (
            "ESIA",
            [
                (JAN, D("12000"), D("7333.33"), D("5000")),
                (FEB, D("6000"), D("3666.67"), D("0")),
                (MAR, D("0"), D("0"), D("3000")),
                (None, D("7000"), D("0"), D("0")),
            ],
        ),
        ("URSCOP", [(JAN, D("25000"), D("0"), D("0"))]),
    ]
    assert result.granted_by_category == {
        "shop_fitout": D("7333.33"),
        "initial_stock": D("3666.67"),
    }
    assert result.requested_by_category == {
        "shop_fitout": D("12000"),
        "initial_stock": D("13000"),
        "productive_investment": D("25000"),
    }


def test_a_funds_officer_sees_the_needs_of_all_and_the_money_of_their_fund(fixture):
    result = global_response(fixture.urscop_officer)
    assert month_rows(result) == [
        (JAN, D("50000"), D("25000"), D("0"), D("0")),
        (FEB, D("6000"), D("0"), D("0"), D("0")),
        (MAR, D("5000"), D("0"), D("0"), D("0")),
    ]
    assert list(result.by_funder) == ["URSCOP"]


def test_the_page_shows_the_months_table_and_its_chart(client, fixture):
    client.force_login(fixture.coordinator)
    page = client.get(reverse("financing:global-response"))
    assert page.context["months"] == [
        ("janvier 2027", D("50000"), D("37000"), D("7333.33"), D("5000")),
        ("février 2027", D("6000"), D("6000"), D("3666.67"), D("0")),
        ("mars 2027", D("5000"), D("0"), D("0"), D("3000")),
        ("Mois non précisé", D("0"), D("7000"), D("0"), D("0")),
    ]
    assert page.context["funder_months"][1] == (
        "URSCOP",
        [("janvier 2027", D("25000"), D("0"), D("0"))],
    )
    chart = page.context["chart"]
    assert [group["label"] for group in chart["groups"]] == [
        "01/2027",
        "02/2027",
        "03/2027",
        "sans mois",
    ]
    # The peak is January's 50 000 of needs: 180 px; its 37 000 requested, 133 px.
    january = chart["groups"][0]["bars"]
    assert [bar["height"] for bar in january] == [180, 133, 26, 18]
    assert january[1]["title"] == "janvier 2027, demandé"
    html = page.content.decode()
    assert html.count('<rect x="') == 16
    assert "Par financeur et par mois" in html
    assert 'rowspan="4">ESIA</th>' in html


def test_the_export_has_the_months_against_the_funds(client, fixture):
    client.force_login(fixture.coordinator)
    response = client.get(reverse("financing:global-response-export"))
    sheet = load_workbook(io.BytesIO(downloaded(response))).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Mois : janvier 2027"] == (50000, 37000, 7333.33, 5000)
    assert rows["Mois : Mois non précisé"] == (0, 7000, 0, 0)
    assert rows["Financeur : ESIA, mois : mars 2027"] == (None, 0, 0, 3000)
    assert rows["Financeur : URSCOP, mois : janvier 2027"] == (None, 25000, 0, 0)
    assert rows["Total"] == (61000, 50000, 11000, 8000)


def test_the_funds_brief_has_its_months(fixture):
    context = brief_context(fixture.esia)
    assert context["months"] == [
        ("janvier 2027", D("50000"), D("12000"), D("7333.33"), D("5000")),
        ("février 2027", D("6000"), D("6000"), D("3666.67"), D("0")),
        ("mars 2027", D("5000"), D("0"), D("0"), D("3000")),
        ("Mois non précisé", D("0"), D("7000"), D("0"), D("0")),
    ]
