from django.db.models import Count
from django.utils import timezone

from ccr_portal.panels import PUBLIC, NavLink, Panel, register_nav_link, register_panel
from ccr_portal.users.models import Role

from .models import Campaign, Membership, Structure


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
    return {"memberships": memberships, **_open_campaigns(request)}


def _structure_counts(request) -> dict:
    by_sector = (
        Structure.objects.values("sector").annotate(total=Count("pk")).order_by("-total", "sector")
    )
    labels = dict(Structure.Sector.choices)
    return {
        "structure_total": Structure.objects.count(),
        "structures_by_sector": [
            {"label": labels.get(row["sector"], row["sector"]), "total": row["total"]}
            for row in by_sector
        ],
    }


register_panel(PUBLIC, Panel("applicants/panels/public_campaigns.html", _open_campaigns, order=10))
register_panel(Role.APPLICANT, Panel("applicants/panels/my_structures.html", _my_structures, 10))
register_panel(
    Role.COORDINATOR, Panel("applicants/panels/structure_counts.html", _structure_counts, 20)
)
register_nav_link(Role.APPLICANT, NavLink("Mes structures", "applicants:structure-list", 10))
register_nav_link(Role.COORDINATOR, NavLink("Structures", "applicants:structure-list", 10))
