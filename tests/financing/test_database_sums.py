"""The credit lines and the global response are summed by the database: the figures are
exactly those of the former Python sums over every request (restated here, item by item,
as the reference), on awkward amounts (shares rounded half up), on the demo and on the
benchmark's generated data."""

import datetime
import io
from collections import defaultdict
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bench.generate import generate
from ccr_portal.users.models import User
from financing import arithmetic
from financing.documents import brief_context
from financing.models import (
    CreditLine,
    Disbursement,
    FinancingNeed,
    FinancingRequest,
    RequestUse,
)
from financing.selectors import (
    CATEGORY_LABELS,
    credit_line_overview,
    credit_line_position,
    credit_line_positions,
    credit_line_requests,
    credit_line_summaries,
    global_response,
    global_response_sums,
)
from tests.conftest import downloaded
from tests.factories import StructureFactory

pytestmark = pytest.mark.django_db


# --- The reference: the former sums, in Python over every request -------------------


def python_overview(line):
    """``credit_line_overview`` as it was: every covered request and its uses loaded."""
    requests = list(
        credit_line_requests(line)
        .select_related("product")
        .prefetch_related("uses")
        .order_by("product__name", "pk")
    )
    rows = [(r.status, r.amount, r.granted_amount) for r in requests]
    by_product = defaultdict(lambda: [D(0), D(0)])
    by_category = defaultdict(lambda: [D(0), D(0)])
    for request in requests:
        granted = request.status == "granted"
        slot = 0 if granted else 1
        value = request.granted_amount if granted else request.amount
        by_product[request.product.name][slot] += value
        for use in request.uses.all():
            share = arithmetic.cents(value * use.amount / request.amount) if request.amount else 0
            by_category[use.category][slot] += share
    return (
        arithmetic.envelope_position(line.amount, rows),
        [(name, *values) for name, values in by_product.items()],
        [
            (CATEGORY_LABELS[code], *by_category[code])
            for code in CATEGORY_LABELS
            if code in by_category
        ],
    )


def python_global_response(requests):
    """The consolidation fed item by item: each request, use, disbursement and need."""
    requests = list(requests.select_related("product__funder").prefetch_related("uses"))
    months = {
        (need.structure_id, need.campaign_id, need.category): need.needed_on
        for need in FinancingNeed.objects.all()
    }
    uses = [
        (
            str(request.product.funder),
            request.status,
            use.category,
            months.get((request.structure_id, request.campaign_id, use.category)),
            use.amount,
            arithmetic.granted_share(request.granted_amount or 0, use.amount, request.amount),
        )
        for request in requests
        for use in request.uses.all()
    ]
    disbursements = [
        (str(d.request.product.funder), d.request.status, d.day.replace(day=1), d.amount)
        for d in Disbursement.objects.filter(request__in=[r.pk for r in requests]).select_related(
            "request__product__funder"
        )
    ]
    return arithmetic.consolidate(
        FinancingNeed.objects.values_list("category", "needed_on", "amount"),
        [(str(r.product.funder), r.status, r.amount, r.granted_amount) for r in requests],
        uses,
        disbursements,
    )


def figures(consolidation) -> dict:
    """Everything the page, the XLSX and the brief show, as plain values."""
    return {
        "needs_by_category": consolidation.needs_by_category,
        "needs_by_month": consolidation.needs_by_month,
        "requested_by_category": consolidation.requested_by_category,
        "granted_by_category": consolidation.granted_by_category,
        "by_funder": {k: vars(v) for k, v in consolidation.by_funder.items()},
        "by_month": {k: vars(v) for k, v in consolidation.by_month.items()},
        "by_funder_month": {k: vars(v) for k, v in consolidation.by_funder_month.items()},
        "totals": (
            consolidation.total_needs,
            consolidation.total_requested,
            consolidation.total_granted,
            consolidation.total_disbursed,
        ),
    }


# --- Awkward data ---------------------------------------------------------------------

STATUSES = [
    "draft",
    "submitted",
    "changes_requested",
    "forwarded",
    "granted",
    "declined",
    "withdrawn",
]
# (granted, requested, uses): shares of 1000.01 on 2000 → 500.005 each, rounded up to
# 500.01; thirds of 100 → 33.33; a request without uses; a request of one use.
GRANTS = [
    (D("1000.01"), D("2000.00"), [D("1000.00"), D("1000.00")]),
    (D("100.00"), D("300.00"), [D("100.00"), D("100.00"), D("100.00")]),
    (D("7777.77"), D("9999.99"), [D("3333.33"), D("6666.66")]),
    (D("0.05"), D("2.00"), [D("1.00"), D("1.00")]),
    (D("12500.00"), D("15000.00"), []),
    (D("15000.00"), D("15000.00"), [D("15000.00")]),
]
CATEGORIES = list(CATEGORY_LABELS)


