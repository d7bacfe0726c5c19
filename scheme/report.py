"""The activity report (bilan) of a period: one aggregate query per section.

Each section is plain data (``headers`` as (French header, kind) and ``rows`` as
tuples) that the page, the PDF and the XLSX lay out alike; the sums are the
database's or ``report_totals``' — never a template's. ``payer`` narrows the report
to what one funder of the scheme pays for: the providers it funds (their diagnostics,
sessions and planned actions).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Avg, Count, DecimalField, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import localize
from django.utils.text import slugify

from accompaniment.models import (
    Event,
    FollowUp,
    PlanAction,
    PlanStatus,
    SatisfactionAnswer,
    Session,
    SessionAttendance,
    SessionStatus,
)
from ccr_portal.axes import Axis
from ccr_portal.formatting import format_date, format_euros, format_number
from committee.models import Decision, DecisionStatus, Outcome
from diagnostics.models import Diagnostic, DiagnosticKind, DiagnosticPurpose
from financing.models import DECIDED_STATUSES, Disbursement, FinancingRequest, RequestStatus

from .cache import cached, data_version
from .charts import bar_chart
from .presentation import payer_label

ZERO = Decimal("0")
CENT = Decimal("0.01")
AXIS_LABELS = dict(Axis.choices)


def days_of(hours) -> Decimal:
    return (Decimal(hours or 0) / settings.HOURS_PER_DAY).quantize(CENT, rounding=ROUND_HALF_UP)


def on_days(field: str, start: datetime.date, end: datetime.date) -> Q:
    """``field`` (a moment) on a day from ``start`` to ``end`` in the current time zone:
    ``field__date__gte/lte`` without converting every row's moment (an index can serve).
    The days may be ISO strings, as that lookup takes them (a report row not reloaded)."""
    start, end = (datetime.date.fromisoformat(str(day)) for day in (start, end))
    first = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    after = timezone.make_aware(
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min)
    )
    return Q(**{f"{field}__gte": first, f"{field}__lt": after})


def money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def cell(value, kind: str, first: bool) -> tuple[bool, bool, str]:
    """A value of the report as its page and PDF show it: (row header, right-aligned,
    text), formatted once, when the report is computed (``_report_sections.html``)."""
    if first:
        return True, False, localize(value)
    if kind == "euros":
        return False, True, "" if value is None else format_euros(value)
    if kind == "days":
        return False, True, "" if value is None else format_number(value, 1)
    if kind == "number":
        return False, True, "" if value is None else localize(value)
    if kind == "date":
        return False, False, format_date(value) if value else ""
    return False, False, localize(value)


def displayed(row, headers) -> list[tuple[bool, bool, str]]:
    return [
        cell(value, kind, index == 0)
        for index, (value, (_header, kind)) in enumerate(zip(row, headers, strict=True))
    ]


def section(title, sheet, headers, rows, *, chart=None, totals=None) -> dict:
    return {
        "title": title,
        "sheet": sheet,
        "slug": slugify(sheet),
        "headers": headers,
        "rows": [*rows, *([totals] if totals else [])],
        "body": rows,
        "totals": totals,
        "shown_body": [displayed(row, headers) for row in rows],
        "shown_totals": displayed(totals, headers) if totals else None,
        "chart": chart,
    }


def financing_section(*, start, end, payer) -> dict:
    """Financing requested, granted, declined and disbursed per fund (two aggregates).

    Requested: the amounts of the requests submitted in the period, whatever became of
    them; granted: the granted amounts of the requests granted in the period; declined:
    the amounts asked of the requests declined in the period; disbursed: the payments
    made in the period. The funds' money is not the scheme's payers': like the
    committee's decisions, the section is the same for every ``payer``.
    """

    def within(field: str, **more) -> Q:
        return on_days(field, start, end) & Q(**more)

    figures: dict[str, list] = {}
    for short_name, name, requested, granted, declined in (
        FinancingRequest.objects.filter(
            within("submitted_at") | within("decided_at", status__in=DECIDED_STATUSES)
        )
        .values_list("product__funder__short_name", "product__funder__name")
        .annotate(
            requested=Sum("amount", filter=within("submitted_at")),
            granted=Sum(
                "granted_amount", filter=within("decided_at", status=RequestStatus.GRANTED)
            ),
            declined=Sum("amount", filter=within("decided_at", status=RequestStatus.DECLINED)),
        )
        .order_by()
    ):
        figures[short_name or name] = [money(requested), money(granted), money(declined), ZERO]
    for short_name, name, disbursed in (
        Disbursement.objects.filter(day__gte=start, day__lte=end)
        .values_list("request__product__funder__short_name", "request__product__funder__name")
        .annotate(disbursed=Sum("amount"))
        .order_by()
    ):
        figures.setdefault(short_name or name, [ZERO, ZERO, ZERO, ZERO])[3] = money(disbursed)
    rows = [(fund, *amounts) for fund, amounts in sorted(figures.items())]
    headers = [("Fonds", "text"), ("Demandé (€)", "euros"), ("Accordé (€)", "euros"),
               ("Refusé (€)", "euros"), ("Versé (€)", "euros")]  # fmt: skip
    return section(
        "Financements demandés, accordés, refusés et versés par fonds",
        "Financements",
        headers,
        rows,
        totals=(
            ("Total", *(sum((row[index] for row in rows), ZERO) for index in range(1, 5)))
            if rows
            else None
        ),
    )


def held_sessions(*, start, end, payer):
    provider_filter = Q(provider__funding_scheme=payer) if payer else Q()
    return Session.objects.filter(
        provider_filter, status=SessionStatus.HELD, date__gte=start, date__lte=end
    )


def session_details(held) -> list[dict]:
    """Each held session of the report (its XLSX detail sheet), by date."""
    return [
        {
            "date": date,
            "provider": provider,
            "axis": axis,
            "theme": theme,
            "format": "Collectif" if session_format == "collective" else "Individuel",
            "days": days_of(hours),
            "cost": money(days_of(hours) * (rate or 0)),
        }
        for date, provider, axis, theme, session_format, hours, rate in held.values_list(
            "date",
            "provider__short_name",
            "axis",
            "theme",
            "format",
            "duration_hours",
            "provider__daily_rate",
        ).order_by("date", "pk")
    ]


def activity_report(
    *, start: datetime.date, end: datetime.date, payer: str = "", with_sessions: bool = False
) -> dict:
    """The report's sections, cached per state of the tables they read
    (``scheme.cache``); ``with_sessions``, each held session too (the XLSX's detail
    sheet: the page and the PDF show their totals only)."""
    start, end = (datetime.date.fromisoformat(str(day)) for day in (start, end))
    report = cached(
        "report",
        data_version("report"),
        (start, end, payer, settings.HOURS_PER_DAY),
        lambda: report_sections(start=start, end=end, payer=payer),
    )
    if with_sessions:
        report["sessions"] = session_details(held_sessions(start=start, end=end, payer=payer))
    return report


def report_sections(*, start: datetime.date, end: datetime.date, payer: str) -> dict:
    """``activity_report`` computed: one aggregate query per section."""
    provider_filter = Q(provider__funding_scheme=payer) if payer else Q()
    session_filter = Q(session__provider__funding_scheme=payer) if payer else Q()
    held = held_sessions(start=start, end=end, payer=payer)
    sections = []

    # Structures accompanied per axis: a structure present at a session held in the period.
    per_axis = dict(
        SessionAttendance.objects.filter(
            session_filter,
            session__status=SessionStatus.HELD,
            session__date__gte=start,
            session__date__lte=end,
            attended=True,
        )
        .values_list("session__axis")
        .annotate(count=Count("structure", distinct=True))
        .order_by()
    )
    rows = [(AXIS_LABELS[axis], per_axis.get(axis, 0)) for axis in Axis.values]
    sections.append(
        section(
            "Structures accompagnées par axe",
            "Structures par axe",
            [("Axe", "text"), ("Structures accompagnées", "number")],
            rows,
            chart=bar_chart(
                title="Structures accompagnées par axe",
                categories=[Axis(axis).letter for axis in Axis.values],
                series=[("Structures", [count for _, count in rows])],
            ),
        )
    )

    # Diagnostics by kind, purpose and provider (asked for in the period).
    kinds, purposes = dict(DiagnosticKind.choices), dict(DiagnosticPurpose.choices)
    diagnostic_rows = [
        (kinds[kind], purposes[purpose], provider or "Non affecté", count, concluded)
        for kind, purpose, provider, count, concluded in Diagnostic.objects.filter(
            provider_filter, on_days("requested_at", start, end)
        )
        .values_list("kind", "purpose", "provider__short_name")
        .annotate(
            count=Count("pk"),
            concluded=Count("pk", filter=Q(status__in=("validated", "covered"))),
        )
        .order_by("kind", "purpose", "provider__short_name")
    ]
    sections.append(
        section(
            "Diagnostics par type, finalité et prestataire",
            "Diagnostics",
            [
                ("Type", "text"),
                ("Finalité", "text"),
                ("Prestataire", "text"),
                ("Demandés", "number"),
                ("Validés ou couverts", "number"),
            ],
            diagnostic_rows,
            totals=(
                "Total",
                "",
                "",
                sum(row[3] for row in diagnostic_rows),
                sum(row[4] for row in diagnostic_rows),
            ),
        )
    )

    # Sessions and days per provider and axis, against planned, with costs.
    given = {
        (provider, axis): (count, hours, rate)
        for provider, axis, count, hours, rate in held.values_list("provider__short_name", "axis")
        .annotate(count=Count("pk"), hours=Sum("duration_hours"), rate=Avg("provider__daily_rate"))
        .order_by()
    }
    planned = {
        (provider, axis): (days, cost)
        for provider, axis, days, cost in PlanAction.objects.filter(provider_filter)
        .exclude(plan__status=PlanStatus.DRAFT)
        .exclude(provider__isnull=True)
        .values_list("provider__short_name", "axis")
        .annotate(
            days=Sum("planned_days"),
            cost=Coalesce(
                Sum(F("planned_days") * F("daily_rate"), output_field=DecimalField()),
                ZERO,
                output_field=DecimalField(),
            ),
        )
        .order_by()
    }
    session_rows = []
    for provider, axis in sorted(
        set(given) | set(planned), key=lambda k: (k[0], Axis.values.index(k[1]))
    ):
        count, hours, rate = given.get((provider, axis), (0, ZERO, None))
        days = days_of(hours)
        planned_days, planned_cost = planned.get((provider, axis), (ZERO, ZERO))
        session_rows.append(
            (
                provider,
                AXIS_LABELS[axis],
                count,
                days,
                Decimal(planned_days),
                money(days * (rate or 0)),
                money(planned_cost),
            )
        )
    sections.append(
        section(
            "Séances et jours donnés par prestataire et par axe, au regard du prévu",
            "Séances et jours",
            [
                ("Prestataire", "text"),
                ("Axe", "text"),
                ("Séances", "number"),
                ("Jours donnés", "days"),
                ("Jours prévus", "days"),
                ("Coût donné (€)", "euros"),
                ("Coût prévu (€)", "euros"),
            ],
            session_rows,
            totals=(
                "Total",
                "",
                sum(row[2] for row in session_rows),
                sum((row[3] for row in session_rows), ZERO),
                sum((row[4] for row in session_rows), ZERO),
                sum((row[5] for row in session_rows), ZERO),
                sum((row[6] for row in session_rows), ZERO),
            ),
            chart=bar_chart(
                title="Jours donnés et prévus par prestataire",
                categories=sorted({row[0] for row in session_rows}),
                series=[
                    (
                        "Jours donnés",
                        [
                            sum((r[3] for r in session_rows if r[0] == p), ZERO)
                            for p in sorted({row[0] for row in session_rows})
                        ],
                    ),
                    (
                        "Jours prévus",
                        [
                            sum((r[4] for r in session_rows if r[0] == p), ZERO)
                            for p in sorted({row[0] for row in session_rows})
                        ],
                    ),
                ],
            ),
        )
    )

    # Events and attendance.
    event_rows = [
        (title, date, capacity, registered, attended)
        for title, date, capacity, registered, attended in Event.objects.filter(
            date__gte=start, date__lte=end
        )
        .values_list("title", "date", "capacity")
        .annotate(
            registered=Count("registrations", filter=Q(registrations__status="registered")),
            attended=Count("registrations", filter=Q(registrations__attended=True)),
        )
        .order_by("date", "pk")
    ]
    sections.append(
        section(
            "Événements et participation",
            "Événements",
            [
                ("Événement", "text"),
                ("Date", "date"),
                ("Places", "number"),
                ("Inscrites", "number"),
                ("Présentes", "number"),
            ],
            event_rows,
            totals=(
                "Total",
                None,
                sum(row[2] or 0 for row in event_rows),
                sum(row[3] for row in event_rows),
                sum(row[4] for row in event_rows),
            ),
        )
    )

    # Committee decisions by outcome and site.
    outcomes = dict(Outcome.choices)
    decision_rows = [
        (outcomes[outcome], site or "Sans site", count)
        for outcome, site, count in Decision.objects.filter(
            on_days("recorded_at", start, end),
            status__in=(DecisionStatus.RECORDED, DecisionStatus.NOTIFIED),
        )
        .values_list("outcome", "site__name")
        .annotate(count=Count("pk"))
        .order_by("outcome", "site__name")
    ]
    sections.append(
        section(
            "Décisions du comité par issue et par site",
            "Décisions",
            [("Décision", "text"), ("Site", "text"), ("Dossiers", "number")],
            decision_rows,
            totals=("Total", "", sum(row[2] for row in decision_rows)),
        )
    )

    sections.append(financing_section(start=start, end=end, payer=payer))

    # Satisfaction, as aggregates per provider (never one answer alone).
    satisfaction_rows = [
        (
            provider,
            count,
            Decimal(usefulness).quantize(Decimal("0.1")),
            Decimal(recommend).quantize(Decimal("0.1")),
        )
        for provider, count, usefulness, recommend in SatisfactionAnswer.objects.filter(
            Q(action__provider__funding_scheme=payer) if payer else Q(),
            on_days("answered_at", start, end),
        )
        .values_list("action__provider__short_name")
        .annotate(count=Count("pk"), usefulness=Avg("usefulness"), recommend=Avg("would_recommend"))
        .order_by("action__provider__short_name")
    ]
    sections.append(
        section(
            "Satisfaction (moyennes sur 5)",
            "Satisfaction",
            [
                ("Prestataire", "text"),
                ("Réponses", "number"),
                ("Utilité", "days"),
                ("Recommandation", "days"),
            ],
            satisfaction_rows,
        )
    )

    # Jobs and volunteers at follow-up, where recorded.
    follow_rows = [
        (name, jobs, staff, volunteers)
        for name, jobs, staff, volunteers in FollowUp.objects.filter(
            on_days("recorded_at", start, end)
        )
        .values_list(
            "plan__structure__name",
            "jobs_fte",
            "plan__structure__staff_fte",
            "plan__structure__volunteers",
        )
        .order_by("plan__structure__name")
    ]
    sections.append(
        section(
            "Emplois et bénévoles au point de suivi",
            "Emplois au suivi",
            [
                ("Structure", "text"),
                ("Emplois au suivi (ETP)", "days"),
                ("Emplois au dossier (ETP)", "days"),
                ("Bénévoles", "number"),
            ],
            follow_rows,
            totals=(
                "Total",
                sum((row[1] or ZERO for row in follow_rows), ZERO),
                sum((row[2] or ZERO for row in follow_rows), ZERO),
                sum(row[3] or 0 for row in follow_rows),
            ),
        )
    )

    totals = {
        "sessions": sum(row[2] for row in session_rows),
        "days": sum((row[3] for row in session_rows), ZERO),
        "cost": sum((row[5] for row in session_rows), ZERO),
        "diagnostics": sum(row[3] for row in diagnostic_rows),
        "decisions": sum(row[2] for row in decision_rows),
    }
    return {
        "start": start,
        "end": end,
        "payer": payer,
        "payer_label": payer_label(payer) if payer else "tous les financeurs",
        "sections": sections,
        "sessions": [],
        "totals": totals,
    }
