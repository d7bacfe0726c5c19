import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
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


def export_upload_to(instance: "BackgroundExport", filename: str) -> str:
    # Server-generated names only: neither the filters nor the requester leak into the path.
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"exports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class BackgroundExport(models.Model):
    """A CSV or XLSX export too large for the request, written by a task for its requester.

    ``params`` is the list's query string as it was asked for; the task filters again
    with it, as the requester, with the requester's visibility at build time.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "En cours de préparation"
        READY = "ready", "Prêt"
        FAILED = "failed", "Échec de la préparation"

    kind = models.CharField("type d'export", max_length=50)
    params = models.TextField("filtres", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="demandé par",
    )
    status = models.CharField("état", max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_done = models.PositiveIntegerField("lignes écrites", default=0)
    rows_total = models.PositiveIntegerField("lignes à écrire", default=0)
    file = models.FileField("fichier", upload_to=export_upload_to, blank=True)
    checksum = models.CharField("empreinte SHA-256 du fichier", max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    # As for the PDFs: when the task was last handed to the broker (None: not yet, or the
    # broker was away), so that the outbox drain hands it again.
    enqueued_at = models.DateTimeField(null=True, blank=True, editable=False)
    error = models.TextField("erreur", blank=True)
    created_at = models.DateTimeField("demandé le", default=timezone.now)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    ready_at = models.DateTimeField("prêt le", null=True, blank=True)

    class Meta:
        verbose_name = "export en arrière-plan"
        verbose_name_plural = "exports en arrière-plan"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready") | ~models.Q(checksum=""),
                name="ready_export_has_checksum",
            ),
        ]
        indexes = [
            models.Index(fields=["requested_by", "kind", "created_at"]),
            models.Index(fields=["created_at"], name="export_created_idx"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("documents:export-status", kwargs={"pk": self.pk})

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def progress_percent(self) -> int:
        if not self.rows_total:
            return 100 if self.is_ready else 0
        return min(100, self.rows_done * 100 // self.rows_total)
