"""Reads reused by pages, panels and reminders, always scoped by the viewer."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    DecimalField,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format

from applicants.models import Membership
from ccr_portal.formatting import format_date, format_number, with_preposition
from ccr_portal.users.models import Provider

from .capacity import (
    CapacityPlan,
    Demand,
    Late,
    Supply,
    Waiting,
    add_months,
    month_start,
    plan_capacity,
)
from .models import (
    COMMITTED_STATUSES,
    FINISHED_STATUSES,
    CommitteeConsent,
    Diagnostic,
    DiagnosticPurpose,
    DiagnosticStatus,
    DiagnosticTransition,
    ProviderCapacity,
)

CAPACITY_HORIZON_MONTHS = 6
# Warnings written out on a page; the others are counted, and the queue lists them.
WARNINGS_SHOWN = 5
# How far the projection may look before it declares the queue out of reach.
CAPACITY_LIMIT_MONTHS = 36


def diagnostic_days(kind: str) -> Decimal:
    return Decimal(str(settings.DIAGNOSTIC_DAYS[kind]))


def with_list_annotations(queryset: QuerySet) -> QuerySet:
    """What a list row shows, in a bounded number of queries whatever the number of rows."""
    # Another live diagnostic of the same structure and kind: a possible duplicate.
    duplicates = (
        Diagnostic.objects.filter(structure_id=OuterRef("structure_id"), kind=OuterRef("kind"))
        .exclude(pk=OuterRef("pk"))
        .exclude(status=DiagnosticStatus.DECLINED)
    )
    last_refusal = (
        DiagnosticTransition.objects.filter(
            diagnostic_id=OuterRef("pk"), action="decline_assignment"
        )
        .order_by("-created_at", "-pk")
        .values("comment")[:1]
    )
    shared = CommitteeConsent.objects.filter(diagnostic_id=OuterRef("pk"), revoked_at__isnull=True)
    return queryset.select_related(
        "structure", "provider", "consultant", "dossier__campaign"
    ).annotate(
        has_duplicate=Exists(duplicates),
        last_assignment_refusal=Subquery(last_refusal),
        is_shared=Exists(shared),
    )


def annotate_rows(diagnostics) -> list[Diagnostic]:
    """The rows of one page with ``with_list_annotations``, in their order (one query).

    The lists paginate the plain rows and annotate only the page's: annotated before
    the sort, every row of the table would pay the subqueries.
    """
    ids = [diagnostic.pk for diagnostic in diagnostics]
    rows = with_list_annotations(Diagnostic.objects.filter(pk__in=ids)).in_bulk(ids)
    return [rows[pk] for pk in ids]


def diagnostic_queue() -> QuerySet:
    """The coordinators' queue: what waits for triage first, then by due date."""
    return Diagnostic.objects.alias(status_rank=_status_rank()).order_by(
        "status_rank", "due_date", "requested_at", "pk"
    )


def _status_rank() -> Case:
    order = [
        DiagnosticStatus.REQUESTED,
        DiagnosticStatus.ACCEPTED,
        DiagnosticStatus.ASSIGNED,
        DiagnosticStatus.IN_PROGRESS,
        DiagnosticStatus.DELIVERED,
        DiagnosticStatus.VALIDATED,
        DiagnosticStatus.COVERED,
        DiagnosticStatus.DECLINED,
    ]
    return Case(
        *[When(status=code, then=Value(rank)) for rank, code in enumerate(order)],
        output_field=IntegerField(),
    )


def possible_duplicates(diagnostic: Diagnostic) -> QuerySet:
    """Other live diagnostics of the same structure and kind (a structure is diagnosed once)."""
    return (
        Diagnostic.objects.filter(structure_id=diagnostic.structure_id, kind=diagnostic.kind)
        .exclude(pk=diagnostic.pk)
        .exclude(status=DiagnosticStatus.DECLINED)
        .select_related("provider")
        .order_by("-requested_at")
    )


def member_diagnostics(user) -> QuerySet:
    """The diagnostics of the person's structures that they may read (not those of other roles)."""
    return Diagnostic.objects.visible_to(user).filter(structure__memberships__user=user)


def provider_assignments(user) -> QuerySet:
    """The diagnostics assigned to the organisations of a provider's consultant."""
    return Diagnostic.objects.filter(
        provider__in=user.provider_organisations.values("pk")
    ).order_by("due_date", "pk")


