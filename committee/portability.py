"""The committee and the structure's data: what the structure reads of it (the decisions on
its dossiers; never the opinions, the instruction notes or the links of interest), and what
goes when a dossier reaches the end of its retention."""

from ccr_portal.portability import register_structure_data

from .models import Decision, DecisionStatus, InstructionNote, Opinion


def committee_data(structure, files) -> list[dict]:
    decisions = Decision.objects.filter(
        item__dossier__structure=structure,
        status__in=[DecisionStatus.RECORDED, DecisionStatus.NOTIFIED],
    ).select_related("item__meeting", "item__dossier__campaign", "site")
    return [
        {
            "dossier": decision.item.dossier.number,
            "appel": decision.item.dossier.campaign.title,
            "seance": decision.item.meeting.starts_at.isoformat(),
            "decision": {"code": decision.outcome, "libellé": decision.get_outcome_display()},
            "motivation": decision.motivation,
            "conditions": decision.conditions,
            "site": str(decision.site) if decision.site else None,
            "etat": decision.get_status_display(),
        }
        for decision in decisions.order_by("item__meeting__starts_at", "pk")
    ]


def anonymise_dossier(dossier) -> None:
    """Retention (applicants.services.retention): the texts written about the dossier go;
    the opinions' values and the decision (its outcome) stay, for the statistics."""
    InstructionNote.objects.filter(dossier=dossier).update(reasons="", proposed_conditions="")
    Opinion.objects.filter(item__dossier=dossier).update(comment="")
    Decision.objects.filter(item__dossier=dossier).update(
        motivation="", conditions="", financing_note="", assessment_override=""
    )


def register() -> None:
    from applicants.services.retention import register_dossier_anonymiser

    register_structure_data("comite", committee_data)
    register_dossier_anonymiser(anonymise_dossier)
