"""What every scanned upload carries: the ``ScannedFile`` abstract model.

A model that stores an upload inherits it, names its file field, and says
where the file lives and who to tell (``scan_place``, ``scan_uploader``,
``scan_coordinators``). The upload service calls
``ccr_portal.antivirus.services.scanned_file_schedule`` once the row is saved;
nothing is downloadable until the scan says ``clean`` (or ``not_scanned`` when
no clamd is configured, the embedded default).
"""

from django.db import models
from django.db.models.fields.files import FieldFile


class ScanStatus(models.TextChoices):
    PENDING = "pending", "Analyse antivirus en cours"
    CLEAN = "clean", "Sain"
    INFECTED = "infected", "Virus détecté : fichier mis en quarantaine"
    ERROR = "error", "Analyse antivirus impossible"
    NOT_SCANNED = "not_scanned", "Non analysé (aucun antivirus configuré)"


DOWNLOADABLE_STATUSES = frozenset({ScanStatus.CLEAN, ScanStatus.NOT_SCANNED})


class ScannedFile(models.Model):
    # Fail closed: a row saved without going through the scan is never served.
    scan_status = models.CharField(
        "analyse antivirus",
        max_length=12,
        choices=ScanStatus.choices,
        default=ScanStatus.PENDING,
    )
    scan_signature = models.CharField("résultat de l'analyse", max_length=200, blank=True)
    scan_updated_at = models.DateTimeField("analyse mise à jour le", null=True, blank=True)

    scanned_file_field = "file"
    scanned_name_field = "original_name"

    class Meta:
        abstract = True

    @property
    def scanned_file(self) -> FieldFile:
        return getattr(self, self.scanned_file_field)

    @property
    def scanned_name(self) -> str:
        return getattr(self, self.scanned_name_field) or "fichier"

    @property
    def is_downloadable(self) -> bool:
        return self.scan_status in DOWNLOADABLE_STATUSES

    @property
    def is_infected(self) -> bool:
        return self.scan_status == ScanStatus.INFECTED

    # Who is told, and about which place: each concrete model says.
    def scan_place(self) -> tuple[str, str]:
        """(French description such as « le dossier de X », URL of its page)."""
        raise NotImplementedError

    def scan_uploader(self):
        return getattr(self, "uploaded_by", None)

    def scan_coordinators(self) -> list:
        from ccr_portal.users.models import Role, User

        return list(
            User.objects.filter(role_assignments__role=Role.COORDINATOR, is_active=True).distinct()
        )
