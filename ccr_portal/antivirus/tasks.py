from celery import shared_task

from .clamd import ScannerUnavailable
from .services import scanned_file_fail, scanned_file_scan, scanned_files_requeue_stale

MAX_RETRIES = 6


@shared_task(bind=True, max_retries=MAX_RETRIES, soft_time_limit=120, time_limit=150)
def scan_uploaded_file(self, model: str, pk: int) -> str:
    """Scan one upload; clamd unreachable is retried with backoff (15 s to 16 min)."""
    try:
        return scanned_file_scan(model=model, pk=pk)
    except ScannerUnavailable as exc:
        if self.request.retries >= MAX_RETRIES:
            return scanned_file_fail(model=model, pk=pk, reason=f"clamd injoignable : {exc}")
        raise self.retry(exc=exc, countdown=15 * 2**self.request.retries) from exc


@shared_task
def requeue_stale_scans() -> int:
    return scanned_files_requeue_stale()
