"""The example products of the funds (DOMAIN.md, "Numbers from the minutes"): the demo,
the tests and the bench build them from this one table. The terms are examples; the
coordination edits them on the products' page."""

from decimal import Decimal

from applicants.models import FinancingCategory as C
from applicants.models import Structure

from .models import FundingProduct, ProductKind

F = Structure.LegalForm
ESS_FORMS = [F.ASSOCIATION, F.SCOP, F.SCIC, F.ESS_COMPANY]
ALL_USES = list(C.values)

# (fund short name, code, fields)
PRODUCTS = [
    (
        "ESIA",
        "fonds-amorcage-associatif",
        {
            "name": "Fonds d'amorçage associatif",
            "kind": ProductKind.SEED_FUND,
            "description": "Pour lancer l'activité sur le nouveau site, avec un contrat "
            "d'objectifs revu à son échéance.",
            "legal_forms": [F.ASSOCIATION],
            "min_amount": Decimal("5000"),
            "max_amount": Decimal("10000"),
            "min_months": 12,
            "max_months": 12,
            "renewable_times": 1,
            "conditions": "Contrat d'objectifs revu à l'échéance ; renouvelable une fois.",
            "allowed_uses": [C.MOVING, C.SHOP_FITOUT, C.INITIAL_STOCK, C.WORKING_CAPITAL],
        },
    ),
    (
        "ESIA",
        "contrat-apport-associatif",
        {
            "name": "Contrat d'apport associatif",
            "kind": ProductKind.CONTRIBUTION,
            "description": "Apport avec droit de reprise, sans intérêts.",
            "legal_forms": [F.ASSOCIATION],
            "min_amount": Decimal("5000"),
            "max_amount": Decimal("30000"),
            "min_months": 24,
            "max_months": 60,
            "matching_ratio": Decimal("1"),
            "conditions": "Complété à au moins 1 pour 1 par d'autres ressources.",
            "allowed_uses": ALL_USES,
        },
    ),
    (
        "ESIA",
        "fris",
        {
            "name": "FRIS (prêt participatif)",
            "kind": ProductKind.PARTICIPATORY_LOAN,
            "description": "Fonds régional d'investissement solidaire : prêts participatifs.",
            "legal_forms": ESS_FORMS,
            "min_amount": Decimal("5000"),
            "max_amount": Decimal("60000"),
            "min_months": 12,
            "max_months": 84,
            "interest_rate": Decimal("2"),
            "allowed_uses": [C.SHOP_FITOUT, C.PRODUCTIVE_INVESTMENT, C.INITIAL_STOCK],
        },
    ),
    (
        "ESIA",
        "garantie",
        {
            "name": "Garantie France Active",
            "kind": ProductKind.GUARANTEE,
            "description": "Garantie d'un prêt bancaire : montant du prêt garanti.",
            "legal_forms": ESS_FORMS,
            "min_amount": Decimal("5000"),
            "max_amount": Decimal("300000"),
            "max_months": 84,
            "fee_rate": Decimal("2"),
            "guaranteed_share": Decimal("50"),
            "young_guaranteed_share": Decimal("65"),
            "young_age_years": 3,
            "allowed_uses": [C.SHOP_FITOUT, C.PRODUCTIVE_INVESTMENT, C.MOVING],
        },
    ),
    (
        "ESIA",
        "garantie-court-terme",
        {
            "name": "Garantie court terme",
            "kind": ProductKind.BRIDGING_GUARANTEE,
            "description": "Garantie d'un crédit relais (subvention attendue, BFR).",
            "legal_forms": ESS_FORMS,
            "min_amount": Decimal("3000"),
            "max_amount": Decimal("100000"),
            "max_months": 24,
            "fee_rate": Decimal("2"),
            "guaranteed_share": Decimal("50"),
            "allowed_uses": [C.WORKING_CAPITAL, C.INITIAL_STOCK],
        },
    ),
    (
        "URSCOP",
        "pargest",
        {
            "name": "PARGEST",
            "kind": ProductKind.EQUITY,
            "description": "Quasi-fonds propres pour les coopératives, par l'URSCOP PACA.",
            "legal_forms": [F.SCOP, F.SCIC],
            "min_amount": Decimal("5000"),
            "max_amount": Decimal("100000"),
            "min_months": 36,
            "max_months": 84,
            "allowed_uses": ALL_USES,
        },
    ),
]


def ensure_products(funders: dict) -> dict[str, FundingProduct]:
    """The example products, created once (a product the coordination edited is kept)."""
    products = {}
    for short_name, code, fields in PRODUCTS:
        product, _ = FundingProduct.objects.get_or_create(
            code=code, defaults={"funder": funders[short_name], **fields}
        )
        products[code] = product
    return products