def awkward_requests(world, count: int = 42):
    """Requests in every state over the three products, with the grants above, forwarded
    inside and outside the credit line's period, uses in every category (some without a
    need: « Mois non précisé »), disbursements over two months."""
    structures = [world.association, world.scop, *(StructureFactory() for _ in range(3))]
    FinancingNeed.objects.bulk_create(
        FinancingNeed(
            structure=structure,
            campaign=world.campaign,
            category=category,
            amount=D("1234.56") * (s + 1) + c,
            needed_on=datetime.date(2027, 1 + (s + c) % 12, 1),
        )
        for s, structure in enumerate(structures)
        for c, category in enumerate(CATEGORIES[: 2 + s % 3])  # the others have no need
    )
    products = [world.products["fris"], world.products["pargest"], world.products["garantie"]]
    period = timezone.make_aware(datetime.datetime(2026, 6, 15, 12))
    created = []
    for i in range(count):
        status = STATUSES[i % len(STATUSES)]
        granted, amount, use_amounts = GRANTS[i % len(GRANTS)]
        request = FinancingRequest.objects.create(
            structure=structures[i % len(structures)],
            campaign=world.campaign,
            product=products[i % 3],
            amount=amount,
            status=status,
            granted_amount=granted if status == "granted" else None,
            # Every fifth one forwarded a year before the line's period.
            forwarded_at=period - datetime.timedelta(days=365 if i % 5 == 0 else i),
        )
        RequestUse.objects.bulk_create(
            RequestUse(request=request, category=CATEGORIES[(i + j) % 5], amount=use)
            for j, use in enumerate(use_amounts)
        )
        if status == "granted":
            Disbursement.objects.bulk_create(
                [
                    Disbursement(request=request, day=datetime.date(2026, 7, 3), amount=D("0.01")),
                    Disbursement(
                        request=request, day=datetime.date(2026, 9, 30), amount=granted / 3
                    ),
                ]
            )
        created.append(request)
    line = CreditLine.objects.create(
        funder=world.esia,
        name="Ligne CCR",
        amount=D("50000"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    line.products.set([world.products["fris"], world.products["garantie"]])
    other = CreditLine.objects.create(
        funder=world.urscop,
        name="Ligne URSCOP",
        amount=D("1000"),
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 12, 31),
    )
    other.products.set([world.products["pargest"]])
    return created, line, other


# --- Credit lines ---------------------------------------------------------------------


def _request(world, product, status, amount, uses, *, granted=None, forwarded=None):
    request = FinancingRequest.objects.create(
        structure=world.association,
        campaign=world.campaign,
        product=world.products[product],
        amount=amount,
        status=status,
        granted_amount=granted,
        forwarded_at=forwarded,
    )
    RequestUse.objects.bulk_create(
        RequestUse(request=request, category=category, amount=use) for category, use in uses
    )
    return request


def test_a_credit_line_by_hand(world):
    inside = timezone.make_aware(datetime.datetime(2026, 6, 15, 12))
    before = timezone.make_aware(datetime.datetime(2025, 6, 15, 12))
    _request(
        world,
        "fris",
        "granted",
        D("2000.00"),
        [("moving", D("1000.00")), ("shop_fitout", D("1000.00"))],
        granted=D("1000.01"),
        forwarded=inside,
    )
    _request(
        world,
        "garantie",
        "forwarded",
        D("300.00"),
        [("moving", D("100.00")), ("initial_stock", D("200.00"))],
        forwarded=inside,
    )
    _request(world, "fris", "forwarded", D("5000"), [("moving", D("5000"))], forwarded=before)
    _request(world, "pargest", "forwarded", D("700"), [("moving", D("700"))], forwarded=inside)
    _request(world, "fris", "submitted", D("400"), [("moving", D("400"))])
    line = CreditLine.objects.create(
        funder=world.esia,
        name="Ligne CCR",
        amount=D("50000"),
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
    )
    line.products.set([world.products["fris"], world.products["garantie"]])

    overview = credit_line_overview(line)

    assert overview.position == arithmetic.EnvelopePosition(D("50000"), D("1000.01"), D("300"))
    assert overview.position.remaining == D("48699.99")
    assert overview.by_product == [
        ("FRIS (prêt participatif)", D("1000.01"), D("0")),
        ("Garantie France Active", D("0"), D("300.00")),
    ]
    # Each half of 1000.01 is 500.005, rounded half up: 500.01 (1000.02 in all).
    assert overview.by_category == [
        ("Déménagement", D("500.01"), D("100.00")),
        ("Aménagement de la boutique", D("500.01"), D("0")),
        ("Stock initial", D("0"), D("200.00")),
    ]
    assert python_overview(line) == (
        overview.position,
        overview.by_product,
        overview.by_category,
    )


def test_credit_lines_equal_the_former_python_sums(world):
    _requests, line, other = awkward_requests(world)
    for each in (line, other):
        position, by_product, by_category = python_overview(each)
        overview = credit_line_overview(each)
        assert overview.position == position
        assert overview.by_product == by_product
        assert overview.by_category == by_category
        assert credit_line_position(each) == position
    # The rounding halves were met: a share of 500.005 counts 500.01.
    assert any(
        granted != int(granted) for _label, granted, _c in credit_line_overview(line).by_category
    )
    positions = credit_line_positions(CreditLine.objects.all())
    assert positions == {line.pk: python_overview(line)[0], other.pk: python_overview(other)[0]}
    assert [view.position for view in credit_line_summaries([other, line])] == [
        python_overview(other)[0],
        python_overview(line)[0],
    ]


def test_a_line_covering_nothing_stands_at_zero(world):
    line = CreditLine.objects.create(
        funder=world.esia,
        name="Vide",
        amount=D("1000"),
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2020, 12, 31),
    )
    line.products.set([world.products["fris"]])
    overview = credit_line_overview(line)
    assert overview.position == arithmetic.EnvelopePosition(D("1000"), D("0"), D("0"))
    assert overview.by_product == overview.by_category == []


