from celery import shared_task

from .services import outgoing_email_send, outgoing_emails_drain, outgoing_emails_send

# No Celery retries: a refused e-mail stays in the outbox with its next
# attempt's date, and the drain (beat, every minute) hands it back.
LIMITS = {"soft_time_limit": 30, "time_limit": 60}


@shared_task(**LIMITS)
def send_outgoing_email(email_id: int) -> bool:
    return outgoing_email_send(email_id=email_id)


@shared_task(**LIMITS)
def drain_outgoing_emails() -> int:
    return outgoing_emails_drain()


# The names of the tasks before the outbox: messages already in a queue on an
# upgrade still find a task, which moves them into the outbox.
@shared_task(**LIMITS)
def send_notification_email(notification_id: int) -> bool:
    from .services import notification_email_adopt

    return notification_email_adopt(notification_id=notification_id)


@shared_task(soft_time_limit=300, time_limit=360)
def send_outgoing_emails(email_ids: list[int]) -> int:
    """A reminder sweep's e-mails, a batch over one SMTP connection (the outbox's rules)."""
    return outgoing_emails_send(email_ids=email_ids)


@shared_task(**LIMITS)
def send_rendered_email(*, to: str, subject: str, text: str, html: str) -> None:
    from .services import email_queue

    email_queue(to=to, subject=subject, text=text, html=html)
