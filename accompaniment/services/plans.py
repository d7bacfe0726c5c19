"""The strategic development plan: drafted from the diagnostics, proposed, agreed, followed."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from applicants.models import Campaign, Dossier, FinancingCategory, Structure
from ccr_portal.axes import Axis
from ccr_portal.formatting import format_date, format_number
from ccr_portal.users.models import Provider, User
from ccr_portal.workflow import TransitionRefused
from diagnostics.models import (
    CONCLUDED_STATUSES,
    AxisRecommendation,
    Diagnostic,
    Theme,
)

from ..models import (
    BudgetItem,
    BudgetLine,
    DevelopmentPlan,
    FinancingItem,
    FinancingLine,
    FollowUp,
    PlanAction,
    PlanStatus,
    PlanTheme,
    PlanTransition,
    SecuringTheme,
)
from ..start_rules import start_decision
from ..workflows import PLAN_WORKFLOW
from .committee import committee_recommendations_place_pending

FOLLOW_UP_MONTHS = 6

# Which diagnostic themes feed which securing theme's findings.
THEME_SOURCES = {
    SecuringTheme.ECONOMIC_MODEL: (Theme.ECONOMIC_MODEL, Theme.FINANCES, Theme.SITE_RISK),
    SecuringTheme.PRODUCTION: (Theme.PRODUCTION,),
    SecuringTheme.MARKETING: (Theme.MARKETING,),
    SecuringTheme.HUMAN_RESOURCES: (Theme.HUMAN_RESOURCES,),
    SecuringTheme.OTHER: (Theme.PROJECT, Theme.PARTNERSHIPS, Theme.RESPONSIBILITY),
}
# The dossier's declared financing needs prefill year N of the financing plan.
NEED_SOURCES = {
    FinancingCategory.PRODUCTIVE_INVESTMENT: FinancingItem.INVESTMENT,
    FinancingCategory.MOVING: FinancingItem.MOVING,
    FinancingCategory.SHOP_FITOUT: FinancingItem.SHOP_FITOUT,
    FinancingCategory.INITIAL_STOCK: FinancingItem.INITIAL_STOCK,
    FinancingCategory.WORKING_CAPITAL: FinancingItem.WORKING_CAPITAL,
}


@dataclass
class DraftedPlan:
    plan: DevelopmentPlan
    # Recommendations that could not become actions yet, with the French reason.
    skipped: list[str] = field(default_factory=list)


def concluded_diagnostics(structure: Structure, campaign: Campaign) -> list[Diagnostic]:
    """The structure's diagnostics whose conclusions count (validated, or covered by an
    existing one), made for this campaign or before any dossier, oldest first."""
    diagnostics = list(
        Diagnostic.objects.filter(structure=structure, status__in=CONCLUDED_STATUSES)
        .filter(Q(dossier__isnull=True) | Q(dossier__campaign=campaign))
        .select_related("provider")
        .prefetch_related("axis_recommendations", "scores")
    )
    return sorted(diagnostics, key=lambda d: (d.concluded_on or datetime.date.min, d.pk))


def _diagnostic_summary(diagnostics: Sequence[Diagnostic]) -> str:
    parts = []
    for diagnostic in diagnostics:
        head = diagnostic.get_kind_display()
        if diagnostic.is_covered:
            head += (
                f" couvert par un diagnostic existant ({diagnostic.covered_by}, "
                f"{format_date(diagnostic.covered_on)})"
            )
        elif diagnostic.validated_at:
            head += f" validé le {format_date(timezone.localtime(diagnostic.validated_at))}"
        if diagnostic.provider:
            head += f" ({diagnostic.provider})"
        lines = [head]
        if diagnostic.overall_risk:
            lines.append(f"Risque global : {diagnostic.get_overall_risk_display().lower()}.")
        if diagnostic.recommendation:
            lines.append(f"Recommandation : {diagnostic.get_recommendation_display().lower()}.")
        if diagnostic.strengths:
            lines.append(f"Points forts : {diagnostic.strengths.strip()}")
        if diagnostic.weaknesses:
            lines.append(f"Points de vigilance : {diagnostic.weaknesses.strip()}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _latest_recommendations(diagnostics: Sequence[Diagnostic]) -> dict[str, AxisRecommendation]:
    """One recommendation per axis: the latest validated diagnostic's wins."""
    by_axis = {}
    for diagnostic in diagnostics:
        for recommendation in diagnostic.axis_recommendations.all():
            by_axis[recommendation.axis] = recommendation
    return {axis: by_axis[axis] for axis in Axis.values if axis in by_axis}


