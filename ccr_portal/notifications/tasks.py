import smtplib

from celery import shared_task

from .services import notification_send_email


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=30,
    time_limit=60,
)
def send_notification_email(notification_id: int) -> bool:
    return notification_send_email(notification_id=notification_id)
