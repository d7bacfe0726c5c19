from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class Notification(models.Model):
    """A message to one person: listed in the portal and sent by e-mail."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("message")
    url = models.CharField("lien", max_length=500, blank=True)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    read_at = models.DateTimeField("lue le", null=True, blank=True)
    email_template = models.CharField(max_length=100)
    email_context = models.JSONField(default=dict, blank=True)
    # Small text files joined to the e-mail: [{"filename", "content", "mimetype"}].
    email_attachments = models.JSONField(default=list, blank=True)
    emailed_at = models.DateTimeField("envoyée par e-mail le", null=True, blank=True)

    class Meta:
        verbose_name = "notification"
        verbose_name_plural = "notifications"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self):
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class SentReminder(models.Model):
    """One row per (rule, object, deadline): a reminder is never sent twice."""

    rule = models.CharField("règle", max_length=100)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    deadline = models.DateField("échéance")
    sent_at = models.DateTimeField("envoyé le", default=timezone.now)

    class Meta:
        verbose_name = "relance envoyée"
        verbose_name_plural = "relances envoyées"
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "content_type", "object_id", "deadline"],
                name="unique_reminder_per_rule_object_deadline",
            )
        ]

    def __str__(self):
        return f"{self.rule} ({self.deadline})"


class OutgoingEmail(models.Model):
    """An e-mail to send: the outbox row written with the change that causes it.

    Sent by a task, retried with a growing delay while the SMTP server refuses,
    never dropped: a pending e-mail stays pending, and the coordinators see it.
    Its body is cleared once sent (it may carry a password-reset link).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        SENT = "sent", "Envoyé"

    to = models.EmailField("destinataire")
    subject = models.CharField("objet", max_length=300)
    text = models.TextField("texte", blank=True)
    html = models.TextField("HTML", blank=True)
    notification = models.OneToOneField(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outgoing_email",
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    last_error = models.TextField("dernière erreur", blank=True)
    next_attempt_at = models.DateTimeField("prochaine tentative", default=timezone.now)
    # When a task was last handed to the broker for it (None: not yet, or lost).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "e-mail sortant"
        verbose_name_plural = "e-mails sortants"
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outgoing_email_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="sent_email_has_sent_at",
            )
        ]

    def __str__(self):
        return f"{self.subject} → {self.to} ({self.get_status_display()})"
