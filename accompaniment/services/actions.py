"""The plan's actions: planned per axis with a provider, completed, then rated by the structure."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applicants.people import structure_editors
from ccr_portal.axes import Axis
from ccr_portal.notifications.services import notify_many
from ccr_portal.users.models import Provider, User
from ccr_portal.workflow import TransitionRefused

from ..models import (
    ActionStatus,
    DevelopmentPlan,
    Format,
    PlanAction,
    PlanStatus,
    SatisfactionAnswer,
)
from ..start_rules import check_can_start
from .plans import check_plan_editable


def _fill(
    action: PlanAction,
    *,
    axis: str,
    title: str,
    description: str,
    provider: Provider | None,
    format: str,
    planned_days: Decimal,
) -> PlanAction:
    plan = action.plan
    check_can_start(axis, structure=plan.structure, campaign=plan.campaign, field="axis")
    if provider is not None:
        if axis not in (provider.axes or []):
            raise ValidationError(
                {
                    "provider": f"{provider} ne couvre pas l'axe « {Axis(axis).label} » : "
                    "choisissez un prestataire qui le couvre, ou complétez sa fiche."
                }
            )
        if provider.daily_rate is None:
            raise ValidationError(
                {
                    "provider": f"{provider} n'a pas de tarif journalier : renseignez-le sur sa "
                    "fiche pour calculer le coût de l'action."
                }
            )
    action.axis = axis
    action.title = title.strip()
    action.description = description.strip()
    # A new provider brings its current rate; an unchanged one keeps the planned rate.
    if provider is None:
        action.daily_rate = None
    elif action.provider_id != provider.pk or action.daily_rate is None:
        action.daily_rate = provider.daily_rate
    action.provider = provider
    action.format = format or Format.INDIVIDUAL
    action.planned_days = planned_days
    action.full_clean()
    action.save()
    plan.save(update_fields=["updated_at"])
    return action


@transaction.atomic
def action_add(
    *,
    plan: DevelopmentPlan,
    actor: User,
    axis: str,
    title: str,
    planned_days: Decimal,
    provider: Provider | None = None,
    format: str = Format.INDIVIDUAL,
    description: str = "",
) -> PlanAction:
    """Add an action to a draft plan; refused with the reason when its axis may not start."""
    check_plan_editable(plan, actor)
    position = plan.actions.count()
    return _fill(
        PlanAction(plan=plan, position=position),
        axis=axis,
        title=title,
        description=description,
        provider=provider,
        format=format,
        planned_days=planned_days,
    )


@transaction.atomic
def action_update(
    *,
    action: PlanAction,
    actor: User,
    axis: str,
    title: str,
    planned_days: Decimal,
    provider: Provider | None,
    format: str,
    description: str = "",
) -> PlanAction:
    check_plan_editable(action.plan, actor)
    return _fill(
        action,
        axis=axis,
        title=title,
        description=description,
        provider=provider,
        format=format,
        planned_days=planned_days,
    )


@transaction.atomic
def action_delete(*, action: PlanAction, actor: User) -> None:
    check_plan_editable(action.plan, actor)
    plan = action.plan
    action.delete()
    plan.save(update_fields=["updated_at"])


@transaction.atomic
def action_complete(*, action: PlanAction, actor: User) -> PlanAction:
    """The provider (or the coordination) marks the action done; the structure then rates it."""
    action = (
        PlanAction.objects.select_for_update().select_related("plan__structure").get(pk=action.pk)
    )
    if not actor.has_perm("accompaniment.complete_action", action):
        raise PermissionDenied("Seul le prestataire de l'action ou la coordination peut la clore.")
    if action.plan.status != PlanStatus.IN_PROGRESS:
        raise TransitionRefused(
            f"L'action ne peut être close que pendant l'accompagnement : le plan est "
            f"« {action.plan.get_status_display()} »."
        )
    if action.is_completed:
        raise TransitionRefused("Cette action est déjà réalisée.")
    action.status = ActionStatus.COMPLETED
    action.completed_at = timezone.now()
    action.completed_by = actor
    action.full_clean()
    action.save()
    notify_many(
        recipients=structure_editors(action.plan),
        subject=f"Donnez votre avis sur l'action « {action.title} »",
        template="accompaniment_action_completed",
        context={
            "structure": action.plan.structure.name,
            "action": action.title,
            "axis": action.get_axis_display(),
            "provider": str(action.provider) if action.provider else "",
        },
        url=reverse("accompaniment:action-rate", kwargs={"pk": action.pk}),
    )
    return action


@transaction.atomic
def satisfaction_record(
    *,
    action: PlanAction,
    actor: User,
    usefulness: int,
    would_recommend: int,
    comment: str = "",
) -> SatisfactionAnswer:
    """The structure rates a completed action, once."""
    action = (
        PlanAction.objects.select_for_update().select_related("plan__structure").get(pk=action.pk)
    )
    if not actor.has_perm("accompaniment.rate_action", action):
        raise PermissionDenied("Seul un éditeur de la structure peut donner son avis.")
    if not action.is_completed:
        raise TransitionRefused("Vous pourrez donner votre avis une fois l'action réalisée.")
    if SatisfactionAnswer.objects.filter(action=action).exists():
        raise TransitionRefused("Votre avis sur cette action est déjà enregistré.")
    answer = SatisfactionAnswer(
        action=action,
        usefulness=usefulness,
        would_recommend=would_recommend,
        comment=comment.strip(),
        answered_by=actor,
    )
    answer.full_clean()
    answer.save()
    return answer
