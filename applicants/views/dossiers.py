"""The dossier: its page, its sections, its documents and its workflow actions."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.checks import decision_warnings
from applicants.completeness import dossier_completeness
from applicants.documents import DOSSIER_SUMMARY
from applicants.forms import (
    AttachmentForm,
    CharterForm,
    DossierTransitionForm,
    EconomyForm,
    InstructorForm,
    NeedsForm,
    PrivateNoteForm,
    ProjectForm,
)
from applicants.models import (
    Attachment,
    Campaign,
    Dossier,
    DossierStatus,
    SitePreference,
    Structure,
)
from applicants.selectors import unread_messages_count
from applicants.services.attachments import attachment_add, attachment_delete
from applicants.services.dossiers import (
    dossier_assign_instructor,
    dossier_create,
    dossier_transition,
    dossier_update_charter,
    dossier_update_economy,
    dossier_update_needs,
    dossier_update_project,
)
from applicants.services.messages import private_note_add
from applicants.workflows import COMMITTEE_ACTIONS, DOSSIER_WORKFLOW, NEXT_STEP
from ccr_portal.documents.services import latest_document
from ccr_portal.downloads import scanned_file_response
from ccr_portal.formatting import with_preposition
from ccr_portal.panels import DOSSIER_DETAIL, rendered_panels
from ccr_portal.views import ServiceActionView, ServiceFormView, TransitionView
from ccr_portal.workflow import TransitionRefused

SECTIONS = {
    "projet": ("project", "Le projet d'installation", ProjectForm),
    "charte": ("charter", "La charte", CharterForm),
    "donnees-economiques": ("economy", "Les données économiques", EconomyForm),
    "besoins": ("needs", "Les besoins", NeedsForm),
}


def latest_changes_request(dossier: Dossier):
    """While changes are requested: the coordination's request, its motive and message."""
    if dossier.status != DossierStatus.CHANGES_REQUESTED:
        return None
    return dossier.transitions.filter(action="request_changes").order_by("-created_at").first()


def section_links(dossier: Dossier, completeness) -> list[tuple[str, str, list[str]]]:
    """What is missing, section by section, each with the page where it is filled."""
    slugs = {key: slug for slug, (key, _label, _form) in SECTIONS.items()}
    links = []
    for section in completeness.sections:
        if section.is_complete:
            continue
        if section.key in slugs:
            url = reverse("applicants:dossier-section", args=[dossier.pk, slugs[section.key]])
        elif section.key == "structure":
            url = reverse("applicants:structure-update", args=[dossier.structure_id])
        else:
            url = f"{dossier.get_absolute_url()}#rubrique-{section.key}"
        links.append((section.label, url, section.missing))
    return links


class DossierCreateView(ServiceActionView):
    """Open the structure's dossier for an open call (a button on the structure's page)."""

    permission_required = "applicants.add_dossier"

    @cached_property
    def structure(self) -> Structure:
        return get_object_or_404(Structure, pk=self.kwargs["structure_pk"])

    @cached_property
    def campaign(self) -> Campaign:
        return get_object_or_404(Campaign, pk=self.kwargs["campaign_pk"])

    def get_permission_object(self):
        return self.structure

    def perform(self):
        self.dossier = dossier_create(
            structure=self.structure, campaign=self.campaign, actor=self.request.user
        )
        messages.success(
            self.request, f"Le dossier de candidature à « {self.campaign} » est ouvert."
        )
        return redirect(self.dossier)


class DossierMixin:
    """The dossier of the URL, read once; the view's permission is checked on it."""

    dossier_url_kwarg = "pk"

    def get_dossier_queryset(self):
        return Dossier.objects.select_related("structure", "campaign", "instructor")

    @cached_property
    def dossier(self) -> Dossier:
        return get_object_or_404(
            self.get_dossier_queryset(), pk=self.kwargs[self.dossier_url_kwarg]
        )

    def get_permission_object(self):
        return self.dossier