def awaiting_sign_off(user) -> QuerySet:
    """Finished diagnostics the person, as an editor of the structure, may sign off."""
    editor = Exists(
        Membership.objects.filter(
            structure_id=OuterRef("structure_id"), user=user, role=Membership.Role.EDITOR
        )
    )
    return (
        Diagnostic.objects.visible_to(user)
        .filter(editor, status__in=FINISHED_STATUSES, signed_off_at__isnull=True)
        # An assessment diagnostic reaches the structure only once validated.
        .filter(Q(purpose=DiagnosticPurpose.SUPPORT) | Q(status=DiagnosticStatus.VALIDATED))
        .select_related("structure")
    )


def latest_comment(diagnostic: Diagnostic, action: str) -> DiagnosticTransition | None:
    return (
        diagnostic.transitions.filter(action=action)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


def _days_of_kind():
    """A diagnostic's consultant days, by kind, as an SQL expression (settings)."""
    return Case(
        *[When(kind=kind, then=Value(diagnostic_days(kind))) for kind in settings.DIAGNOSTIC_DAYS],
        default=Value(Decimal("0")),
        output_field=DecimalField(max_digits=8, decimal_places=2),
    )


def _committed() -> QuerySet:
    return Diagnostic.objects.filter(
        status__in=COMMITTED_STATUSES, provider__isnull=False, due_date__isnull=False
    )


def capacity_plan(
    *, today: datetime.date | None = None, horizon: int = CAPACITY_HORIZON_MONTHS
) -> CapacityPlan:
    """``plan_capacity`` on totals computed by the database, then its late diagnostics.

    Three queries whatever the number of diagnostics: the diagnostics per status and kind,
    and for the committed ones per provider and due month too (the committed days, the
    waiting ones' days, and ``plan.status_totals`` for the dashboards); the providers
    with the capacities they declared; and the late diagnostics (a window sum of each
    provider's queue in due-date order, compared with what the plan says it will have
    done by then).
    """
    today = today or timezone.localdate()
    first = month_start(today)
    counts = _counts_by_status_and_kind()
    demand = [
        Demand(row["committed_to"], row["month"], row["total"] * diagnostic_days(row["kind"]))
        for row in counts
        if row["committed_to"] is not None
    ]
    by_status_and_kind = Counter()
    for row in counts:
        by_status_and_kind[row["status"], row["kind"]] += row["total"]
    waiting = [
        Waiting(0, total * diagnostic_days(kind), status == "accepted")
        for (status, kind), total in by_status_and_kind.items()
        if status in (DiagnosticStatus.ACCEPTED, DiagnosticStatus.REQUESTED)
    ]
    plan = plan_capacity(
        today=today,
        supplies=_supplies(first, busy={bucket.provider_id for bucket in demand}),
        demand=demand,
        waiting=waiting,
        horizon=horizon,
        limit=CAPACITY_LIMIT_MONTHS,
    )
    plan.late = late_diagnostics(plan, today=today)
    plan.status_totals = Counter()
    for (status, _kind), total in by_status_and_kind.items():
        plan.status_totals[status] += total
    return plan


def _counts_by_status_and_kind() -> list[dict]:
    """Every diagnostic counted by status and kind, and, when committed (``_committed``), by
    provider and due month too (``committed_to`` and ``month``, None for the others): the
    dashboards' totals and the plan's committed days, in one grouping."""
    committed = Q(status__in=COMMITTED_STATUSES, provider__isnull=False, due_date__isnull=False)
    return list(
        Diagnostic.objects.order_by()
        .annotate(
            committed_to=Case(When(committed, then=F("provider_id")), output_field=IntegerField()),
            month=Case(When(committed, then=TruncMonth("due_date")), output_field=DateField()),
        )
        .values("status", "kind", "committed_to", "month")
        .annotate(total=Count("pk"))
    )


def _supplies(first: datetime.date, *, busy: set[int]) -> list[Supply]:
    """The providers with a usual capacity, work due, or capacities declared from this
    month on, by name, with those declarations: one query (a row per declared month)."""
    declared = FilteredRelation(
        "capacities",
        condition=Q(
            capacities__month__gte=first,
            capacities__month__lt=add_months(first, CAPACITY_LIMIT_MONTHS),
        ),
    )
    rows = (
        Provider.objects.annotate(declared=declared)
        .filter(Q(monthly_capacity_days__gt=0) | Q(pk__in=busy) | Q(declared__isnull=False))
        .order_by("name", "declared__month")
        .values_list(
            "pk",
            "name",
            "short_name",
            "monthly_capacity_days",
            "declared__month",
            "declared__consultant_days",
        )
    )
    supplies = {}
    for pk, name, short_name, usual_days, month, days in rows:
        if pk not in supplies:
            # The provider's name as it reads everywhere (``Organisation.__str__``).
            supplies[pk] = Supply(pk, short_name or name, usual_days, {})
        if month is not None:
            supplies[pk].declared[month] = days
    return list(supplies.values())


def late_diagnostics(plan: CapacityPlan, *, today: datetime.date | None = None) -> list[Late]:
    """The committed diagnostics that cannot meet their due date, in due-date order.

    The database ranks each provider's queue (a window sum of the days in due-date
    order: the position of each diagnostic); a diagnostic is late when overdue or when
    its position is beyond what the plan has its provider do by the end of its due month.
    One query of three numbers and a date per committed diagnostic, and no model.
    """
    today = today or timezone.localdate()
    queue = (
        _committed()
        .annotate(
            position=Window(
                Sum(_days_of_kind()),
                partition_by=[F("provider_id")],
                order_by=[F("due_date").asc(), F("pk").asc()],
            )
        )
        .order_by("due_date", "pk")
        .values_list("pk", "provider_id", "due_date", "position")
    )
    done_through, month_of, late = plan.done_through, {}, []
    for pk, provider_id, due_date, position in queue:
        if due_date not in month_of:
            month_of[due_date] = plan.month_index(due_date)
        done = done_through.get(provider_id, ())
        index = month_of[due_date]
        if due_date < today or index >= len(done) or position > done[index]:
            late.append(Late(pk, provider_id, due_date, plan.finish_month(provider_id, position)))
    return late


def status_counts(queryset: QuerySet) -> list[tuple[str, str, int]]:
    """(code, label, count) for every status, zeros included, in workflow order."""
    totals = dict(queryset.order_by().values_list("status").annotate(total=Count("pk")))
    return [(code, label, totals.get(code, 0)) for code, label in DiagnosticStatus.choices]


@dataclass(frozen=True)
class CapacityWarnings:
    """The first few warnings of a plan in French, and how many there are in all."""

    shown: list[dict]  # {"text", "url"}
    total: int
    late_total: int

    def __bool__(self) -> bool:
        return self.total > 0

    def __len__(self) -> int:
        return self.total

    def __iter__(self):
        return iter(self.shown)

    @property
    def first(self) -> dict | None:
        return self.shown[0] if self.shown else None

    @property
    def hidden(self) -> int:
        return self.total - len(self.shown)


def capacity_warnings(
    plan: CapacityPlan, *, today: datetime.date | None = None, shown: int = WARNINGS_SHOWN
) -> CapacityWarnings:
    """The plan's first ``shown`` warnings in French, each with its diagnostic's link.

    Sentences are built for what is shown only (one query for its late diagnostics):
    at 10,000 structures a plan has thousands of late diagnostics, and the page links
    to the queue filtered on them instead of listing them.
    """
    today = today or timezone.localdate()
    overloads = plan.overloads[:shown]
    late_items = plan.late[: max(0, shown - len(overloads))]
    warnings = [
        {
            "text": f"{overload.name} dépasse sa capacité en "
            f"{date_format(overload.month, 'F Y')} : "
            f"{format_number(overload.load, 1)} jours prévus pour "
            f"{format_number(overload.capacity, 1)} disponibles.",
            "url": "",
        }
        for overload in overloads
    ]
    late = (
        Diagnostic.objects.select_related("structure", "provider").in_bulk(
            [item.diagnostic_id for item in late_items]
        )
        if late_items
        else {}
    )
    for item in late_items:
        diagnostic = late.get(item.diagnostic_id)
        if diagnostic is None:
            continue
        warnings.append(
            {"text": _late_text(diagnostic, item, today), "url": diagnostic.get_absolute_url()}
        )
    total = len(plan.overloads) + len(plan.late)
    if plan.unreachable:
        total += 1
        if len(warnings) < shown:
            warnings.append(
                {
                    "text": "La capacité déclarée ne suffit pas à réaliser tout le travail dans "
                    f"les {CAPACITY_LIMIT_MONTHS} prochains mois.",
                    "url": "",
                }
            )
    return CapacityWarnings(shown=warnings, total=total, late_total=len(plan.late))


def _late_text(diagnostic: Diagnostic, item, today: datetime.date) -> str:
    whose = with_preposition("de", diagnostic.structure)
    what = f"{diagnostic.get_kind_display()} {whose} ({diagnostic.provider})"
    if item.due_date < today:
        return f"{what} : l'échéance du {format_date(item.due_date)} est dépassée."
    if item.done_month is not None:
        return (
            f"{what} : l'échéance du {format_date(item.due_date)} ne peut pas être tenue, "
            f"fin prévue en {date_format(item.done_month, 'F Y')}."
        )
    return (
        f"{what} : l'échéance du {format_date(item.due_date)} ne peut pas être tenue, "
        "la capacité du prestataire ne suffit pas."
    )


@dataclass(frozen=True)
class AssignmentPreview:
    """What an assignment does to the provider's month, before it is saved."""

    provider: str
    month: datetime.date
    planned: Decimal
    available: Decimal

    @property
    def over(self) -> bool:
        return self.planned > self.available

    @property
    def text(self) -> str:
        return (
            f"{self.provider}, {date_format(self.month, 'F Y')} : "
            f"{format_number(self.planned, 1)} j prévus pour "
            f"{format_number(self.available, 1)} j disponibles."
        )


def assignment_preview(
    diagnostic: Diagnostic,
    provider: Provider | None,
    due_date: datetime.date | None,
    *,
    plan: CapacityPlan | None = None,
) -> AssignmentPreview | None:
    """The provider's load in the due date's month with this diagnostic, against its
    capacity that month; nothing until a provider and a date are chosen."""
    if provider is None or due_date is None:
        return None
    month = month_start(max(due_date, timezone.localdate()))
    days = diagnostic_days(diagnostic.kind)
    already = (
        diagnostic.status in COMMITTED_STATUSES
        and diagnostic.provider_id == provider.pk
        and diagnostic.due_date is not None
        and month_start(max(diagnostic.due_date, timezone.localdate())) == month
    )
    plan = plan or capacity_plan()
    row = next((row for row in plan.rows if row.provider_id == provider.pk), None)
    cell = next((cell for cell in row.cells if cell.month == month), None) if row else None
    if cell is not None:
        load, capacity = cell.load, cell.capacity
    else:
        declared = ProviderCapacity.objects.filter(provider=provider, month=month).first()
        capacity = declared.consultant_days if declared else provider.monthly_capacity_days
        load = sum(
            (
                diagnostic_days(kind)
                for kind in Diagnostic.objects.filter(
                    provider=provider,
                    status__in=COMMITTED_STATUSES,
                    due_date__gte=month,
                    due_date__lt=add_months(month, 1),
                ).values_list("kind", flat=True)
            ),
            Decimal("0"),
        )
    planned = load if already else load + days
    return AssignmentPreview(str(provider), month, planned, Decimal(capacity))


# --- The instruction diagnostic before the committee (issue 9, point 5) ----------------

UNFINISHED_ASSESSMENT_STATUSES = (
    DiagnosticStatus.REQUESTED,
    DiagnosticStatus.ACCEPTED,
    DiagnosticStatus.ASSIGNED,
    DiagnosticStatus.IN_PROGRESS,
    DiagnosticStatus.DELIVERED,
)


def unfinished_assessments(dossiers) -> dict[int, list[Diagnostic]]:
    """The assessment diagnostics ordered on these dossiers and not validated (nor covered)
    yet, by dossier id: deciding without them needs a recorded confirmation."""
    found = defaultdict(list)
    diagnostics = Diagnostic.objects.filter(
        dossier__in=dossiers,
        purpose=DiagnosticPurpose.ASSESSMENT,
        status__in=UNFINISHED_ASSESSMENT_STATUSES,
    ).order_by("requested_at", "pk")
    for diagnostic in diagnostics:
        found[diagnostic.dossier_id].append(diagnostic)
    return found


def assessment_warning(diagnostics: list[Diagnostic]) -> str:
    """« Le diagnostic complet d'instruction commandé le 3 mars 2026 n'est pas validé… »."""
    parts = [
        f"{diagnostic.get_kind_display().lower()} commandé le "
        f"{format_date(timezone.localtime(diagnostic.requested_at))} "
        f"(« {diagnostic.get_status_display()} »)"
        for diagnostic in diagnostics
    ]
    return (
        "Le diagnostic d'instruction n'est pas encore validé : "
        + " ; ".join(parts)
        + ". Confirmez et expliquez pourquoi le comité se prononce sans lui."
    )


def pending_assessment_warning(dossier) -> str:
    """The warning a committee step on this dossier carries, or ""."""
    pending = unfinished_assessments([dossier]).get(dossier.pk)
    return assessment_warning(pending) if pending else ""
