"""One shape for every history line of every workflow (``ccr_portal.workflow``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class TransitionRecord(models.Model):
    """Who moved which object from which state to which, when, and why.

    A concrete history names its object's foreign key and sets ``subject_field`` to
    its name; it may narrow ``from_status``/``to_status`` to its statuses' choices.
    """

    subject_field = ""

    action = models.CharField("action", max_length=30)
    from_status = models.CharField("de", max_length=30)
    to_status = models.CharField("vers", max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField("commentaire", blank=True)
    created_at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"

    @property
    def subject(self):
        return getattr(self, self.subject_field)

    @property
    def changes_status(self) -> bool:
        return self.from_status != self.to_status
