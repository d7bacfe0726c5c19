"""Reads of the financial accompaniment: the rules applied to what is filled, the credit
lines' positions, the funders' lists and the global response, in fixed query counts."""

import datetime
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import (
    Count,
    DateField,
    DecimalField,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf, Round, TruncMonth
from django.utils import timezone

from accompaniment.models import DevelopmentPlan, FinancingItem
from applicants.models import FinancingCategory, Structure
from ccr_portal.formatting import format_date, format_euros

from . import arithmetic, eligibility
from .models import (
    CreditLine,
    Disbursement,
    FinancingNeed,
    FinancingRequest,
    FinancingResponse,
    FundingProduct,
    RequestStatus,
    RequestUse,
    funder_ids,
    request_visibility,
)

ZERO = Decimal("0")
CATEGORY_LABELS = dict(FinancingCategory.choices)
LEGAL_FORM_LABELS = dict(Structure.LegalForm.choices)
# The plan's resources that come from outside (what the funds' money counts as).
EXTERNAL_ITEMS = (FinancingItem.EQUITY, FinancingItem.GRANTS, FinancingItem.LOANS)


def _applicant(structure) -> eligibility.Applicant:
    return eligibility.Applicant.of(structure, year=timezone.localdate().year)


def line_problems(
    product: FundingProduct, structure, line: eligibility.Line, other_resources=ZERO
) -> list[str]:
    return eligibility.check_line(
        eligibility.ProductRules.of(product),
        _applicant(structure),
        line,
        other_resources=other_resources,
        legal_form_labels=LEGAL_FORM_LABELS,
        category_labels=CATEGORY_LABELS,
    )


# --- The plan's financing plan -------------------------------------------------------


@dataclass(frozen=True)
class PlanFigures:
    plan: DevelopmentPlan
    resources: Decimal
    needs: Decimal
    external: Decimal
    table: object = None  # accompaniment.selectors.TwoSidedTable: the three years


def plan_figures(structure_id: int, campaign_id: int) -> PlanFigures | None:
    """The plan's 3-year financing plan as the plan counts it (typed lines and the granted
    loans' repayments), year N apart, or None without a plan or its lines."""
    from accompaniment.selectors import financing_table

    plan = (
        DevelopmentPlan.objects.filter(structure_id=structure_id, campaign_id=campaign_id)
        .prefetch_related("financing_lines")
        .first()
    )
    if plan is None:
        return None
    lines = list(plan.financing_lines.all())
    if not lines:
        return None
    table = financing_table(plan, lines)
    external = sum((line.year_n for line in lines if line.item in EXTERNAL_ITEMS), ZERO)
    year_n = table.years[0]
    return PlanFigures(plan, year_n.inflow, year_n.outflow, external, table)


# --- The response --------------------------------------------------------------------


@dataclass
class CheckedLine:
    line: object
    problems: list[str]


def response_check(response: FinancingResponse, lines=None) -> tuple[list[CheckedLine], list[str]]:
    """Each line with what fails against its product's rules, then the response's own
    problems (the plan's balance)."""
    lines = list(
        lines
        if lines is not None
        else response.lines.select_related("product__funder").prefetch_related("request")
    )
    structure = response.structure
    amounts = [line.amount or ZERO for line in lines]
    guarantees = [line.product.is_guarantee for line in lines]
    checked = []
    for index, line in enumerate(lines):
        other = eligibility.other_resources_for(
            index, amounts, guarantees, response.other_resources
        )
        problems = line_problems(
            line.product,
            structure,
            eligibility.Line(
                amount=line.amount or ZERO,
                category=line.category,
                category_label=CATEGORY_LABELS.get(line.category, ""),
                months=line.duration_months,
                guaranteed_share=line.guaranteed_share,
            ),
            other,
        )
        checked.append(CheckedLine(line, problems))
    funded = sum(
        (
            line.amount or ZERO
            for line in lines
            if not line.product.is_guarantee and not _given_up(line)
        ),
        ZERO,
    )
    return checked, plan_problems(response.structure_id, response.campaign_id, funded)


# A line whose request was declined or withdrawn brings no money: it no longer counts in
# what the response asks of the funds.
GIVEN_UP = (RequestStatus.DECLINED, RequestStatus.WITHDRAWN)


def _given_up(line) -> bool:
    if line.pk is None:  # a line being typed (the check as it is filled)
        return False
    request = getattr(line, "request", None) if hasattr(line, "request") else None
    return request is not None and request.status in GIVEN_UP


def plan_problems(structure_id: int, campaign_id: int, funded) -> list[str]:
    """The rule of the plan's 3-year financing plan, which must still balance once the
    response mobilises ``funded`` from the funds (guarantees bring no money): French
    sentences, or nothing (also without a financing plan)."""
    figures = plan_figures(structure_id, campaign_id)
    if figures is None:
        return []
    return eligibility.check_plan(
        response_total=funded, years=figures.table.years, year_n_external=figures.external
    )


def needs_of(structure_id: int, campaign_id: int) -> list[FinancingNeed]:
    return list(
        FinancingNeed.objects.filter(structure_id=structure_id, campaign_id=campaign_id).order_by(
            "category"
        )
    )


# --- A request -----------------------------------------------------------------------


def request_problems(request: FinancingRequest) -> list[str]:
    """What stops a request from being deposited: its uses and its product's rules."""
    uses = list(request.uses.all())
    problems = []
    if not uses:
        problems.append("Indiquez à quoi servira l'argent (au moins un usage).")
    else:
        mismatch = arithmetic.uses_mismatch(request.amount, [use.amount for use in uses])
        if mismatch:
            problems.append(mismatch)
    provided = {doc.document_type_id for doc in request.documents.all()}
    for document_type in request.product.required_documents.all():
        if document_type.pk not in provided:
            problems.append(f"Pièce manquante : {document_type.name}.")
    other = ZERO
    own = ZERO if request.product.is_guarantee else request.amount
    others = ZERO  # the response's other lines that bring money
    response = getattr(request.response_line, "response", None)
    if response is not None:
        lines = [
            line
            for line in response.lines.select_related("product", "request")
            if line.pk != request.response_line_id and not line.product.is_guarantee
        ]
        other = response.other_resources + sum((line.amount for line in lines), ZERO)
        others = sum((line.amount for line in lines if not _given_up(line)), ZERO)
    categories = {use.category for use in uses} or {""}
    for category in sorted(categories):
        problems.extend(
            line_problems(
                request.product,
                request.structure,
                eligibility.Line(
                    amount=request.amount,
                    category=category or (request.product.allowed_uses or [""])[0],
                    category_label=CATEGORY_LABELS.get(category, ""),
                    months=request.duration_months,
                    guaranteed_share=request.guaranteed_share,
                ),
                other,
            )
        )
    # The plan's financing plan must still balance with the response (or, for a request
    # outside any response, with the request alone).
    problems.extend(plan_problems(request.structure_id, request.campaign_id, own + others))
    return list(dict.fromkeys(problems))


def schedule_of(request: FinancingRequest) -> list[arithmetic.Instalment]:
    """The repayment schedule of a granted loan, or [] for what is not repaid."""
    if (
        request.status != RequestStatus.GRANTED
        or not request.product.is_repaid
        or not request.granted_months
        or not request.first_due_on
    ):
        return []
    return arithmetic.repayment_schedule(
        request.granted_amount,
        request.granted_rate or ZERO,
        request.granted_months,
        deferral_months=request.granted_deferral_months or 0,
        first_due_on=request.first_due_on,
    )


# --- The plan's computed lines -------------------------------------------------------

REPAYMENTS_LABEL = "Remboursements des prêts accordés"


def granted_loans(structure_id: int, campaign_id: int) -> list[FinancingRequest]:
    """The structure's granted requests of the campaign that are repaid by instalments."""
    return [
        request
        for request in FinancingRequest.objects.filter(
            structure_id=structure_id, campaign_id=campaign_id, status=RequestStatus.GRANTED
        )
        .select_related("product__funder")
        .order_by("pk")
        if request.product.is_repaid
    ]


def plan_repayment_lines(*, structure_id: int, campaign_id: int, years) -> list:
    """The plan's « Remboursements des prêts accordés (FRIS, ESIA) » line: the principal the
    granted loans repay in the plan's years N, N+1 and N+2, from their schedules (one
    query). The plan's typed « Remboursement d'emprunts » is the structure's forecast of
    them: the plan counts what the schedules add beyond it. Registered in
    ``ccr_portal.plan_lines`` (``financing.dashboards``)."""
    from ccr_portal.plan_lines import ComputedPlanLine

    sources, amounts = [], [ZERO, ZERO, ZERO]
    for request in granted_loans(structure_id, campaign_id):
        by_year = arithmetic.repayments_by_year(schedule_of(request))
        if not any(by_year.get(year) for year in years):
            continue
        for index, year in enumerate(years):
            amounts[index] += by_year.get(year, ZERO)
        source = f"{request.product.name}, {request.product.funder}"
        if source not in sources:
            sources.append(source)
    if not sources:
        return []
    return [
        ComputedPlanLine(
            item="loan_repayments",
            label=f"{REPAYMENTS_LABEL} ({' ; '.join(sources)})",
            amounts=tuple(amounts),
            beyond_typed=True,
        )
    ]


# --- The credit line -----------------------------------------------------------------

# The requests a credit line counts: forwarded ones are committed, granted ones consumed.
COVERED_STATUSES = (RequestStatus.FORWARDED, RequestStatus.GRANTED)
MONEY = DecimalField(max_digits=14, decimal_places=2)


def credit_line_requests(line: CreditLine):
    """The requests the line covers: its products, forwarded within its period."""
    return FinancingRequest.objects.filter(
        product__in=line.products.all(),
        forwarded_at__date__gte=line.starts_on,
        forwarded_at__date__lte=line.ends_on,
        status__in=COVERED_STATUSES,
    )


def _covered(queryset, lines, prefix: str = ""):
    """``queryset`` (requests, or what hangs from a request through ``prefix``) joined to
    each of ``lines`` covering it, as ``credit_line_requests`` reads a line: its products,
    forwarded within its period (one join, so a request counts once per line)."""
    line = f"{prefix}product__credit_lines"
    return queryset.filter(
        **{
            f"{line}__in": lines,
            f"{prefix}status__in": COVERED_STATUSES,
            f"{prefix}forwarded_at__date__gte": F(f"{line}__starts_on"),
            f"{prefix}forwarded_at__date__lte": F(f"{line}__ends_on"),
        }
    ).order_by()


def _envelope_sums(prefix: str = "", *, granted, committed) -> dict:
    """The two sums of an envelope: ``granted`` for granted requests, ``committed`` for
    forwarded ones (0, not None, when there is none)."""
    return {
        "granted": Coalesce(
            Sum(granted, filter=Q(**{f"{prefix}status": RequestStatus.GRANTED})),
            Value(ZERO),
            output_field=MONEY,
        ),
        "committed": Coalesce(
            Sum(committed, filter=Q(**{f"{prefix}status": RequestStatus.FORWARDED})),
            Value(ZERO),
            output_field=MONEY,
        ),
    }


def credit_line_positions(lines) -> dict[int, arithmetic.EnvelopePosition]:
    """Each line's envelope, granted, committed and remaining, summed by the database:
    one query for all the lines (``arithmetic.envelope_position`` is the rule)."""
    lines = list(lines)
    sums = {
        row["line"]: row
        for row in _covered(FinancingRequest.objects.all(), [line.pk for line in lines])
        .values(line=F("product__credit_lines"))
        .annotate(**_envelope_sums(granted="granted_amount", committed="amount"))
    }
    empty = {"granted": ZERO, "committed": ZERO}
    return {
        line.pk: arithmetic.EnvelopePosition(
            line.amount, sums.get(line.pk, empty)["granted"], sums.get(line.pk, empty)["committed"]
        )
        for line in lines
    }


def credit_line_position(line: CreditLine) -> arithmetic.EnvelopePosition:
    return credit_line_positions([line])[line.pk]


def credit_line_for(request: FinancingRequest, day: datetime.date | None = None):
    day = day or timezone.localdate()
    return (
        CreditLine.objects.filter(products=request.product, starts_on__lte=day, ends_on__gte=day)
        .order_by("pk")
        .first()
    )


def envelope_warning(request: FinancingRequest) -> str:
    """What forwarding this request would exceed: the line's remainder, or the cap per
    resident. "" when it fits (or no credit line covers the product)."""
    line = credit_line_for(request)
    if line is None:
        return ""
    position = credit_line_position(line)
    already = credit_line_requests(line).filter(pk=request.pk).exists()
    amount = ZERO if already else request.amount
    message = position.over_message(amount) if amount else ""
    if line.cap_per_resident is not None:
        of_resident = (
            credit_line_requests(line)
            .filter(structure_id=request.structure_id)
            .exclude(pk=request.pk)
            .aggregate(total=Sum("amount"))["total"]
            or ZERO
        )
        if of_resident + request.amount > line.cap_per_resident:
            message = " ".join(
                filter(
                    None,
                    [
                        message,
                        "Le plafond par résident de l'enveloppe "
                        f"({format_euros(line.cap_per_resident)}) serait dépassé.",
                    ],
                )
            )
    return message


@dataclass
class CreditLineView:
    line: CreditLine
    position: arithmetic.EnvelopePosition
    # The line's page only (None where the position alone is shown: the list, the brief).
    by_product: list[tuple[str, Decimal, Decimal]] | None = None
    by_category: list[tuple[str, Decimal, Decimal]] | None = None


def credit_line_summaries(lines) -> list[CreditLineView]:
    """The lines with their positions (the list of lines, a fund's brief): one query."""
    lines = list(lines)
    positions = credit_line_positions(lines)
    return [CreditLineView(line, positions[line.pk]) for line in lines]


def credit_line_overview(line: CreditLine) -> CreditLineView:
    """Envelope, granted, committed and remaining, by product and by need category, summed
    by the database (two queries). A request consumes its granted amount once granted,
    its requested amount while forwarded; each use line takes its share of that, in
    proportion to its amount and rounded to the cent (``arithmetic.granted_share``)."""
    by_product = list(
        _covered(FinancingRequest.objects.all(), [line.pk])
        .values("product__name")
        .annotate(**_envelope_sums(granted="granted_amount", committed="amount"))
        .order_by("product__name")
        .values_list("product__name", "granted", "committed")
    )
    by_category = {
        category: (granted, committed)
        for category, granted, committed in _covered(
            RequestUse.objects.all(), [line.pk], prefix="request__"
        )
        .values("category")
        .annotate(
            **_envelope_sums(
                "request__",
                granted=_use_share("request__granted_amount"),
                committed=_use_share("request__amount"),
            )
        )
        .values_list("category", "granted", "committed")
    }
    position = arithmetic.EnvelopePosition(
        line.amount,
        sum((granted for _name, granted, _committed in by_product), ZERO),
        sum((committed for _name, _granted, committed in by_product), ZERO),
    )
    return CreditLineView(
        line,
        position,
        by_product,
        [
            (CATEGORY_LABELS[code], *by_category[code])
            for code in FinancingCategory.values
            if code in by_category
        ],
    )


def _use_share(value: str):
    """A use line's share of its request's ``value``: value × use ÷ requested, rounded to
    the cent (``arithmetic.granted_share``; PostgreSQL rounds half away from zero)."""
    return Round(
        F(value) * F("amount") / NullIf(F("request__amount"), Value(ZERO)), 2, output_field=MONEY
    )


# --- Lists and the global response ----------------------------------------------------


def requests_for_list(queryset):
    """The rows of a request list and its export, in a fixed number of queries."""
    disbursed = (
        Disbursement.objects.filter(request=OuterRef("pk"))
        .order_by()
        .values("request")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return queryset.select_related("structure", "campaign", "product__funder").annotate(
        disbursed=Coalesce(
            Subquery(disbursed, output_field=DecimalField(max_digits=12, decimal_places=2)),
            Value(ZERO),
            output_field=DecimalField(max_digits=12, decimal_places=2),
        )
    )


def _funder_name(prefix: str = ""):
    """The fund's name as ``str(funder)`` reads it (its short name, else its name)."""
    return Coalesce(
        NullIf(F(f"{prefix}product__funder__short_name"), Value("")),
        F(f"{prefix}product__funder__name"),
    )


# The global response adds up every request: cached under the version of what it reads, so
# that any write shows at once; the lifetime bounds what a write the version cannot see
# (a queryset ``update()``, an older update committed after a newer one) may leave.
GLOBAL_RESPONSE_TTL = 300
# What the sums read, each with its count and latest update in the data version.
GLOBAL_SOURCES = (FinancingRequest, RequestUse, Disbursement, FinancingNeed)


def _data_version() -> tuple | None:
    """Each source table's count and latest update, and each product's fund and the fund's
    name (the sums are by fund): one query. None without a product (nothing to cache)."""
    stamps = {}
    for index, model in enumerate(GLOBAL_SOURCES):
        stamps[f"count_{index}"] = Subquery(
            # COUNT(*): an index-only scan; the latest update: the last entry of its index.
            model.objects.order_by().values(one=Value(1)).annotate(n=Count("*")).values("n"),
            output_field=IntegerField(),
        )
        stamps[f"latest_{index}"] = Subquery(
            model.objects.order_by("-updated_at").values("updated_at")[:1]
        )
    rows = tuple(
        FundingProduct.objects.order_by("pk")
        .annotate(
            fund=Coalesce(NullIf(F("funder__short_name"), Value("")), F("funder__name")),
            **stamps,
        )
        .values_list("pk", "funder_id", "fund", *stamps)
    )
    return rows or None


def _scope_key(viewer) -> str | None:
    """What the viewer's scope depends on, or None when it depends on more than the data
    version (a structure's member: their memberships) and is not cached."""
    from ccr_portal.users.models import Role

    if viewer is None:
        return "all"  # a document whose permission the pipeline checked
    if not viewer.is_authenticated or not viewer.is_active:
        return None
    if viewer.has_role(Role.COORDINATOR):
        return "all"
    if viewer.has_role(Role.APPLICANT):
        return None
    return "funds-" + "-".join(str(pk) for pk in sorted(funder_ids(viewer)))


def global_response(viewer, *, funder_id: int | None = None) -> arithmetic.Consolidation:
    """``global_response_sums``, cached under the data version (the page, its XLSX and the
    fund's brief read the same figures)."""
    scope = _scope_key(viewer)
    version = _data_version() if scope is not None else None
    if version is None:
        return global_response_sums(viewer, funder_id=funder_id)
    digest = hashlib.sha256(repr((scope, funder_id, version)).encode()).hexdigest()
    # The prefix names the cached object's shape: change it with ``Consolidation``.
    key = f"financing:global-response:1:{digest}"
    consolidation = cache.get(key)
    if consolidation is None:
        consolidation = global_response_sums(viewer, funder_id=funder_id)
        cache.set(key, consolidation, GLOBAL_RESPONSE_TTL)
    return consolidation


def global_response_sums(viewer, *, funder_id: int | None = None) -> arithmetic.Consolidation:
    """The consolidated needs of all residents, by category and month, against what was
    requested, granted and disbursed per fund and per month, summed by the database: four
    queries whatever the number of requests. Requested and granted money falls in the
    month needed of the need its use finances (the structure's need of that category in
    the request's campaign); disbursed money in the month of its disbursement. A fund's
    officer sees their own fund's requests only."""

    # What a request, a use and a disbursement must match, stated on the request that
    # each sum joins anyway (``prefix``: the path to it) rather than as a subquery of
    # request ids, which PostgreSQL planned badly for a fund's officer.
    def scoped(queryset, prefix: str = "", statuses=arithmetic.REQUESTED_STATUSES):
        queryset = queryset.filter(**{f"{prefix}status__in": statuses})
        if viewer is not None:  # None: a document whose permission the pipeline checked
            condition = request_visibility(viewer, prefix)
            if condition is not None:
                queryset = queryset.filter(condition)
        if funder_id is not None:
            queryset = queryset.filter(**{f"{prefix}product__funder_id": funder_id})
        return queryset.order_by()

    totals = (
        scoped(FinancingRequest.objects.all())
        .values("status", funder=_funder_name())
        .annotate(requested=Sum("amount"), granted=Sum("granted_amount"))
        .values_list("funder", "status", "requested", "granted")
    )
    uses = (
        scoped(RequestUse.objects.all(), "request__")
        # The need the use finances: the structure's need of its category in the request's
        # campaign (at most one), joined rather than looked up per use.
        .annotate(
            need=FilteredRelation(
                "request__campaign__financing_need_lines",
                condition=Q(
                    request__campaign__financing_need_lines__structure_id=F(
                        "request__structure_id"
                    ),
                    request__campaign__financing_need_lines__category=F("category"),
                ),
            )
        )
        .values(
            "category",
            funder=_funder_name("request__"),
            state=F("request__status"),
            month=F("need__needed_on"),
        )
        .annotate(
            requested=Sum("amount"),
            # Each use's share of the granted amount, rounded to the cent as
            # ``arithmetic.granted_share`` does (PostgreSQL rounds half away from zero).
            granted=Sum(_use_share("request__granted_amount"), output_field=MONEY),
        )
        .values_list("funder", "state", "category", "month", "requested", "granted")
    )
    disbursed = (
        scoped(Disbursement.objects.all(), "request__", statuses=[RequestStatus.GRANTED])
        .values(funder=_funder_name("request__"), month=TruncMonth("day", output_field=DateField()))
        .annotate(total=Sum("amount"))
        .values_list("funder", "month", "total")
    )
    needs = (
        FinancingNeed.objects.order_by()
        .values("category", "needed_on")
        .annotate(total=Sum("amount"))
        .values_list("category", "needed_on", "total")
    )
    return arithmetic.consolidate(
        needs,
        totals,
        uses,
        [(funder, RequestStatus.GRANTED, month, total) for funder, month, total in disbursed],
    )


def month_label(day: datetime.date | None) -> str:
    if day is arithmetic.NO_MONTH:
        return "Mois non précisé"
    return format_date(day).split(" ", 1)[1]


# The chart's four series: (key, French label, colour with at least 3:1 on white).
CHART_SERIES = (
    ("needs", "Besoins", "#495057"),
    ("requested", "Demandé", "#0b5ed7"),
    ("granted", "Accordé", "#146c43"),
    ("disbursed", "Versé", "#a84f00"),
)


def chart_bars(consolidation: arithmetic.Consolidation) -> dict:
    """The geometry of the SVG chart by month (drawn on the server): for each month, the
    residents' needs, then what was requested, granted and disbursed."""
    rows = consolidation.month_rows()
    values = [
        [needs, totals.requested, totals.granted, totals.disbursed] for _, needs, totals in rows
    ]
    peak = max([value for group in values for value in group] or [ZERO]) or Decimal(1)
    width, height, gap = 12, 180, 16
    group_width = width * len(CHART_SERIES) + gap
    groups = []
    for index, ((month, _, _), group) in enumerate(zip(rows, values, strict=True)):
        x = 60 + index * group_width
        bars = []
        for position, ((_, label, colour), value) in enumerate(
            zip(CHART_SERIES, group, strict=True)
        ):
            bar_height = int(value * height / peak)
            bars.append(
                {
                    "x": x + position * width,
                    "y": 20 + height - bar_height,
                    "height": bar_height,
                    "width": width,
                    "value": value,
                    "colour": colour,
                    "title": f"{month_label(month)}, {label.lower()}",
                }
            )
        groups.append(
            {
                "x": x,
                "label": month.strftime("%m/%Y") if month else "sans mois",
                "bars": bars,
            }
        )
    return {
        "groups": groups,
        "series": [{"label": label, "colour": colour} for _, label, colour in CHART_SERIES],
        "width": 80 + len(rows) * group_width,
        "height": height + 60,
        "base": 20 + height,
        "peak": peak,
    }


def global_tables(consolidation):
    """The rows of the page, the XLSX and the brief: by category, by month (the chart's
    text alternative) and by fund and month."""
    categories = [
        (
            label,
            consolidation.needs_by_category.get(code, ZERO),
            consolidation.requested_by_category.get(code, ZERO),
            consolidation.granted_by_category.get(code, ZERO),
        )
        for code, label in CATEGORY_LABELS.items()
    ]
    months = [
        (month_label(month), needs, totals.requested, totals.granted, totals.disbursed)
        for month, needs, totals in consolidation.month_rows()
    ]
    funder_months = [
        (
            funder,
            [
                (month_label(month), totals.requested, totals.granted, totals.disbursed)
                for month, totals in rows
            ],
        )
        for funder, rows in consolidation.funder_month_rows()
    ]
    return categories, months, funder_months


def funder_scope(user):
    """The funds a person may see in the global response: all for a coordinator."""
    from ccr_portal.users.models import Funder, Role

    from .models import funder_ids

    if user.has_role(Role.COORDINATOR):
        return Funder.objects.all()
    return Funder.objects.filter(pk__in=funder_ids(user))
