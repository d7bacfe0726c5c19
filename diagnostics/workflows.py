"""The diagnostic workflow, as a table (DOMAIN.md, axis A): one row per transition.

requested → accepted | declined | covered → assigned → in_progress → delivered → validated.
The provider may decline an assignment (back to « accepted », in the queue, with its
reason); the coordination may send a delivered diagnostic back to the provider with
comments. The engine tells each row's audience, keeping only those who may read the
diagnostic: the structure never hears of an assessment before it is published.
"""

from applicants import people
from ccr_portal.workflow import STAYS, Notice, Transition, Workflow

from . import effects
from .models import DiagnosticStatus as S
from .models import DiagnosticTransition

TRIAGE = "diagnostics.triage_diagnostic"

DIAGNOSTIC_WORKFLOW = Workflow(
    name="diagnostic",
    history=DiagnosticTransition,
    status_labels=dict(S.choices),
    view_permission="diagnostics.view_diagnostic",
    notice=Notice(effects.status_notice),
    comment_missing="Expliquez pourquoi : ce texte est transmis.",
    lock_related=("structure", "provider", "consultant"),
    events={
        "request": "Demande de la structure",
        "order": "Commande d'un diagnostic d'instruction",
        "sign_off": "Conclusions confirmées par la structure",
        "consent_granted": "Partage avec le comité accordé",
        "consent_revoked": "Partage avec le comité retiré",
    },
    transitions=[
        Transition(
            "accept",
            {S.REQUESTED},
            S.ACCEPTED,
            permission=TRIAGE,
            label="Accepter la demande",
            description="La coordination a accepté la demande de diagnostic.",
            style="success",
            audience=(people.structure_members,),
        ),
        Transition(
            "decline",
            {S.REQUESTED},
            S.DECLINED,
            permission=TRIAGE,
            label="Refuser la demande",
            description="La coordination a refusé la demande de diagnostic.",
            needs_reason=True,
            style="danger",
            reason_label="Motif du refus (transmis à la structure)",
            effect=effects.keep_decline_reason,
            audience=(people.structure_members,),
        ),
        Transition(
            "cover",
            {S.REQUESTED, S.ACCEPTED},
            S.COVERED,
            permission=TRIAGE,
            label="Marquer comme couvert par un diagnostic existant",
            description="Un diagnostic existant couvre la demande : il n'est pas refait.",
            style="secondary",
            guard=effects.check_cover,
            effect=effects.keep_cover,
            audience=(people.structure_members,),
        ),
        Transition(
            "assign",
            {S.ACCEPTED},
            S.ASSIGNED,
            permission="diagnostics.assign_diagnostic",
            label="Affecter à un prestataire",
            description="Le diagnostic est confié à un prestataire.",
            guard=effects.check_assignment,
            effect=effects.keep_assignment,
            audience=(people.provider_consultants, people.structure_members),
        ),
        Transition(
            "reassign",
            {S.ASSIGNED, S.IN_PROGRESS},
            S.ASSIGNED,
            permission="diagnostics.assign_diagnostic",
            label="Réaffecter le diagnostic",
            description="Le diagnostic est confié à un autre prestataire ou consultant.",
            needs_reason=True,
            style="warning",
            reason_label="Motif du changement (transmis aux deux prestataires)",
            guard=effects.check_reassignment,
            effect=effects.keep_reassignment,
            # Both providers: the one it leaves and the one that must now accept it.
            audience=(
                people.released_provider_consultants,
                people.provider_consultants,
                people.structure_members,
            ),
        ),
        Transition(
            "move_due_date",
            {S.ASSIGNED, S.IN_PROGRESS},
            STAYS,
            permission="diagnostics.assign_diagnostic",
            label="Déplacer l'échéance",
            description="L'échéance du diagnostic a changé.",
            needs_reason=True,
            style="secondary",
            reason_label="Motif (transmis au prestataire)",
            guard=effects.check_due_date,
            effect=effects.keep_due_date,
            audience=(people.provider_consultants,),
        ),
        Transition(
            "accept_assignment",
            {S.ASSIGNED},
            S.IN_PROGRESS,
            permission="diagnostics.respond_assignment",
            label="Accepter l'affectation",
            description="Le prestataire a accepté le diagnostic.",
            style="success",
            effect=effects.take_assignment,
            audience=(people.coordinators,),
        ),
        Transition(
            "decline_assignment",
            {S.ASSIGNED},
            S.ACCEPTED,
            permission="diagnostics.respond_assignment",
            label="Refuser l'affectation",
            description="Le prestataire a refusé le diagnostic : il revient dans la file.",
            needs_reason=True,
            style="danger",
            reason_label="Motif du refus (transmis à la coordination)",
            confirm=(
                "Le diagnostic quitte vos affectations et revient dans la file de la "
                "coordination, qui le confiera à un autre prestataire."
            ),
            effect=effects.release_assignment,
            audience=(people.coordinators,),
        ),
        Transition(
            "deliver",
            {S.IN_PROGRESS},
            S.DELIVERED,
            permission="diagnostics.fill_grid",
            label="Remettre le diagnostic",
            description="Le prestataire a remis le diagnostic.",
            style="success",
            confirm=(
                "Une fois remis, le diagnostic n'est plus modifiable : la coordination le valide "
                "ou vous le renvoie avec ses remarques, et la structure lit ses conclusions."
            ),
            guard=effects.require_complete_grid,
            effect=effects.stamp_delivered,
            audience=(people.coordinators, people.structure_members),
        ),
        Transition(
            "validate",
            {S.DELIVERED},
            S.VALIDATED,
            permission="diagnostics.validate_diagnostic",
            label="Valider le diagnostic",
            description="La coordination a validé le diagnostic.",
            style="success",
            effect=effects.stamp_validated,
            audience=(people.structure_members, people.provider_consultants),
        ),
        Transition(
            "return",
            {S.DELIVERED},
            S.IN_PROGRESS,
            permission="diagnostics.validate_diagnostic",
            label="Renvoyer au prestataire",
            description="La coordination renvoie le diagnostic au prestataire avec ses remarques.",
            needs_reason=True,
            style="warning",
            reason_label="Remarques pour le prestataire",
            effect=effects.reopen_sign_off,
            audience=(people.provider_consultants,),
        ),
    ],
)

# Actions done from a plain button or a short form with a comment; « cover »,
# « assign » and « deliver » have their own forms.
SIMPLE_ACTIONS = (
    "accept",
    "decline",
    "accept_assignment",
    "decline_assignment",
    "validate",
    "return",
)

# What happens next, in plain French, by status.
NEXT_STEP = {
    S.REQUESTED: "La demande attend l'examen de la coordination.",
    S.ACCEPTED: "La demande est acceptée : la coordination va la confier à un prestataire.",
    S.DECLINED: "La demande a été refusée.",
    S.COVERED: "Un diagnostic existant couvre la demande : il n'est pas refait.",
    S.ASSIGNED: "Le prestataire doit accepter le diagnostic.",
    S.IN_PROGRESS: "Le prestataire réalise le diagnostic.",
    S.DELIVERED: (
        "Le diagnostic est remis : la coordination le valide et la structure confirme "
        "ses conclusions."
    ),
    S.VALIDATED: "Le diagnostic est validé.",
}