def suggested_provider(axis: str, diagnostic: Diagnostic | None) -> Provider | None:
    """The diagnostic's provider if it covers the axis, else the only provider that does."""
    if diagnostic is not None and diagnostic.provider and axis in diagnostic.provider.axes:
        return diagnostic.provider
    covering = [provider for provider in Provider.objects.all() if axis in (provider.axes or [])]
    return covering[0] if len(covering) == 1 else None


@transaction.atomic
def plan_create(
    *, structure: Structure, campaign: Campaign, actor: User, first_year: int | None = None
) -> DraftedPlan:
    """Draft the plan from the validated diagnostics' recommendations, to be edited next.

    An axis that may not start yet (C before the selection, say) is not turned
    into an action: the coordinator reads why in ``skipped``.
    """
    if not actor.has_perm("accompaniment.add_plan"):
        raise PermissionDenied("Seule la coordination rédige les plans de développement.")
    dossier = Dossier.objects.filter(structure=structure, campaign=campaign).first()
    if first_year is None:
        move_in = dossier.expected_move_in if dossier else None
        first_year = (move_in or timezone.localdate()).year
    diagnostics = concluded_diagnostics(structure, campaign)
    recommendations = _latest_recommendations(diagnostics)

    plan = DevelopmentPlan(
        structure=structure,
        campaign=campaign,
        first_year=first_year,
        created_by=actor,
        diagnostic_summary=_diagnostic_summary(diagnostics),
        objectives="\n".join(
            f"{Axis(axis).label} : {recommendation.reason}"
            for axis, recommendation in recommendations.items()
        ),
    )
    plan.full_clean()
    plan.save()
    plan.diagnostics.set(diagnostics)

    observations = {}
    for diagnostic in diagnostics:
        for score in diagnostic.scores.all():
            if score.observations.strip():
                observations[score.theme] = score.observations.strip()
    PlanTheme.objects.bulk_create(
        PlanTheme(
            plan=plan,
            theme=theme,
            findings="\n".join(
                observations[source] for source in THEME_SOURCES[theme] if source in observations
            ),
        )
        for theme in SecuringTheme.values
    )
    BudgetLine.objects.bulk_create(BudgetLine(plan=plan, item=item) for item in BudgetItem.values)
    declared = {}
    if dossier is not None:
        for need in dossier.financing_needs.all():
            item = NEED_SOURCES.get(need.category)
            if item:
                declared[item] = need.amount
    FinancingLine.objects.bulk_create(
        FinancingLine(plan=plan, item=item, year_n=declared.get(item, Decimal("0")))
        for item in FinancingItem.values
    )

    drafted = DraftedPlan(plan=plan)
    for position, (axis, recommendation) in enumerate(recommendations.items()):
        decision = start_decision(axis, structure=structure, campaign=campaign)
        if not decision:
            drafted.skipped.append(
                f"{Axis(axis).label} ({format_number(recommendation.days, 1)} j) : "
                f"{decision.reason}"
            )
            continue
        provider = suggested_provider(axis, recommendation.diagnostic)
        action = PlanAction(
            plan=plan,
            axis=axis,
            title=Axis(axis).label.split(". ", 1)[-1],
            description=recommendation.reason,
            provider=provider,
            planned_days=recommendation.days,
            daily_rate=provider.daily_rate if provider else None,
            source_recommendation=recommendation,
            position=position,
        )
        action.full_clean()
        action.save()
    PLAN_WORKFLOW.record_event(plan, actor=actor, event="create")
    # What the selection committee recommended before the plan existed joins it now.
    drafted.skipped += committee_recommendations_place_pending(plan=plan, actor=actor)
    return drafted


def check_plan_editable(plan: DevelopmentPlan, actor: User) -> None:
    if not actor.has_perm("accompaniment.change_plan", plan):
        raise PermissionDenied("Seule la coordination modifie le plan.")
    if not plan.is_draft:
        raise TransitionRefused(
            f"Le plan ne peut plus être modifié : il est « {plan.get_status_display()} ». "
            "Reprenez-le en brouillon pour le modifier."
        )


