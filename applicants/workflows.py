"""The dossier workflow, as a table (DOMAIN.md): one row per transition, run by the engine."""

from ccr_portal.workflow import Notice, Speaker, Transition, Workflow

from . import effects, people
from .models import DossierStatus as S
from .models import DossierTransition

INSTRUCT = "applicants.instruct_dossier"
DECIDE = "applicants.decide_dossier"

# The structure acts and the coordination hears of it; the coordination acts and the
# structure's members hear of it.
BY_STRUCTURE = {"speaker": Speaker.STRUCTURE, "audience": (people.instructors,)}
BY_COORDINATION = {"speaker": Speaker.COORDINATION, "audience": (people.structure_members,)}

DOSSIER_WORKFLOW = Workflow(
    name="dossier",
    history=DossierTransition,
    status_labels=dict(S.choices),
    view_permission="applicants.view_dossier",
    notice=Notice(effects.status_notice),
    announce=effects.post_in_thread,
    reasons=DossierTransition.Reason,
    reason_missing="Choisissez le motif de la demande.",
    comment_missing="Écrivez un message pour expliquer la demande.",
    comment_field="message",
    lock_related=("structure", "campaign"),
    transitions=[
        Transition(
            "submit",
            {S.DRAFT, S.CHANGES_REQUESTED},
            S.SUBMITTED,
            permission="applicants.submit_dossier",
            label="Déposer le dossier",
            description="Le dossier a été déposé auprès de la coordination.",
            guard=effects.require_complete,
            effect=effects.stamp_submitted,
            receipt=effects.RECEIPT,
            receipt_audience=(people.structure_members,),
            **BY_STRUCTURE,
        ),
        Transition(
            "request_changes",
            {S.SUBMITTED, S.UNDER_REVIEW},
            S.CHANGES_REQUESTED,
            permission=INSTRUCT,
            label="Demander des compléments",
            description="La coordination demande des compléments.",
            needs_reason=True,
            style="warning",
            reason_label="Message à la structure",
            reason_help="Dites précisément ce qui manque ou doit changer.",
            **BY_COORDINATION,
        ),
        Transition(
            "start_review",
            {S.SUBMITTED},
            S.UNDER_REVIEW,
            permission=INSTRUCT,
            label="Passer en instruction",
            description="Le dossier est en cours d'instruction.",
            **BY_COORDINATION,
        ),
        Transition(
            "send_to_committee",
            {S.UNDER_REVIEW},
            S.IN_COMMITTEE,
            permission=INSTRUCT,
            guard=effects.require_assessment_or_override,
            label="Transmettre au comité de sélection",
            description="Le dossier est transmis au comité de sélection.",
            **BY_COORDINATION,
        ),
        Transition(
            "accept",
            {S.IN_COMMITTEE, S.WAITLISTED},
            S.ACCEPTED,
            permission=DECIDE,
            guard=effects.require_assessment_or_override,
            label="Enregistrer : retenu",
            description="Le comité de sélection a retenu la candidature.",
            style="success",
            **BY_COORDINATION,
        ),
        Transition(
            "waitlist",
            {S.IN_COMMITTEE},
            S.WAITLISTED,
            permission=DECIDE,
            guard=effects.require_assessment_or_override,
            label="Enregistrer : liste d'attente",
            description="La candidature est placée sur liste d'attente.",
            style="secondary",
            **BY_COORDINATION,
        ),
        Transition(
            "reject",
            {S.IN_COMMITTEE, S.WAITLISTED},
            S.REJECTED,
            permission=DECIDE,
            guard=effects.require_assessment_or_override,
            label="Enregistrer : non retenu",
            description="La candidature n'a pas été retenue.",
            style="danger",
            **BY_COORDINATION,
        ),
        Transition(
            "mark_installed",
            {S.ACCEPTED},
            S.INSTALLED,
            permission=INSTRUCT,
            label="Confirmer l'installation dans la CCR",
            description="La structure est installée dans la CCR.",
            style="success",
            **BY_COORDINATION,
        ),
        Transition(
            "withdraw",
            {S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.UNDER_REVIEW, S.IN_COMMITTEE},
            S.WITHDRAWN,
            permission="applicants.withdraw_dossier",
            label="Retirer la candidature",
            description="La structure a retiré sa candidature.",
            style="danger",
            confirm=(
                "Un dossier retiré ne peut plus être déposé ni examiné pour cet appel : la "
                "candidature de la structure s'arrête là."
            ),
            **BY_STRUCTURE,
        ),
    ],
)

# The steps into and out of the selection committee: each asks the decision checks.
COMMITTEE_ACTIONS = frozenset({"send_to_committee", "accept", "waitlist", "reject"})

# What the structure should do next, in plain French, by status.
NEXT_STEP = {
    S.DRAFT: "Complétez chaque rubrique et ajoutez les pièces demandées, puis déposez le dossier.",
    S.SUBMITTED: "Votre dossier est déposé : la coordination va l'examiner.",
    S.CHANGES_REQUESTED: (
        "La coordination demande des compléments : lisez son message, corrigez le dossier "
        "puis déposez-le à nouveau."
    ),
    S.UNDER_REVIEW: "Votre dossier est en instruction : la coordination peut vous écrire ici.",
    S.IN_COMMITTEE: "Votre dossier est soumis au comité de sélection.",
    S.ACCEPTED: "Votre candidature est retenue : l'accompagnement peut commencer.",
    S.WAITLISTED: (
        "Votre candidature est sur liste d'attente : la coordination vous tiendra informé."
    ),
    S.REJECTED: "Votre candidature n'a pas été retenue.",
    S.INSTALLED: "Votre structure est installée dans la CCR.",
    S.WITHDRAWN: "Vous avez retiré cette candidature.",
}
