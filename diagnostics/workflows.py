"""The diagnostic workflow, as a table (DOMAIN.md, axis A).

requested → accepted | declined | covered → assigned → in_progress → delivered → validated.
The provider may decline an assignment (back to « accepted », in the queue,
with its reason); the coordination may send a delivered diagnostic back to
the provider with comments.
"""

from ccr_portal.workflow import Transition, Workflow

from .models import DiagnosticStatus as S

TRIAGE = "diagnostics.triage_diagnostic"

DIAGNOSTIC_WORKFLOW = Workflow(
    name="diagnostic",
    status_labels=dict(S.choices),
    transitions=[
        Transition(
            "accept",
            {S.REQUESTED},
            S.ACCEPTED,
            permission=TRIAGE,
            label="Accepter la demande",
            description="La coordination a accepté la demande de diagnostic.",
            style="success",
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
        ),
        Transition(
            "cover",
            {S.REQUESTED, S.ACCEPTED},
            S.COVERED,
            permission=TRIAGE,
            label="Marquer comme couvert par un diagnostic existant",
            description="Un diagnostic existant couvre la demande : il n'est pas refait.",
            style="secondary",
        ),
        Transition(
            "assign",
            {S.ACCEPTED},
            S.ASSIGNED,
            permission="diagnostics.assign_diagnostic",
            label="Affecter à un prestataire",
            description="Le diagnostic est confié à un prestataire.",
        ),
        Transition(
            "accept_assignment",
            {S.ASSIGNED},
            S.IN_PROGRESS,
            permission="diagnostics.respond_assignment",
            label="Accepter l'affectation",
            description="Le prestataire a accepté le diagnostic.",
            style="success",
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
        ),
        Transition(
            "deliver",
            {S.IN_PROGRESS},
            S.DELIVERED,
            permission="diagnostics.fill_grid",
            label="Remettre le diagnostic",
            description="Le prestataire a remis le diagnostic.",
            style="success",
        ),
        Transition(
            "validate",
            {S.DELIVERED},
            S.VALIDATED,
            permission="diagnostics.validate_diagnostic",
            label="Valider le diagnostic",
            description="La coordination a validé le diagnostic.",
            style="success",
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

# The label of the comment asked by an action that needs one.
REASON_LABELS = {
    "decline": "Motif du refus (transmis à la structure)",
    "decline_assignment": "Motif du refus (transmis à la coordination)",
    "return": "Remarques pour le prestataire",
}

# What happens next, in plain French, by status.
NEXT_STEP = {
    S.REQUESTED: "La demande attend l'examen de la coordination.",
    S.ACCEPTED: "La demande est acceptée : la coordination va la confier à un prestataire.",
    S.DECLINED: "La demande a été refusée.",
    S.COVERED: "Un diagnostic existant couvre la demande : il n'est pas refait.",
    S.ASSIGNED: "Le prestataire doit accepter le diagnostic.",
    S.IN_PROGRESS: "Le prestataire réalise le diagnostic.",
    S.DELIVERED: (
        "Le diagnostic est remis : la coordination le valide et la structure partage ses "
        "conclusions."
    ),
    S.VALIDATED: "Le diagnostic est validé.",
}