@transaction.atomic
def plan_update(
    *,
    plan: DevelopmentPlan,
    actor: User,
    first_year: int,
    diagnostic_summary: str,
    objectives: str,
) -> DevelopmentPlan:
    check_plan_editable(plan, actor)
    plan.first_year = first_year
    plan.diagnostic_summary = diagnostic_summary.strip()
    plan.objectives = objectives.strip()
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_update_themes(
    *, plan: DevelopmentPlan, actor: User, themes: Mapping[str, tuple[str, str]]
) -> DevelopmentPlan:
    """``themes``: {theme code: (findings, intended changes)} for the five securing themes."""
    check_plan_editable(plan, actor)
    for theme in plan.themes.all():
        if theme.theme in themes:
            findings, changes = themes[theme.theme]
            theme.findings, theme.intended_changes = findings.strip(), changes.strip()
            theme.full_clean()
            theme.save()
    plan.save(update_fields=["updated_at"])
    return plan


def _update_amounts(lines, amounts: Mapping[str, Sequence[Decimal | None]]) -> None:
    for line in lines:
        if line.item not in amounts:
            continue
        line.year_n, line.year_n1, line.year_n2 = (
            value if value is not None else Decimal("0") for value in amounts[line.item]
        )
        line.full_clean()
        line.save()


@transaction.atomic
def plan_update_budget(
    *, plan: DevelopmentPlan, actor: User, amounts: Mapping[str, Sequence[Decimal | None]]
) -> DevelopmentPlan:
    """``amounts``: {budget item: (N, N+1, N+2)} in euros."""
    check_plan_editable(plan, actor)
    _update_amounts(plan.budget_lines.all(), amounts)
    plan.save(update_fields=["updated_at"])
    return plan


@transaction.atomic
def plan_update_financing(
    *, plan: DevelopmentPlan, actor: User, amounts: Mapping[str, Sequence[Decimal | None]]
) -> DevelopmentPlan:
    """``amounts``: {financing item: (N, N+1, N+2)}; may be saved unbalanced, not proposed."""
    check_plan_editable(plan, actor)
    _update_amounts(plan.financing_lines.all(), amounts)
    plan.save(update_fields=["updated_at"])
    return plan


@transaction.atomic
def plan_transition(
    *, plan: DevelopmentPlan, actor: User, action: str, comment: str = ""
) -> PlanTransition:
    """Move the plan along its workflow: the table's row says what else happens."""
    return PLAN_WORKFLOW.perform(plan, actor=actor, action=action, comment=comment)


def plan_start_on_first_session(*, plan: DevelopmentPlan, actor: User) -> None:
    """An agreed plan is in progress once its first session is held: the step follows from
    the session the actor was allowed to record, so no permission of its own is asked."""
    with transaction.atomic():
        status = DevelopmentPlan.objects.select_for_update().values_list("status", flat=True)
        if status.get(pk=plan.pk) == PlanStatus.AGREED:
            PLAN_WORKFLOW.perform(
                plan,
                actor=actor,
                action="start",
                comment="Première séance réalisée.",
                check_permission=False,
            )


@transaction.atomic
def follow_up_record(
    *,
    plan: DevelopmentPlan,
    actor: User,
    what_changed: str,
    jobs_fte: Decimal | None,
    turnover_trend: str,
) -> FollowUp:
    """The six-month follow-up point: what changed, jobs, turnover trend."""
    if not actor.has_perm("accompaniment.record_follow_up", plan):
        raise PermissionDenied("Seule la coordination enregistre le point de suivi.")
    if plan.status != PlanStatus.COMPLETED:
        raise TransitionRefused("Le point de suivi se fait une fois le plan terminé.")
    follow_up = plan.follow_up
    if not what_changed.strip():
        raise ValidationError({"what_changed": "Décrivez ce qui a changé depuis la fin du plan."})
    follow_up.what_changed = what_changed.strip()
    follow_up.jobs_fte = jobs_fte
    follow_up.turnover_trend = turnover_trend
    follow_up.recorded_by = actor
    follow_up.recorded_at = timezone.now()
    follow_up.full_clean()
    follow_up.save()
    return follow_up
