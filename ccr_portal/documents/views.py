from allauth.account.decorators import reauthentication_required
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from ccr_portal.downloads import file_response

from .exports import ExportKind, get_export_kind
from .models import BackgroundExport, GeneratedDocument
from .registry import get_kind
from .services import EXPORT_KEPT_FOR, document_request, export_request


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


# --- Exports ----------------------------------------------------------------------


def export_or_background(request, code: str):
    """The viewer's filtered list as ``code``'s file: streamed in the request, or, above
    ``EXPORT_INLINE_MAX_ROWS`` rows, written in the background (redirect to its page).

    The calling view has checked the export's permissions and re-authenticated.
    """
    kind = get_export_kind(code)
    total = kind.count(request.GET, request.user)
    if total > settings.EXPORT_INLINE_MAX_ROWS:
        export = export_request(
            kind=code, params=request.GET, requested_by=request.user, total=total
        )
        return redirect(export)
    return kind.response(request.GET, request.user)


def _own_export(request, pk: int) -> tuple[BackgroundExport, ExportKind]:
    """The viewer's own export, while they may still export: someone else's is a 404,
    as a missing one (nothing learnt about it)."""
    export = get_object_or_404(BackgroundExport, pk=pk, requested_by=request.user)
    try:
        kind = get_export_kind(export.kind)
    except LookupError:
        raise Http404("Cet export n'existe plus.") from None
    if not kind.allowed(request.user):
        raise PermissionDenied("Vous n'avez plus accès à cet export.")
    if export.is_ready and not (export.file and export.file.storage.exists(export.file.name)):
        # Its file is gone (the purge stopped between the file and the row): as purged.
        raise Http404("Cet export n'existe plus.")
    return export, kind


@login_required
@require_safe
def export_status_view(request, pk: int):
    export, kind = _own_export(request, pk)
    if request.htmx and export.is_pending and request.GET.get("lignes") == str(export.rows_done):
        # Nothing new: no swap, so that the live region is not read out again for nothing.
        return HttpResponse(status=204)
    list_url = reverse(kind.list_url_name) if kind.list_url_name else ""
    context = {
        "export": export,
        "kind": kind,
        "expires_at": export.created_at + EXPORT_KEPT_FOR,
        "list_url": f"{list_url}?{export.params}" if list_url and export.params else list_url,
    }
    if request.htmx:
        return render(request, "documents/_export_status.html", context)
    return render(request, "documents/export_status.html", context)


@login_required
@require_safe
@reauthentication_required
def export_download_view(request, pk: int):
    export, kind = _own_export(request, pk)
    if not export.is_ready or not export.file:
        raise Http404("Cet export n'est pas encore prêt.")
    return file_response(
        export.file.open("rb"), filename=kind.get_filename(), content_type=kind.content_type
    )
