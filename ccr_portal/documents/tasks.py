from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from .services import document_mark_failed, document_render, documents_requeue_stale

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


@shared_task
def requeue_stale_documents() -> int:
    return documents_requeue_stale()
