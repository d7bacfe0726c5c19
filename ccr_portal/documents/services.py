import datetime
import hashlib
import logging

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ccr_portal.formatting import french_spaces_html
from ccr_portal.outbox import PUBLISH_GRACE, publish

from .models import GeneratedDocument
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
