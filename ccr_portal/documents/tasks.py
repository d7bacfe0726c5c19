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


def _run_with_retries(task, *, build, mark_failed, timeout_error: str) -> str:
    """Run ``build()`` (returns a row with a ``status``) for a bound ``task``: past the
    soft time limit, or after ``MAX_RETRIES`` retries, the row is marked failed; any
    other error is retried with an exponential back-off (10 s, 20 s, 40 s)."""
    try:
        return build().status
    except SoftTimeLimitExceeded:
        mark_failed(timeout_error)
        return "failed"
    except Exception as exc:
        if task.request.retries >= MAX_RETRIES:
            mark_failed(repr(exc))
            return "failed"
        raise task.retry(exc=exc, countdown=10 * 2**task.request.retries) from exc


@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=120, time_limit=150)
def render_document(self, document_id: int) -> str:
    return _run_with_retries(
        self,
        build=lambda: document_render(document_id=document_id),
        mark_failed=lambda error: document_mark_failed(document_id=document_id, error=error),
        timeout_error="Délai de génération dépassé.",
    )


# 10,000 dossiers take about 8 s in XLSX: the limits leave room for far larger exports.
@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=900, time_limit=960)
def build_export(self, export_id: int) -> str:
    return _run_with_retries(
        self,
        build=lambda: export_build(export_id=export_id),
        mark_failed=lambda error: export_mark_failed(export_id=export_id, error=error),
        timeout_error="Délai de préparation dépassé.",
    )


@shared_task
def requeue_stale_documents() -> int:
    """The outbox drain of the documents app: the PDFs, then the exports."""
    return documents_requeue_stale() + exports_requeue_stale()


@shared_task
def purge_expired_exports() -> int:
    return exports_purge()
