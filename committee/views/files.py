"""The assessment file of a dossier on the agenda, its documents, the instruction note."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views import View
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.models import Attachment, Dossier
from ccr_portal.views import ServiceFormView

from ..forms import InstructionNoteForm
from ..models import AgendaItem, InstructionNote
from ..selectors import assessment_files, opinion_tally, opinions_by_item
from ..services.instruction import instruction_note_save


class ItemMixin:
    permission_required = "committee.view_file"

    def dispatch(self, request, *args, **kwargs):
        self.item = get_object_or_404(
            AgendaItem.objects.select_related("meeting__campaign", "dossier__structure"),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.item


class FileView(ItemMixin, PermissionRequiredMixin, TemplateView):
    """The file as a member reads it; the others' opinions once one's own is given."""

    template_name = "committee/file.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        (file,) = assessment_files([self.item])
        can_read_opinions = user.has_perm("committee.view_opinions", self.item)
        opinions = opinions_by_item([self.item])[self.item.pk] if can_read_opinions else []
        return super().get_context_data(
            item=self.item,
            meeting=self.item.meeting,
            file=file,
            opinions=opinions,
            tally=opinion_tally(opinions),
            can_read_opinions=can_read_opinions,
            can_give_opinion=user.has_perm("committee.give_opinion", self.item),
            can_write_note=user.has_perm("committee.write_instruction_note", self.item.dossier),
            **kwargs,
        )


class FileAttachmentView(ItemMixin, PermissionRequiredMixin, View):
    """A supporting document of the file: the file's own permission, never the dossier's."""

    def get(self, request, *args, **kwargs):
        attachment = get_object_or_404(
            Attachment, pk=kwargs["attachment_pk"], dossier_id=self.item.dossier_id
        )
        if not attachment.file:
            raise Http404("Ce document n'existe plus.")
        response = FileResponse(
            attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
        )
        response["Cache-Control"] = "private, no-store"
        return response


class InstructionNoteView(ServiceFormView):
    permission_required = "committee.write_instruction_note"
    template_name = "committee/instruction_note_form.html"
    form_class = InstructionNoteForm
    success_message = "La note d'instruction est enregistrée."

    def dispatch(self, request, *args, **kwargs):
        self.dossier = get_object_or_404(
            Dossier.objects.select_related("structure", "campaign"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.dossier

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "dossier": self.dossier}

    def get_initial(self):
        note = InstructionNote.objects.filter(dossier=self.dossier).first()
        if note is None:
            return {}
        return {
            "opinion": note.opinion,
            "reasons": note.reasons,
            "proposed_conditions": note.proposed_conditions,
            "proposed_site": note.proposed_site,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(dossier=self.dossier, **kwargs)

    def perform(self, form):
        instruction_note_save(dossier=self.dossier, actor=self.request.user, **form.cleaned_data)
        return self.dossier

    def get_result_url(self, result):
        item = result.agenda_items.order_by("-meeting__starts_at").first()
        return item.get_absolute_url() if item else result.get_absolute_url()