def test_the_list_of_lines_runs_one_query_for_every_position(world):
    awkward_requests(world)
    lines = list(CreditLine.objects.all())
    with CaptureQueriesContext(connection) as queries:
        credit_line_summaries(lines)
    assert len(queries) == 1


# --- The global response --------------------------------------------------------------


def test_the_global_response_equals_the_former_python_sums(world):
    awkward_requests(world)
    everything = FinancingRequest.objects.filter(status__in=arithmetic.REQUESTED_STATUSES)
    expected = figures(python_global_response(everything))
    assert figures(global_response(world.coordinator)) == expected
    assert figures(global_response(None)) == expected
    # Some uses finance a category without a need: counted apart, as « Mois non précisé ».
    assert arithmetic.NO_MONTH in expected["by_month"]
    for funder in (world.esia, world.urscop):
        of_fund = everything.filter(product__funder=funder)
        assert figures(global_response(world.coordinator, funder_id=funder.pk)) == figures(
            python_global_response(of_fund)
        )
    # A fund's officer: their fund's requests once forwarded.
    seen = everything.filter(
        product__funder=world.esia, status__in=["forwarded", "granted", "declined"]
    )
    assert figures(global_response(world.esia_officer, funder_id=world.esia.pk)) == figures(
        python_global_response(seen)
    )


def test_the_generated_data_equals_the_former_python_sums():
    generate(structures=30)
    coordinator = User.objects.get(email="coordination@bench.example")
    everything = FinancingRequest.objects.filter(status__in=arithmetic.REQUESTED_STATUSES)
    assert figures(global_response(coordinator)) == figures(python_global_response(everything))
    officer = User.objects.get(email="financeur@bench.example")
    consolidation = global_response(officer)
    assert list(consolidation.by_funder) == ["ESIA"]
    line = CreditLine.objects.get()
    position, by_product, by_category = python_overview(line)
    # 30 FRIS requests of 20,000: 10 granted 15,000, 20 forwarded.
    assert position == arithmetic.EnvelopePosition(D("1000000"), D("150000"), D("400000"))
    overview = credit_line_overview(line)
    assert (overview.position, overview.by_product, overview.by_category) == (
        position,
        by_product,
        by_category,
    )


# --- The cache ------------------------------------------------------------------------


def _fresh(viewer, **kwargs):
    return figures(global_response_sums(viewer, **kwargs))


def test_a_second_global_response_reads_the_data_version_only(world):
    awkward_requests(world)
    first = figures(global_response(world.coordinator))
    with CaptureQueriesContext(connection) as queries:
        again = figures(global_response(world.coordinator))
    assert again == first == _fresh(world.coordinator)
    assert len(queries) == 1  # the version: counts, latest updates and the funds' names


def _request_granted_more(world):
    request = FinancingRequest.objects.filter(status="granted").first()
    request.granted_amount += D("0.01")
    request.save()


def _use_added(world):
    request = FinancingRequest.objects.filter(status="forwarded").first()
    RequestUse.objects.create(request=request, category="moving", amount=D("1.23"))


def _use_changed(world):
    use = RequestUse.objects.filter(request__status="submitted").first()
    use.amount += 1
    use.save()


def _disbursement_deleted(world):
    Disbursement.objects.order_by("pk").first().delete()


def _need_moved(world):
    need = FinancingNeed.objects.order_by("pk").first()
    need.needed_on = datetime.date(2031, 1, 1)
    need.save()


