"""The dossier's thread with Regain: messages, attachments, read state."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from applicants.forms import MessageForm
from applicants.models import MessageAttachment
from applicants.selectors import thread_for
from applicants.services.messages import message_post, thread_mark_read
from applicants.views.dossiers import dossier_for
from ccr_portal.downloads import scanned_file_response
from ccr_portal.views import posted


@login_required
def dossier_messages_view(request, pk: int):
    dossier = dossier_for(request, pk, "applicants.view_messages")
    can_post = request.user.has_perm("applicants.post_message", dossier)
    form = MessageForm(*posted(request, files=True))
    if request.method == "POST":
        if not can_post:
            messages.error(request, "Vous pouvez lire ce fil mais pas y écrire (rôle lecteur).")
            return redirect("applicants:dossier-messages", pk=dossier.pk)
        if form.is_valid():
            try:
                message_post(
                    dossier=dossier,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    files=form.cleaned_data["files"],
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, "Message envoyé.")
                return redirect("applicants:dossier-messages", pk=dossier.pk)
    thread = thread_for(dossier=dossier, user=request.user)
    thread_mark_read(dossier=dossier, user=request.user)
    return render(
        request,
        "applicants/dossier_messages.html",
        {
            "dossier": dossier,
            "thread": thread,
            "unread": sum(1 for message in thread if message.is_new),
            "form": form if can_post else None,
        },
    )


@login_required
def message_attachment_download_view(request, pk: int):
    attachment = get_object_or_404(MessageAttachment.objects.select_related("message"), pk=pk)
    dossier = dossier_for(request, attachment.message.dossier_id, "applicants.view_messages")
    return scanned_file_response(
        request,
        attachment,
        back_url=reverse("applicants:dossier-messages", kwargs={"pk": dossier.pk}),
    )
