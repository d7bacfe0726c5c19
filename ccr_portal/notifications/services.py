import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
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
    notification = _notification(
        recipient=recipient, subject=subject, template=template, context=context, url=url
    )
    notification.save()
    from .tasks import send_notification_email

    transaction.on_commit(lambda: send_notification_email.delay(notification.pk))
    return notification


def _notification(*, recipient, subject: str, template: str, context: dict | None, url: str):
    """The unsaved notification, its in-portal text rendered from the e-mail's."""
    context = dict(context or {})
    body = render_to_string(
        f"emails/{template}.txt",
        {**_email_context(recipient.display_name, subject, url, context), "in_app": True},
    )
    return Notification(
        recipient=recipient,
        subject=subject,
        body=body.strip(),
        url=url,
        email_template=template,
        email_context=context,
    )


def notify_many(*, recipients: Iterable, **kwargs) -> list[Notification]:
    return [notify(recipient=recipient, **kwargs) for recipient in recipients]


def notification_send_email(*, notification_id: int) -> bool:
    """Send the e-mail of a notification once; returns False if already sent."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.emailed_at is not None:
        return False
    send_templated_email(
        to=notification.recipient.email,
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


def notifications_send_emails(*, notification_ids: Iterable[int]) -> int:
    """Send the e-mails of a batch of notifications over one connection, each once.

    Two queries for the batch; what went out is marked sent even if a later one fails
    (the task's retry then sends only the rest).
    """
    notifications = list(
        Notification.objects.filter(pk__in=list(notification_ids), emailed_at__isnull=True)
        .select_related("recipient")
        .order_by("pk")
    )
    sent = []
    try:
        with get_connection() as connection:
            for notification in notifications:
                message = _message(
                    to=notification.recipient.email,
                    **rendered_email(
                        recipient_name=notification.recipient.display_name,
                        subject=notification.subject,
                        template=notification.email_template,
                        context=notification.email_context,
                        url=notification.url,
                    ),
                )
                message.connection = connection
                message.send()
                sent.append(notification.pk)
    finally:
        if sent:
            Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    return len(sent)


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


def send_templated_email(*, to: str, subject: str, text: str, html: str) -> None:
    _message(to=to, subject=subject, text=text, html=html).send()


def _message(*, to: str, subject: str, text: str, html: str) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(subject=subject, body=text, to=[to])
    message.attach_alternative(html, "text/html")
    return message


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


@dataclass(frozen=True)
class Reminder:
    """One reminder a rule wants to send: about what, for which deadline, to whom."""

    about: models.Model
    deadline: datetime.date
    recipients: list
    subject: str
    template: str
    context: dict
    url: str


# Notifications whose e-mails one task sends over one SMTP connection.
EMAIL_BATCH = 200


def remind_many(*, rule: str, reminders: Iterable[Reminder]) -> int:
    """``remind_once`` for a whole sweep, in a number of queries that does not grow with it.

    One query reads what this rule already sent about these objects, one inserts the new
    sent-records, one the notifications; their e-mails leave after the commit in tasks of
    ``EMAIL_BATCH``. Returns the number of reminders sent now.

    If another run inserted some of the same sent-records meanwhile (the unique
    constraint refuses the batch), the batch falls back to ``remind_once`` one by one.
    """
    reminders = [reminder for reminder in reminders if reminder.recipients]
    if not reminders:
        return 0
    content_type = ContentType.objects.get_for_model(reminders[0].about)
    already = set(
        SentReminder.objects.filter(
            rule=rule,
            content_type=content_type,
            object_id__in=[reminder.about.pk for reminder in reminders],
        ).values_list("object_id", "deadline")
    )
    due = [r for r in reminders if (r.about.pk, r.deadline) not in already]
    if not due:
        return 0
    try:
        with transaction.atomic():
            SentReminder.objects.bulk_create(
                SentReminder(
                    rule=rule,
                    content_type=content_type,
                    object_id=reminder.about.pk,
                    deadline=reminder.deadline,
                )
                for reminder in due
            )
            notifications = Notification.objects.bulk_create(
                _notification(
                    recipient=recipient,
                    subject=reminder.subject,
                    template=reminder.template,
                    context=reminder.context,
                    url=reminder.url,
                )
                for reminder in due
                for recipient in reminder.recipients
            )
    except IntegrityError:
        return sum(
            remind_once(
                rule=rule,
                about=reminder.about,
                deadline=reminder.deadline,
                recipients=reminder.recipients,
                subject=reminder.subject,
                template=reminder.template,
                context=reminder.context,
                url=reminder.url,
            )
            for reminder in due
        )
    from .tasks import send_notification_emails

    ids = [notification.pk for notification in notifications]
    for start in range(0, len(ids), EMAIL_BATCH):
        batch = ids[start : start + EMAIL_BATCH]
        transaction.on_commit(lambda batch=batch: send_notification_emails.delay(batch))
    return len(due)


def _email_context(recipient_name: str, subject: str, url: str, context: dict) -> dict:
    absolute_url = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
    return {
        **context,
        "recipient_name": recipient_name,
        "subject": subject,
        "url": absolute_url,
        "site_url": settings.SITE_URL,
    }
