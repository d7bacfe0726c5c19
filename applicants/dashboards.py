from django.utils import timezone

from ccr_portal.panels import PUBLIC, Panel, register_panel
from ccr_portal.users.models import Role

from .models import Campaign, DossierStatus, Membership, Structure
from .selectors import (
    all_dossier_status_counts,
    all_structure_sector_counts,
    dossiers_of_member,
)
from .workflows import NEXT_STEP


def _open_campaigns(request) -> dict:
    today = timezone.localdate()
    campaigns = Campaign.objects.open_on(today).prefetch_related("sites")
    return {"campaigns": campaigns}


def _my_structures(request) -> dict:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("structure")
        .order_by("structure__name")
    )
    today = timezone.localdate()
    dossiers = []
    for dossier in dossiers_of_member(request.user):
        days_left = (dossier.campaign.closes_on - today).days
        dossiers.append(
            {
                "dossier": dossier,
                "next_step": NEXT_STEP.get(dossier.status, ""),
                "days_left": days_left if dossier.is_editable and days_left >= 0 else None,
                "closed": dossier.is_editable and days_left < 0,
            }
        )
    return {"memberships": memberships, "dossiers": dossiers, **_open_campaigns(request)}


def _dossier_counts(request) -> dict:
    counts = all_dossier_status_counts(request)
    return {
        "status_counts": [row for row in counts if row[2]],
        "to_review": next(
            total for code, _label, total in counts if code == DossierStatus.SUBMITTED
        ),
    }


def _structure_counts(request) -> dict:
    labels = dict(Structure.Sector.choices)
    by_sector = [
        {"label": labels.get(sector, sector), "total": total}
        for sector, total in all_structure_sector_counts(request)
    ]
    return {
        "structure_total": sum(row["total"] for row in by_sector),
        "structures_by_sector": by_sector,
    }


register_panel(PUBLIC, Panel("applicants/panels/public_campaigns.html", _open_campaigns, order=10))
register_panel(Role.APPLICANT, Panel("applicants/panels/my_structures.html", _my_structures, 10))
register_panel(
    Role.COORDINATOR, Panel("applicants/panels/dossier_counts.html", _dossier_counts, 10)
)
register_panel(
    Role.COORDINATOR, Panel("applicants/panels/structure_counts.html", _structure_counts, 20)
)
