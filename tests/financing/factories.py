"""The financing world of the tests: ESIA and URSCOP with one officer each, the six
example products, an association and a SCOP with their editors, and a coordinator.
Requests are brought to a state along the workflow, through the services."""

from decimal import Decimal
from types import SimpleNamespace

from applicants.models import Structure
from financing.catalogue import ensure_products
from financing.models import FinancingRequest, RequestUse
from financing.services.requests import request_transition
from tests.factories import (
    CampaignFactory,
    FunderFactory,
    MembershipFactory,
    StructureFactory,
    UserFactory,
)

# The steps that lead to each state, and who takes them.
PATHS = {
    "draft": [],
    "submitted": ["submit"],
    "changes_requested": ["submit", "request_changes"],
    "forwarded": ["submit", "forward"],
    "granted": ["submit", "forward", "grant"],
    "declined": ["submit", "forward", "decline"],
    "withdrawn": ["withdraw"],
}


def financing_world():
    esia = FunderFactory(name="ESIA, France Active PACA", short_name="ESIA")
    urscop = FunderFactory(name="URSCOP PACA", short_name="URSCOP")
    esia_officer = UserFactory(funder=True, first_name="Jeanne", last_name="Roux")
    urscop_officer = UserFactory(funder=True, first_name="Karim", last_name="Haddad")
    esia.members.add(esia_officer)
    urscop.members.add(urscop_officer)
    products = ensure_products({"ESIA": esia, "URSCOP": urscop})
    association = MembershipFactory(
        structure=StructureFactory(name="Atelier Vélo", year_founded=2006)
    )
    scop = MembershipFactory(
        structure=StructureFactory(
            name="Fil Rouge", legal_form=Structure.LegalForm.SCOP, year_founded=2008
        )
    )
    return SimpleNamespace(
        esia=esia,
        urscop=urscop,
        esia_officer=esia_officer,
        urscop_officer=urscop_officer,
        products=products,
        campaign=CampaignFactory(),
        coordinator=UserFactory(coordinator=True),
        association=association.structure,
        association_editor=association.user,
        scop=scop.structure,
        scop_editor=scop.user,
    )


def make_request(
    world,
    *,
    structure,
    product: str,
    amount: Decimal,
    category: str,
    status: str = "draft",
    months: int | None = 36,
    grant: dict | None = None,
):
    """A request brought to ``status`` along the workflow (each step by its actor)."""
    editor = world.association_editor if structure == world.association else world.scop_editor
    request = FinancingRequest.objects.create(
        structure=structure,
        campaign=world.campaign,
        product=world.products[product],
        amount=amount,
        duration_months=months,
        created_by=editor,
    )
    RequestUse.objects.create(request=request, category=category, amount=amount)
    officer = world.esia_officer if request.product.funder == world.esia else world.urscop_officer
    actors = {
        "submit": editor,
        "withdraw": editor,
        "request_changes": world.coordinator,
        "forward": world.coordinator,
        "grant": officer,
        "decline": officer,
    }
    for step in PATHS[status]:
        data = {}
        if step == "grant":
            data = grant or {
                "granted_amount": amount,
                "granted_months": months,
                "first_due_on": world.campaign.closes_on,
                "committee_date": world.campaign.opens_on,
            }
        request_transition(
            request=request,
            actor=actors[step],
            action=step,
            comment="Motif écrit pour le test." if step in ("request_changes", "decline") else "",
            **data,
        )
    request.refresh_from_db()
    return request
