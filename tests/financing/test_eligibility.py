"""Each product's rules on hand-made cases, with their French explanations."""

from decimal import Decimal as D

from applicants.models import FinancingCategory, Structure
from financing.catalogue import PRODUCTS
from financing.eligibility import (
    Applicant,
    Line,
    ProductRules,
    check_line,
    check_plan,
    max_guaranteed_share,
)
from financing.models import GUARANTEE_KINDS, FundingProduct

FORMS = dict(Structure.LegalForm.choices)
USES = dict(FinancingCategory.choices)


def rules(code: str) -> ProductRules:
    fields = next(fields for _fund, product_code, fields in PRODUCTS if product_code == code)
    return ProductRules.of(FundingProduct(**fields))


def applicant(form: str, age: int | None = 5) -> Applicant:
    return Applicant(form, FORMS[form], age)


def check(code, who, line, other=D("0")):
    return check_line(
        rules(code),
        who,
        line,
        other_resources=other,
        legal_form_labels=FORMS,
        category_labels=USES,
    )


def line(amount, category="shop_fitout", months=36, share=None):
    return Line(D(amount), category, USES[category], months, share)


def test_the_guarantee_kinds_are_flagged():
    assert rules("garantie").is_guarantee
    assert {"guarantee", "bridging_guarantee"} == set(GUARANTEE_KINDS)


def test_a_scop_is_refused_on_the_contrat_d_apport_associatif():
    problems = check("contrat-apport-associatif", applicant("scop"), line("10000"), D("10000"))
    assert problems == [
        "Contrat d'apport associatif n'est pas ouvert à la forme juridique « SCOP » : il est "
        "réservé aux formes suivantes : Association loi 1901."
    ]


def test_an_association_is_refused_on_pargest():
    problems = check("pargest", applicant("association"), line("20000", months=60))
    assert problems == [
        "PARGEST n'est pas ouvert à la forme juridique « Association loi 1901 » : il est "
        "réservé aux formes suivantes : SCOP, SCIC."
    ]
    assert check("pargest", applicant("scic"), line("20000", months=60)) == []


def test_the_guaranteed_share_depends_on_the_age():
    guarantee = rules("garantie")
    assert max_guaranteed_share(guarantee, 2) == D("65")
    assert max_guaranteed_share(guarantee, 3) == D("50")
    young, older = applicant("scop", age=2), applicant("scop", age=8)
    assert check("garantie", young, line("40000", share=D("65"))) == []
    assert check("garantie", older, line("40000", share=D("65"))) == [
        "Garantie France Active garantit au plus 50 % du prêt pour une structure de 3 ans ou "
        "plus : 65 % demandés."
    ]
    assert check("garantie", older, line("40000", share=D("50"))) == []


def test_matching_below_one_for_one_is_refused():
    association = applicant("association")
    from ccr_portal.formatting import format_euros

    assert check("contrat-apport-associatif", association, line("20000"), other=D("15000")) == [
        "Contrat d'apport associatif doit être complété à au moins 1 pour 1 par d'autres "
        f"ressources : {format_euros(D('20000'))} attendus, {format_euros(D('15000'))} réunis "
        f"(il manque {format_euros(D('5000'))})."
    ]
    assert check("contrat-apport-associatif", association, line("20000"), other=D("20000")) == []


def test_bounds_duration_and_uses():
    from ccr_portal.formatting import format_euros

    scop = applicant("scop")
    assert check("fris", scop, line("70000", months=96)) == [
        f"{format_euros(D('70000'))} dépasse le maximum de FRIS (prêt participatif) "
        f"({format_euros(D('60000'))}).",
        "Une durée de 96 mois est trop longue pour FRIS (prêt participatif) (au plus 84 mois).",
    ]
    assert check("fris", scop, line("4000")) == [
        f"{format_euros(D('4000'))} est en dessous du minimum de FRIS (prêt participatif) "
        f"({format_euros(D('5000'))})."
    ]
    assert check("fris", scop, line("20000", category="moving")) == [
        "FRIS (prêt participatif) ne finance pas « Déménagement » : seulement aménagement de la "
        "boutique, investissement productif, stock initial."
    ]
    assert check("fris", scop, line("20000", months=None)) == [
        "Indiquez la durée souhaitée pour FRIS (prêt participatif)."
    ]


def test_the_seed_fund_is_for_associations_for_twelve_months():
    association = applicant("association", age=1)
    assert check("fonds-amorcage-associatif", association, line("8000", months=12)) == []
    assert check("fonds-amorcage-associatif", association, line("8000", months=24)) == [
        "Une durée de 24 mois est trop longue pour Fonds d'amorçage associatif (au plus 12 mois)."
    ]


def test_an_age_rule_needs_the_year_of_creation():
    rules_with_age = ProductRules(name="Jeunes pousses", max_age_years=3)
    assert check_line(rules_with_age, applicant("scop", age=None), line("1000")) == [
        "Jeunes pousses dépend de l'âge de la structure : indiquez son année de création."
    ]
    assert check_line(rules_with_age, applicant("scop", age=5), line("1000")) == [
        "Jeunes pousses est réservé aux structures de 3 ans au plus : celle-ci a 5 ans."
    ]


def test_the_plan_must_still_balance():
    from accompaniment.arithmetic import YearFigures
    from ccr_portal.formatting import format_euros

    def years(*sides):
        return [
            YearFigures(2027 + index, label, D(inflow), D(outflow))
            for index, (label, (inflow, outflow)) in enumerate(
                zip(("N", "N+1", "N+2"), sides, strict=True)
            )
        ]

    balanced = years(("50000", "50000"), ("12000", "12000"), ("9000", "9000"))
    assert check_plan(response_total=D("30000"), years=None) == []
    assert check_plan(response_total=D("30000"), years=balanced, year_n_external=D("35000")) == []
    assert check_plan(response_total=D("35000"), years=balanced, year_n_external=D("35000")) == []
    # The response asks the funds for more than the plan's external resources of year N.
    assert check_plan(response_total=D("40000"), years=balanced, year_n_external=D("35000")) == [
        f"La réponse mobilise {format_euros(D('40000'))} auprès des fonds, plus que les "
        "emprunts, apports et subventions prévus au plan de financement en 2027 (N) "
        f"({format_euros(D('35000'))}) : le plan ne serait plus équilibré "
        f"({format_euros(D('5000'))} de ressources en excédent) ; mettez-le à jour ou "
        "réduisez la réponse."
    ]
    # A plan that does not balance, in any of its three years, fails the rule.
    assert check_plan(
        response_total=D("30000"),
        years=years(("50000", "50000"), ("12000", "14500"), ("9000", "9000")),
        year_n_external=D("35000"),
    ) == [
        "Le plan de financement n'est pas équilibré pour l'année 2028 (N+1) : "
        f"{format_euros(D('2500'))} de besoins non couverts. "
        "Les ressources doivent égaler les besoins chaque année."
    ]
