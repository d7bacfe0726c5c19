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
5. The projected dates are the last day of the month in which the waiting work,
   and all the work, is done; ``None`` when there is nothing to do, or when the
   capacity does not suffice within ``limit`` months (``unreachable``).
"""

import calendar
import datetime
from collections import defaultdict, deque
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
    commitments: Iterable[Commitment],
    waiting: Iterable[Waiting] = (),
    horizon: int = 6,
    limit: int = 36,
) -> CapacityPlan:
    """Demand against capacity per provider and month, warnings and projected dates."""
    first = month_start(today)
    supplies = list(supplies)
    months = [add_months(first, i) for i in range(max(horizon, 1))]

    by_provider: dict[int, list[Commitment]] = defaultdict(list)
    for commitment in commitments:
        by_provider[commitment.provider_id].append(commitment)
    known = {supply.provider_id for supply in supplies}
    # Work assigned to a provider that declared nothing still needs doing: zero capacity.
    supplies += [
        Supply(provider_id, f"#{provider_id}", ZERO)
        for provider_id in by_provider
        if provider_id not in known
    ]

    rows: list[ProviderRow] = []
    late: list[Late] = []
    overloads: list[Overload] = []
    # Free days of every provider, month by month up to the limit (index 0 = this month).
    free_by_month = [ZERO] * limit
    last_busy_index = -1
    unreachable = False

    for supply in supplies:
        queue = sorted(
            by_provider.get(supply.provider_id, []), key=lambda c: (c.due_date, c.diagnostic_id)
        )
        due_index = {
            c.diagnostic_id: max(0, _months_between(first, month_start(c.due_date))) for c in queue
        }
        remaining = {c.diagnostic_id: c.days for c in queue}
        finished_at: dict[int, int] = {}
        # Due or carried over, not finished, in due-date order: the provider works from the
        # front, so what it finishes always leaves from the front (linear in the queue).
        pending: deque[Commitment] = deque()
        pending_days = ZERO
        cells = []
        cursor = 0
        for index in range(limit):
            month = add_months(first, index)
            cell = MonthCell(month=month, capacity=supply.capacity(month), carried_in=pending_days)
            while cursor < len(queue) and due_index[queue[cursor].diagnostic_id] == index:
                cell.due += queue[cursor].days
                pending_days += queue[cursor].days
                pending.append(queue[cursor])
                cursor += 1
            available = cell.capacity
            while pending and available > ZERO:
                commitment = pending[0]
                used = min(available, remaining[commitment.diagnostic_id])
                remaining[commitment.diagnostic_id] -= used
                available -= used
                pending_days -= used
                cell.done += used
                if remaining[commitment.diagnostic_id] == ZERO:
                    finished_at[commitment.diagnostic_id] = index
                    pending.popleft()
            if cell.done > ZERO:
                last_busy_index = max(last_busy_index, index)
            free_by_month[index] += cell.free
            if index < len(months):
                cells.append(cell)
                if cell.over:
                    overloads.append(
                        Overload(supply.provider_id, supply.name, month, cell.load, cell.capacity)
                    )
            elif not pending and cursor == len(queue):
                # Nothing left to do: the remaining months only add their free capacity.
                for later in range(index + 1, limit):
                    free_by_month[later] += supply.capacity(add_months(first, later))
                break
        if len(finished_at) < len(queue):
            unreachable = True
        for commitment in queue:
            done = finished_at.get(commitment.diagnostic_id)
            if (
                commitment.due_date < today
                or done is None
                or done > due_index[commitment.diagnostic_id]
            ):
                late.append(
                    Late(
                        commitment.diagnostic_id,
                        supply.provider_id,
                        commitment.due_date,
                        add_months(first, done) if done is not None else None,
                    )
                )
        rows.append(ProviderRow(supply.provider_id, supply.name, cells))

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
    )
