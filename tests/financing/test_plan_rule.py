"""The rule of the plan's 3-year financing plan, which must still balance: a failing rule
of the response, explained in French, and a request of such a response is not deposited."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ccr_portal.formatting import format_euros
from financing.models import RequestTransition, ResponseLine
from financing.selectors import response_check
from financing.services.requests import request_transition
from financing.services.responses import response_create_requests, response_for
from tests.conftest import page_text
from tests.financing.test_plan_repayments import grant_loans, plan_of

TOO_MUCH = (
    f"La réponse mobilise {format_euros(D('33000'))} auprès des fonds, plus que les emprunts, "
    "apports et subventions prévus au plan de financement en 2027 (N) "
    f"({format_euros(D('30000'))}) : le plan ne serait plus équilibré "
    f"({format_euros(D('3000'))} de ressources en excédent) ; mettez-le à jour ou réduisez "
    "la réponse."
)


@pytest.fixture
def split(world):
    """Atelier Vélo's plan foresees 30 000 of loans in 2027 (N) and balances; its response
    asks 25 000 of FRIS and 8 000 of fonds d'amorçage: 33 000 from the funds."""
    plan_of(world)
    response = response_for(structure=world.association, campaign=world.campaign)
    for product, category, amount, months in [
        ("fris", "shop_fitout", D("25000"), 60),
        ("fonds-amorcage-associatif", "initial_stock", D("8000"), 12),
    ]:
        ResponseLine.objects.create(
            response=response,
            product=world.products[product],
            category=category,
            amount=amount,
            duration_months=months,
        )
    requests = response_create_requests(response=response, actor=world.association_editor)
    return response, requests


def test_a_response_beyond_the_plan_fails_the_rule_in_french(client, world, split):
    response, _ = split
    checked, general = response_check(response)
    assert [item.problems for item in checked] == [[], []]
    assert general == [TOO_MUCH]
    client.force_login(world.association_editor)
    text = page_text(client.get(response.get_absolute_url()))
    assert "Règle non respectée : le plan de financement à trois ans doit rester équilibré." in (
        text
    )
    assert TOO_MUCH in text


def test_a_request_of_that_response_is_not_deposited_until_it_fits(world, split):
    response, (fris, seed) = split
    history = RequestTransition.objects.filter(request=fris).count()
    with pytest.raises(ValidationError) as refused:
        request_transition(request=fris, actor=world.association_editor, action="submit")
    assert refused.value.messages == ["La demande ne peut pas être déposée :", TOO_MUCH]
    fris.refresh_from_db()
    assert fris.status == "draft"
    assert RequestTransition.objects.filter(request=fris).count() == history

    # 5 000 of fonds d'amorçage instead of 8 000: 30 000 in all, what the plan foresees.
    ResponseLine.objects.filter(pk=seed.response_line_id).update(amount=D("5000"))
    seed.amount = D("5000")
    seed.save()
    seed.uses.update(amount=D("5000"))
    assert response_check(response)[1] == []
    request_transition(request=fris, actor=world.association_editor, action="submit")
    fris.refresh_from_db()
    assert fris.status == "submitted"


def test_a_plan_the_granted_repayments_unbalance_refuses_the_deposit(client, world):
    grant_loans(world)
    plan_of(world)
    response = response_for(structure=world.association, campaign=world.campaign)
    ResponseLine.objects.create(
        response=response,
        product=world.products["fris"],
        category="shop_fitout",
        amount=D("10000"),
        duration_months=60,
    )
    (request,) = response_create_requests(response=response, actor=world.association_editor)
    unbalanced = (
        "Le plan de financement n'est pas équilibré pour les années "
        f"2027 (N) : {format_euros(D('6000'))} de besoins non couverts ; "
        f"2028 (N+1) : {format_euros(D('18000'))} de besoins non couverts ; "
        f"2029 (N+2) : {format_euros(D('6000'))} de besoins non couverts. "
        "Les ressources doivent égaler les besoins chaque année."
    )
    assert response_check(response)[1] == [unbalanced]
    client.force_login(world.association_editor)
    page = client.post(
        reverse("financing:request-transition", args=[request.pk, "submit"]), follow=True
    )
    request.refresh_from_db()
    assert request.status == "draft"
    assert unbalanced in page_text(page)


def test_a_withdrawn_line_no_longer_counts_in_what_the_response_asks(world, split):
    response, (fris, seed) = split
    request_transition(request=seed, actor=world.association_editor, action="withdraw")
    # 25 000 asked of the funds now, within the plan's 30 000 of loans.
    assert response_check(response)[1] == []
    request_transition(request=fris, actor=world.association_editor, action="submit")
    fris.refresh_from_db()
    assert fris.status == "submitted"
