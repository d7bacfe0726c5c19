"""The money arithmetic, against figures computed by hand."""

import datetime
from decimal import Decimal as D

import pytest

from financing.arithmetic import (
    consolidate,
    envelope_position,
    granted_share,
    monthly_payment,
    repayment_schedule,
    repayments_by_year,
    uses_mismatch,
    working_capital,
)

JAN = datetime.date(2027, 1, 1)
FEB = datetime.date(2027, 2, 1)


def test_working_capital_is_stock_plus_receivables_minus_debts():
    assert working_capital(D("8000"), D("3500"), D("4200")) == D("7300.00")
    # A negative requirement is a resource: nothing to finance.
    assert working_capital(D("1000"), D("0"), D("4000")) == D("0")


def test_uses_that_add_up_pass():
    assert uses_mismatch(D("15000"), [D("10000"), D("5000")]) == ""


def test_uses_mismatch_says_the_gap_in_euros():
    from ccr_portal.formatting import format_euros

    assert uses_mismatch(D("100"), [D("40")]) == (
        f"Les usages totalisent {format_euros(D('40'))} pour une demande de "
        f"{format_euros(D('100'))} : il manque {format_euros(D('60'))} d'usages."
    )
    assert uses_mismatch(D("100"), [D("130")]).endswith(
        f"les usages dépassent de {format_euros(D('30'))}."
    )


def test_schedule_without_interest_is_equal_instalments():
    schedule = repayment_schedule(D("12000"), D("0"), 12, first_due_on=JAN)
    assert [line.payment for line in schedule] == [D("1000.00")] * 12
    assert schedule[-1].remaining == 0
    assert schedule[-1].due_on == datetime.date(2027, 12, 1)


def test_schedule_with_interest_against_a_hand_computed_table():
    # 10 000 € at 12 % a year over 3 months: r = 1 % a month,
    # instalment = 10 000 × 0.01 / (1 − 1.01^−3) = 3 400.22 €.
    assert monthly_payment(D("10000"), D("12"), 3) == D("3400.22")
    schedule = repayment_schedule(D("10000"), D("12"), 3, first_due_on=JAN)
    table = [(line.payment, line.interest, line.principal, line.remaining) for line in schedule]
    assert table == [
        (D("3400.22"), D("100.00"), D("3300.22"), D("6699.78")),
        (D("3400.22"), D("67.00"), D("3333.22"), D("3366.56")),
        # The last instalment settles the rest: 3 366.56 + 33.67 of interest.
        (D("3400.23"), D("33.67"), D("3366.56"), D("0.00")),
    ]
    assert sum(line.principal for line in schedule) == D("10000")


def test_schedule_with_deferral_pays_interest_only_first():
    schedule = repayment_schedule(D("10000"), D("12"), 5, deferral_months=2, first_due_on=JAN)
    assert [(line.deferred, line.payment, line.principal) for line in schedule[:2]] == [
        (True, D("100.00"), D("0")),
        (True, D("100.00"), D("0")),
    ]
    assert [line.payment for line in schedule[2:]] == [D("3400.22"), D("3400.22"), D("3400.23")]
    assert schedule[2].due_on == datetime.date(2027, 3, 1)


def test_schedule_matches_the_bank_formula_on_a_long_loan():
    # 30 000 € at 2 % over 60 months: the banks' annuity, 525.83 € a month.
    schedule = repayment_schedule(D("30000"), D("2"), 60, first_due_on=JAN)
    assert schedule[0].payment == D("525.83")
    assert sum(line.principal for line in schedule) == D("30000.00")
    # Each month's interest is rounded to the cent: the last instalment absorbs it.
    assert abs(schedule[-1].payment - D("525.83")) < D("0.30")


def test_deferral_must_be_shorter_than_the_loan():
    with pytest.raises(ValueError, match="deferral"):
        repayment_schedule(D("1000"), D("0"), 6, deferral_months=6, first_due_on=JAN)


def test_repayments_by_year():
    schedule = repayment_schedule(D("2400"), D("0"), 24, first_due_on=datetime.date(2027, 7, 1))
    assert repayments_by_year(schedule) == {
        2027: D("600.00"),
        2028: D("1200.00"),
        2029: D("600.00"),
    }


def test_envelope_granted_committed_remaining_and_the_over_flag():
    position = envelope_position(
        D("100000"),
        [
            ("granted", D("30000"), D("25000")),
            ("forwarded", D("40000"), None),
            ("declined", D("20000"), None),
            ("draft", D("50000"), None),
        ],
    )
    assert (position.granted, position.committed, position.remaining) == (
        D("25000"),
        D("40000"),
        D("35000"),
    )
    assert position.used_percent == D("65.0")
    assert not position.exceeds(D("35000"))
    assert position.exceeds(D("35000.01"))
    assert position.over_message(D("10000")) == ""
    assert "dépasse ce qui reste" in position.over_message(D("40000"))


