import datetime
import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, models, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ccr_portal.formatting import french_spaces, french_spaces_html
from ccr_portal.outbox import PUBLISH_GRACE, publish

from .models import Notification, OutgoingEmail, SentReminder

logger = logging.getLogger(__name__)

# Delay before the n-th new attempt after a refusal: 30 s, 1 min, 2 min… up to 1 h.
RETRY_FIRST_DELAY = datetime.timedelta(seconds=30)
RETRY_MAX_DELAY = datetime.timedelta(hours=1)
# A task handed to the broker that has not run after this long is handed again.
REQUEUE_AFTER = datetime.timedelta(minutes=5)
SMTP_ERRORS = (smtplib.SMTPException, OSError)


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

    ``template`` names ``templates/emails/<template>.txt`` and ``.html``. The e-mail is
    written in the outbox with the notification, in the caller's transaction, and sent
    by a task after the commit (``email_queue``): nothing is lost if the broker is away.
    ``attachments`` are small text files joined to the e-mail (``filename``, ``content``,
    ``mimetype``), such as a meeting's ``.ics`` invitation: kept on the notification, the
    outbox joins them when it sends.
    """
    notification = _notification(
        recipient=recipient,
        subject=subject,
        template=template,
        context=context,
        url=url,
        attachments=attachments,
    )
    notification.save()
    email_queue(to=recipient.email, notification=notification, **_rendered_for(notification))
    return notification


def _notification(
    *,
    recipient,
    subject: str,
    template: str,
    context: dict | None,
    url: str,
    attachments: list[dict] | None = None,
):
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
        email_attachments=list(attachments or []),
    )


def _rendered_for(notification: Notification) -> dict:
    return rendered_email(
        recipient_name=notification.recipient.display_name,
        subject=notification.subject,
        template=notification.email_template,
        context=notification.email_context,
        url=notification.url,
    )


def notify_many(*, recipients: Iterable, **kwargs) -> list[Notification]:
    return [notify(recipient=recipient, **kwargs) for recipient in recipients]


def notification_send_email(*, notification_id: int) -> bool:
    """Send the e-mail of a notification once; returns False if already sent (or not now)."""
    email = OutgoingEmail.objects.filter(notification_id=notification_id).first()
    return email is not None and outgoing_email_send(email_id=email.pk)


def notification_email_adopt(*, notification_id: int) -> bool:
    """The e-mail of a notification made before the outbox existed, queued once."""
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if notification.emailed_at is not None or hasattr(notification, "outgoing_email"):
        return False
    email_queue(
        to=notification.recipient.email, notification=notification, **_rendered_for(notification)
    )
    return True


def email_address(
    *,
    to: str,
    subject: str,
    template: str,
    context: dict | None = None,
    url: str = "",
    recipient_name: str = "",
) -> None:
    """E-mail someone who has no account yet (an invitation): no in-app notification.

    Rendered now, sent after the commit through the outbox, like ``notify``.
    """
    email_queue(
        to=to,
        **rendered_email(
            recipient_name=recipient_name or to,
            subject=subject,
            template=template,
            context=context or {},
            url=url,
        ),
    )


def email_queue(
    *, to: str, subject: str, text: str, html: str = "", notification=None
) -> OutgoingEmail:
    """Write the e-mail in the outbox, in the caller's transaction; a task sends it after commit."""
    email = OutgoingEmail.objects.create(
        to=to, subject=subject[:300], text=text, html=html, notification=notification
    )
    transaction.on_commit(lambda: _publish_email(email.pk))
    return email


def outgoing_email_send(
    *, email_id: int, now: datetime.datetime | None = None, connection=None
) -> bool:
    """Send one pending e-mail; True once it left, False if not sent now.

    The row is locked while the SMTP server answers (two workers never send
    it twice); a refusal is recorded and the next attempt put off, doubling
    the delay each time.
    """
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification")
            .filter(pk=email_id, status=OutgoingEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return False
        now = now or timezone.now()
        email.attempts += 1
        try:
            send_templated_email(
                to=email.to,
                subject=email.subject,
                text=email.text,
                html=email.html,
                attachments=_attachments_of(email),
                connection=connection,
            )
        except SMTP_ERRORS as error:
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            email.next_attempt_at = now + retry_delay(email.attempts)
            email.enqueued_at = None
            email.save(update_fields=["attempts", "last_error", "next_attempt_at", "enqueued_at"])
            logger.warning("E-mail %s refused (attempt %s): %s", email.pk, email.attempts, error)
            return False
        email.status = OutgoingEmail.Status.SENT
        email.sent_at = now
        email.last_error = ""
        email.text = email.html = ""
        email.save()
        if email.notification_id:
            Notification.objects.filter(pk=email.notification_id).update(emailed_at=now)
    return True


def outgoing_emails_send(*, email_ids: Iterable[int], now: datetime.datetime | None = None) -> int:
    """Send a batch of pending e-mails over one SMTP connection (a reminder sweep's), in a
    number of queries that does not grow with the batch.

    The outbox's rules hold: the rows are locked while they are sent (another worker skips
    them), each is sent once, and a refusal is recorded and put off like
    ``outgoing_email_send``'s. Returns how many left.
    """
    now = now or timezone.now()
    with transaction.atomic():
        emails = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification")
            .filter(pk__in=list(email_ids), status=OutgoingEmail.Status.PENDING)
            .order_by("pk")
        )
        sent, refused = [], []
        with get_connection() as connection:
            for email in emails:
                try:
                    send_templated_email(
                        to=email.to,
                        subject=email.subject,
                        text=email.text,
                        html=email.html,
                        attachments=_attachments_of(email),
                        connection=connection,
                    )
                except SMTP_ERRORS as error:
                    refused.append((email, error))
                else:
                    sent.append(email.pk)
        OutgoingEmail.objects.filter(pk__in=sent).update(
            status=OutgoingEmail.Status.SENT,
            sent_at=now,
            last_error="",
            text="",
            html="",
            attempts=models.F("attempts") + 1,
        )
        Notification.objects.filter(outgoing_email__pk__in=sent).update(emailed_at=now)
        for email, error in refused:
            email.attempts += 1
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            email.next_attempt_at = now + retry_delay(email.attempts)
            email.enqueued_at = None
            email.save(update_fields=["attempts", "last_error", "next_attempt_at", "enqueued_at"])
            logger.warning("E-mail %s refused (attempt %s): %s", email.pk, email.attempts, error)
    return len(sent)


