"""The money arithmetic of the financial accompaniment, pure and in ``Decimal`` only.

- the working-capital requirement: BFR = stock + short-term receivables − short-term debts;
- the use lines of a request, which must add up to its amount;
- the repayment schedule of a loan: constant monthly instalments (annuities) at the
  granted annual rate, after an optional deferral during which only interest is paid;
- the credit line: envelope, granted, committed (forwarded, undecided) and remaining;
- the consolidated needs of all residents against requested, granted, disbursed.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from accompaniment.arithmetic import add_months, to_decimal
from ccr_portal.formatting import format_euros

CENT = Decimal("0.01")
ZERO = Decimal("0")


def cents(value) -> Decimal:
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def working_capital(stock, receivables, debts) -> Decimal:
    """BFR = stock + short-term receivables − short-term debts (never below zero: a
    negative requirement is a resource, not a need to finance)."""
    return max(ZERO, cents(to_decimal(stock) + to_decimal(receivables) - to_decimal(debts)))


def uses_mismatch(amount, use_amounts: Iterable) -> str:
    """The French refusal when the use lines do not add up to the amount, or ""."""
    total = sum((to_decimal(value) for value in use_amounts), ZERO)
    amount = to_decimal(amount)
    if total == amount:
        return ""
    gap = amount - total
    if gap > 0:
        detail = f"il manque {format_euros(gap)} d'usages"
    else:
        detail = f"les usages dépassent de {format_euros(-gap)}"
    return (
        f"Les usages totalisent {format_euros(total)} pour une demande de "
        f"{format_euros(amount)} : {detail}."
    )


# --- The repayment schedule ----------------------------------------------------------


@dataclass(frozen=True)
class Instalment:
    number: int
    due_on: datetime.date
    payment: Decimal
    interest: Decimal
    principal: Decimal
    remaining: Decimal
    deferred: bool = False


def monthly_payment(principal, annual_rate_percent, months: int) -> Decimal:
    """The constant instalment P·r / (1 − (1 + r)^−n), r the monthly rate; P / n at 0 %."""
    principal = to_decimal(principal)
    if months <= 0:
        raise ValueError("months must be positive")
    rate = to_decimal(annual_rate_percent) / Decimal(1200)
    if rate == 0:
        return cents(principal / months)
    return cents(principal * rate / (1 - (1 + rate) ** -months))


def repayment_schedule(
    principal,
    annual_rate_percent,
    months: int,
    *,
    deferral_months: int = 0,
    first_due_on: datetime.date,
) -> list[Instalment]:
    """The monthly schedule of a loan of ``months`` months, the first ``deferral_months``
    of them paying interest only; instalments are rounded to the cent and the last one
    settles what remains, so that the principal repaid equals the loan exactly."""
    principal = cents(principal)
    if deferral_months >= months:
        raise ValueError("the deferral must be shorter than the loan")
    rate = to_decimal(annual_rate_percent) / Decimal(1200)
    remaining = principal
    lines = []
    for number in range(1, deferral_months + 1):
        interest = cents(remaining * rate)
        lines.append(
            Instalment(
                number,
                add_months(first_due_on, number - 1),
                interest,
                interest,
                ZERO,
                remaining,
                deferred=True,
            )
        )
    amortised = months - deferral_months
    payment = monthly_payment(principal, annual_rate_percent, amortised)
    for index in range(1, amortised + 1):
        number = deferral_months + index
        interest = cents(remaining * rate)
        repaid = remaining if index == amortised else min(remaining, payment - interest)
        remaining -= repaid
        lines.append(
            Instalment(
                number,
                add_months(first_due_on, number - 1),
                repaid + interest,
                interest,
                repaid,
                remaining,
            )
        )
    return lines


def repayments_by_year(schedule: Iterable[Instalment]) -> dict[int, Decimal]:
    """The principal repaid each calendar year (what the plan's financing plan shows as
    loan repayments in years N+1 and N+2)."""
    years: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line in schedule:
        years[line.due_on.year] += line.principal
    return dict(sorted(years.items()))


# --- The credit line ---------------------------------------------------------------


@dataclass(frozen=True)
class EnvelopePosition:
    amount: Decimal
    granted: Decimal
    committed: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.amount - self.granted - self.committed

    @property
    def used_percent(self) -> Decimal:
        if not self.amount:
            return ZERO
        return ((self.granted + self.committed) * 100 / self.amount).quantize(Decimal("0.1"))

    def exceeds(self, amount) -> bool:
        """Would ``amount`` more (a request being forwarded) go beyond what remains?"""
        return to_decimal(amount) > self.remaining

    def over_message(self, amount) -> str:
        if not self.exceeds(amount):
            return ""
        return (
            f"Cette demande de {format_euros(amount)} dépasse ce qui reste de l'enveloppe "
            f"({format_euros(self.remaining)}) de "
            f"{format_euros(to_decimal(amount) - self.remaining)}."
        )


def envelope_position(amount, requests: Iterable[tuple[str, Decimal, Decimal | None]]):
    """``requests`` as (status, requested amount, granted amount): granted ones consume
    their granted amount, forwarded ones are committed for their requested amount."""
    granted = committed = ZERO
    for status, requested, granted_amount in requests:
        if status == "granted":
            granted += to_decimal(granted_amount)
        elif status == "forwarded":
            committed += to_decimal(requested)
    return EnvelopePosition(to_decimal(amount), granted, committed)


# --- The global response -----------------------------------------------------------


@dataclass
class FunderTotals:
    requested: Decimal = ZERO
    granted: Decimal = ZERO
    disbursed: Decimal = ZERO


# The month of a requested or granted use whose need category has no need declared (so
# no month needed): counted apart, last, so that the months still add up to the totals.
NO_MONTH = None


MonthTotals = tuple[datetime.date | None, FunderTotals]


def month_order(month) -> tuple:
    return (month is NO_MONTH, month or datetime.date.min)


@dataclass
class Consolidation:
    """The needs of all residents by category and by month, against the funds: what was
    requested and granted by the month needed of the need each use finances, what was
    disbursed by the month of the disbursement; in total and per fund."""

    needs_by_category: dict[str, Decimal] = field(default_factory=dict)
    needs_by_month: dict[datetime.date, Decimal] = field(default_factory=dict)
    cells: dict[tuple[str, datetime.date], Decimal] = field(default_factory=dict)
    by_funder: dict[str, FunderTotals] = field(default_factory=dict)
    requested_by_category: dict[str, Decimal] = field(default_factory=dict)
    granted_by_category: dict[str, Decimal] = field(default_factory=dict)
    by_month: dict[datetime.date | None, FunderTotals] = field(default_factory=dict)
    by_funder_month: dict[tuple[str, datetime.date | None], FunderTotals] = field(
        default_factory=dict
    )

    @property
    def total_needs(self) -> Decimal:
        return sum(self.needs_by_category.values(), ZERO)

    @property
    def total_requested(self) -> Decimal:
        return sum((totals.requested for totals in self.by_funder.values()), ZERO)

    @property
    def total_granted(self) -> Decimal:
        return sum((totals.granted for totals in self.by_funder.values()), ZERO)

    @property
    def total_disbursed(self) -> Decimal:
        return sum((totals.disbursed for totals in self.by_funder.values()), ZERO)

    @property
    def months(self) -> list[datetime.date | None]:
        """Every month with a need or money requested, granted or disbursed, in order
        (``NO_MONTH`` last when some use finances a category without a declared need)."""
        return sorted(set(self.needs_by_month) | set(self.by_month), key=month_order)

    def month_rows(self) -> list[tuple[datetime.date | None, Decimal, FunderTotals]]:
        """(month, needs, requested/granted/disbursed of all the funds shown)."""
        return [
            (month, self.needs_by_month.get(month, ZERO), self.by_month.get(month, FunderTotals()))
            for month in self.months
        ]

    def funder_month_rows(
        self,
    ) -> list[tuple[str, list[tuple[datetime.date | None, FunderTotals]]]]:
        """Per fund (in name order), its months with money requested, granted or disbursed."""
        rows: dict[str, list] = {}
        for (funder, month), totals in sorted(
            self.by_funder_month.items(), key=lambda item: (item[0][0], month_order(item[0][1]))
        ):
            rows.setdefault(funder, []).append((month, totals))
        return list(rows.items())


REQUESTED_STATUSES = ("submitted", "changes_requested", "forwarded", "granted", "declined")


def granted_share(granted, use_amount, request_amount) -> Decimal:
    """The part of a granted amount that goes to one use line: in proportion to its
    amount, rounded to the cent (what the database computes for each use line)."""
    request_amount = to_decimal(request_amount)
    if not request_amount:
        return ZERO
    return cents(to_decimal(granted) * to_decimal(use_amount) / request_amount)


def consolidate(
    needs: Iterable, requests: Iterable, uses: Iterable = (), disbursements: Iterable = ()
) -> Consolidation:
    """Add up, each row being a sum already or a single item (the sums are additive):

    - ``needs`` as (category, month, amount);
    - ``requests`` as (funder, status, amount, granted amount): the funds' totals;
    - ``uses`` as (funder, status, category, month needed, use amount, granted part), the
      granted part being the use's share of the granted amount (``granted_share``);
    - ``disbursements`` as (funder, status, month, amount).

    A request counts as requested once deposited (drafts and withdrawn ones do not);
    granted and disbursed money counts for granted requests only."""
    result = Consolidation()
    by_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    by_month: dict[datetime.date, Decimal] = defaultdict(lambda: ZERO)
    cells: dict[tuple[str, datetime.date], Decimal] = defaultdict(lambda: ZERO)
    for category, month, amount in needs:
        amount = to_decimal(amount)
        by_category[category] += amount
        by_month[month] += amount
        cells[(category, month)] += amount
    requested_by_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    granted_by_category: dict[str, Decimal] = defaultdict(lambda: ZERO)
    funders: dict[str, FunderTotals] = {}
    months: dict = defaultdict(FunderTotals)
    funder_months: dict = defaultdict(FunderTotals)
    for funder, status, amount, granted in requests:
        if status not in REQUESTED_STATUSES:
            continue
        totals = funders.setdefault(funder, FunderTotals())
        totals.requested += to_decimal(amount)
        if status == "granted":
            totals.granted += to_decimal(granted)
    for funder, status, category, month, amount, granted in uses:
        if status not in REQUESTED_STATUSES:
            continue
        funders.setdefault(funder, FunderTotals())
        amount = to_decimal(amount)
        requested_by_category[category] += amount
        months[month].requested += amount
        funder_months[(funder, month)].requested += amount
        if status == "granted":
            granted = to_decimal(granted)
            granted_by_category[category] += granted
            months[month].granted += granted
            funder_months[(funder, month)].granted += granted
    for funder, status, month, amount in disbursements:
        if status != "granted":
            continue
        amount = to_decimal(amount)
        funders.setdefault(funder, FunderTotals()).disbursed += amount
        months[month].disbursed += amount
        funder_months[(funder, month)].disbursed += amount
    result.needs_by_category = dict(by_category)
    result.needs_by_month = dict(by_month)
    result.cells = dict(cells)
    result.by_funder = dict(sorted(funders.items()))
    result.requested_by_category = dict(requested_by_category)
    result.granted_by_category = dict(granted_by_category)
    result.by_month = dict(months)
    result.by_funder_month = dict(funder_months)
    return result
