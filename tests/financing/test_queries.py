"""The funder's list, the coordination's list, the global response, the credit line and
the funder's dashboard run a fixed number of queries: the same at 10 and at 500 requests."""

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from financing.models import (
    CreditLine,
    Disbursement,
    FinancingNeed,
    FinancingRequest,
    RequestUse,
)
from tests.factories import StructureFactory

CATEGORIES = ["moving", "shop_fitout", "initial_stock", "working_capital", "productive_investment"]


def bulk_requests(world, count: int) -> None:
    """``count`` ESIA and URSCOP requests, forwarded or granted (a third with two
    disbursements), over ten structures with their five needs each."""
    structures = [StructureFactory() for _ in range(10)]
    month = datetime.date(2027, 1, 1)
    FinancingNeed.objects.bulk_create(
        FinancingNeed(
            structure=structure,
            campaign=world.campaign,
            category=category,
            amount=D("1000") * (index + 1),
            needed_on=month.replace(month=index + 1),
        )
        for structure in structures
        for index, category in enumerate(CATEGORIES)
    )
    products = [world.products["fris"], world.products["pargest"], world.products["garantie"]]
    now = timezone.now()
    requests = FinancingRequest.objects.bulk_create(
        FinancingRequest(
            structure=structures[i % 10],
            campaign=world.campaign,
            product=products[i % 3],
            amount=D("10000"),
            duration_months=36,
            status="granted" if i % 3 == 0 else "forwarded",
            granted_amount=D("8000") if i % 3 == 0 else None,
            forwarded_at=now,
        )
        for i in range(count)
    )
    RequestUse.objects.bulk_create(
        RequestUse(request=request, category=CATEGORIES[i % 5], amount=D("10000"))
        for i, request in enumerate(requests)
    )
    Disbursement.objects.bulk_create(
        Disbursement(request=request, day=month, amount=D("2000"))
        for request in requests
        if request.status == "granted"
        for _ in range(2)
    )


PAGES = [
    ("esia_officer", "financing:request-list", {}),
    ("esia_officer", "financing:request-list", {"status": "granted"}),
    ("coordinator", "financing:request-list", {}),
    ("esia_officer", "financing:global-response", {}),
    ("coordinator", "financing:global-response", {}),
    ("coordinator", "financing:credit-line-list", {}),
    ("coordinator", "financing:credit-line", {}),
    ("esia_officer", "dashboard-funder", {}),
]


def _counts(client, world):
    line = CreditLine.objects.create(
        funder=world.esia,
        name="Ligne CCR",
        amount=D("1000000"),
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2099, 12, 31),
    )
    line.products.set([world.products["fris"]])
    counts = {}
    for viewer, name, params in PAGES:
        client.force_login(getattr(world, viewer))
        if name.startswith("dashboard-"):
            url = reverse("dashboard", args=[name.removeprefix("dashboard-")])
        elif name == "financing:credit-line":
            url = line.get_absolute_url()
        else:
            url = reverse(name)
        client.get(url, params)  # caches warm, as in production
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        assert response.status_code == 200, (name, response.status_code)
        counts[(viewer, name, tuple(params.items()))] = len(queries)
    return counts


@pytest.mark.parametrize("size", [10, 500])
def test_the_query_counts_do_not_grow(client, world, size):
    bulk_requests(world, size)
    counts = _counts(client, world)
    assert counts == EXPECTED, counts


# Session, user, roles, the page's own reads; the same at both sizes.
EXPECTED = {
    ("esia_officer", "financing:request-list", ()): 10,
    ("esia_officer", "financing:request-list", (("status", "granted"),)): 10,
    ("coordinator", "financing:request-list", ()): 10,
    # The global response, cached: the data version (one query) instead of its four sums
    # (tests/financing/test_database_sums.py locks those), however many requests.
    ("esia_officer", "financing:global-response", ()): 8,
    ("coordinator", "financing:global-response", ()): 6,
    # The lines' positions: one sum for all the lines.
    ("coordinator", "financing:credit-line-list", ()): 7,
    # A line's page: the line and its products, a sum by product and one by need category.
    ("coordinator", "financing:credit-line", ()): 8,
    ("esia_officer", "dashboard-funder", ()): 9,
}
