"""The dossier's thread with Regain: messages, attachments, read state."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from applicants.forms import MessageForm
from applicants.models import MessageAttachment
from applicants.selectors import thread_for
from applicants.services.messages import message_post, thread_mark_read
from applicants.views.dossiers import DossierMixin
from ccr_portal.downloads import scanned_file_response
from ccr_portal.views import ServiceFormView


class DossierMessagesView(DossierMixin, ServiceFormView):
    """The thread: everyone who reads the dossier with Regain reads it; editors write."""

    permission_required = "applicants.view_messages"
    template_name = "applicants/dossier_messages.html"
    form_class = MessageForm

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("applicants.post_message", self.dossier):
            messages.error(request, "Vous pouvez lire ce fil mais pas y écrire (rôle lecteur).")
            return redirect("applicants:dossier-messages", pk=self.dossier.pk)
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user, dossier = self.request.user, self.dossier
        thread = thread_for(dossier=dossier, user=user)
        thread_mark_read(dossier=dossier, user=user)
        context = super().get_context_data(
            dossier=dossier, thread=thread, unread=sum(1 for m in thread if m.is_new), **kwargs
        )
        if not user.has_perm("applicants.post_message", dossier):
            context["form"] = None
        return context

    def perform(self, form):
        message_post(
            dossier=self.dossier,
            author=self.request.user,
            body=form.cleaned_data["body"],
            files=form.cleaned_data["files"],
        )
        messages.success(self.request, "Message envoyé.")
        return redirect("applicants:dossier-messages", pk=self.dossier.pk)


class MessageAttachmentDownloadView(PermissionRequiredMixin, View):
    """A file joined to a message, under the thread's reading rule, once scanned."""

    permission_required = "applicants.view_messages"

    @cached_property
    def attachment(self) -> MessageAttachment:
        return get_object_or_404(
            MessageAttachment.objects.select_related("message__dossier"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.attachment.message.dossier

    def get(self, request, *args, **kwargs):
        dossier = self.attachment.message.dossier
        return scanned_file_response(
            request,
            self.attachment,
            back_url=reverse("applicants:dossier-messages", kwargs={"pk": dossier.pk}),
        )
