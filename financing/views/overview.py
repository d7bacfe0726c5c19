"""The global response: all residents' needs at once, against what the funds answered."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from ccr_portal.users.models import Role

from ..exports import global_response_xlsx
from ..models import funder_ids
from ..selectors import chart_bars, funder_scope, global_response, global_tables


def _funder_id(request) -> int | None:
    """A fund's officer sees their own fund; a coordinator may pick one (or all)."""
    user = request.user
    if user.has_role(Role.COORDINATOR):
        value = request.GET.get("fonds", "")
        return int(value) if value.isdigit() else None
    funds = sorted(funder_ids(user))
    return funds[0] if funds else -1


class GlobalResponseView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "financing.view_global_response"
    template_name = "financing/global_response.html"

    def get_context_data(self, **kwargs):
        funder_id = _funder_id(self.request)
        consolidation = global_response(self.request.user, funder_id=funder_id)
        categories, months, funder_months = global_tables(consolidation)
        funders = list(funder_scope(self.request.user))
        return super().get_context_data(
            consolidation=consolidation,
            categories=categories,
            months=months,
            funder_months=funder_months,
            chart=chart_bars(consolidation),
            funders=funders,
            chosen=funder_id,
            brief_funder=next((f for f in funders if f.pk == funder_id), None),
            query=self.request.GET.urlencode(),
            **kwargs,
        )


class GlobalResponseExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "financing.view_global_response"

    def get(self, request):
        consolidation = global_response(request.user, funder_id=_funder_id(request))
        categories, months, funder_months = global_tables(consolidation)
        rows = [
            *[
                (f"Besoin : {label}", needs, asked, granted, None)
                for label, needs, asked, granted in categories
            ],
            *[(f"Mois : {label}", *values) for label, *values in months],
            *[
                (f"Financeur : {name}", None, totals.requested, totals.granted, totals.disbursed)
                for name, totals in consolidation.by_funder.items()
            ],
            *[
                (f"Financeur : {name}, mois : {label}", None, *values)
                for name, lines in funder_months
                for label, *values in lines
            ],
            (
                "Total",
                consolidation.total_needs,
                consolidation.total_requested,
                consolidation.total_granted,
                consolidation.total_disbursed,
            ),
        ]
        return global_response_xlsx(rows)
