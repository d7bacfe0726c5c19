"""Days, costs and balances of the accompaniment, in ``Decimal`` only.

Planned days go by half-days; a session's hours become days at
``settings.HOURS_PER_DAY`` (7 hours a day); a cost is days × the daily rate;
the financing plan balances when resources equal needs, year by year.
"""

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError

from ccr_portal.formatting import format_euros, format_number

CENT = Decimal("0.01")
HALF_DAY = Decimal("0.5")
ZERO = Decimal("0")
# The plan's years: N, N+1, N+2.
YEAR_OFFSETS = (0, 1, 2)
YEAR_LABELS = ("N", "N+1", "N+2")


def to_decimal(value) -> Decimal:
    if value is None or value == "":
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


def validate_half_days(value) -> None:
    days = to_decimal(value)
    if days <= 0:
        raise ValidationError("Indiquez un nombre de jours positif.", code="not_positive")
    if (days * 2) % 1 != 0:
        raise ValidationError(
            f"Les jours se comptent par demi-journées (0,5 ; 1 ; 1,5…) : "
            f"{format_number(days, 2)} n'en est pas un multiple.",
            code="not_half_days",
        )


def action_cost(days, daily_rate) -> Decimal:
    """Days × the daily rate, to the cent."""
    return (to_decimal(days) * to_decimal(daily_rate)).quantize(CENT, rounding=ROUND_HALF_UP)


def hours_to_days(hours) -> Decimal:
    """Hours of sessions as consultant days (7 hours a day), to the hundredth."""
    return (to_decimal(hours) / Decimal(settings.HOURS_PER_DAY)).quantize(
        CENT, rounding=ROUND_HALF_UP
    )


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day (31 August + 6 → 28/29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@dataclass(frozen=True)
class YearFigures:
    """One year of a two-sided table: budget (income, expenses) or financing (resources, needs)."""

    year: int
    label: str
    inflow: Decimal
    outflow: Decimal

    @property
    def difference(self) -> Decimal:
        return self.inflow - self.outflow

    @property
    def is_balanced(self) -> bool:
        return self.difference == 0


def yearly_totals(
    first_year: int, inflows: Iterable[Sequence], outflows: Iterable[Sequence]
) -> list[YearFigures]:
    """Sum each side's three amounts (N, N+1, N+2) into one figure per year."""
    inflow_totals = [ZERO, ZERO, ZERO]
    outflow_totals = [ZERO, ZERO, ZERO]
    for amounts in inflows:
        for index in YEAR_OFFSETS:
            inflow_totals[index] += to_decimal(amounts[index])
    for amounts in outflows:
        for index in YEAR_OFFSETS:
            outflow_totals[index] += to_decimal(amounts[index])
    return [
        YearFigures(
            year=first_year + index,
            label=YEAR_LABELS[index],
            inflow=inflow_totals[index],
            outflow=outflow_totals[index],
        )
        for index in YEAR_OFFSETS
    ]


def unbalanced_message(years: Sequence[YearFigures]) -> str:
    """The French refusal naming each unbalanced year and its gap, or "" when balanced."""
    gaps = []
    for figures in years:
        if figures.is_balanced:
            continue
        if figures.difference < 0:
            gap = f"{format_euros(-figures.difference)} de besoins non couverts"
        else:
            gap = f"{format_euros(figures.difference)} de ressources en excédent"
        gaps.append(f"{figures.year} ({figures.label}) : {gap}")
    if not gaps:
        return ""
    years_word = "les années" if len(gaps) > 1 else "l'année"
    return (
        f"Le plan de financement n'est pas équilibré pour {years_word} {' ; '.join(gaps)}. "
        "Les ressources doivent égaler les besoins chaque année."
    )
