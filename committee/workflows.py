"""The committee's two life cycles, as tables (DOMAIN.md, "The selection committee").

A meeting: scheduled → held (the opinions are locked) → closed (the minutes are
published); a scheduled meeting may be cancelled, with a reason. A decision: prepared,
then recorded at the meeting (the dossier moves through its own workflow, the recommended
accompaniment joins the plan), then its letter is sent to the structure.
"""

from applicants import people
from ccr_portal.workflow import Notice, Transition, Workflow

from . import effects
from .models import DecisionStatus as D
from .models import DecisionTransition, MeetingTransition
from .models import MeetingStatus as M

MEETING_WORKFLOW = Workflow(
    name="committee_meeting",
    history=MeetingTransition,
    status_labels=dict(M.choices),
    view_permission="committee.view_meeting",
    notice=Notice(effects.meeting_notice),
    comment_missing="Expliquez pourquoi la séance est annulée : ce texte est transmis aux membres.",
    lock_related=("campaign",),
    events={
        "schedule": "Séance programmée",
        "update": "Séance modifiée",
        "agenda": "Ordre du jour modifié",
        "attendance": "Présences relevées",
        "packs": "Dossiers de séance préparés",
    },
    transitions=[
        Transition(
            "hold",
            {M.SCHEDULED},
            M.HELD,
            permission="committee.hold_meeting",
            label="Déclarer la séance tenue",
            description="La séance s'est tenue : les avis sont figés, les décisions peuvent "
            "être enregistrées.",
            guard=effects.require_meeting_day,
            effect=effects.stamp_held,
        ),
        Transition(
            "close",
            {M.HELD},
            M.CLOSED,
            permission="committee.close_meeting",
            label="Clore la séance et publier le procès-verbal",
            description="La séance est close : le procès-verbal est publié.",
            style="success",
            guard=effects.require_all_decided,
            effect=effects.publish_minutes,
            audience=(people.committee_members,),
        ),
        Transition(
            "cancel",
            {M.SCHEDULED},
            M.CANCELLED,
            permission="committee.cancel_meeting",
            label="Annuler la séance",
            description="La séance est annulée.",
            needs_reason=True,
            style="danger",
            reason_label="Motif de l'annulation (transmis aux membres)",
            effect=effects.cancel_meeting,
            audience=(people.committee_members,),
        ),
    ],
)

DECISION_WORKFLOW = Workflow(
    name="committee_decision",
    history=DecisionTransition,
    status_labels=dict(D.choices),
    view_permission="committee.view_decision",
    notice=Notice(effects.letter_notice),
    lock_related=("item__meeting", "item__dossier__structure", "item__dossier__campaign"),
    transitions=[
        Transition(
            "record",
            {D.DRAFT},
            D.RECORDED,
            permission="committee.record_decision",
            label="Enregistrer la décision",
            description="La décision du comité de sélection est enregistrée.",
            style="success",
            guard=effects.require_decidable,
            effect=effects.apply_decision,
        ),
        Transition(
            "send_letter",
            {D.RECORDED},
            D.NOTIFIED,
            permission="committee.send_letter",
            label="Envoyer la lettre de décision",
            description="La lettre de décision est envoyée à la structure.",
            effect=effects.send_letter,
            audience=(people.structure_members,),
        ),
    ],
)
