"""The coordinators' search box: structures, people and dossier numbers at once."""

from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.search import search_everything


class SearchView(PermissionRequiredMixin, TemplateView):
    permission_required = "applicants.search"
    template_name = "applicants/search.html"

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")
        return super().get_context_data(
            query=query, results=search_everything(query) if query.strip() else None, **kwargs
        )
