import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone


@shared_task(soft_time_limit=300, time_limit=360)
def purge_security_log() -> int:
    """Daily: the security log keeps ``SECURITY_LOG_RETENTION_DAYS`` (the privacy page)."""
    from ccr_portal.security.models import SecurityEvent

    limit = timezone.now() - datetime.timedelta(days=settings.SECURITY_LOG_RETENTION_DAYS)
    deleted, _ = SecurityEvent.objects.filter(at__lt=limit).delete()
    return deleted
