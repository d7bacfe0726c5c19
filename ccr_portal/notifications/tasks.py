import smtplib

from celery import shared_task

from .services import notification_send_email, notifications_send_emails, send_templated_email

RETRY = {
    "autoretry_for": (smtplib.SMTPException, OSError),
    "retry_backoff": 30,
    "retry_backoff_max": 3600,
    "retry_jitter": True,
    "max_retries": 8,
    "soft_time_limit": 30,
    "time_limit": 60,
}


@shared_task(**RETRY)
def send_notification_email(notification_id: int) -> bool:
    return notification_send_email(notification_id=notification_id)


@shared_task(**{**RETRY, "soft_time_limit": 300, "time_limit": 360})
def send_notification_emails(notification_ids: list[int]) -> int:
    return notifications_send_emails(notification_ids=notification_ids)


@shared_task(**RETRY)
def send_rendered_email(*, to: str, subject: str, text: str, html: str) -> None:
    send_templated_email(to=to, subject=subject, text=text, html=html)
