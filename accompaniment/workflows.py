"""The development plan's workflow, as a table (DOMAIN.md, "Accompaniment plan")."""

from applicants import people
from ccr_portal.workflow import Notice, Transition, Workflow

from . import effects
from .models import PlanStatus as S
from .models import PlanTransition

PLAN_WORKFLOW = Workflow(
    name="development_plan",
    history=PlanTransition,
    status_labels=dict(S.choices),
    view_permission="accompaniment.view_plan",
    notice=Notice(effects.status_notice),
    comment_missing="Expliquez les modifications que vous souhaitez.",
    lock_related=("structure", "campaign"),
    events={
        "create": "Plan créé",
        "committee_action": "Action recommandée par le comité de sélection ajoutée",
    },
    transitions=[
        Transition(
            "propose",
            {S.DRAFT},
            S.PROPOSED,
            permission="accompaniment.propose_plan",
            label="Proposer le plan à la structure",
            description="La coordination propose le plan à la structure.",
            guard=effects.require_proposable,
            effect=effects.propose,
            audience=(people.structure_editors,),
        ),
        Transition(
            "withdraw",
            {S.PROPOSED},
            S.DRAFT,
            permission="accompaniment.withdraw_plan",
            label="Reprendre le plan en brouillon",
            description="La coordination reprend le plan pour le modifier.",
            style="secondary",
            effect=effects.back_to_draft,
            audience=(people.structure_editors,),
        ),
        Transition(
            "request_changes",
            {S.PROPOSED},
            S.DRAFT,
            permission="accompaniment.request_plan_changes",
            label="Demander des modifications",
            description="La structure demande des modifications du plan.",
            needs_reason=True,
            style="warning",
            reason_label="Les modifications que vous souhaitez",
            effect=effects.back_to_draft,
            audience=(people.instructors,),
        ),
        Transition(
            "agree",
            {S.PROPOSED},
            S.AGREED,
            permission="accompaniment.agree_plan",
            label="Valider le plan",
            description="La structure valide le plan.",
            style="success",
            confirm=(
                "En validant le plan, la structure s'engage dans l'accompagnement décrit : il ne "
                "pourra plus être modifié, et les séances peuvent commencer."
            ),
            effect=effects.agree,
            audience=(people.instructors,),
        ),
        Transition(
            "start",
            {S.AGREED},
            S.IN_PROGRESS,
            permission="accompaniment.start_plan",
            label="Démarrer l'accompagnement",
            description="L'accompagnement a commencé.",
            effect=effects.stamp_started,
            audience=(people.structure_members,),
        ),
        Transition(
            "complete",
            {S.IN_PROGRESS},
            S.COMPLETED,
            permission="accompaniment.complete_plan",
            label="Clore le plan",
            description="Le plan est terminé ; un point de suivi est prévu six mois plus tard.",
            style="success",
            effect=effects.complete,
            audience=(people.structure_members,),
        ),
    ],
)

# What the structure reads about its plan, by status.
NEXT_STEP = {
    S.DRAFT: "La coordination prépare le plan à partir des diagnostics.",
    S.PROPOSED: (
        "Le plan vous est proposé : lisez-le, puis validez-le ou demandez des modifications."
    ),
    S.AGREED: "Vous avez validé le plan : les séances vont commencer.",
    S.IN_PROGRESS: "L'accompagnement est en cours : les séances réalisées s'affichent ici.",
    S.COMPLETED: "Le plan est terminé : un point de suivi aura lieu six mois après.",
}
# Once the follow-up point is recorded, the completed plan's next step is behind it.
FOLLOWED_UP = "Le plan est terminé et son point de suivi à six mois est enregistré."

# What the coordination reads about a plan, by status.
COORDINATION_NEXT_STEP = {
    S.DRAFT: "Complétez le plan (thèmes, budget, financement, actions), puis proposez-le.",
    S.PROPOSED: (
        "Le plan est proposé à la structure : elle le valide ou demande des modifications."
    ),
    S.AGREED: "La structure a validé le plan : l'accompagnement démarre à la première séance.",
    S.IN_PROGRESS: "L'accompagnement est en cours : les séances réalisées s'affichent ici.",
    S.COMPLETED: "Le plan est terminé : enregistrez le point de suivi six mois après.",
}
