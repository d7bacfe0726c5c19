"""Demand against capacity, and when the current queue will be done: pure arithmetic.

``plan_capacity`` reads nothing from the database nor the settings: the
selectors gather its inputs, so the rule can be checked by hand.

The rule, in months starting with the current one:

1. A provider's capacity in a month is the consultant days it declared for that
   month, else its usual monthly capacity.
2. Committed work (assigned or in progress) is demand in the month of its due
   date; overdue work is demand in the current month.
3. Each provider works in due-date order and never ahead of a due month: in a
   month it first finishes what was carried over, then what is due. Days it
   cannot do are carried over to the next month. A diagnostic still unfinished
   at the end of its due month (or already overdue) cannot meet its due date.
   A provider is over capacity in a month when carried-over plus due days
   exceed its capacity.
4. The waiting work (accepted « to assign », then requested « to triage ») fills
   the capacity left free across all providers, month by month.
   Equivalently, per provider: with D(m) the days due up to month m and W(m) the days
   done by the end of month m, W(m) = min(D(m), W(m-1) + capacity(m)); a diagnostic
   whose cumulative position (its days plus those of everything due before it, in
   due-date order) exceeds W of its due month cannot meet its due date. That is what
   lets the selectors aggregate the demand per provider and month in the database and
   find the late diagnostics there (a window sum), whatever their number.
5. The projected dates are the last day of the month in which the waiting work,
   and all the work, is done; ``None`` when there is nothing to do, or when the
   capacity does not suffice within ``limit`` months (``unreachable``).
"""

