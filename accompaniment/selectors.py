"""Reads of the accompaniment, scoped by the viewer and shaped for pages and PDFs.

Consumed days: a held session counts, for each structure marked present, its
hours on the plan action it serves (7 hours make a day). For a provider, a
collective session counts once: those are the consultant days it gave.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from django.db.models import (
    Count,
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from ccr_portal.axes import Axis
from ccr_portal.plan_lines import computed_plan_lines
from ccr_portal.subqueries import count_of, sum_of
from ccr_portal.users.models import Provider, Role

from .arithmetic import (
    ZERO,
    YearFigures,
    action_cost,
    hours_to_days,
    to_decimal,
    yearly_totals,
)
from .models import (
    INCOME_ITEMS,
    NEED_ITEMS,
    BudgetItem,
    BudgetLine,
    DevelopmentPlan,
    FinancingItem,
    FinancingLine,
    PlanAction,
    PlanStatus,
    QadesDimension,
    QadesLine,
    SatisfactionAnswer,
    Session,
    SessionAttendance,
    SessionDocument,
    SessionStatus,
)

# Below this many answers, a provider sees no average: it would be one structure's answer.
SATISFACTION_MIN_ANSWERS = 3

ZERO_HOURS = Value(Decimal("0"))


def with_consumed_hours(actions: QuerySet) -> QuerySet:
    """Annotate each action with the hours of held sessions its structure attended.

    A correlated subquery, not a join and a GROUP BY: PostgreSQL computes it for the
    rows of the page only (after the sort and the LIMIT), and the list's COUNT and
    totals do not pay it."""
    held = SessionAttendance.objects.filter(
        action=OuterRef("pk"), attended=True, session__status=SessionStatus.HELD
    )
    hours = sum_of(
        held, "action", "session__duration_hours", DecimalField(max_digits=9, decimal_places=2)
    )
    return actions.annotate(consumed_hours=Coalesce(hours, ZERO_HOURS))


# --- Tables of the plan -------------------------------------------------------------


@dataclass
class AmountRow:
    label: str
    amounts: tuple
    # A line another app computes (``ccr_portal.plan_lines``): shown, counted, never typed.
    computed: bool = False
    # A computed line counted beyond the typed line of its item: what the other app
    # computed in full (``amounts`` being what the plan counts), else None.
    full_amounts: tuple | None = None
    typed_label: str = ""  # the typed line it is counted beyond
    typed_item: str = ""  # and its item (the amounts grid counts it live against it)

    @property
    def partly_covered(self) -> bool:
        """Does the typed line of its item already cover part of it?"""
        return self.full_amounts is not None and tuple(self.full_amounts) != tuple(self.amounts)

    @property
    def cells(self) -> list[tuple[Decimal, int, int | None]]:
        """Each amount with its value in cents and, counted beyond a typed line, its full
        value in cents (the live totals of the amounts' grid)."""
        full = self.full_amounts or (None, None, None)
        return [
            (amount, int(to_decimal(amount) * 100), None if whole is None else int(whole * 100))
            for amount, whole in zip(self.amounts, full, strict=True)
        ]


@dataclass
class TwoSidedTable:
    """Budget (income, expenses, result) or financing plan (needs, resources, difference)."""

    inflow_rows: list[AmountRow]
    outflow_rows: list[AmountRow]
    years: list[YearFigures]

    @property
    def inflow_totals(self) -> list[Decimal]:
        return [figures.inflow for figures in self.years]

    @property
    def outflow_totals(self) -> list[Decimal]:
        return [figures.outflow for figures in self.years]

    @property
    def differences(self) -> list[Decimal]:
        return [figures.difference for figures in self.years]

    @property
    def is_balanced(self) -> bool:
        return all(figures.is_balanced for figures in self.years)

    @property
    def unbalanced_years(self) -> list[YearFigures]:
        return [figures for figures in self.years if not figures.is_balanced]

    @property
    def has_computed(self) -> bool:
        return any(row.computed for row in (*self.inflow_rows, *self.outflow_rows))


def budget_table(plan: DevelopmentPlan, lines=None) -> TwoSidedTable:
    lines = sorted(
        lines if lines is not None else plan.budget_lines.all(),
        key=lambda line: BudgetItem.values.index(line.item),
    )
    income = [line for line in lines if line.item in INCOME_ITEMS]
    expenses = [line for line in lines if line.item not in INCOME_ITEMS]
    return TwoSidedTable(
        inflow_rows=[AmountRow(line.get_item_display(), line.amounts) for line in income],
        outflow_rows=[AmountRow(line.get_item_display(), line.amounts) for line in expenses],
        years=yearly_totals(
            plan.first_year,
            (line.amounts for line in income),
            (line.amounts for line in expenses),
        ),
    )


def financing_table(plan: DevelopmentPlan, lines=None, computed=None) -> TwoSidedTable:
    """Resources are the inflow, needs the outflow: the difference must be zero each year.

    Besides the typed lines, the lines registered apps compute (``ccr_portal.plan_lines``:
    the granted loans' repayments) count in the totals and the balance, each after the
    typed line of its item, with its source in its label. A line ``beyond_typed`` counts,
    each year, what it adds beyond the typed line of its item (the structure's forecast:
    nothing counted twice); its full amounts stay readable beside."""
    lines = sorted(
        lines if lines is not None else plan.financing_lines.all(),
        key=lambda line: FinancingItem.values.index(line.item),
    )
    if computed is None:
        computed = computed_plan_lines(
            structure_id=plan.structure_id, campaign_id=plan.campaign_id, years=plan.years
        )
    order = FinancingItem.values
    rows = [
        (order.index(line.item), 0, line.item, AmountRow(line.get_item_display(), line.amounts))
        for line in lines
    ]
    # What each typed line still covers of the computed lines counted beyond it.
    typed = {line.item: [to_decimal(amount) for amount in line.amounts] for line in lines}
    for line in computed:
        amounts, full = tuple(line.amounts), None
        if line.beyond_typed:
            covered = typed.setdefault(line.item, [ZERO, ZERO, ZERO])
            counted = []
            for index, amount in enumerate(amounts):
                amount = to_decimal(amount)
                used = min(covered[index], amount)
                covered[index] -= used
                counted.append(amount - used)
            amounts, full = tuple(counted), tuple(line.amounts)
        row = AmountRow(
            line.label,
            amounts,
            computed=True,
            full_amounts=full,
            typed_label=FinancingItem(line.item).label,
            typed_item=line.item if full is not None else "",
        )
        rows.append((order.index(line.item), 1, line.item, row))
    rows.sort(key=lambda row: row[:2])
    needs = [row for _, _, item, row in rows if item in NEED_ITEMS]
    resources = [row for _, _, item, row in rows if item not in NEED_ITEMS]
    return TwoSidedTable(
        inflow_rows=resources,
        outflow_rows=needs,
        years=yearly_totals(
            plan.first_year,
            (row.amounts for row in resources),
            (row.amounts for row in needs),
        ),
    )


@dataclass
class AxisRow:
    axis: str
    label: str
    actions: list = field(default_factory=list)
    planned_days: Decimal = ZERO
    consumed_days: Decimal = ZERO
    cost: Decimal = ZERO

    @property
    def remaining_days(self) -> Decimal:
        return self.planned_days - self.consumed_days


@dataclass
class PlanOverview:
    plan: DevelopmentPlan
    actions: list[PlanAction]
    axes: list[AxisRow]
    budget: TwoSidedTable
    financing: TwoSidedTable
    themes: list
    securing_days: Decimal
    securing_threshold: Decimal

    @property
    def planned_days(self) -> Decimal:
        return sum((row.planned_days for row in self.axes), ZERO)

    @property
    def consumed_days(self) -> Decimal:
        return sum((row.consumed_days for row in self.axes), ZERO)

    @property
    def remaining_days(self) -> Decimal:
        return self.planned_days - self.consumed_days

    @property
    def cost(self) -> Decimal:
        return sum((row.cost for row in self.axes), ZERO)

    @property
    def securing_over_threshold(self) -> bool:
        return self.securing_days > self.securing_threshold


def plan_actions(plan: DevelopmentPlan) -> list[PlanAction]:
    """The plan's actions with provider, satisfaction and consumed hours (one query)."""
    actions = list(
        with_consumed_hours(
            PlanAction.objects.filter(plan=plan).select_related("provider", "satisfaction")
        )
    )
    order = list(Axis.values)
    actions.sort(key=lambda action: (order.index(action.axis), action.position, action.pk))
    return actions


def axis_rows(actions: list[PlanAction]) -> list[AxisRow]:
    rows: OrderedDict[str, AxisRow] = OrderedDict()
    for action in actions:
        row = rows.setdefault(action.axis, AxisRow(axis=action.axis, label=Axis(action.axis).label))
        row.actions.append(action)
        row.planned_days += action.planned_days
        row.consumed_days += action.consumed_days
        row.cost += action.cost or ZERO
    return list(rows.values())


def plan_overview(plan: DevelopmentPlan) -> PlanOverview:
    """Everything the plan's page and PDF show, in a fixed number of queries."""
    actions = plan_actions(plan)
    axes = axis_rows(actions)
    securing = next((row for row in axes if row.axis == Axis.SECURING), None)
    themes = sorted(plan.themes.all(), key=lambda theme: theme.pk)
    return PlanOverview(
        plan=plan,
        actions=actions,
        axes=axes,
        budget=budget_table(plan, list(BudgetLine.objects.filter(plan=plan))),
        financing=financing_table(plan, list(FinancingLine.objects.filter(plan=plan))),
        themes=themes,
        securing_days=securing.planned_days if securing else ZERO,
        securing_threshold=plan.campaign.securing_days_threshold,
    )


# --- Sessions -------------------------------------------------------------------------


def attendances_visible_to(user) -> QuerySet:
    """The lines of sessions a person may read: every line for the coordination and the
    session's provider (who may change the session), a structure's own lines otherwise.

    The other structures at a collective session are not named to a participant.
    """
    attendances = SessionAttendance.objects.all()
    if not user.is_authenticated or not user.is_active:
        return attendances.none()
    if user.has_role(Role.COORDINATOR):
        return attendances
    scope = Q(pk__in=[])
    if user.has_role(Role.PROVIDER):
        scope |= Q(session__provider__in=user.provider_organisations.values("pk"))
    if user.has_role(Role.APPLICANT):
        scope |= Q(structure__in=user.memberships.values("structure_id"))
    return attendances.filter(scope)


def sessions_for(user) -> QuerySet:
    """The sessions a person may read, with what their list shows (no query per row)."""
    return (
        Session.objects.visible_to(user)
        .select_related("provider", "consultant")
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=attendances_visible_to(user).select_related("structure", "action"),
            )
        )
        .annotate(
            document_count=count_of(
                SessionDocument.objects.filter(session=OuterRef("pk")), "session"
            )
        )
        .order_by("-date", "-pk")
    )


