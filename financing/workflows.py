"""The financing request's life cycle, as a table (DOMAIN.md, "Financing request").

draft → submitted (pre-review by Regain) → changes_requested ↔ submitted → forwarded (to
the fund) → granted | declined; withdrawn by the structure before a decision.
"""

from applicants import people
from ccr_portal.workflow import Notice, Transition, Workflow

from . import effects
from .models import RequestStatus as S
from .models import RequestTransition
from .people import fund_officers

REQUEST_WORKFLOW = Workflow(
    name="financing_request",
    history=RequestTransition,
    status_labels=dict(S.choices),
    view_permission="financing.view_request",
    notice=Notice(effects.status_notice),
    announce=effects.announce,
    comment_missing="Expliquez pourquoi : ce texte est transmis.",
    lock_related=("structure", "campaign", "product__funder"),
    events={
        "create": "Demande créée",
        "update": "Demande modifiée",
        "disbursement": "Versement enregistré",
    },
    transitions=[
        Transition(
            "submit",
            {S.DRAFT, S.CHANGES_REQUESTED},
            S.SUBMITTED,
            permission="financing.submit_request",
            label="Déposer la demande",
            description="La structure a déposé sa demande : Regain la pré-instruit.",
            guard=effects.require_submittable,
            effect=effects.stamp_submitted,
            audience=(people.instructors,),
        ),
        Transition(
            "request_changes",
            {S.SUBMITTED},
            S.CHANGES_REQUESTED,
            permission="financing.review_request",
            label="Demander des compléments",
            description="Regain demande des compléments avant de transmettre la demande.",
            needs_reason=True,
            style="warning",
            reason_label="Ce qu'il faut compléter (transmis à la structure)",
            effect=effects.stamp_changes_requested,
            audience=(people.structure_members,),
        ),
        Transition(
            "forward",
            {S.SUBMITTED},
            S.FORWARDED,
            permission="financing.forward_request",
            label="Transmettre au financeur",
            description="Regain a transmis la demande au financeur, avec le dossier de "
            "financement.",
            style="success",
            guard=effects.require_forwardable,
            effect=effects.forward,
            audience=(fund_officers, people.structure_members),
        ),
        Transition(
            "grant",
            {S.FORWARDED},
            S.GRANTED,
            permission="financing.decide_request",
            label="Accorder le financement",
            description="Le financeur a accordé le financement.",
            style="success",
            guard=effects.require_grant_terms,
            effect=effects.grant,
            audience=(people.structure_members, people.instructors),
        ),
        Transition(
            "decline",
            {S.FORWARDED},
            S.DECLINED,
            permission="financing.decide_request",
            label="Refuser le financement",
            description="Le financeur a refusé le financement.",
            needs_reason=True,
            style="danger",
            reason_label="Motif du refus (transmis à la structure)",
            effect=effects.decline,
            audience=(people.structure_members, people.instructors),
        ),
        Transition(
            "withdraw",
            {S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.FORWARDED},
            S.WITHDRAWN,
            permission="financing.withdraw_request",
            label="Retirer la demande",
            description="La structure a retiré sa demande.",
            style="secondary",
            confirm="Une demande retirée ne peut plus être déposée : sa ligne quitte la "
            "réponse financière, il faudra en créer une autre.",
            effect=effects.release_line,
            audience=(people.instructors, fund_officers),
        ),
    ],
)