import bisect
import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal("0")


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def _months_between(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass(frozen=True)
class Supply:
    """What a provider can give: its usual days per month and the months it declared."""

    provider_id: int
    name: str
    default_days: Decimal
    declared: Mapping[datetime.date, Decimal] = field(default_factory=dict)

    def capacity(self, month: datetime.date) -> Decimal:
        return Decimal(self.declared.get(month, self.default_days))


@dataclass(frozen=True)
class Commitment:
    """A diagnostic assigned to a provider (assigned or in progress)."""

    diagnostic_id: int
    provider_id: int
    due_date: datetime.date
    days: Decimal


@dataclass(frozen=True)
class Demand:
    """Committed days of a provider due in a month (or earlier: overdue), aggregated."""

    provider_id: int
    month: datetime.date
    days: Decimal


@dataclass(frozen=True)
class Waiting:
    """A diagnostic without a provider yet: « accepted » (to assign) or « requested »."""

    diagnostic_id: int
    days: Decimal
    accepted: bool


@dataclass
class MonthCell:
    month: datetime.date
    capacity: Decimal
    due: Decimal = ZERO
    carried_in: Decimal = ZERO
    done: Decimal = ZERO

    @property
    def load(self) -> Decimal:
        return self.carried_in + self.due

    @property
    def free(self) -> Decimal:
        return max(ZERO, self.capacity - self.done)

    @property
    def over(self) -> bool:
        return self.load > self.capacity


@dataclass
class ProviderRow:
    provider_id: int
    name: str
    cells: list[MonthCell]

    @property
    def is_over(self) -> bool:
        return any(cell.over for cell in self.cells)


@dataclass(frozen=True)
class Late:
    """A diagnostic that cannot meet its due date; ``done_month`` None when never done."""

    diagnostic_id: int
    provider_id: int
    due_date: datetime.date
    done_month: datetime.date | None


@dataclass(frozen=True)
class Overload:
    provider_id: int
    name: str
    month: datetime.date
    load: Decimal
    capacity: Decimal


@dataclass
class CapacityPlan:
    months: list[datetime.date]
    rows: list[ProviderRow]
    to_assign_days: Decimal
    to_triage_days: Decimal
    # Days of the waiting work absorbed in each shown month.
    waiting_absorbed: list[Decimal]
    waiting_done_on: datetime.date | None
    all_done_on: datetime.date | None
    unreachable: bool
    late: list[Late]
    overloads: list[Overload]
    first: datetime.date | None = None
    limit: int = 36
    # Per provider, the committed days done by the end of each month (index 0 = now).
    done_through: dict[int, list[Decimal]] = field(default_factory=dict)
    # Per provider, the committed days due up to each month.
    due_through: dict[int, list[Decimal]] = field(default_factory=dict)
    # Diagnostics per status, when the selectors counted them with the plan's inputs.
    status_totals: Mapping[str, int] = field(default_factory=dict)

    def month_index(self, day: datetime.date) -> int:
        return max(0, _months_between(self.first, month_start(day)))

    def finish_month(self, provider_id: int, position: Decimal) -> datetime.date | None:
        """The month in which a provider reaches ``position`` days of its queue, if ever."""
        done = self.done_through.get(provider_id, [])
        index = bisect.bisect_left(done, position)
        return add_months(self.first, index) if index < len(done) else None

    def is_late(self, provider_id: int, due_date: datetime.date, position: Decimal) -> bool:
        """Whether work at ``position`` in the provider's queue misses ``due_date``."""
        index = self.month_index(due_date)
        done = self.done_through.get(provider_id, [])
        return index >= len(done) or position > done[index]

    def late_months(self) -> list[tuple[int, int, Decimal]]:
        """(provider, month index, days done by its end) where some work is late."""
        return [
            (provider_id, index, done[index])
            for provider_id, done in self.done_through.items()
            for index in range(len(done))
            if done[index] < self.due_through[provider_id][index]
        ]

    @property
    def total_capacity(self) -> list[Decimal]:
        return [
            sum((row.cells[i].capacity for row in self.rows), ZERO) for i in range(len(self.months))
        ]

    @property
    def total_load(self) -> list[Decimal]:
        return [
            sum((row.cells[i].load for row in self.rows), ZERO) for i in range(len(self.months))
        ]

    @property
    def has_warnings(self) -> bool:
        return bool(self.late or self.overloads or self.unreachable)


def plan_capacity(
    *,
    today: datetime.date,
    supplies: Iterable[Supply],
    commitments: Iterable[Commitment] = (),
    waiting: Iterable[Waiting] = (),
    horizon: int = 6,
    limit: int = 36,
    demand: Iterable[Demand] = (),
) -> CapacityPlan:
    """Demand against capacity per provider and month, warnings and projected dates.

    The committed work comes as ``commitments`` (one per diagnostic: their lateness is
    computed here) or already aggregated per provider and month as ``demand`` (the
    selectors then find the late diagnostics in the database with ``is_late``).
    """
    first = month_start(today)
    supplies = list(supplies)
    commitments = list(commitments)
    months = [add_months(first, i) for i in range(max(horizon, 1))]

    def index_of(day: datetime.date) -> int:
        return max(0, _months_between(first, month_start(day)))

    due_days: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for commitment in commitments:
        due_days[commitment.provider_id][index_of(commitment.due_date)] += commitment.days
    for bucket in demand:
        due_days[bucket.provider_id][index_of(bucket.month)] += bucket.days
    known = {supply.provider_id for supply in supplies}
    # Work assigned to a provider that declared nothing still needs doing: zero capacity.
    supplies += [
        Supply(provider_id, f"#{provider_id}", ZERO)
        for provider_id in due_days
        if provider_id not in known
    ]

    rows: list[ProviderRow] = []
    overloads: list[Overload] = []
    done_through: dict[int, list[Decimal]] = {}
    due_through: dict[int, list[Decimal]] = {}
    # Free days of every provider, month by month up to the limit (index 0 = this month).
    free_by_month = [ZERO] * limit
    last_busy_index = -1
    unreachable = False

    for supply in supplies:
        due_by_month = due_days.get(supply.provider_id, {})
        due_total = done_total = ZERO
        cells, done_list, due_list = [], [], []
        for index in range(limit):
            month = add_months(first, index)
            cell = MonthCell(
                month=month,
                capacity=supply.capacity(month),
                due=due_by_month.get(index, ZERO),
                carried_in=due_total - done_total,
            )
            due_total += cell.due
            cell.done = min(due_total, done_total + cell.capacity) - done_total
            done_total += cell.done
            done_list.append(done_total)
            due_list.append(due_total)
            if cell.done > ZERO:
                last_busy_index = max(last_busy_index, index)
            free_by_month[index] += cell.free
            if index < len(months):
                cells.append(cell)
                if cell.over:
                    overloads.append(
                        Overload(supply.provider_id, supply.name, month, cell.load, cell.capacity)
                    )
        if done_total < due_total or any(index >= limit for index in due_by_month):
            unreachable = True
        done_through[supply.provider_id] = done_list
        due_through[supply.provider_id] = due_list
        rows.append(ProviderRow(supply.provider_id, supply.name, cells))

    plan_so_far = CapacityPlan(
        months=[],
        rows=[],
        to_assign_days=ZERO,
        to_triage_days=ZERO,
        waiting_absorbed=[],
        waiting_done_on=None,
        all_done_on=None,
        unreachable=False,
        late=[],
        overloads=[],
        first=first,
        limit=limit,
        done_through=done_through,
    )
    late: list[Late] = []
    by_provider: dict[int, list[Commitment]] = defaultdict(list)
    for commitment in commitments:
        by_provider[commitment.provider_id].append(commitment)
    for provider_id, queue in by_provider.items():
        position = ZERO
        for commitment in sorted(queue, key=lambda c: (c.due_date, c.diagnostic_id)):
            position += commitment.days
            if commitment.due_date < today or plan_so_far.is_late(
                provider_id, commitment.due_date, position
            ):
                late.append(
                    Late(
                        commitment.diagnostic_id,
                        provider_id,
                        commitment.due_date,
                        plan_so_far.finish_month(provider_id, position),
                    )
                )
    late.sort(key=lambda item: (item.due_date, item.diagnostic_id))

    waiting = list(waiting)
    to_assign = sum((w.days for w in waiting if w.accepted), ZERO)
    to_triage = sum((w.days for w in waiting if not w.accepted), ZERO)
    left = to_assign + to_triage
    absorbed = [ZERO] * limit
    waiting_done_index = None
    for index in range(limit):
        if left <= ZERO:
            break
        taken = min(left, free_by_month[index])
        absorbed[index] = taken
        left -= taken
        if left <= ZERO:
            waiting_done_index = index
    if left > ZERO:
        unreachable = True

    waiting_done_on = (
        month_end(add_months(first, waiting_done_index)) if waiting_done_index is not None else None
    )
    all_done_on = None
    if not unreachable:
        last = max(last_busy_index, waiting_done_index if waiting_done_index is not None else -1)
        all_done_on = month_end(add_months(first, last)) if last >= 0 else None

    return CapacityPlan(
        months=months,
        rows=rows,
        to_assign_days=to_assign,
        to_triage_days=to_triage,
        waiting_absorbed=absorbed[: len(months)],
        waiting_done_on=waiting_done_on,
        all_done_on=all_done_on,
        unreachable=unreachable,
        late=late,
        overloads=overloads,
        first=first,
        limit=limit,
        done_through=done_through,
        due_through=due_through,
    )
