from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.forms import StructureForm
from applicants.models import Campaign, Dossier, Membership, Structure
from applicants.search import normalised_query
from applicants.services.structures import structure_create, structure_update
from ccr_portal.collation import french
from ccr_portal.downloads import file_response
from ccr_portal.panels import STRUCTURE_DETAIL, rendered_panels
from ccr_portal.portability import archive_filename, build_structure_archive
from ccr_portal.search import text_search
from ccr_portal.subqueries import count_of


class StructureListView(LoginRequiredMixin, ListView):
    template_name = "applicants/structure_list.html"
    context_object_name = "structures"
    paginate_by = 25

    def get_queryset(self):
        self.query = normalised_query(self.request.GET.get("q", ""))
        structures = text_search(
            Structure.objects.visible_to(self.request.user),
            query=self.query,
            fields=["name", "city", "siret", "rna"],
            words=["name", "city"],
        )
        members = Membership.objects.filter(structure=OuterRef("pk"))
        return structures.annotate(member_count=count_of(members, "structure")).order_by(
            french("name"), "pk"
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


class StructureCreateView(PermissionRequiredMixin, CreateView):
    permission_required = "applicants.add_structure"
    template_name = "applicants/structure_form.html"
    form_class = StructureForm

    def form_valid(self, form):
        try:
            structure = structure_create(created_by=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"La structure « {structure} » a été créée.")
        return redirect(structure)


class StructureDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "applicants.view_structure"
    template_name = "applicants/structure_detail.html"
    context_object_name = "structure"

    def get_object(self, queryset=None):
        return get_object_or_404(Structure, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        members = self.object.memberships.select_related("user").order_by(
            "user__last_name", "user__email"
        )
        user = self.request.user
        structure = self.object
        dossiers = list(
            Dossier.objects.visible_to(user)
            .filter(structure=structure)
            .select_related("campaign")
            .order_by("-campaign__opens_on")
        )
        applied = {dossier.campaign_id for dossier in dossiers}
        open_campaigns = [
            campaign
            for campaign in Campaign.objects.open_on(timezone.localdate())
            if campaign.pk not in applied
        ]
        return super().get_context_data(
            members=members,
            can_edit=user.has_perm("applicants.change_structure", structure),
            can_apply=user.has_perm("applicants.add_dossier", structure),
            can_manage_members=user.has_perm("applicants.manage_members", structure),
            can_export_data=user.has_perm("applicants.export_structure_data", structure),
            dossiers=dossiers,
            open_campaigns=open_campaigns,
            panels=rendered_panels(STRUCTURE_DETAIL, self.request, structure=structure),
            **kwargs,
        )


class StructureUpdateView(PermissionRequiredMixin, UpdateView):
    permission_required = "applicants.change_structure"
    template_name = "applicants/structure_form.html"
    form_class = StructureForm
    context_object_name = "structure"

    def get_object(self, queryset=None):
        return get_object_or_404(Structure, pk=self.kwargs["pk"])

    def form_valid(self, form):
        try:
            structure = structure_update(
                structure=self.get_object(), actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, "Les informations de la structure ont été enregistrées.")
        return redirect(structure)


class StructureDataExportView(PermissionRequiredMixin, View):
    """All the structure's data, for its editors (RGPD: access and portability): a ZIP of
    ``donnees.json`` and the files, after a fresh authentication like the dossier's ZIP."""

    permission_required = "applicants.export_structure_data"

    def get_permission_object(self):
        return get_object_or_404(Structure, pk=self.kwargs["pk"])

    @method_decorator(reauthentication_required)
    def get(self, request, pk: int):
        structure = self.get_permission_object()
        return file_response(
            build_structure_archive(structure),
            filename=archive_filename(structure),
            content_type="application/zip",
        )
