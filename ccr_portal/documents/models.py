import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


def document_upload_to(instance: "GeneratedDocument", filename: str) -> str:
    # Server-generated names only: nothing of the subject leaks into the path.
    return f"generated/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class GeneratedDocument(models.Model):
    """A PDF rendered in the background from a Django template (WeasyPrint)."""

    class Status(models.TextChoices):
        PENDING = "pending", "En cours de génération"
        READY = "ready", "Prêt"
        FAILED = "failed", "Échec de la génération"

    kind = models.CharField("type de document", max_length=50)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="demandé par",
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    # The HTML is rendered when the document is asked for, so that its
    # fingerprint says whether the content changed; the task only turns it
    # into a PDF.
    source_html = models.TextField(editable=False)
    fingerprint = models.CharField(max_length=64, editable=False)
    file = models.FileField("fichier", upload_to=document_upload_to, blank=True)
    checksum = models.CharField("empreinte SHA-256 du PDF", max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    # When a render task was last handed to the broker (None: not yet, or the
    # broker was away): the outbox drain hands it again.
    enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)
    error = models.TextField("erreur", blank=True)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    ready_at = models.DateTimeField("prêt le", null=True, blank=True)

    class Meta:
        verbose_name = "document généré"
        verbose_name_plural = "documents générés"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "fingerprint"],
                name="unique_document_per_content",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ready") | ~models.Q(checksum=""),
                name="ready_document_has_checksum",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id", "kind"])]

    def __str__(self):
        return f"{self.kind} #{self.object_id} ({self.get_status_display()})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING
