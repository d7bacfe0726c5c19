"""The financing demo: what the issue asks for, and a global response that adds up."""

from decimal import Decimal as D

from django.db.models import Sum

from applicants.models import Dossier, DossierStatus
from ccr_portal.users.models import User
from financing.models import (
    CreditLine,
    Disbursement,
    FinancingNeed,
    FinancingRequest,
    FinancingResponse,
    FundingProduct,
    RequestStatus,
)
from financing.selectors import credit_line_position, global_response, schedule_of


def test_the_demo_has_every_state_across_the_six_products(demo):
    assert FundingProduct.objects.count() == 6
    assert set(FinancingRequest.objects.values_list("status", flat=True)) == set(
        RequestStatus.values
    )
    assert FinancingRequest.objects.values("product").distinct().count() == 6
    selected = set(
        Dossier.objects.filter(
            status__in=[DossierStatus.ACCEPTED, DossierStatus.INSTALLED]
        ).values_list("structure_id", flat=True)
    )
    responses = set(FinancingResponse.objects.values_list("structure_id", flat=True))
    # Not vacuous: the demo has selected residents, and each has its response.
    assert selected
    assert selected <= responses


def test_the_demo_grant_has_disbursements_and_a_schedule(demo):
    grant = FinancingRequest.objects.get(status="granted", product__code="fris")
    assert list(grant.disbursements.values_list("amount", flat=True).order_by("day")) == [
        D("12000"),
        D("6000"),
    ]
    schedule = schedule_of(grant)
    assert len(schedule) == 60
    assert [line.deferred for line in schedule[:7]] == [True] * 6 + [False]
    assert sum(line.principal for line in schedule) == grant.granted_amount


def test_the_esia_credit_line_is_near_its_limit(demo):
    line = CreditLine.objects.get(funder__short_name="ESIA")
    position = credit_line_position(line)
    assert (position.amount, position.granted, position.committed) == (
        D("42000"),
        D("22000"),
        D("15000"),
    )
    assert position.remaining == D("5000")
    # The amorçage request waiting for Regain would go beyond it.
    waiting = FinancingRequest.objects.get(status="submitted")
    assert position.exceeds(waiting.amount)


def test_the_global_response_adds_up_the_demo(demo):
    coordinator = User.objects.get(email="coordinator@example.org")
    result = global_response(coordinator)
    assert result.total_needs == FinancingNeed.objects.aggregate(total=Sum("amount"))["total"]
    deposited = FinancingRequest.objects.exclude(status__in=["draft", "withdrawn"])
    assert result.total_requested == deposited.aggregate(total=Sum("amount"))["total"]
    assert result.total_granted == D("22000") + D("60000")
    assert result.total_disbursed == Disbursement.objects.aggregate(total=Sum("amount"))["total"]
    officer = User.objects.get(email="urscop@example.org")
    assert list(global_response(officer).by_funder) == ["URSCOP"]


def test_the_demo_loads_twice_without_duplicates(demo):
    import io

    from django.core.management import call_command

    before = (FinancingRequest.objects.count(), FinancingNeed.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (FinancingRequest.objects.count(), FinancingNeed.objects.count()) == before
