"""What the plan workflow does besides moving the status: named on its table's rows."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ccr_portal.documents.services import document_request
from ccr_portal.formatting import with_preposition

from .arithmetic import add_months, unbalanced_message
from .documents import DEVELOPMENT_PLAN
from .models import DevelopmentPlan, FollowUp, PlanTransition
from .selectors import financing_table
from .start_rules import start_decision

FOLLOW_UP_MONTHS = 6


def proposal_problems(plan: DevelopmentPlan) -> list[str]:
    """Why the plan cannot be proposed as it is (French sentences), or nothing."""
    problems = []
    unbalanced = unbalanced_message(financing_table(plan).years)
    if unbalanced:
        problems.append(unbalanced)
    actions = list(plan.actions.select_related("provider"))
    if not actions:
        problems.append("Le plan ne comporte aucune action : ajoutez au moins une action.")
    for action in actions:
        if action.provider is None:
            problems.append(f"Choisissez le prestataire de l'action « {action.title} ».")
        elif action.daily_rate is None:
            problems.append(
                f"Le tarif journalier {with_preposition('de', action.provider)} manque "
                f"pour l'action « {action.title} »."
            )
    checked = set()
    for action in actions:
        if action.axis in checked:
            continue
        checked.add(action.axis)
        decision = start_decision(action.axis, structure=plan.structure, campaign=plan.campaign)
        if not decision:
            problems.append(decision.reason)
    return problems


def require_proposable(plan: DevelopmentPlan, *, actor, data) -> None:
    problems = proposal_problems(plan)
    if problems:
        raise ValidationError(["Le plan n'a pas été proposé.", *problems])


def _version(plan: DevelopmentPlan, actor) -> None:
    """A PDF of the plan as it stands: the version the structure reads, or agreed."""
    document_request(kind=DEVELOPMENT_PLAN, subject=plan, requested_by=actor)


def propose(plan: DevelopmentPlan, *, actor, record, data) -> None:
    plan.proposed_at = timezone.now()
    _version(plan, actor)


def back_to_draft(plan: DevelopmentPlan, *, actor, record, data) -> None:
    plan.proposed_at = None


def agree(plan: DevelopmentPlan, *, actor, record, data) -> None:
    plan.agreed_at, plan.agreed_by = timezone.now(), actor
    _version(plan, actor)


def stamp_started(plan: DevelopmentPlan, *, actor, record, data) -> None:
    plan.started_at = timezone.now()


def complete(plan: DevelopmentPlan, *, actor, record, data) -> None:
    """Closed: a follow-up point is due six months later."""
    now = timezone.now()
    plan.completed_at = now
    FollowUp.objects.update_or_create(
        plan=plan, defaults={"due_on": add_months(timezone.localdate(now), FOLLOW_UP_MONTHS)}
    )


def status_notice(plan: DevelopmentPlan, record: PlanTransition, transition, details) -> dict:
    return {
        "subject": f"Plan de développement ({plan.structure}) : "
        f"{record.get_to_status_display().lower()}",
        "template": "accompaniment_plan_status",
        "context": {
            "structure": plan.structure.name,
            "campaign": plan.campaign.title,
            "description": transition.description,
            "to_status": record.get_to_status_display(),
            "comment": record.comment,
            "action": record.action,
        },
        "url": reverse("accompaniment:plan-detail", kwargs={"pk": plan.pk}),
    }
