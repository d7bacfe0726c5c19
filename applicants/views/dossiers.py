"""The dossier: its page, its sections, its documents and its workflow actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.completeness import dossier_completeness
from applicants.documents import DOSSIER_SUMMARY
from applicants.forms import (
    AttachmentForm,
    CharterForm,
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
from applicants.workflows import DOSSIER_WORKFLOW, NEXT_STEP
from ccr_portal.documents.services import latest_document
from ccr_portal.downloads import scanned_file_response
from ccr_portal.formatting import with_preposition
from ccr_portal.panels import DOSSIER_DETAIL, rendered_panels
from ccr_portal.views import TransitionView, posted
from ccr_portal.workflow import TransitionRefused

SECTIONS = {
    "projet": ("project", "Le projet d'installation", ProjectForm),
    "charte": ("charter", "La charte", CharterForm),
    "donnees-economiques": ("economy", "Les données économiques", EconomyForm),
    "besoins": ("needs", "Les besoins", NeedsForm),
}


def dossier_for(
    request, pk: int, permission: str = "applicants.view_dossier", queryset=None
) -> Dossier:
    """The dossier if the viewer holds ``permission`` on it; 404 if it does not exist."""
    if queryset is None:
        queryset = Dossier.objects.select_related("structure", "campaign", "instructor")
    dossier = get_object_or_404(queryset, pk=pk)
    if not request.user.has_perm(permission, dossier):
        raise PermissionDenied("Vous n'avez pas accès à ce dossier.")
    return dossier


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


@login_required
@require_POST
def dossier_create_view(request, structure_pk: int, campaign_pk: int):
    structure = get_object_or_404(Structure, pk=structure_pk)
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    try:
        dossier = dossier_create(structure=structure, campaign=campaign, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect(structure)
    messages.success(request, f"Le dossier de candidature à « {campaign} » est ouvert.")
    return redirect(dossier)


@login_required
def dossier_detail_view(request, pk: int):
    dossier = dossier_for(
        request,
        pk,
        queryset=Dossier.objects.select_related(
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
        ),
    )
    user = request.user
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
        "panels": rendered_panels(DOSSIER_DETAIL, request, dossier=dossier),
        "summary": latest_document(kind=DOSSIER_SUMMARY, subject=dossier)
        if can_read_history
        else None,
    }
    if context["can_see_notes"]:
        context["notes"] = dossier.private_notes.select_related("author")
        context["note_form"] = PrivateNoteForm()
        context["instructor_form"] = InstructorForm(initial={"instructor": dossier.instructor})
    return render(request, "applicants/dossier_detail.html", context)


@login_required
def dossier_section_view(request, pk: int, section: str):
    if section not in SECTIONS:
        raise Http404("Cette rubrique n'existe pas.")
    dossier = dossier_for(request, pk, "applicants.change_dossier")
    key, label, form_class = SECTIONS[section]
    if not dossier.is_editable:
        messages.error(
            request,
            f"Le dossier ne peut plus être modifié : il est « {dossier.get_status_display()} ».",
        )
        return redirect(dossier)
    form = form_class(*posted(request), dossier=dossier)
    if request.method == "POST" and form.is_valid():
        try:
            _save_section(key, form, dossier, request.user)
        except ValidationError as error:
            form.add_service_error(error)
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(dossier)
        else:
            messages.success(request, f"Rubrique « {label} » enregistrée.")
            return redirect(f"{dossier.get_absolute_url()}#rubrique-{key}")
    return render(
        request,
        # A section without a layout of its own shows its form as is.
        [f"applicants/dossier_section_{key}.html", "applicants/dossier_section_base.html"],
        {"dossier": dossier, "form": form, "section_label": label, "section": section},
    )


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


@login_required
@require_POST
def attachment_add_view(request, pk: int):
    dossier = dossier_for(request, pk, "applicants.change_dossier")
    form = AttachmentForm(request.POST, request.FILES, dossier=dossier)
    if form.is_valid():
        try:
            attachment = attachment_add(
                dossier=dossier,
                actor=request.user,
                document_type=form.cleaned_data["document_type"],
                upload=form.cleaned_data["upload"],
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        except TransitionRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(
                request,
                f"« {attachment.original_name} » ajouté ({attachment.document_type}).",
            )
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, f"Pièce non ajoutée : {text}")
    return redirect(f"{dossier.get_absolute_url()}#rubrique-documents")


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


@login_required
def attachment_download_view(request, pk: int):
    attachment = get_object_or_404(Attachment, pk=pk)
    dossier = dossier_for(request, attachment.dossier_id)
    return scanned_file_response(
        request, attachment, back_url=f"{dossier.get_absolute_url()}#rubrique-documents"
    )


class DossierTransitionView(TransitionView):
    """Confirm and perform one step of the dossier's workflow (with a reason when needed)."""

    workflow = DOSSIER_WORKFLOW
    template_name = "applicants/dossier_transition.html"

    def get_subject(self):
        return get_object_or_404(
            Dossier.objects.select_related("structure", "campaign", "instructor"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        dossier = self.subject
        completeness = dossier_completeness(dossier) if self.transition.action == "submit" else None
        return super().get_context_data(
            subject_label=f"Dossier {with_preposition('de', dossier.structure.name)}",
            completeness=completeness,
            missing=section_links(dossier, completeness) if completeness else [],
            changes_request=latest_changes_request(dossier),
            **kwargs,
        )

    def run(self, form):
        dossier_transition(
            dossier=self.subject,
            actor=self.request.user,
            action=self.transition.action,
            reason=form.reason,
            message=form.comment,
        )


@login_required
@require_POST
def private_note_add_view(request, pk: int):
    dossier = dossier_for(request, pk, "applicants.add_private_note")
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        private_note_add(dossier=dossier, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, "Note interne enregistrée.")
    else:
        messages.error(request, "La note est vide : rien n'a été enregistré.")
    return redirect(f"{dossier.get_absolute_url()}#notes")


@login_required
@require_POST
def instructor_assign_view(request, pk: int):
    dossier = dossier_for(request, pk, "applicants.instruct_dossier")
    form = InstructorForm(request.POST)
    if form.is_valid():
        dossier_assign_instructor(
            dossier=dossier, actor=request.user, instructor=form.cleaned_data["instructor"]
        )
        messages.success(request, "Chargé(e) d'instruction enregistré(e).")
    return redirect(dossier)
