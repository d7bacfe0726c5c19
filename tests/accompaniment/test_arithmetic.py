"""Days, costs and balances: Decimal arithmetic with exact values."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accompaniment.arithmetic import (
    action_cost,
    add_months,
    hours_to_days,
    unbalanced_message,
    validate_half_days,
    yearly_totals,
)


@pytest.mark.parametrize("days", ["0.5", "1", "2.5", "40"])
def test_half_days_are_accepted(days):
    validate_half_days(Decimal(days))


@pytest.mark.parametrize(
    ("days", "message"),
    [
        ("0", "Indiquez un nombre de jours positif."),
        ("-1", "Indiquez un nombre de jours positif."),
        (
            "0.3",
            "Les jours se comptent par demi-journées (0,5 ; 1 ; 1,5…) : 0,30 n'en est pas un "
            "multiple.",
        ),
        (
            "2.25",
            "Les jours se comptent par demi-journées (0,5 ; 1 ; 1,5…) : 2,25 n'en est pas un "
            "multiple.",
        ),
    ],
)
def test_other_amounts_of_days_are_refused(days, message):
    with pytest.raises(ValidationError) as error:
        validate_half_days(Decimal(days))
    assert error.value.messages == [message]


@pytest.mark.parametrize(
    ("days", "rate", "cost"),
    [
        ("2.5", "450", "1125.00"),
        ("0.5", "333.33", "166.67"),  # rounded half up, to the cent
        ("3", "0", "0.00"),
        ("12.5", "1000", "12500.00"),
    ],
)
def test_cost_is_days_times_the_daily_rate(days, rate, cost):
    assert action_cost(Decimal(days), Decimal(rate)) == Decimal(cost)


@pytest.mark.parametrize(
    ("hours", "days"),
    [("7", "1.00"), ("3.5", "0.50"), ("2", "0.29"), ("10.5", "1.50"), ("0.25", "0.04")],
)
def test_session_hours_become_days_at_seven_hours_a_day(hours, days):
    assert hours_to_days(Decimal(hours)) == Decimal(days)


def test_hours_per_day_is_a_setting(settings):
    settings.HOURS_PER_DAY = 8
    assert hours_to_days(Decimal("4")) == Decimal("0.50")


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (datetime.date(2011, 6, 28), datetime.date(2011, 12, 28)),
        (datetime.date(2011, 8, 31), datetime.date(2012, 2, 29)),
        (datetime.date(2011, 7, 31), datetime.date(2012, 1, 31)),
        (datetime.date(2011, 12, 15), datetime.date(2012, 6, 15)),
    ],
)
def test_follow_up_falls_six_months_later(start, due):
    assert add_months(start, 6) == due


def test_yearly_totals_and_balance_message():
    years = yearly_totals(
        2011,
        inflows=[(Decimal("10000"), Decimal("5000"), 0), (Decimal("2500"), 0, 0)],
        outflows=[(Decimal("12500"), Decimal("5000.01"), Decimal("0"))],
    )
    assert [(y.year, y.label, y.inflow, y.outflow, y.difference) for y in years] == [
        (2011, "N", Decimal("12500"), Decimal("12500"), Decimal("0")),
        (2012, "N+1", Decimal("5000"), Decimal("5000.01"), Decimal("-0.01")),
        (2013, "N+2", Decimal("0"), Decimal("0"), Decimal("0")),
    ]
    assert unbalanced_message(years) == (
        "Le plan de financement n'est pas équilibré pour l'année 2012 (N+1) : "
        "0,01\u00a0€ de besoins non couverts. Les ressources doivent égaler les besoins chaque "
        "année."
    )
    assert unbalanced_message(yearly_totals(2011, [], [])) == ""
