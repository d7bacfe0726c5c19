"""The funds' credit lines as the money side's envelopes (``scheme.selectors.load_envelopes``)."""

import datetime
from decimal import Decimal as D

import pytest

from financing.models import CreditLine, FundingProduct, ProductKind
from scheme.figures import Envelope, MoneyNeed, Period, money_figures
from scheme.selectors import load_envelopes
from tests.factories import FunderFactory

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = (datetime.date(2027, month, 1) for month in (1, 2, 3))
PERIOD = Period(start=JAN, length=3)


def product(funder, code, uses):
    return FundingProduct.objects.create(
        funder=funder, code=code, name=code, kind=ProductKind.SEED_FUND, allowed_uses=uses
    )


def line(funder, amount, starts_on, ends_on, products):
    credit_line = CreditLine.objects.create(
        funder=funder, name=f"Ligne {amount}", amount=D(amount), starts_on=starts_on,
        ends_on=ends_on,
    )  # fmt: skip
    credit_line.products.set(products)
    return credit_line


@pytest.fixture
def lines():
    esia = FunderFactory(short_name="ESIA")
    urscop = FunderFactory(short_name="URSCOP")
    every_use = product(esia, "tout", [])
    moving = product(esia, "demenagement", ["moving"])
    stock = product(urscop, "stock", ["working_capital", "initial_stock"])
    # November to April, every use (one product with no restriction).
    line(esia, "12000", datetime.date(2026, 11, 1), datetime.date(2027, 4, 30), [every_use, moving])
    # February to April, working capital and initial stock only.
    line(urscop, "1000", datetime.date(2027, 2, 10), datetime.date(2027, 4, 20), [stock])
    # Covers no product; ended before the period.
    line(urscop, "5000", JAN, MAR, [])
    line(esia, "9000", datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), [every_use])


def test_credit_lines_become_envelopes_by_category_and_month(lines, django_assert_num_queries):
    with django_assert_num_queries(1):
        envelopes = load_envelopes(PERIOD)
    # ESIA: 12 000 over six months is 2 000 a month for « any » need; January to March
    # are in the period. URSCOP: 1 000 over February, March, April is 333.33, 333.33 and
    # 333.34 (April out of the period); each month's 333.33 shared between its two uses,
    # in the categories' order: 166.67 (rounded half up) and the rest, 166.66.
    assert sorted(envelopes, key=lambda e: (e.month, e.fund, e.category)) == [
        Envelope("ESIA", "", D("2000.00"), JAN),
        Envelope("ESIA", "", D("2000.00"), FEB),
        Envelope("URSCOP", "initial_stock", D("166.67"), FEB),
        Envelope("URSCOP", "working_capital", D("166.66"), FEB),
        Envelope("ESIA", "", D("2000.00"), MAR),
        Envelope("URSCOP", "initial_stock", D("166.67"), MAR),
        Envelope("URSCOP", "working_capital", D("166.66"), MAR),
    ]


def test_the_money_side_counts_the_envelopes(lines):
    needs = [MoneyNeed(1, "Alpha", "working_capital", D("7000"), JAN)]
    rows = {
        row.category: row
        for row in money_figures(needs, load_envelopes(PERIOD), PERIOD, ["working_capital"])
    }
    working_capital = rows["working_capital"]
    # January: 7 000 against ESIA's 2 000: 5 000 wait. February: 166.66 of URSCOP's and
    # 2 000 of ESIA's: 2 833.34 wait. March, the same again: 666.68 uncovered.
    assert [working_capital.months[m].gap for m in PERIOD.months] == [
        D("5000.00"),
        D("2833.34"),
        D("666.68"),
    ]
    assert working_capital.envelope == D("6333.32")
    assert working_capital.uncovered == D("666.68")