def _fund_renamed(world):
    world.urscop.short_name = "URSCOP Sud"
    world.urscop.save()


def _product_moved(world):
    product = world.products["pargest"]
    product.funder = world.esia
    product.save()


@pytest.mark.parametrize(
    "change",
    [
        _request_granted_more,
        _use_added,
        _use_changed,
        _disbursement_deleted,
        _need_moved,
        _fund_renamed,
        _product_moved,
    ],
)
def test_any_change_of_what_the_response_adds_up_shows_at_once(client, world, change):
    awkward_requests(world)
    client.force_login(world.coordinator)
    before = client.get(reverse("financing:global-response")).content
    cached = figures(global_response(world.coordinator))
    for viewer, fund in ((world.coordinator, None), (world.esia_officer, world.esia.pk)):
        global_response(viewer, funder_id=fund)  # cached too

    change(world)

    assert figures(global_response(world.coordinator)) == _fresh(world.coordinator) != cached
    assert figures(global_response(world.esia_officer, funder_id=world.esia.pk)) == _fresh(
        world.esia_officer, funder_id=world.esia.pk
    )
    assert client.get(reverse("financing:global-response")).content != before


def test_each_scope_has_its_own_figures(world):
    awkward_requests(world)
    everything = figures(global_response(world.coordinator))
    esia = figures(global_response(world.coordinator, funder_id=world.esia.pk))
    officer = figures(global_response(world.esia_officer, funder_id=world.esia.pk))
    assert len({repr(everything), repr(esia), repr(officer)}) == 3
    assert officer == _fresh(world.esia_officer, funder_id=world.esia.pk)
    assert esia == _fresh(world.coordinator, funder_id=world.esia.pk)


def test_the_sums_run_four_queries_at_any_size(world):
    counts = []
    awkward_requests(world, count=6)
    for size in (6, 60):
        _more(world, size)
        for viewer in (world.esia_officer, world.coordinator):
            global_response_sums(viewer)  # the viewers' roles and funds, read once
        with CaptureQueriesContext(connection) as queries:
            global_response_sums(world.esia_officer, funder_id=world.esia.pk)
            global_response_sums(world.coordinator)
        counts.append(len(queries))
    assert counts == [8, 8]


def _more(world, count):
    structure = StructureFactory()
    requests = FinancingRequest.objects.bulk_create(
        FinancingRequest(
            structure=structure,
            campaign=world.campaign,
            product=world.products["fris"],
            amount=D("100"),
            status="granted",
            granted_amount=D("99.99"),
        )
        for _ in range(count)
    )
    RequestUse.objects.bulk_create(
        RequestUse(request=request, category="moving", amount=D("100")) for request in requests
    )
    Disbursement.objects.bulk_create(
        Disbursement(request=request, day=datetime.date(2027, 3, 3), amount=D("1"))
        for request in requests
    )


def test_the_page_its_xlsx_and_the_brief_agree_after_a_change(client, world):
    awkward_requests(world)
    client.force_login(world.coordinator)
    client.get(reverse("financing:global-response"))  # the figures cached
    brief_context(world.esia)
    grant = FinancingRequest.objects.filter(status="granted", product__funder=world.esia).first()

    Disbursement.objects.create(request=grant, day=datetime.date(2026, 11, 5), amount=D("123.45"))

    fresh = global_response_sums(world.coordinator)
    page = client.get(reverse("financing:global-response"))
    assert page.context["consolidation"].total_disbursed == fresh.total_disbursed
    export = client.get(reverse("financing:global-response-export"))
    sheet = load_workbook(io.BytesIO(downloaded(export))).active
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert [D(str(value)) for value in rows["Total"]] == [
        fresh.total_needs,
        fresh.total_requested,
        fresh.total_granted,
        fresh.total_disbursed,
    ]
    assert D(str(rows["Mois : novembre 2026"][3])) == D("123.45")
    brief = brief_context(world.esia)["consolidation"]
    assert figures(brief) == figures(global_response_sums(None, funder_id=world.esia.pk))
    assert brief.by_month[datetime.date(2026, 11, 1)].disbursed == D("123.45")


# Last: the demo stays loaded until the module's end.
def test_the_global_response_of_the_demo_equals_the_former_python_sums(demo):
    coordinator = User.objects.get(email="coordinator@example.org")
    everything = FinancingRequest.objects.filter(status__in=arithmetic.REQUESTED_STATUSES)
    assert figures(global_response(coordinator)) == figures(python_global_response(everything))
    line = CreditLine.objects.get(funder__short_name="ESIA")
    position, by_product, by_category = python_overview(line)
    overview = credit_line_overview(line)
    assert (overview.position, overview.by_product, overview.by_category) == (
        position,
        by_product,
        by_category,
    )
    assert position.granted == D("22000")