# --- Providers ------------------------------------------------------------------------


def axis_letters(provider: Provider) -> str:
    """The letters of the axes a provider covers, in the axes' order: « B, C »."""
    return ", ".join(Axis(axis).letter for axis in Axis.values if axis in (provider.axes or []))


@dataclass
class ProviderFigures:
    provider: Provider
    planned_days: Decimal
    given_days: Decimal
    action_count: int

    @property
    def planned_cost(self) -> Decimal:
        return action_cost(self.planned_days, self.provider.daily_rate or ZERO)


def provider_figures(providers) -> dict[int, ProviderFigures]:
    """Planned days (shared plans) and consultant days given (held sessions), per provider."""
    providers = list(providers)
    ids = [provider.pk for provider in providers]
    planned = {
        row["provider_id"]: row
        for row in PlanAction.objects.filter(provider_id__in=ids)
        .exclude(plan__status=PlanStatus.DRAFT)
        .order_by()
        .values("provider_id")
        .annotate(days=Sum("planned_days"), count=Count("pk"))
    }
    given = dict(
        Session.objects.filter(provider_id__in=ids, status=SessionStatus.HELD)
        .order_by()
        .values("provider_id")
        .annotate(hours=Sum("duration_hours"))
        .values_list("provider_id", "hours")
    )
    return {
        provider.pk: ProviderFigures(
            provider=provider,
            planned_days=planned.get(provider.pk, {}).get("days") or ZERO,
            given_days=hours_to_days(given.get(provider.pk) or ZERO),
            action_count=planned.get(provider.pk, {}).get("count", 0),
        )
        for provider in providers
    }


