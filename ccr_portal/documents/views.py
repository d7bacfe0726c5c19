from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ccr_portal.downloads import file_response

from .models import GeneratedDocument
from .registry import get_kind
from .services import document_request


def _kind_or_404(code: str):
    try:
        return get_kind(code)
    except LookupError:
        raise Http404("Type de document inconnu.") from None


def _visible_document(request, pk: int) -> GeneratedDocument:
    """The document, if the viewer may see its subject: the subject's own rule."""
    document = get_object_or_404(GeneratedDocument.objects.select_related("content_type"), pk=pk)
    kind = _kind_or_404(document.kind)
    subject = document.subject
    if subject is None:
        raise Http404("Ce document n'existe plus.")
    if not request.user.has_perm(kind.permission, subject):
        raise PermissionDenied("Vous n'avez pas accès à ce document.")
    return document


@login_required
@require_POST
def document_request_view(request, kind: str, object_id: int):
    document_kind = _kind_or_404(kind)
    subject = get_object_or_404(apps.get_model(document_kind.model), pk=object_id)
    document = document_request(kind=kind, subject=subject, requested_by=request.user)
    if request.htmx:
        return render(
            request,
            "documents/_document_status.html",
            {"document": document, "kind": document_kind, "subject": subject},
        )
    if document.is_ready:
        messages.info(request, "Le document est prêt : il n'a pas changé depuis sa génération.")
    else:
        messages.info(request, "Le document est en cours de génération.")
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("root")


@login_required
def document_status_view(request, pk: int):
    document = _visible_document(request, pk)
    kind = get_kind(document.kind)
    return render(
        request,
        "documents/_document_status.html",
        {"document": document, "kind": kind, "subject": document.subject},
    )


@login_required
def document_download_view(request, pk: int):
    document = _visible_document(request, pk)
    if not document.is_ready or not document.file:
        raise Http404("Ce document n'est pas encore prêt.")
    filename = get_kind(document.kind).get_filename(document.subject)
    return file_response(
        document.file.open("rb"), filename=filename, content_type="application/pdf"
    )
