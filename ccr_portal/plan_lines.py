"""Lines that later apps compute into a development plan's 3-year financing plan.

The accompaniment owns the plan and never imports the apps above it. An app whose figures
belong in the plan (the financing app: the granted loans' repayments, from their
schedules) registers a provider here, in its ``dashboards`` module; the plan's tables ask
``computed_plan_lines()`` and add what comes back to the typed lines (or, for a line
``beyond_typed``, what it adds beyond the typed line of its item), for its balance, its
check before proposal, its page and its PDF. Computed lines are read, never written: an
agreed plan stays locked, its typed lines unchanged.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ComputedPlanLine:
    # The financing plan's item the amounts belong to (``accompaniment.models.FinancingItem``
    # values, e.g. "loan_repayments"): it decides the side, needs or resources.
    item: str
    # What the plan shows, its source named: « Remboursements des prêts accordés (FRIS, ESIA) ».
    label: str
    # Years N, N+1, N+2.
    amounts: tuple[Decimal, Decimal, Decimal]
    # The typed line of the same item is the structure's forecast of these amounts (the
    # « Remboursement d'emprunts » it foresaw): the plan counts, each year, only what the
    # computed amounts add beyond it, so that nothing is counted twice.
    beyond_typed: bool = False


# ``provider(structure_id=..., campaign_id=..., years=[N, N+1, N+2])`` → lines.
PlanLinesProvider = Callable[..., list[ComputedPlanLine]]

_providers: list[PlanLinesProvider] = []


def register_plan_lines(provider: PlanLinesProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def computed_plan_lines(*, structure_id: int, campaign_id: int, years) -> list[ComputedPlanLine]:
    lines = []
    for provider in _providers:
        lines.extend(
            provider(structure_id=structure_id, campaign_id=campaign_id, years=list(years))
        )
    return lines
