"""Whether a line of a response (or a request) respects its product's rules, explained in
French. Pure functions over plain values: the pages, the services and the tests ask them.

Each check returns a list of sentences; an empty list means eligible. The checks are:
legal form, age of the structure, amount bounds, duration, use, guaranteed share (by
age), matching by other resources, and the plan's 3-year financing plan.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from accompaniment.arithmetic import to_decimal, unbalanced_message
from ccr_portal.formatting import format_euros, format_number

ZERO = Decimal("0")


@dataclass(frozen=True)
class ProductRules:
    name: str
    legal_forms: tuple[str, ...] = ()
    min_age_years: int | None = None
    max_age_years: int | None = None
    min_amount: Decimal = ZERO
    max_amount: Decimal | None = None
    min_months: int | None = None
    max_months: int | None = None
    allowed_uses: tuple[str, ...] = ()
    guaranteed_share: Decimal | None = None
    young_guaranteed_share: Decimal | None = None
    young_age_years: int = 3
    matching_ratio: Decimal | None = None
    is_guarantee: bool = False

    @classmethod
    def of(cls, product) -> "ProductRules":
        return cls(
            name=product.name,
            legal_forms=tuple(product.legal_forms),
            min_age_years=product.min_age_years,
            max_age_years=product.max_age_years,
            min_amount=product.min_amount,
            max_amount=product.max_amount,
            min_months=product.min_months,
            max_months=product.max_months,
            allowed_uses=tuple(product.allowed_uses),
            guaranteed_share=product.guaranteed_share,
            young_guaranteed_share=product.young_guaranteed_share,
            young_age_years=product.young_age_years,
            matching_ratio=product.matching_ratio,
            is_guarantee=product.is_guarantee,
        )


@dataclass(frozen=True)
class Applicant:
    legal_form: str
    legal_form_label: str
    age_years: int | None

    @classmethod
    def of(cls, structure, *, year: int) -> "Applicant":
        age = None if not structure.year_founded else max(0, year - structure.year_founded)
        return cls(structure.legal_form, structure.get_legal_form_display(), age)


@dataclass(frozen=True)
class Line:
    amount: Decimal
    category: str
    category_label: str = ""
    months: int | None = None
    guaranteed_share: Decimal | None = None


def _years(count: int) -> str:
    return f"{count} an{'s' if count > 1 else ''}"


def _months(count: int) -> str:
    return f"{count} mois"


def max_guaranteed_share(rules: ProductRules, age_years: int | None) -> Decimal | None:
    """The share of the bank loan the fund may guarantee: the young structures' share
    below ``young_age_years`` (65 % under 3 years for ESIA), the ordinary one otherwise."""
    if (
        rules.young_guaranteed_share is not None
        and age_years is not None
        and age_years < rules.young_age_years
    ):
        return rules.young_guaranteed_share
    return rules.guaranteed_share


def check_legal_form(rules: ProductRules, applicant: Applicant, labels: dict) -> list[str]:
    if not rules.legal_forms or applicant.legal_form in rules.legal_forms:
        return []
    allowed = ", ".join(labels.get(code, code) for code in rules.legal_forms)
    return [
        f"{rules.name} n'est pas ouvert à la forme juridique « {applicant.legal_form_label} » : "
        f"il est réservé aux formes suivantes : {allowed}."
    ]


def check_age(rules: ProductRules, applicant: Applicant) -> list[str]:
    age = applicant.age_years
    if rules.min_age_years is None and rules.max_age_years is None:
        return []
    if age is None:
        return [f"{rules.name} dépend de l'âge de la structure : indiquez son année de création."]
    if rules.min_age_years is not None and age < rules.min_age_years:
        return [
            f"{rules.name} demande une structure d'au moins {_years(rules.min_age_years)} : "
            f"celle-ci a {_years(age)}."
        ]
    if rules.max_age_years is not None and age > rules.max_age_years:
        return [
            f"{rules.name} est réservé aux structures de {_years(rules.max_age_years)} au plus : "
            f"celle-ci a {_years(age)}."
        ]
    return []


def check_bounds(rules: ProductRules, line: Line) -> list[str]:
    errors = []
    amount = to_decimal(line.amount)
    if amount < rules.min_amount:
        errors.append(
            f"{format_euros(amount)} est en dessous du minimum de {rules.name} "
            f"({format_euros(rules.min_amount)})."
        )
    if rules.max_amount is not None and amount > rules.max_amount:
        errors.append(
            f"{format_euros(amount)} dépasse le maximum de {rules.name} "
            f"({format_euros(rules.max_amount)})."
        )
    months = line.months
    if rules.min_months is not None or rules.max_months is not None:
        if months is None:
            errors.append(f"Indiquez la durée souhaitée pour {rules.name}.")
        elif rules.min_months is not None and months < rules.min_months:
            errors.append(
                f"Une durée de {_months(months)} est trop courte pour {rules.name} "
                f"(au moins {_months(rules.min_months)})."
            )
        elif rules.max_months is not None and months > rules.max_months:
            errors.append(
                f"Une durée de {_months(months)} est trop longue pour {rules.name} "
                f"(au plus {_months(rules.max_months)})."
            )
    return errors


def check_use(rules: ProductRules, line: Line, labels: dict) -> list[str]:
    if not rules.allowed_uses or line.category in rules.allowed_uses:
        return []
    allowed = ", ".join(labels.get(code, code).lower() for code in rules.allowed_uses)
    label = line.category_label or labels.get(line.category, line.category)
    return [f"{rules.name} ne finance pas « {label} » : seulement {allowed}."]


def check_guarantee(rules: ProductRules, applicant: Applicant, line: Line) -> list[str]:
    if not rules.is_guarantee or line.guaranteed_share is None:
        return []
    limit = max_guaranteed_share(rules, applicant.age_years)
    if limit is None or to_decimal(line.guaranteed_share) <= limit:
        return []
    why = ""
    if applicant.age_years is not None and rules.young_guaranteed_share is not None:
        if applicant.age_years < rules.young_age_years:
            why = f" pour une structure de moins de {_years(rules.young_age_years)}"
        else:
            why = f" pour une structure de {_years(rules.young_age_years)} ou plus"
    return [
        f"{rules.name} garantit au plus {format_number(limit, 0)} % du prêt{why} : "
        f"{format_number(line.guaranteed_share, 0)} % demandés."
    ]


def check_matching(rules: ProductRules, line: Line, other_resources) -> list[str]:
    """At least ``matching_ratio`` euros of other resources for each euro of the product."""
    if not rules.matching_ratio:
        return []
    needed = to_decimal(line.amount) * rules.matching_ratio
    other = to_decimal(other_resources)
    if other >= needed:
        return []
    ratio = format_number(rules.matching_ratio, 0 if rules.matching_ratio % 1 == 0 else 2)
    return [
        f"{rules.name} doit être complété à au moins {ratio} pour 1 par d'autres ressources : "
        f"{format_euros(needed)} attendus, {format_euros(other)} réunis "
        f"(il manque {format_euros(needed - other)})."
    ]


def check_line(
    rules: ProductRules,
    applicant: Applicant,
    line: Line,
    *,
    other_resources=ZERO,
    legal_form_labels: dict | None = None,
    category_labels: dict | None = None,
) -> list[str]:
    """Every rule of the product on one line: the French sentences of what fails."""
    return [
        *check_legal_form(rules, applicant, legal_form_labels or {}),
        *check_age(rules, applicant),
        *check_bounds(rules, line),
        *check_use(rules, line, category_labels or {}),
        *check_guarantee(rules, applicant, line),
        *check_matching(rules, line, other_resources),
    ]


def check_plan(*, response_total, years=None, year_n_external=None) -> list[str]:
    """The response must keep the plan's 3-year financing plan balanced: the plan, as the
    plan counts it (its typed lines and the granted loans' repayments), balances each year
    (resources = needs), and the money asked from the funds does not exceed the external
    resources (loans, equity, grants) the plan foresees for year N: beyond them, the plan's
    resources would exceed its needs. ``years`` as the plan's three ``YearFigures``
    (year, label, inflow, outflow); without a financing plan (``None``), nothing to check.
    A failing rule like the products' own: a request of such a response is not deposited."""
    if not years:
        return []
    errors = []
    unbalanced = unbalanced_message(years)
    if unbalanced:
        errors.append(unbalanced)
    external = to_decimal(year_n_external)
    if to_decimal(response_total) > external:
        year_n = years[0]
        errors.append(
            f"La réponse mobilise {format_euros(response_total)} auprès des fonds, plus que "
            f"les emprunts, apports et subventions prévus au plan de financement en "
            f"{year_n.year} ({year_n.label}) ({format_euros(external)}) : le plan ne serait "
            f"plus équilibré ({format_euros(to_decimal(response_total) - external)} de "
            "ressources en excédent) ; mettez-le à jour ou réduisez la réponse."
        )
    return errors


def other_resources_for(line_index: int, amounts: Iterable, guarantees: Iterable, base) -> Decimal:
    """What matches a line: the response's other resources and its other lines (the
    guarantees excepted: a guarantee brings no money)."""
    total = to_decimal(base)
    for index, (amount, is_guarantee) in enumerate(zip(amounts, guarantees, strict=True)):
        if index != line_index and not is_guarantee:
            total += to_decimal(amount)
    return total
