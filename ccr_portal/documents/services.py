import datetime
import hashlib
import logging
import tempfile
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models.functions import Greatest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone

from ccr_portal.formatting import format_moment, format_number, french_spaces_html
from ccr_portal.notifications.services import notify
from ccr_portal.outbox import PUBLISH_GRACE, publish

from .exports import get_export_kind
from .models import BackgroundExport, GeneratedDocument
from .registry import get_kind

logger = logging.getLogger(__name__)

STALE_AFTER = datetime.timedelta(minutes=10)


@transaction.atomic
def document_request(*, kind: str, subject: models.Model, requested_by) -> GeneratedDocument:
    """Ask for the PDF of ``subject``; the rendering happens in a Celery task.

    Asking again for unchanged content returns the same document instead of
    rendering a second copy; a failed one is given another chance.
    """
    document_kind = get_kind(kind)
    if not requested_by.has_perm(document_kind.permission, subject):
        raise PermissionDenied("Vous n'avez pas accès à ce document.")
    html = french_spaces_html(
        render_to_string(document_kind.template_name, document_kind.get_context(subject))
    )
    fingerprint = hashlib.sha256(html.encode()).hexdigest()
    document, created = GeneratedDocument.objects.select_for_update().get_or_create(
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        fingerprint=fingerprint,
        defaults={"source_html": html, "requested_by": requested_by},
    )
    if created or document.status == GeneratedDocument.Status.FAILED:
        document.status = GeneratedDocument.Status.PENDING
        document.attempts = 0
        document.error = ""
        document.requested_by = requested_by
        document.save(update_fields=["status", "attempts", "error", "requested_by", "updated_at"])
        _enqueue_render(document.pk)
    return document


def document_render(*, document_id: int) -> GeneratedDocument:
    """Turn the stored HTML into a PDF file. Idempotent: a ready document stays as it is."""
    from weasyprint import HTML

    document = GeneratedDocument.objects.get(pk=document_id)
    if document.status == GeneratedDocument.Status.READY:
        return document
    GeneratedDocument.objects.filter(pk=document.pk).update(attempts=models.F("attempts") + 1)
    # PDF/UA-1: tagged, so that a screen reader reads it in order, with the title and
    # the language of the template's <title> and <html lang="fr">.
    pdf = HTML(string=document.source_html).write_pdf(pdf_variant="pdf/ua-1")
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().get(pk=document_id)
        if document.status == GeneratedDocument.Status.READY:
            return document
        document.file.save("document.pdf", ContentFile(pdf), save=False)
        document.checksum = hashlib.sha256(pdf).hexdigest()
        document.status = GeneratedDocument.Status.READY
        document.ready_at = timezone.now()
        document.error = ""
        document.full_clean(exclude=["file", "source_html", "fingerprint"])
        document.save()
    on_ready = get_kind(document.kind).on_ready
    if on_ready is not None:
        on_ready(document)
    return document


def document_mark_failed(*, document_id: int, error: str) -> None:
    logger.error("Document %s failed: %s", document_id, error)
    GeneratedDocument.objects.filter(pk=document_id).exclude(
        status=GeneratedDocument.Status.READY
    ).update(status=GeneratedDocument.Status.FAILED, error=error[:2000], updated_at=timezone.now())


def documents_requeue_stale(*, now: datetime.datetime | None = None) -> int:
    """Hand the broker again the pending documents it never got (Redis away) or lost."""
    now = now or timezone.now()
    stale = GeneratedDocument.objects.filter(
        status=GeneratedDocument.Status.PENDING, updated_at__lt=now - PUBLISH_GRACE
    ).filter(models.Q(enqueued_at__isnull=True) | models.Q(enqueued_at__lt=now - STALE_AFTER))
    return sum(
        _publish_render(document_id) for document_id in list(stale.values_list("pk", flat=True))
    )


