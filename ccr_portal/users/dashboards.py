from django.db.models import Count

from ccr_portal.panels import Panel, register_panel
from ccr_portal.users.models import Role

from .models import RoleAssignment


def _team_counts(request) -> dict:
    totals = dict(
        RoleAssignment.objects.values("role")
        .annotate(total=Count("pk"))
        .values_list("role", "total")
    )
    return {"role_counts": [(role.label, totals.get(role.value, 0)) for role in Role]}


def _my_organisations(request) -> dict:
    return {
        "providers": list(request.user.provider_organisations.all()),
        "funders": list(request.user.funder_organisations.all()),
    }


register_panel(Role.COORDINATOR, Panel("users/panels/team_counts.html", _team_counts, order=90))
register_panel(Role.PROVIDER, Panel("users/panels/my_organisations.html", _my_organisations, 10))
register_panel(Role.FUNDER, Panel("users/panels/my_organisations.html", _my_organisations, 10))
