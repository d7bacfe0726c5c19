"""A funder's member: the structures that sent a request to their fund are suggested links."""

from decimal import Decimal

import pytest
from django.utils import timezone

from committee.models import ConflictKind, ConflictOfInterest, ConflictSource
from committee.selectors import SuggestedLink, organisation_links
from financing.models import FinancingRequest, FundingProduct, ProductKind, RequestStatus
from tests.committee.factories import committee_member, reviewed_dossier, scheduled_meeting
from tests.factories import FunderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _product(funder, name):
    return FundingProduct.objects.create(
        funder=funder, code=name.lower(), name=name, kind=ProductKind.PARTICIPATORY_LOAN
    )


def _request(dossier, product, status, submitted=True):
    granted = Decimal("10000") if status == RequestStatus.GRANTED else None
    return FinancingRequest.objects.create(
        structure=dossier.structure, campaign=dossier.campaign, product=product, status=status,
        amount=Decimal("10000"), granted_amount=granted,
        submitted_at=timezone.now() if submitted else None,
    )  # fmt: skip


@pytest.mark.parametrize("more", [1, 6])
def test_the_structures_with_requests_to_the_fund_are_suggested(
    world, django_assert_num_queries, more
):
    esia = FunderFactory(name="ESIA, France Active PACA", short_name="ESIA")
    officer = UserFactory(funder=True)
    esia.members.add(officer)
    fris, other = _product(esia, "FRIS"), _product(FunderFactory(short_name="URSCOP"), "PARGEST")
    panier, velo, cafe = world.dossiers
    _request(panier, fris, RequestStatus.FORWARDED)
    _request(panier, fris, RequestStatus.GRANTED)  # the first request names the link
    _request(velo, fris, RequestStatus.DRAFT, submitted=False)
    _request(velo, fris, RequestStatus.WITHDRAWN, submitted=False)  # withdrawn unsent
    _request(cafe, other, RequestStatus.FORWARDED)  # another fund's
    extra = [reviewed_dossier(world.campaign) for _ in range(more)]
    for dossier in extra:
        _request(dossier, fris, RequestStatus.SUBMITTED)
    structure_ids = [d.structure_id for d in [*world.dossiers, *extra]]

    # The member's providers, their funds, the requests to their funds.
    with django_assert_num_queries(3):
        links = organisation_links(officer, structure_ids)

    assert links[panier.structure_id] == SuggestedLink(
        panier.structure, ConflictKind.FINANCES, "ESIA : demande « FRIS », transmise au financeur"
    )
    assert set(links) == {panier.structure_id, *(d.structure_id for d in extra)}
    assert links[extra[0].structure_id].details == (
        "ESIA : demande « FRIS », déposée (pré-instruction par Regain)"
    )


def test_a_funders_member_invited_has_the_link_prefilled(world, django_capture_on_commit_callbacks):
    esia = FunderFactory(name="ESIA, France Active PACA", short_name="ESIA")
    officer = committee_member(organisation="ESIA", funder=True)
    esia.members.add(officer)
    dossier = reviewed_dossier(world.campaign, "Ressourcerie du Vieux-Port")
    _request(dossier, _product(esia, "FRIS"), RequestStatus.FORWARDED)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = scheduled_meeting(
            world.coordinator, world.campaign, [officer, *world.members[:2]], dossiers=[dossier]
        )
    conflict = ConflictOfInterest.objects.get(member=officer)
    assert (conflict.structure, conflict.kind, conflict.source, conflict.meeting) == (
        dossier.structure,
        ConflictKind.FINANCES,
        ConflictSource.PREFILLED,
        meeting,
    )
    assert conflict.details == "ESIA : demande « FRIS », transmise au financeur"
    assert not ConflictOfInterest.objects.filter(member__in=world.members[:2]).exists()
