import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
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
    attachments: list[dict] | None = None,
) -> Notification:
    """Tell one person something: in the portal now, by e-mail in the background.

    ``template`` names ``templates/emails/<template>.txt`` and ``.html``; the
    context must be JSON-serialisable (ids, strings, numbers) because the
    e-mail task renders it later, outside this request. ``attachments`` are small
    text files joined to the e-mail (``filename``, ``content``, ``mimetype``), such as
    a meeting's ``.ics`` invitation.
    """
    context = dict(context or {})
    body = render_to_string(
        f"emails/{template}.txt",
        {**_email_context(recipient.display_name, subject, url, context), "in_app": True},
    )
    notification = Notification.objects.create(
        recipient=recipient,
        subject=subject,
        body=body.strip(),
        url=url,
        email_template=template,
        email_context=context,
        email_attachments=list(attachments or []),
    )
    from .tasks import send_notification_email

    transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


def notify_many(*, recipients: Iterable, **kwargs) -> list[Notification]:
    return [notify(recipient=recipient, **kwargs) for recipient in recipients]


def notification_send_email(*, notification_id: int) -> bool:
    """Send the e-mail of a notification once; returns False if already sent."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.emailed_at is not None:
        return False
    send_templated_email(
        to=notification.recipient.email,
        attachments=notification.email_attachments,
        **rendered_email(
            recipient_name=notification.recipient.display_name,
            subject=notification.subject,
            template=notification.email_template,
            context=notification.email_context,
            url=notification.url,
        ),
    )
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return True


def email_address(
    *, to: str, subject: str, template: str, context: dict | None = None, url: str = ""
) -> None:
    """E-mail someone who has no account yet (an invitation): no in-app notification.

    Rendered now, sent after the commit by a task with retries, like ``notify``.
    """
    from .tasks import send_rendered_email

    email = rendered_email(
        recipient_name=to, subject=subject, template=template, context=context or {}, url=url
    )
    transaction.on_commit(lambda: send_rendered_email.delay(to=to, **email))


def rendered_email(
    *, recipient_name: str, subject: str, template: str, context: dict, url: str
) -> dict:
    """The subject, text and HTML of ``templates/emails/<template>``, in French."""
    full = _email_context(recipient_name, subject, url, context)
    return {
        "subject": f"[Portail CCR] {subject}",
        "text": render_to_string(f"emails/{template}.txt", full),
        "html": render_to_string(f"emails/{template}.html", full),
    }


def send_templated_email(
    *, to: str, subject: str, text: str, html: str, attachments: list[dict] | None = None
) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    for attachment in attachments or []:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    message.send()


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


def _email_context(recipient_name: str, subject: str, url: str, context: dict) -> dict:
    absolute_url = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
    return {
        **context,
        "recipient_name": recipient_name,
        "subject": subject,
        "url": absolute_url,
        "site_url": settings.SITE_URL,
    }
