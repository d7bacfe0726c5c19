"""Reads reused by pages, panels and reminders, always scoped by the viewer."""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
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
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, TruncMonth
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
    queue_rank,
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
    return Diagnostic.objects.alias(status_rank=queue_rank()).order_by(
        "status_rank", "due_date", "requested_at", "pk"
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


# Committed work: assigned (or in progress) to a provider, with a due date.
# Work the capacity plan counts (``Diagnostic.is_committed`` on a row).
_COMMITTED = Q(status__in=COMMITTED_STATUSES, provider__isnull=False, due_date__isnull=False)


def _committed() -> QuerySet:
    return Diagnostic.objects.filter(_COMMITTED)


def capacity_plan(
    *, today: datetime.date | None = None, horizon: int = CAPACITY_HORIZON_MONTHS
) -> CapacityPlan:
    """``plan_capacity`` on totals computed by the database, then its late diagnostics.

    Two queries whatever the number of diagnostics: the diagnostics per status and kind,
    and for the committed ones per provider and due month too (the committed days, the
    waiting ones' days, and ``plan.status_totals`` for the dashboards); the providers
    with the capacities they declared. The late diagnostics are asked of the database
    when read (``LateDiagnostics``).
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
    """Every diagnostic counted by status and kind, and, when committed (``_COMMITTED``), by
    provider and due month too (``committed_to`` and ``month``, None for the others): the
    dashboards' totals and the plan's committed days, in one grouping."""
    return list(
        Diagnostic.objects.order_by()
        .annotate(
            committed_to=Case(When(_COMMITTED, then=F("provider_id")), output_field=IntegerField()),
            month=Case(When(_COMMITTED, then=TruncMonth("due_date")), output_field=DateField()),
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


def late_diagnostics(
    plan: CapacityPlan, *, today: datetime.date | None = None
) -> "LateDiagnostics":
    """The committed diagnostics that cannot meet their due date, found by the database."""
    return LateDiagnostics(plan, today=today or timezone.localdate())


class LateDiagnostics:
    """The plan's late diagnostics, in due-date order, asked of the database on demand.

    A diagnostic is late when overdue, or when its position in its provider's queue (a
    window sum of the days in due-date order) is beyond what the plan has that provider
    do by the end of its due month. The plan's few thresholds (provider, month, days
    done) go to the database as a ``VALUES`` list, so the thousands of late diagnostics
    of a large scheme are counted and filtered there: one query gives the counts and
    the first few, another which of a page's rows are late; the queue's filter uses the
    same SQL as a subquery. Nothing of it grows with the number of diagnostics.
    """

    def __init__(self, plan: CapacityPlan, *, today: datetime.date):
        self.plan, self.today = plan, today
        self._summary: tuple[int, int, list[Late]] | None = None

    def _sql(self, where: str = "", where_params: tuple = ()) -> tuple[str, list]:
        queue = (
            _committed()
            .annotate(
                # A date, as the limits' months: PostgreSQL then joins on provider and
                # month at once (DATE_TRUNC alone gives a timestamp, compared with each
                # of the provider's months in turn: 3 times slower at 10,000 structures).
                month=Cast(TruncMonth("due_date"), DateField()),
                position=Window(
                    Sum(_days_of_kind()),
                    partition_by=[F("provider_id")],
                    order_by=[F("due_date").asc(), F("pk").asc()],
                ),
            )
            .order_by()
            .values_list("pk", "provider_id", "due_date", "month", "position")
        )
        queue_sql, queue_params = queue.query.sql_with_params()
        postgresql = connection.vendor == "postgresql"
        # (provider, month, days done by its end); a first row that matches nothing
        # keeps the list valid (and typed) when the plan has no provider.
        limits = [(0, self.plan.first or month_start(self.today), 0.0)] + [
            (provider_id, add_months(self.plan.first, index), float(done))
            for provider_id, done_through in self.plan.done_through.items()
            for index, done in enumerate(done_through)
        ]
        row = "(%s, CAST(%s AS date), %s)" if postgresql else "(%s, %s, %s)"
        params = [*queue_params]
        for provider_id, month, done in limits:
            params += [provider_id, month if postgresql else month.isoformat(), done]
        today = self.today if postgresql else self.today.isoformat()
        sql = (
            f"WITH queue(id, provider_id, due_date, month, position) AS ({queue_sql}), "
            f"limits(provider_id, month, done) AS (VALUES {', '.join([row] * len(limits))}) "
            "SELECT queue.id, queue.provider_id, queue.due_date, queue.position "
            "FROM queue LEFT JOIN limits ON limits.provider_id = queue.provider_id "
            "AND limits.month = queue.month "
            "WHERE (queue.due_date < %s OR limits.done IS NULL OR queue.position > limits.done)"
            f"{where}"
        )
        return sql, [*params, today, *where_params]

    def _late(self, row) -> Late:
        pk, provider_id, due_date, position = row[:4]
        if isinstance(due_date, str):  # SQLite
            due_date = datetime.date.fromisoformat(due_date)
        return Late(
            pk, provider_id, due_date, self.plan.finish_month(provider_id, Decimal(str(position)))
        )

    def _read_summary(self) -> tuple[int, int, list[Late]]:
        if self._summary is None:
            sql, params = self._sql()
            today = self.today if connection.vendor == "postgresql" else self.today.isoformat()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT late.*, COUNT(*) OVER (), "
                    f"SUM(CASE WHEN late.due_date < %s THEN 1 ELSE 0 END) OVER () "
                    f"FROM ({sql}) late ORDER BY late.due_date, late.id LIMIT {WARNINGS_SHOWN}",
                    [today, *params],
                )
                rows = cursor.fetchall()
            total, overdue = (rows[0][4], int(rows[0][5])) if rows else (0, 0)
            self._summary = (total, overdue, [self._late(row) for row in rows])
        return self._summary

    def __len__(self) -> int:
        return self._read_summary()[0]

    def __bool__(self) -> bool:
        return len(self) > 0

    @property
    def overdue(self) -> int:
        """How many of them are past their due date."""
        return self._read_summary()[1]

    def first(self, count: int) -> list[Late]:
        """The first ``count`` (at most ``WARNINGS_SHOWN``), in due-date order."""
        return self._read_summary()[2][: max(0, count)]

    def among(self, ids) -> dict[int, Late]:
        """Which of these diagnostics are late (one query)."""
        ids = [int(pk) for pk in ids]
        if not ids:
            return {}
        sql, params = self._sql(f" AND queue.id IN ({', '.join(['%s'] * len(ids))})", tuple(ids))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return {row[0]: self._late(row) for row in cursor.fetchall()}

    def get(self, pk: int) -> Late | None:
        return self.among([pk]).get(pk)

    def ids(self) -> RawSQL:
        """Their ids as a subquery: ``filter(pk__in=late.ids())``."""
        sql, params = self._sql()
        return RawSQL(f"SELECT late.id FROM ({sql}) late", params)


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
    late_items = plan.late.first(shown - len(overloads))
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