class DossierDetailView(DossierMixin, PermissionRequiredMixin, TemplateView):
    permission_required = "applicants.view_dossier"
    template_name = "applicants/dossier_detail.html"

    def get_dossier_queryset(self):
        return Dossier.objects.select_related(
            "structure", "campaign", "instructor"
        ).prefetch_related(
            Prefetch("site_preferences", SitePreference.objects.select_related("site")),
            "charter_commitments",
            "campaign__charter_commitments",
            "campaign__required_document_types",
            "campaign__sites",
            "economic_years",
            "axis_wishes",
            "financing_needs",
            Prefetch("attachments", Attachment.objects.select_related("document_type")),
        )

    def get_context_data(self, **kwargs):
        dossier, user = self.dossier, self.request.user
        can_edit = user.has_perm("applicants.change_dossier", dossier) and dossier.is_editable
        can_read_history = user.has_perm("applicants.view_dossier_history", dossier)
        can_read_thread = user.has_perm("applicants.view_messages", dossier)
        attachments_by_type = {}
        for attachment in dossier.attachments.all():
            attachments_by_type.setdefault(attachment.document_type_id, []).append(attachment)
        required_types = list(dossier.campaign.required_document_types.all())
        other_attachments = [
            a
            for a in dossier.attachments.all()
            if a.document_type_id not in {t.pk for t in required_types}
        ]
        context = {
            "changes_request": latest_changes_request(dossier),
            "dossier": dossier,
            "structure": dossier.structure,
            "completeness": dossier_completeness(dossier),
            "next_step": NEXT_STEP.get(dossier.status, ""),
            "can_edit": can_edit,
            "sections": SECTIONS,
            "required_types": [(t, attachments_by_type.get(t.pk, [])) for t in required_types],
            "other_attachments": other_attachments,
            "attachment_form": AttachmentForm(dossier=dossier) if can_edit else None,
            "transitions": DOSSIER_WORKFLOW.available(user, dossier),
            "can_read_history": can_read_history,
            "can_read_thread": can_read_thread,
            "timeline": DOSSIER_WORKFLOW.history_of(dossier) if can_read_history else [],
            "unread_messages": unread_messages_count(dossier=dossier, user=user)
            if can_read_thread
            else 0,
            "latest_messages": list(
                dossier.messages.select_related("author").order_by("-created_at", "-pk")[:5]
            )[::-1]
            if can_read_thread
            else [],
            "can_see_notes": user.has_perm("applicants.view_private_notes", dossier),
            "panels": rendered_panels(DOSSIER_DETAIL, self.request, dossier=dossier),
            "summary": latest_document(kind=DOSSIER_SUMMARY, subject=dossier)
            if can_read_history
            else None,
        }
        if context["can_see_notes"]:
            context["notes"] = dossier.private_notes.select_related("author")
            context["note_form"] = PrivateNoteForm()
            context["instructor_form"] = InstructorForm(initial={"instructor": dossier.instructor})
        return super().get_context_data(**context, **kwargs)


class DossierSectionView(DossierMixin, ServiceFormView):
    """One section of the online form, saved as a draft over several visits."""

    permission_required = "applicants.change_dossier"

    def dispatch(self, request, *args, **kwargs):
        if kwargs["section"] not in SECTIONS:
            raise Http404("Cette rubrique n'existe pas.")
        self.key, self.label, self.form_class = SECTIONS[kwargs["section"]]
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return self._unless_locked(super().get, request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._unless_locked(super().post, request, *args, **kwargs)

    def _unless_locked(self, handler, request, *args, **kwargs):
        dossier = self.dossier
        if not dossier.is_editable:
            messages.error(
                request,
                "Le dossier ne peut plus être modifié : il est "
                f"« {dossier.get_status_display()} ».",
            )
            return redirect(dossier)
        return handler(request, *args, **kwargs)

    def get_template_names(self):
        # A section without a layout of its own shows its form as is.
        return [
            f"applicants/dossier_section_{self.key}.html",
            "applicants/dossier_section_base.html",
        ]

    def get_form_kwargs(self):
        # The section forms fill their initial values from the dossier themselves.
        kwargs = {"dossier": self.dossier, "prefix": self.get_prefix()}
        if self.request.method == "POST":
            kwargs["data"] = self.request.POST
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            dossier=self.dossier, section_label=self.label, section=self.kwargs["section"], **kwargs
        )

    def perform(self, form):
        try:
            _save_section(self.key, form, self.dossier, self.request.user)
        except TransitionRefused as refusal:
            # Submitted meanwhile: back to the dossier, which says why.
            messages.error(self.request, str(refusal))
            return redirect(self.dossier)
        messages.success(self.request, f"Rubrique « {self.label} » enregistrée.")
        return redirect(f"{self.dossier.get_absolute_url()}#rubrique-{self.key}")


def _save_section(key: str, form, dossier: Dossier, actor) -> None:
    data = form.cleaned_data
    if key == "project":
        dossier_update_project(
            dossier=dossier,
            actor=actor,
            sites=data["sites"],
            wished_surface_m2=data["wished_surface_m2"],
            activity_type=data["activity_type"],
            expected_move_in=data["expected_move_in"],
            current_premises=data["current_premises"],
            expected_effect=data["expected_effect"],
        )
    elif key == "charter":
        dossier_update_charter(dossier=dossier, actor=actor, commitments=data["commitments"])
    elif key == "economy":
        dossier_update_economy(dossier=dossier, actor=actor, years=form.years_data())
    elif key == "needs":
        dossier_update_needs(
            dossier=dossier,
            actor=actor,
            axes=form.axes_data(),
            financing=form.financing_data(),
        )


