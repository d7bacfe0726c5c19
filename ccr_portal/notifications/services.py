import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Notification, SentReminder


def notify(
    *,
    recipient,
    subject: str,
    template: str,
    context: dict | None = None,
    url: str = "",
) -> Notification:
    """Tell one person something: in the portal now, by e-mail in the background.

    ``template`` names ``templates/emails/<template>.txt`` and ``.html``; the
    context must be JSON-serialisable (ids, strings, numbers) because the
    e-mail task renders it later, outside this request.
    """
    context = dict(context or {})
    body = render_to_string(
        f"emails/{template}.txt",
        {**_email_context(recipient, subject, url, context), "in_app": True},
    )
    notification = Notification.objects.create(
        recipient=recipient,
        subject=subject,
        body=body.strip(),
        url=url,
        email_template=template,
        email_context=context,
    )
    from .tasks import send_notification_email

    transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


def notify_many(*, recipients: Iterable, **kwargs) -> list[Notification]:
    return [notify(recipient=recipient, **kwargs) for recipient in recipients]


def notification_send_email(*, notification_id: int) -> bool:
    """Send the e-mail of a notification once; returns False if already sent."""
    from django.core.mail import EmailMultiAlternatives

    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.emailed_at is not None:
        return False
    context = _email_context(
        notification.recipient,
        notification.subject,
        notification.url,
        notification.email_context,
    )
    message = EmailMultiAlternatives(
        subject=f"[Portail CCR] {notification.subject}",
        body=render_to_string(f"emails/{notification.email_template}.txt", context),
        to=[notification.recipient.email],
    )
    message.attach_alternative(
        render_to_string(f"emails/{notification.email_template}.html", context), "text/html"
    )
    message.send()
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


@transaction.atomic
def notifications_mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def remind_once(
    *, rule: str, about: models.Model, deadline: datetime.date, **notify_kwargs
) -> bool:
    """Send a reminder unless this rule already reminded about this object and deadline.

    The unique constraint on ``SentReminder`` makes it safe against two beat
    runs overlapping. Returns True when the reminder went out now.
    """
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                rule=rule,
                content_type=ContentType.objects.get_for_model(about),
                object_id=about.pk,
                deadline=deadline,
            )
            recipients = notify_kwargs.pop("recipients", None)
            if recipients is not None:
                notify_many(recipients=recipients, **notify_kwargs)
            else:
                notify(**notify_kwargs)
    except IntegrityError:
        return False
    return True


def _email_context(recipient, subject: str, url: str, context: dict) -> dict:
    absolute_url = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
    return {
        **context,
        "recipient_name": recipient.display_name,
        "subject": subject,
        "url": absolute_url,
        "site_url": settings.SITE_URL,
    }
