from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .services import (
    document_mark_failed,
    document_render,
    documents_requeue_stale,
    export_build,
    export_mark_failed,
    exports_purge,
    exports_requeue_stale,
)

MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=120, time_limit=150)
def render_document(self, document_id: int) -> str:
    try:
        return document_render(document_id=document_id).status
    except SoftTimeLimitExceeded:
        document_mark_failed(document_id=document_id, error="Délai de génération dépassé.")
        return "failed"
    except Exception as exc:
        if self.request.retries >= MAX_RETRIES:
            document_mark_failed(document_id=document_id, error=repr(exc))
            return "failed"
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc


# 10,000 dossiers take about 8 s in XLSX: the limits leave room for far larger exports.
@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=900, time_limit=960)
def build_export(self, export_id: int) -> str:
    try:
        return export_build(export_id=export_id).status
    except SoftTimeLimitExceeded:
        export_mark_failed(export_id=export_id, error="Délai de préparation dépassé.")
        return "failed"
    except Exception as exc:
        if self.request.retries >= MAX_RETRIES:
            export_mark_failed(export_id=export_id, error=repr(exc))
            return "failed"
        raise self.retry(exc=exc, countdown=10 * 2**self.request.retries) from exc


@shared_task
def requeue_stale_documents() -> int:
    """The outbox drain of the documents app: the PDFs, then the exports."""
    return documents_requeue_stale() + exports_requeue_stale()


@shared_task
def purge_expired_exports() -> int:
    return exports_purge()
