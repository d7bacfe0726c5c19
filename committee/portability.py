"""What the committee app holds about a structure that the structure reads: the decisions
on its dossiers (never the opinions, the instruction notes or the links of interest)."""

from ccr_portal.portability import register_structure_data

from .models import Decision, DecisionStatus


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


def register() -> None:
    register_structure_data("comite", committee_data)