class AttachmentAddView(DossierMixin, ServiceActionView):
    """Add one supporting document: checked by content, then scanned."""

    permission_required = "applicants.change_dossier"
    form_class = AttachmentForm

    def get_form_kwargs(self):
        return {"dossier": self.dossier}

    def form_invalid(self, form) -> None:
        for errors in form.errors.values():
            for text in errors:
                messages.error(self.request, f"Pièce non ajoutée : {text}")

    def perform(self, form):
        attachment = attachment_add(
            dossier=self.dossier,
            actor=self.request.user,
            document_type=form.cleaned_data["document_type"],
            upload=form.cleaned_data["upload"],
        )
        messages.success(
            self.request, f"« {attachment.original_name} » ajouté ({attachment.document_type})."
        )

    def get_next_url(self) -> str:
        return f"{self.dossier.get_absolute_url()}#rubrique-documents"


class AttachmentDeleteView(PermissionRequiredMixin, TemplateView):
    """Removing a document cannot be undone: the page asks, and only its form removes."""

    permission_required = "applicants.change_dossier"
    template_name = "applicants/attachment_confirm_delete.html"

    def dispatch(self, request, *args, **kwargs):
        self.attachment = get_object_or_404(
            Attachment.objects.select_related("dossier__structure", "document_type"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.attachment.dossier

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            attachment=self.attachment, dossier=self.attachment.dossier, **kwargs
        )

    def post(self, request, *args, **kwargs):
        dossier = self.attachment.dossier
        if request.POST.get("confirmed") != "yes":
            return self.get(request, *args, **kwargs)
        try:
            attachment_delete(attachment=self.attachment, actor=request.user)
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"« {self.attachment.original_name} » retiré du dossier.")
        return redirect(f"{dossier.get_absolute_url()}#rubrique-documents")


class AttachmentDownloadView(PermissionRequiredMixin, View):
    """A supporting document, under the reading rule of its dossier, once scanned."""

    permission_required = "applicants.view_dossier"

    @cached_property
    def attachment(self) -> Attachment:
        return get_object_or_404(Attachment.objects.select_related("dossier"), pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.attachment.dossier

    def get(self, request, *args, **kwargs):
        dossier = self.attachment.dossier
        return scanned_file_response(
            request, self.attachment, back_url=f"{dossier.get_absolute_url()}#rubrique-documents"
        )


class DossierTransitionView(TransitionView):
    """Confirm and perform one step of the dossier's workflow (with a reason when needed)."""

    workflow = DOSSIER_WORKFLOW
    template_name = "applicants/dossier_transition.html"
    form_class = DossierTransitionForm

    def get_subject(self):
        return get_object_or_404(
            Dossier.objects.select_related("structure", "campaign", "instructor"),
            pk=self.kwargs["pk"],
        )

    @cached_property
    def assessment_warnings(self) -> list[str]:
        if self.transition.action not in COMMITTEE_ACTIONS:
            return []
        return decision_warnings(self.subject)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "asks_override": bool(self.assessment_warnings)}

    def get_context_data(self, **kwargs):
        dossier = self.subject
        completeness = dossier_completeness(dossier) if self.transition.action == "submit" else None
        return super().get_context_data(
            subject_label=f"Dossier {with_preposition('de', dossier.structure.name)}",
            completeness=completeness,
            missing=section_links(dossier, completeness) if completeness else [],
            changes_request=latest_changes_request(dossier),
            assessment_warnings=self.assessment_warnings,
            **kwargs,
        )

    def run(self, form):
        dossier_transition(
            dossier=self.subject,
            actor=self.request.user,
            action=self.transition.action,
            reason=form.reason,
            message=form.comment,
            assessment_override=form.cleaned_data.get("assessment_override", ""),
        )


class PrivateNoteAddView(DossierMixin, ServiceActionView):
    """A note of the coordination that no page, PDF, ZIP or export of the structure shows."""

    permission_required = "applicants.add_private_note"
    form_class = PrivateNoteForm
    invalid_message = "La note est vide : rien n'a été enregistré."
    success_message = "Note interne enregistrée."

    def perform(self, form):
        private_note_add(
            dossier=self.dossier, author=self.request.user, body=form.cleaned_data["body"]
        )

    def get_next_url(self) -> str:
        return f"{self.dossier.get_absolute_url()}#notes"


class InstructorAssignView(DossierMixin, ServiceActionView):
    """Who of the coordination instructs the dossier (and hears of it)."""

    permission_required = "applicants.instruct_dossier"
    form_class = InstructorForm
    success_message = "Chargé(e) d'instruction enregistré(e)."

    def perform(self, form):
        dossier_assign_instructor(
            dossier=self.dossier,
            actor=self.request.user,
            instructor=form.cleaned_data["instructor"],
        )
