"""The committee's recommendations of axes, and the plan actions they become (once each).

The selection committee's decisions call ``committee_recommendation_apply`` (the
committee app sits above this one and has checked its own permission to decide); the
drafting of a plan calls ``committee_recommendations_place_pending`` for the ones that
were waiting for a plan. Either way a recommendation becomes at most one action.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from applicants.models import Dossier
from ccr_portal.axes import Axis
from ccr_portal.users.models import User

from ..models import CommitteeRecommendation, DevelopmentPlan, PlanAction, PlanStatus
from ..start_rules import start_decision
from ..workflows import PLAN_WORKFLOW

NO_PLAN_YET = (
    "La structure n'a pas encore de plan de développement : l'action y sera ajoutée quand la "
    "coordination le rédigera."
)


@transaction.atomic
def committee_recommendation_apply(
    *,
    dossier: Dossier,
    axis: str,
    actor: User,
    origin: str,
    note: str = "",
    is_condition: bool = False,
    planned_days: Decimal = Decimal("2"),
) -> CommitteeRecommendation:
    """Record what the committee recommends on ``axis`` and put it in the structure's plan.

    Called by the committee's decision, in its transaction. Recording the same axis again
    updates the recommendation and never adds a second action.
    """
    recommendation, _ = CommitteeRecommendation.objects.select_for_update().get_or_create(
        dossier=dossier, axis=axis, defaults={"recorded_by": actor}
    )
    recommendation.note = note.strip()
    recommendation.origin = origin
    recommendation.is_condition = is_condition
    recommendation.planned_days = planned_days
    recommendation.recorded_by = actor
    recommendation.recorded_at = timezone.now()
    if recommendation.action_id is None:
        plan = (
            DevelopmentPlan.objects.select_for_update()
            .filter(structure_id=dossier.structure_id, campaign_id=dossier.campaign_id)
            .first()
        )
        _place(recommendation, plan, actor)
    recommendation.full_clean()
    recommendation.save()
    return recommendation


def committee_recommendations_place_pending(*, plan: DevelopmentPlan, actor: User) -> list[str]:
    """The waiting recommendations of the plan's dossier become its actions; returns the
    French reasons of those that still cannot (an axis that may not start yet)."""
    waiting = CommitteeRecommendation.objects.select_for_update().filter(
        dossier__structure_id=plan.structure_id,
        dossier__campaign_id=plan.campaign_id,
        action__isnull=True,
    )
    skipped = []
    for recommendation in waiting:
        _place(recommendation, plan, actor)
        recommendation.save()
        if recommendation.action_id is None:
            skipped.append(
                f"{Axis(recommendation.axis).label} (recommandé par le comité) : "
                f"{recommendation.pending_reason}"
            )
    return skipped


def _place(recommendation: CommitteeRecommendation, plan: DevelopmentPlan | None, actor) -> None:
    """Add the recommended action to ``plan`` if the axis may start, else say why it waits."""
    from .plans import suggested_provider

    if plan is None:
        recommendation.pending_reason = NO_PLAN_YET
        return
    if plan.status == PlanStatus.COMPLETED:
        recommendation.pending_reason = (
            "Le plan de développement est terminé : prévoyez cette action avec la structure."
        )
        return
    decision = start_decision(recommendation.axis, structure=plan.structure, campaign=plan.campaign)
    if not decision:
        recommendation.pending_reason = decision.reason
        return
    origin = "\n".join(part for part in (recommendation.origin, recommendation.note) if part)
    if plan.status == PlanStatus.DRAFT:
        # A draft drafted from the diagnostics may already plan this axis: the committee's
        # word joins that action instead of doubling it.
        same_axis = (
            plan.actions.filter(axis=recommendation.axis, committee_recommendation__isnull=True)
            .order_by("position", "pk")
            .first()
        )
        if same_axis is not None:
            same_axis.description = "\n".join(
                part for part in (same_axis.description, origin) if part
            )
            same_axis.full_clean()
            same_axis.save()
            recommendation.action = same_axis
            recommendation.pending_reason = ""
            return
    provider = suggested_provider(recommendation.axis, None)
    label = Axis(recommendation.axis).label.split(". ", 1)[-1]
    action = PlanAction(
        plan=plan,
        axis=recommendation.axis,
        title=f"{label} ({'condition' if recommendation.is_condition else 'recommandation'} "
        "du comité)",
        description=origin,
        provider=provider,
        planned_days=recommendation.planned_days,
        daily_rate=provider.daily_rate if provider else None,
        position=plan.actions.count(),
    )
    action.full_clean()
    action.save()
    recommendation.action = action
    recommendation.pending_reason = ""
    PLAN_WORKFLOW.record_event(plan, actor=actor, event="committee_action", comment=action.title)