def latest_document(*, kind: str, subject: models.Model) -> GeneratedDocument | None:
    return (
        GeneratedDocument.objects.filter(
            kind=kind,
            content_type=ContentType.objects.get_for_model(subject),
            object_id=subject.pk,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _enqueue_render(document_id: int) -> None:
    transaction.on_commit(lambda: _publish_render(document_id))


def _publish_render(document_id: int) -> bool:
    from .tasks import render_document

    GeneratedDocument.objects.filter(pk=document_id).update(enqueued_at=timezone.now())
    if publish(render_document, document_id):
        return True
    GeneratedDocument.objects.filter(pk=document_id).update(enqueued_at=None)
    return False


# --- Exports built in the background -----------------------------------------------

# The same person asking again for the same selection within this delay gets the export
# already made (or being made) instead of a second one.
EXPORT_REUSE_WITHIN = datetime.timedelta(hours=1)
# Files are deleted after this delay (``exports_purge``, a beat task).
EXPORT_KEPT_FOR = datetime.timedelta(hours=24)


def export_params(params: QueryDict) -> str:
    """The query string that names a selection: the page number aside, in a stable order."""
    return urlencode(
        sorted((key, value) for key, values in params.lists() if key != "page" for value in values)
    )


@transaction.atomic
def export_request(
    *, kind: str, params: QueryDict, requested_by, total: int = 0
) -> BackgroundExport:
    """Ask for ``kind`` of the selection ``params`` to be written in the background.

    The identical export (same person, kind and filters) asked within the last hour,
    pending or ready, is returned instead of a second one; ``total`` is the number of
    rows counted now, shown until the task counts again.
    """
    export_kind = get_export_kind(kind)
    if not export_kind.allowed(requested_by):
        raise PermissionDenied("Vous n'avez pas accès à cet export.")
    query = export_params(params)
    # One request at a time per person: a double click finds the first one's export.
    list(get_user_model().objects.select_for_update().filter(pk=requested_by.pk).values("pk"))
    existing = (
        BackgroundExport.objects.filter(
            kind=kind,
            requested_by=requested_by,
            params=query,
            status__in=[BackgroundExport.Status.PENDING, BackgroundExport.Status.READY],
            created_at__gte=timezone.now() - EXPORT_REUSE_WITHIN,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if existing is not None:
        return existing
    export = BackgroundExport(kind=kind, params=query, requested_by=requested_by, rows_total=total)
    export.full_clean(exclude=["file"])
    export.save()
    transaction.on_commit(lambda: _publish_export(export.pk))
    return export


def export_build(*, export_id: int) -> BackgroundExport:
    """Write the export's file, as its requester, with the same rows as the inline export.

    Idempotent: an export that is no longer pending (ready, failed) stays as it is. The
    filters are applied again with the requester's visibility of now, and the requester
    must still hold the export's permissions.
    """
    export = BackgroundExport.objects.select_related("requested_by").get(pk=export_id)
    if export.status != BackgroundExport.Status.PENDING:
        return export
    kind = get_export_kind(export.kind)
    user = export.requested_by
    if not kind.allowed(user):
        export_mark_failed(
            export_id=export_id, error="Le demandeur n'a plus le droit d'exporter ces données."
        )
        return BackgroundExport.objects.get(pk=export_id)
    params = QueryDict(export.params)
    pending = BackgroundExport.objects.filter(pk=export_id, status=BackgroundExport.Status.PENDING)
    pending.update(
        attempts=models.F("attempts") + 1,
        rows_done=0,
        rows_total=kind.count(params, user),
        updated_at=timezone.now(),
    )

    def progress(done: int) -> None:
        pending.update(
            rows_done=done,
            rows_total=Greatest(models.F("rows_total"), done),
            updated_at=timezone.now(),
        )

    with tempfile.TemporaryFile() as output:
        written = kind.write(output, params, user, progress=progress)
        output.seek(0)
        digest = hashlib.sha256()
        while block := output.read(1 << 20):
            digest.update(block)
        output.seek(0)
        with transaction.atomic():
            export = BackgroundExport.objects.select_for_update().get(pk=export_id)
            if export.status != BackgroundExport.Status.PENDING:
                return export
            export.file.save(f"export.{kind.file_format}", File(output), save=False)
            export.checksum = digest.hexdigest()
            export.rows_done = export.rows_total = written
            export.status = BackgroundExport.Status.READY
            export.ready_at = timezone.now()
            export.error = ""
            export.full_clean(exclude=["file"])
            export.save()
            _tell_export_ready(export, kind.label)
    return export


def _tell_export_ready(export: BackgroundExport, label: str) -> None:
    rows = export.rows_done
    notify(
        recipient=export.requested_by,
        subject=f"Votre export est prêt : {label}",
        template="export_ready",
        context={
            "label": label,
            "rows": f"{format_number(rows)} ligne{'s' if rows > 1 else ''}",
            "expires": format_moment(export.created_at + EXPORT_KEPT_FOR),
        },
        url=export.get_absolute_url(),
    )


def export_mark_failed(*, export_id: int, error: str) -> None:
    logger.error("Export %s failed: %s", export_id, error)
    BackgroundExport.objects.filter(pk=export_id, status=BackgroundExport.Status.PENDING).update(
        status=BackgroundExport.Status.FAILED, error=error[:2000], updated_at=timezone.now()
    )


def exports_requeue_stale(*, now: datetime.datetime | None = None) -> int:
    """Hand the broker again the pending exports it never got (Redis away) or lost.

    An export being written updates its progress every chunk: only one silent for
    ``STALE_AFTER`` since it was handed over is handed again.
    """
    now = now or timezone.now()
    stale = BackgroundExport.objects.filter(
        status=BackgroundExport.Status.PENDING, updated_at__lt=now - PUBLISH_GRACE
    ).filter(
        models.Q(enqueued_at__isnull=True)
        | models.Q(enqueued_at__lt=now - STALE_AFTER, updated_at__lt=now - STALE_AFTER)
    )
    return sum(_publish_export(export_id) for export_id in list(stale.values_list("pk", flat=True)))


def exports_purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the exports (their files first) asked for more than 24 hours ago."""
    now = now or timezone.now()
    expired = BackgroundExport.objects.filter(created_at__lt=now - EXPORT_KEPT_FOR)
    deleted = 0
    for export in expired.only("pk", "file").iterator(chunk_size=200):
        if export.file:
            export.file.delete(save=False)
        export.delete()
        deleted += 1
    return deleted


def _publish_export(export_id: int) -> bool:
    from .tasks import build_export

    BackgroundExport.objects.filter(pk=export_id).update(enqueued_at=timezone.now())
    if publish(build_export, export_id):
        return True
    BackgroundExport.objects.filter(pk=export_id).update(enqueued_at=None)
    return False
