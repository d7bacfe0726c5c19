"""The coordinators' workspace: the filtered dossier list, its exports, the dossier ZIP."""

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.archive import build_dossier_zip, zip_filename
from applicants.documents import DOSSIER_SUMMARY
from applicants.exports import DOSSIERS_CSV, DOSSIERS_XLSX, EXPORT_PERMISSIONS
from applicants.filters import DossierFilter, annotate_page, dossier_filter
from applicants.selectors import dossier_status_counts
from applicants.views.dossiers import DossierMixin
from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_request
from ccr_portal.documents.views import export_or_background
from ccr_portal.downloads import file_response
from ccr_portal.pagination import CountedPaginator

PAGE_SIZE = 25


def _filtered(request) -> DossierFilter:
    return dossier_filter(request.GET, request.user)


class DossierListView(PermissionRequiredMixin, TemplateView):
    """The coordinators' list: filters, counts per status, sorting, pagination."""

    permission_required = "applicants.list_all_dossiers"
    template_name = "applicants/dossier_list.html"

    def get_context_data(self, **kwargs):
        request = self.request
        dossier_filter = _filtered(request)
        counts = dossier_status_counts(dossier_filter.qs_without_status())
        # The list's total is the counts' (one filtered scan, not two): all of them, or
        # the chosen status's.
        status = dossier_filter.chosen_status()
        total = sum(count for code, _label, count in counts if status in ("", code))
        # The paginator slices the plain filtered rows (index scans); only the page's 25
        # rows pay the annotations of what the list shows.
        paginator = CountedPaginator(dossier_filter.qs.only("pk"), PAGE_SIZE, total=total)
        page = paginator.get_page(request.GET.get("page"))
        page.object_list = annotate_page(page.object_list)
        query = request.GET.copy()
        query.pop("page", None)
        status_links = []
        for code, label, count in counts:
            link = query.copy()
            link["status"] = code
            status_links.append((code, label, count, link.urlencode()))
        return super().get_context_data(
            filter=dossier_filter,
            page_obj=page,
            dossiers=page.object_list,
            status_counts=status_links,
            query=query.urlencode(),
            **kwargs,
        )


class DossierExportView(PermissionRequiredMixin, View):
    """The filtered list as CSV or XLSX, streamed; the password is asked again first.

    A selection of more than ``EXPORT_INLINE_MAX_ROWS`` dossiers is written in the
    background instead: the coordinator is sent to its page.
    """

    # The export kinds' permissions: the background file asks the same.
    permission_required = EXPORT_PERMISSIONS

    @method_decorator(reauthentication_required)
    def get(self, request, file_format: str):
        if file_format not in ("csv", "xlsx"):
            raise Http404("Ce format d'export n'existe pas.")
        return export_or_background(
            request, DOSSIERS_CSV if file_format == "csv" else DOSSIERS_XLSX
        )


class DossierZipView(DossierMixin, PermissionRequiredMixin, View):
    """The whole dossier: summary PDF plus every document, once the summary is ready."""

    permission_required = "applicants.view_dossier_history"

    @method_decorator(reauthentication_required)
    def get(self, request, pk: int):
        dossier = self.dossier
        summary = document_request(kind=DOSSIER_SUMMARY, subject=dossier, requested_by=request.user)
        if summary.status != GeneratedDocument.Status.READY:
            messages.info(
                request,
                "La synthèse du dossier est en cours de génération : le ZIP sera disponible dans "
                "quelques instants (bouton « Télécharger le dossier complet »).",
            )
            return redirect(f"{dossier.get_absolute_url()}#synthese")
        return file_response(
            build_dossier_zip(dossier, summary),
            filename=zip_filename(dossier),
            content_type="application/zip",
        )
