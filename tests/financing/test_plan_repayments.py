"""The granted loans' repayments count in the plan's 3-year financing plan: its balance,
its check before proposal, its page and its PDF, with their source; the typed lines of an
agreed plan stay as they were."""

import datetime
import io
import re
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from accompaniment.documents import DEVELOPMENT_PLAN
from accompaniment.effects import proposal_problems
from accompaniment.models import DevelopmentPlan, FinancingLine
from accompaniment.selectors import financing_table, plan_overview
from ccr_portal.documents.services import document_render, document_request
from ccr_portal.formatting import format_euros
from tests.conftest import page_text
from tests.financing.factories import make_request

LABEL = (
    "Remboursements des prêts accordés (FRIS (prêt participatif), ESIA ; "
    "Fonds d'amorçage associatif, ESIA)"
)


def plan_of(world, status="agreed"):
    """A plan balanced on its typed lines: 30 000 of fit-out in N met by 30 000 of loans,
    then 10 000 of working capital met by 10 000 of self-financing each later year."""
    plan = DevelopmentPlan.objects.create(
        structure=world.association, campaign=world.campaign, first_year=2027, status=status
    )
    FinancingLine.objects.create(
        plan=plan, item="shop_fitout", year_n=D("30000"), year_n1=0, year_n2=0
    )
    FinancingLine.objects.create(
        plan=plan, item="working_capital", year_n=0, year_n1=D("10000"), year_n2=D("10000")
    )
    FinancingLine.objects.create(plan=plan, item="loans", year_n=D("30000"), year_n1=0, year_n2=0)
    FinancingLine.objects.create(
        plan=plan, item="self_financing", year_n=0, year_n1=D("10000"), year_n2=D("10000")
    )
    return plan


def grant_loans(world):
    """Granted before the plan exists (once the plan counts the first one's repayments, it
    no longer balances and the second would not be deposited):
    - FRIS, 24 000 at 0 % over 24 months from July 2027: 1 000 a month, so 6 000 in 2027,
      12 000 in 2028, 6 000 in 2029;
    - fonds d'amorçage associatif, 6 000 at 0 % over 12 months from January 2028: 500 a
      month, all in 2028.
    So 6 000 in 2027 (N), 18 000 in 2028 (N+1), 6 000 in 2029 (N+2)."""
    for product, amount, months, first_due_on in [
        ("fris", D("24000"), 24, datetime.date(2027, 7, 1)),
        ("fonds-amorcage-associatif", D("6000"), 12, datetime.date(2028, 1, 1)),
    ]:
        make_request(
            world,
            structure=world.association,
            product=product,
            amount=amount,
            category="shop_fitout",
            months=months,
            status="granted",
            grant={
                "granted_amount": amount,
                "granted_rate": D("0"),
                "granted_months": months,
                "first_due_on": first_due_on,
                "committee_date": datetime.date(2027, 6, 1),
            },
        )
    # Neither a declined request nor a guarantee repays anything.
    make_request(
        world,
        structure=world.association,
        product="fris",
        amount=D("9000"),
        category="shop_fitout",
        status="declined",
    )


def test_the_repayments_are_a_computed_line_of_the_financing_plan(world):
    grant_loans(world)
    plan = plan_of(world)
    # Balanced on its typed lines; not once the repayments count.
    assert financing_table(plan, computed=[]).is_balanced
    table = financing_table(plan)
    computed = [row for row in table.outflow_rows if row.computed]
    assert [(row.label, row.amounts) for row in computed] == [
        (LABEL, (D("6000.00"), D("18000"), D("6000")))
    ]
    assert [(f.outflow, f.inflow, f.difference) for f in table.years] == [
        (D("36000.00"), D("30000"), D("-6000.00")),
        (D("28000"), D("10000"), D("-18000")),
        (D("16000"), D("10000"), D("-6000")),
    ]
    assert not table.is_balanced
    # An agreed plan stays locked: its typed lines are what they were.
    assert sorted(plan.financing_lines.values_list("item", "year_n", "year_n1", "year_n2")) == [
        ("loans", D("30000"), 0, 0),
        ("self_financing", 0, D("10000"), D("10000")),
        ("shop_fitout", D("30000"), 0, 0),
        ("working_capital", 0, D("10000"), D("10000")),
    ]