@dataclass
class SatisfactionSummary:
    answers: int
    usefulness: Decimal | None
    would_recommend: Decimal | None

    minimum: ClassVar[int] = SATISFACTION_MIN_ANSWERS

    @property
    def is_shown(self) -> bool:
        return self.usefulness is not None


def provider_satisfaction(provider: Provider) -> SatisfactionSummary:
    """The averages of the answers on a provider's actions, by whole batches of answers.

    Only the oldest answers in multiples of the minimum count are averaged: a
    new answer changes the figures only once enough others joined it, so a
    provider can never tell one structure's answer from two readings.
    """
    answered = SatisfactionAnswer.objects.filter(action__provider=provider)
    total = answered.count()
    counted = total - total % SATISFACTION_MIN_ANSWERS
    if counted == 0:
        return SatisfactionSummary(answers=total, usefulness=None, would_recommend=None)
    oldest = answered.order_by("answered_at", "pk").values("pk")[:counted]
    figures = SatisfactionAnswer.objects.filter(pk__in=oldest).aggregate(
        usefulness=Sum("usefulness"), would_recommend=Sum("would_recommend")
    )
    return SatisfactionSummary(
        answers=counted,
        usefulness=(Decimal(figures["usefulness"]) / counted).quantize(Decimal("0.1")),
        would_recommend=(Decimal(figures["would_recommend"]) / counted).quantize(Decimal("0.1")),
    )


# --- QADES ----------------------------------------------------------------------------


def qades_public_summary(year: int) -> list[dict]:
    """By dimension, the lines residents agreed to publish for ``year``, and their reviews."""
    lines = (
        QadesLine.objects.filter(grid__year=year, publish=True)
        .select_related("grid__structure")
        .order_by("grid__structure__name")
    )
    by_dimension = {dimension: [] for dimension in QadesDimension.values}
    for line in lines:
        by_dimension[line.dimension].append(line)
    summary = []
    for dimension, published in by_dimension.items():
        counts = {"met": 0, "partly": 0, "not_met": 0}
        for line in published:
            if line.review in counts:
                counts[line.review] += 1
        summary.append(
            {
                "dimension": dimension,
                "label": QadesDimension(dimension).label,
                "lines": published,
                "counts": counts,
            }
        )
    return summary