def _attachments_of(email: OutgoingEmail) -> list[dict]:
    return email.notification.email_attachments if email.notification_id else []


def retry_delay(attempts: int) -> datetime.timedelta:
    return min(RETRY_FIRST_DELAY * 2 ** max(attempts - 1, 0), RETRY_MAX_DELAY)


def outgoing_emails_drain(*, now: datetime.datetime | None = None) -> int:
    """Hand the broker every pending e-mail that is due and not already waiting in a queue."""
    now = now or timezone.now()
    due = (
        OutgoingEmail.objects.filter(
            status=OutgoingEmail.Status.PENDING,
            next_attempt_at__lte=now,
            created_at__lt=now - PUBLISH_GRACE,
        )
        .filter(models.Q(enqueued_at__isnull=True) | models.Q(enqueued_at__lt=now - REQUEUE_AFTER))
        .values_list("pk", flat=True)
    )
    return sum(_publish_email(email_id, now=now) for email_id in list(due))


def _publish_email(email_id: int, now: datetime.datetime | None = None) -> bool:
    from .tasks import send_outgoing_email

    OutgoingEmail.objects.filter(pk=email_id).update(enqueued_at=now or timezone.now())
    if publish(send_outgoing_email, email_id):
        return True
    OutgoingEmail.objects.filter(pk=email_id).update(enqueued_at=None)
    return False


def rendered_email(
    *, recipient_name: str, subject: str, template: str, context: dict, url: str
) -> dict:
    """The subject, text and HTML of ``templates/emails/<template>``, in French."""
    full = _email_context(recipient_name, subject, url, context)
    return {
        "subject": french_spaces(f"[Portail CCR] {subject}"),
        "text": french_spaces(render_to_string(f"emails/{template}.txt", full)),
        "html": french_spaces_html(render_to_string(f"emails/{template}.html", full)),
    }


def send_templated_email(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    attachments: list[dict] | None = None,
    connection=None,
) -> None:
    message = _message(to=to, subject=subject, text=text, html=html)
    for attachment in attachments or []:
        message.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    message.connection = connection
    message.send()


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
            # Their e-mails in the outbox, in the same transaction (``email_queue``'s rule).
            emails = OutgoingEmail.objects.bulk_create(
                _outgoing_for(notification) for notification in notifications
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
    ids = [email.pk for email in emails]
    transaction.on_commit(lambda: _publish_batches(ids))
    return len(due)


def _outgoing_for(notification: Notification) -> OutgoingEmail:
    rendered = _rendered_for(notification)
    return OutgoingEmail(
        to=notification.recipient.email,
        notification=notification,
        subject=rendered["subject"][:300],
        text=rendered["text"],
        html=rendered["html"],
    )


def _publish_batches(email_ids: list[int]) -> int:
    """Hand the broker the outbox's e-mails in tasks of ``EMAIL_BATCH``; the drain sends
    those it could not take. One UPDATE marks them all as queued (a batch the broker
    refuses is unmarked), so the sweep's queries do not grow with its e-mails.
    Returns how many batches the broker took."""
    from .tasks import send_outgoing_emails

    OutgoingEmail.objects.filter(pk__in=email_ids).update(enqueued_at=timezone.now())
    published = 0
    for start in range(0, len(email_ids), EMAIL_BATCH):
        batch = email_ids[start : start + EMAIL_BATCH]
        if publish(send_outgoing_emails, batch):
            published += 1
        else:
            OutgoingEmail.objects.filter(pk__in=batch).update(enqueued_at=None)
    return published


def _email_context(recipient_name: str, subject: str, url: str, context: dict) -> dict:
    absolute_url = f"{settings.SITE_URL}{url}" if url.startswith("/") else url
    return {
        **context,
        "recipient_name": recipient_name,
        "subject": subject,
        "url": absolute_url,
        "site_url": settings.SITE_URL,
    }
