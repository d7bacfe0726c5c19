"""The capacity arithmetic (``diagnostics.capacity.plan_capacity``), checked by hand."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from diagnostics.capacity import (
    Commitment,
    Late,
    Overload,
    Supply,
    Waiting,
    add_months,
    month_end,
    plan_capacity,
)
from diagnostics.selectors import capacity_plan
from tests.diagnostics.factories import CapacityFactory, DiagnosticFactory
from tests.factories import ProviderFactory

D = Decimal
JUNE, JULY, AUGUST = datetime.date(2011, 6, 1), datetime.date(2011, 7, 1), datetime.date(2011, 8, 1)
RAMSESS, APEAS = 1, 2


def hand_computed_plan():
    """15 June 2011. RAMSESS gives 4 days a month but only 2 in July; APEAS gives 3.

    RAMSESS owes a light diagnostic overdue since 31 May (1 day) and two full
    ones due 20 and 30 June (3 + 3 days); APEAS a light one due 10 July.
    Waiting: two accepted diagnostics (3 + 1 days) and one requested (1 day).
    """
    return plan_capacity(
        today=datetime.date(2011, 6, 15),
        supplies=[
            Supply(RAMSESS, "RAMSESS", D("4"), {JULY: D("2")}),
            Supply(APEAS, "APEAS", D("3")),
        ],
        commitments=[
            Commitment(11, RAMSESS, datetime.date(2011, 6, 30), D("3")),
            Commitment(12, RAMSESS, datetime.date(2011, 6, 20), D("3")),
            Commitment(13, RAMSESS, datetime.date(2011, 5, 31), D("1")),
            Commitment(14, APEAS, datetime.date(2011, 7, 10), D("1")),
        ],
        waiting=[Waiting(21, D("3"), True), Waiting(22, D("1"), True), Waiting(23, D("1"), False)],
        horizon=3,
    )


def test_demand_against_capacity_per_provider_and_month():
    plan = hand_computed_plan()

    assert plan.months == [JUNE, JULY, AUGUST]
    ramsess, apeas = plan.rows
    # June: 1 overdue + 3 + 3 due = 7 for 4; it does the overdue one and the 20 June one.
    # July: 3 carried over for 2; August: the last day, 3 days left free.
    assert [
        (c.capacity, c.due, c.carried_in, c.load, c.done, c.free, c.over) for c in ramsess.cells
    ] == [
        (D("4"), D("7"), D("0"), D("7"), D("4"), D("0"), True),
        (D("2"), D("0"), D("3"), D("3"), D("2"), D("0"), True),
        (D("4"), D("0"), D("1"), D("1"), D("1"), D("3"), False),
    ]
    assert [(c.capacity, c.load, c.free, c.over) for c in apeas.cells] == [
        (D("3"), D("0"), D("3"), False),
        (D("3"), D("1"), D("2"), False),
        (D("3"), D("0"), D("3"), False),
    ]
    assert plan.total_capacity == [D("7"), D("5"), D("7")]
    assert plan.total_load == [D("7"), D("4"), D("1")]


def test_warnings_name_the_overbooked_months_and_the_due_dates_that_cannot_be_met():
    plan = hand_computed_plan()

    assert plan.overloads == [
        Overload(RAMSESS, "RAMSESS", JUNE, D("7"), D("4")),
        Overload(RAMSESS, "RAMSESS", JULY, D("3"), D("2")),
    ]
    # The overdue one is late already; the 30 June one is finished in August.
    assert plan.late == [
        Late(13, RAMSESS, datetime.date(2011, 5, 31), JUNE),
        Late(11, RAMSESS, datetime.date(2011, 6, 30), AUGUST),
    ]
    assert plan.has_warnings


def test_projected_dates_fill_the_free_capacity_month_by_month():
    plan = hand_computed_plan()

    # 5 waiting days: 3 free in June (APEAS), 2 in July (APEAS) → end of July.
    assert (plan.to_assign_days, plan.to_triage_days) == (D("4"), D("1"))
    assert plan.waiting_absorbed == [D("3"), D("2"), D("0")]
    assert plan.waiting_done_on == datetime.date(2011, 7, 31)
    # RAMSESS's own backlog runs until August.
    assert plan.all_done_on == datetime.date(2011, 8, 31)
    assert plan.unreachable is False


def test_nothing_to_do_gives_no_date_and_no_warning():
    plan = plan_capacity(
        today=datetime.date(2011, 6, 15),
        supplies=[Supply(RAMSESS, "RAMSESS", D("4"))],
        commitments=[],
        horizon=2,
    )
    assert plan.waiting_done_on is None
    assert plan.all_done_on is None
    assert not plan.has_warnings
    assert [cell.free for cell in plan.rows[0].cells] == [D("4"), D("4")]


def test_work_on_a_provider_without_capacity_is_unreachable():
    plan = plan_capacity(
        today=datetime.date(2011, 6, 15),
        supplies=[],
        commitments=[Commitment(1, 9, datetime.date(2011, 7, 15), D("3"))],
        waiting=[Waiting(2, D("1"), True)],
        horizon=2,
        limit=12,
    )
    assert plan.unreachable is True
    assert plan.all_done_on is None
    assert plan.waiting_done_on is None
    assert plan.late == [Late(1, 9, datetime.date(2011, 7, 15), None)]
    # The July demand shows against a capacity of zero.
    assert [(cell.capacity, cell.load, cell.over) for cell in plan.rows[0].cells] == [
        (D("0"), D("0"), False),
        (D("0"), D("3"), True),
    ]


def test_work_is_never_done_ahead_of_its_due_month():
    plan = plan_capacity(
        today=datetime.date(2011, 6, 15),
        supplies=[Supply(RAMSESS, "RAMSESS", D("4"))],
        commitments=[Commitment(1, RAMSESS, datetime.date(2011, 8, 10), D("3"))],
        waiting=[Waiting(2, D("6"), True)],
        horizon=3,
    )
    # June and July stay free for the waiting work (4 + 2), August does the committed work.
    assert [cell.done for cell in plan.rows[0].cells] == [D("0"), D("0"), D("3")]
    assert plan.waiting_absorbed == [D("4"), D("2"), D("0")]
    assert plan.waiting_done_on == datetime.date(2011, 7, 31)
    assert plan.all_done_on == datetime.date(2011, 8, 31)
    assert plan.late == []


def test_month_helpers():
    assert add_months(datetime.date(2011, 11, 1), 3) == datetime.date(2012, 2, 1)
    assert add_months(datetime.date(2011, 1, 1), -1) == datetime.date(2010, 12, 1)
    assert month_end(datetime.date(2012, 2, 1)) == datetime.date(2012, 2, 29)


@pytest.mark.django_db
def test_the_selector_reads_declared_capacity_else_the_usual_one_and_days_per_kind(settings):
    settings.DIAGNOSTIC_DAYS = {"light": 1.0, "full": 3.0}
    ramsess = ProviderFactory(name="RAMSESS", short_name="RAMSESS", monthly_capacity_days=D("5"))
    idle = ProviderFactory(name="Sans capacité", short_name="Idle", monthly_capacity_days=D("0"))
    CapacityFactory(provider=ramsess, consultant_days=D("2"))  # this month only
    today = timezone.localdate()
    DiagnosticFactory(in_progress=True, full=True, provider=ramsess, due_date=today)
    DiagnosticFactory(accepted=True, full=True)
    DiagnosticFactory(kind="light")  # requested
    DiagnosticFactory(declined=True, full=True)  # not demand
    DiagnosticFactory(delivered=True, full=True, provider=ramsess)  # done: not demand

    plan = capacity_plan(today=today, horizon=2)

    assert [row.name for row in plan.rows] == ["RAMSESS"]  # no capacity, no work: not shown
    cells = plan.rows[0].cells
    assert [(cell.capacity, cell.load) for cell in cells] == [(D("2"), D("3")), (D("5"), D("1"))]
    assert (plan.to_assign_days, plan.to_triage_days) == (D("3"), D("1"))
    assert [overload.month for overload in plan.overloads] == [today.replace(day=1)]
    assert idle.pk not in [row.provider_id for row in plan.rows]


@pytest.mark.django_db
def test_the_selector_plans_what_the_arithmetic_plans_from_each_diagnostic(settings):
    """The selector counts the committed days in the grouping that counts the statuses,
    and reads the providers with their declarations in one query: the same plan as
    ``plan_capacity`` given every diagnostic one by one and the providers by hand."""
    settings.DIAGNOSTIC_DAYS = {"light": 1.0, "full": 3.0}
    today = timezone.localdate()
    first = today.replace(day=1)
    ramsess = ProviderFactory(name="RAMSESS", short_name="RAMSESS", monthly_capacity_days=D("4"))
    # Known by its name (no short name), capacity declared month by month only.
    apeas = ProviderFactory(name="APEAS Marseille", short_name="", monthly_capacity_days=D("0"))
    # Work and no capacity at all: still a row (its work cannot be done).
    busy = ProviderFactory(name="Busy", short_name="Busy", monthly_capacity_days=D("0"))
    ProviderFactory(name="Idle", short_name="Idle", monthly_capacity_days=D("0"))  # not shown
    CapacityFactory(provider=ramsess, month=add_months(first, 1), consultant_days=D("2"))
    CapacityFactory(provider=apeas, month=first, consultant_days=D("3"))
    CapacityFactory(provider=apeas, month=add_months(first, 2), consultant_days=D("1.5"))
    CapacityFactory(provider=apeas, month=add_months(first, -1), consultant_days=D("9"))  # past
    days = datetime.timedelta
    committed = [
        DiagnosticFactory(assigned=True, provider=ramsess, due_date=today - days(20)),
        DiagnosticFactory(in_progress=True, full=True, provider=ramsess, due_date=today),
        DiagnosticFactory(assigned=True, full=True, provider=ramsess, due_date=today),
        DiagnosticFactory(assigned=True, full=True, provider=ramsess, due_date=today + days(35)),
        DiagnosticFactory(in_progress=True, provider=ramsess, due_date=today + days(70)),
        DiagnosticFactory(assigned=True, full=True, provider=apeas, due_date=today + days(3)),
        DiagnosticFactory(assigned=True, provider=apeas, due_date=today + days(40)),
        DiagnosticFactory(assigned=True, provider=busy, due_date=today + days(31)),
    ]
    DiagnosticFactory(accepted=True, full=True)
    DiagnosticFactory(accepted=True)
    DiagnosticFactory(requested=True)
    DiagnosticFactory(declined=True, full=True)
    DiagnosticFactory(delivered=True, full=True, provider=ramsess)

    plan = capacity_plan(today=today, horizon=3)

    expected = plan_capacity(
        today=today,
        supplies=[
            Supply(
                apeas.pk, "APEAS Marseille", D("0"), {first: D("3"), add_months(first, 2): D("1.5")}
            ),
            Supply(busy.pk, "Busy", D("0")),
            Supply(ramsess.pk, "RAMSESS", D("4"), {add_months(first, 1): D("2")}),
        ],
        commitments=[
            Commitment(d.pk, d.provider_id, d.due_date, D("3") if d.kind == "full" else D("1"))
            for d in committed
        ],
        waiting=[Waiting(0, D("3"), True), Waiting(0, D("1"), True), Waiting(0, D("1"), False)],
        horizon=3,
        limit=36,
    )
    assert plan.rows == expected.rows
    assert [row.name for row in plan.rows] == ["APEAS Marseille", "Busy", "RAMSESS"]
    assert len(plan.late) == len(expected.late)
    assert plan.late.among([d.pk for d in committed]) == {
        item.diagnostic_id: item for item in expected.late
    }
    assert {item.diagnostic_id for item in expected.late} >= {committed[0].pk, committed[7].pk}
    assert plan.overloads == expected.overloads
    assert (plan.to_assign_days, plan.to_triage_days) == (D("4"), D("1"))
    assert (plan.waiting_absorbed, plan.waiting_done_on, plan.all_done_on, plan.unreachable) == (
        expected.waiting_absorbed,
        expected.waiting_done_on,
        expected.all_done_on,
        expected.unreachable,
    )
    assert plan.unreachable  # Busy's day is never done
    assert dict(plan.status_totals) == {
        "assigned": 6,
        "in_progress": 2,
        "accepted": 2,
        "requested": 1,
        "declined": 1,
        "delivered": 1,
    }


@pytest.mark.django_db
def test_the_database_finds_the_same_late_diagnostics_as_the_arithmetic(settings):
    """The selectors find the late diagnostics in SQL (a window sum of each provider's
    queue against the plan's thresholds); ``plan_capacity`` finds them in Python from
    one commitment per diagnostic. Same data, same late diagnostics, same order, same
    finishing months, and the counts, page membership and filter agree."""
    settings.DIAGNOSTIC_DAYS = {"light": 1.0, "full": 3.0}
    today = timezone.localdate()
    ramsess = ProviderFactory(name="RAMSESS", short_name="RAMSESS", monthly_capacity_days=D("4"))
    apeas = ProviderFactory(name="APEAS", short_name="APEAS", monthly_capacity_days=D("2.5"))
    CapacityFactory(provider=apeas, consultant_days=D("0"))  # nothing this month
    offsets = [-12, -1, 0, 3, 5, 9, 17, 25, 31, 40, 48, 62, 75, 95, 130, 200]
    diagnostics = []
    for n, days in enumerate(offsets):
        diagnostics.append(
            DiagnosticFactory(
                assigned=n % 3 != 2,
                in_progress=n % 3 == 2,
                full=n % 2 == 0,
                provider=ramsess if n % 4 else apeas,
                due_date=today + datetime.timedelta(days=days),
            )
        )
    DiagnosticFactory(delivered=True, full=True, provider=ramsess)  # done: not in any queue

    plan = capacity_plan(today=today, horizon=3)
    supplies = [
        Supply(ramsess.pk, "RAMSESS", D("4")),
        Supply(apeas.pk, "APEAS", D("2.5"), {today.replace(day=1): D("0")}),
    ]
    commitments = [
        Commitment(d.pk, d.provider_id, d.due_date, D("3") if d.kind == "full" else D("1"))
        for d in diagnostics
    ]
    expected = plan_capacity(
        today=today, supplies=supplies, commitments=commitments, horizon=3, limit=36
    ).late

    assert len(expected) >= 6  # overdue ones, and some the capacity cannot reach in time
    assert any(item.due_date >= today for item in expected)
    assert len(plan.late) == len(expected)
    assert plan.late.overdue == sum(1 for item in expected if item.due_date < today) == 2
    assert plan.late.first(5) == expected[:5]
    page = [d.pk for d in diagnostics]
    assert plan.late.among(page) == {item.diagnostic_id: item for item in expected}
    on_time = next(d for d in diagnostics if d.pk not in {i.diagnostic_id for i in expected})
    assert plan.late.get(on_time.pk) is None
    assert plan.late.get(expected[-1].diagnostic_id) == expected[-1]
    from diagnostics.models import Diagnostic

    assert sorted(
        Diagnostic.objects.filter(pk__in=plan.late.ids()).values_list("pk", flat=True)
    ) == (sorted(item.diagnostic_id for item in expected))