def test_a_draft_plan_that_the_repayments_unbalance_is_not_proposed(world):
    grant_loans(world)
    plan = plan_of(world, status="draft")
    problems = proposal_problems(plan)
    assert problems[0] == (
        "Le plan de financement n'est pas équilibré pour les années "
        f"2027 (N) : {format_euros(D('6000'))} de besoins non couverts ; "
        f"2028 (N+1) : {format_euros(D('18000'))} de besoins non couverts ; "
        f"2029 (N+2) : {format_euros(D('6000'))} de besoins non couverts. "
        "Les ressources doivent égaler les besoins chaque année."
    )
    from accompaniment.effects import require_proposable

    with pytest.raises(ValidationError):
        require_proposable(plan, actor=world.coordinator, data={})


def _flat(html: str) -> str:
    return re.sub(r"[ \n\t]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_plan_page_and_its_pdf_show_the_line_and_its_source(client, world):
    grant_loans(world)
    plan = plan_of(world)
    client.force_login(world.association_editor)
    page = _flat(page_text(client.get(plan.get_absolute_url())))
    assert (
        f"{LABEL} (calculé) {format_euros(D('6000'))} {format_euros(D('18000'))} "
        f"{format_euros(D('6000'))}"
    ) in page
    assert f"2028 (N+1), écart de {format_euros(D('-18000'))}" in page
    assert plan_overview(plan).financing.outflow_totals == [
        D("36000.00"),
        D("28000"),
        D("16000"),
    ]
    document = document_request(kind=DEVELOPMENT_PLAN, subject=plan, requested_by=world.coordinator)
    document = document_render(document_id=document.pk)
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(document.file.read())).pages
    )
    text = re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\u00a0", " "))
    assert "Remboursements des prêts accordés (FRIS (prêt participatif), ESIA" in text
    assert "18 000,00 €" in text


def test_the_amounts_grid_counts_the_repayments_without_an_input(client, world):
    grant_loans(world)
    plan = plan_of(world, status="draft")
    client.force_login(world.coordinator)
    response = client.get(reverse("accompaniment:plan-financing", args=[plan.pk]))
    html = response.content.decode()
    assert f"{LABEL} <span" in page_text(response)
    assert (
        "(calculé, non modifiable ; compté au-delà du poste « Remboursement d'emprunts »)"
        in page_text(response)
    )
    # The live totals add the computed cents (6 000, 18 000, 6 000), beyond what is typed
    # in « Remboursement d'emprunts » (no such line here).
    assert re.findall(
        r'data-computed-cents="(\d+)" data-full-cents="(\d+)" data-beyond="(\w+)" '
        r'data-year="(\d)"',
        html,
    ) == [
        ("600000", "600000", "loan_repayments_0", "0"),
        ("1800000", "1800000", "loan_repayments_1", "1"),
        ("600000", "600000", "loan_repayments_2", "2"),
    ]
    assert not any(LABEL in name for name in re.findall(r'name="([^"]+)"', html))


def test_the_typed_repayments_are_a_forecast_the_schedules_count_beyond(world):
    """The structure foresaw 10 000 of loan repayments in N+1 and N+2: of the schedules'
    6 000, 18 000 and 6 000, the plan counts 6 000, 8 000 and nothing."""
    grant_loans(world)
    plan = plan_of(world)
    FinancingLine.objects.create(
        plan=plan, item="loan_repayments", year_n=0, year_n1=D("10000"), year_n2=D("10000")
    )
    table = financing_table(plan)
    assert [(row.label, row.amounts, row.computed) for row in table.outflow_rows[-2:]] == [
        ("Remboursement d'emprunts", (0, D("10000"), D("10000")), False),
        (LABEL, (D("6000.00"), D("8000"), D("0")), True),
    ]
    assert table.outflow_rows[-1].full_amounts == (D("6000.00"), D("18000"), D("6000"))
    assert [f.outflow for f in table.years] == [D("36000.00"), D("28000"), D("20000")]