def test_consolidated_totals_on_a_hand_made_fixture():
    needs = [
        ("moving", JAN, D("3000")),
        ("moving", FEB, D("2000")),
        ("initial_stock", JAN, D("8000")),
        ("working_capital", FEB, D("7000")),
    ]
    requests = [
        # ESIA: 20 000 requested (two requests), 10 000 granted of a 12 000 one.
        ("ESIA", "granted", D("12000"), D("10000")),
        ("ESIA", "forwarded", D("8000"), None),
        # Drafts and withdrawn requests are not requested money.
        ("ESIA", "draft", D("99999"), None),
        ("URSCOP", "declined", D("5000"), None),
        ("URSCOP", "withdrawn", D("7000"), None),
    ]
    uses = [
        # The granted 12 000: 9 000 of stock needed in January, 3 000 of working capital
        # needed in February; its 10 000 granted split 7 500 and 2 500.
        ("ESIA", "granted", "initial_stock", JAN, D("9000"), D("7500")),
        ("ESIA", "granted", "working_capital", FEB, D("3000"), D("2500")),
        ("ESIA", "forwarded", "working_capital", FEB, D("8000"), None),
        ("ESIA", "draft", "moving", JAN, D("99999"), None),
        # A use whose category has no need declared: no month needed.
        ("URSCOP", "declined", "moving", None, D("5000"), None),
        ("URSCOP", "withdrawn", "moving", JAN, D("7000"), None),
    ]
    disbursements = [
        ("ESIA", "granted", JAN, D("1500")),
        ("ESIA", "granted", datetime.date(2027, 3, 1), D("2500")),
    ]
    result = consolidate(needs, requests, uses, disbursements)
    assert result.needs_by_category == {
        "moving": D("5000"),
        "initial_stock": D("8000"),
        "working_capital": D("7000"),
    }
    assert result.needs_by_month == {JAN: D("11000"), FEB: D("9000")}
    assert result.cells[("moving", FEB)] == D("2000")
    assert result.total_needs == D("20000")
    esia, urscop = result.by_funder["ESIA"], result.by_funder["URSCOP"]
    assert (esia.requested, esia.granted, esia.disbursed) == (D("20000"), D("10000"), D("4000"))
    assert (urscop.requested, urscop.granted, urscop.disbursed) == (D("5000"), D("0"), D("0"))
    assert (result.total_requested, result.total_granted, result.total_disbursed) == (
        D("25000"),
        D("10000"),
        D("4000"),
    )
    assert result.requested_by_category == {
        "initial_stock": D("9000"),
        "working_capital": D("11000"),
        "moving": D("5000"),
    }
    assert result.granted_by_category == {"initial_stock": D("7500"), "working_capital": D("2500")}
    # By month: needs against requested, granted, disbursed; the month without a need last.
    march = datetime.date(2027, 3, 1)
    assert result.months == [JAN, FEB, march, None]
    assert [
        (month, needs, totals.requested, totals.granted, totals.disbursed)
        for month, needs, totals in result.month_rows()
    ] == [
        (JAN, D("11000"), D("9000"), D("7500"), D("1500")),
        (FEB, D("9000"), D("11000"), D("2500"), D("0")),
        (march, D("0"), D("0"), D("0"), D("2500")),
        (None, D("0"), D("5000"), D("0"), D("0")),
    ]
    assert [
        (funder, [(m, t.requested, t.granted, t.disbursed) for m, t in rows])
        for funder, rows in result.funder_month_rows()
    ] == [
        (
            "ESIA",
            [
                (JAN, D("9000"), D("7500"), D("1500")),
                (FEB, D("11000"), D("2500"), D("0")),
                (march, D("0"), D("0"), D("2500")),
            ],
        ),
        ("URSCOP", [(None, D("5000"), D("0"), D("0"))]),
    ]


def test_a_granted_amount_splits_over_its_uses_to_the_cent():
    # 10 000 granted of 30 000 asked: a third of each use, rounded half up.
    assert granted_share(D("10000"), D("10000"), D("30000")) == D("3333.33")
    assert granted_share(D("10000"), D("20000"), D("30000")) == D("6666.67")
    assert granted_share(D("100"), D("1"), D("8")) == D("12.50")
    assert granted_share(D("5000"), D("5000"), D("0")) == D("0")
