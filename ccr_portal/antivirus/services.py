"""The one path of every upload through the antivirus: schedule, scan, quarantine, tell.

Upload services call ``scanned_file_schedule`` after saving the row, inside
their transaction; the task ``scan_uploaded_file`` calls ``scanned_file_scan``
after the commit. An infected file is moved out of the media storage into
``QUARANTINE_ROOT`` (never served), its row stays with the verdict, the
uploader and the coordinators are told: nothing else of the dossier, message
or request changes.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone

from ccr_portal.notifications.services import notify, notify_many

from . import clamd
from .models import ScannedFile, ScanStatus

STALE_PENDING_AFTER = datetime.timedelta(minutes=30)


def scanned_models() -> list[type[ScannedFile]]:
    """Every concrete model holding scanned uploads, later apps included."""
    return [model for model in apps.get_models() if issubclass(model, ScannedFile)]


def quarantine_storage() -> FileSystemStorage:
    return FileSystemStorage(location=settings.QUARANTINE_ROOT)


def scanned_file_schedule(*, scanned: ScannedFile) -> str:
    """Mark a just-saved upload for scanning, and scan it after the commit.

    Without clamd (``CLAMD_URL`` empty) the file is ``not_scanned``: served,
    and flagged to the coordinators.
    """
    from .tasks import scan_uploaded_file

    status = ScanStatus.PENDING if clamd.is_configured() else ScanStatus.NOT_SCANNED
    scanned.scan_status, scanned.scan_signature = status, ""
    scanned.scan_updated_at = timezone.now()
    type(scanned).objects.filter(pk=scanned.pk).update(
        scan_status=status, scan_signature="", scan_updated_at=scanned.scan_updated_at
    )
    if status == ScanStatus.PENDING:
        label, pk = scanned._meta.label, scanned.pk
        transaction.on_commit(lambda: scan_uploaded_file.delay(label, pk))
    return status


def scanned_file_scan(*, model: str, pk: int) -> str:
    """Scan one file with clamd and record the verdict; idempotent.

    Raises ``ScannerUnavailable`` when clamd cannot be reached (the task retries).
    """
    model_class = apps.get_model(model)
    scanned = model_class.objects.filter(pk=pk).first()
    if scanned is None:
        return "gone"
    if scanned.scan_status != ScanStatus.PENDING:
        return scanned.scan_status
    if not scanned.scanned_file:
        return _record(model_class, pk, clamd.Verdict("error", "fichier absent du stockage"))
    try:
        with scanned.scanned_file.open("rb") as stream:
            verdict = clamd.scan_stream(stream)
    except FileNotFoundError:
        verdict = clamd.Verdict("error", "fichier absent du stockage")
    return _record(model_class, pk, verdict)


def scanned_file_fail(*, model: str, pk: int, reason: str) -> str:
    """clamd stayed unreachable through every retry: the file stays unserved, coordinators told."""
    return _record(apps.get_model(model), pk, clamd.Verdict("error", reason[:200]))


@transaction.atomic
def _record(model_class, pk: int, verdict: clamd.Verdict) -> str:
    scanned = model_class.objects.select_for_update().filter(pk=pk).first()
    if scanned is None:
        return "gone"
    if scanned.scan_status != ScanStatus.PENDING:
        return scanned.scan_status  # another run recorded it first
    scanned.scan_status = ScanStatus(verdict.status)
    scanned.scan_signature = verdict.detail
    scanned.scan_updated_at = timezone.now()
    scanned.save(update_fields=["scan_status", "scan_signature", "scan_updated_at"])
    if scanned.scan_status == ScanStatus.INFECTED:
        name = scanned.scanned_file.name
        storage = scanned.scanned_file.storage
        transaction.on_commit(lambda: _quarantine(storage, name))
        _tell_infected(scanned)
    elif scanned.scan_status == ScanStatus.ERROR:
        _tell_error(scanned)
    return scanned.scan_status


def _quarantine(storage, name: str) -> None:
    """Move the bytes out of the media storage: no view, backup or ZIP reaches them."""
    if not name or not storage.exists(name):
        return
    with storage.open(name, "rb") as source:
        quarantine_storage().save(name, source)
    storage.delete(name)


def _context(scanned: ScannedFile) -> tuple[dict, str]:
    """The e-mail context (JSON-serialisable) and the URL of the file's page."""
    place, url = scanned.scan_place()
    uploader = scanned.scan_uploader()
    context = {
        "file_name": scanned.scanned_name,
        "place": place,
        "signature": scanned.scan_signature,
        "uploader": uploader.display_name if uploader else "un compte supprimé",
    }
    return context, url


def _tell_infected(scanned: ScannedFile) -> None:
    context, url = _context(scanned)
    uploader = scanned.scan_uploader()
    coordinators = [person for person in scanned.scan_coordinators() if person != uploader]
    if uploader is not None and uploader.is_active:
        notify(
            recipient=uploader,
            subject=f"Fichier refusé par l'antivirus : « {context['file_name']} »",
            template="antivirus_infected",
            context=context,
            url=url,
        )
    notify_many(
        recipients=coordinators,
        subject=f"Virus détecté et mis en quarantaine : « {context['file_name']} »",
        template="antivirus_alert",
        context={**context, "infected": True},
        url=url,
    )


def _tell_error(scanned: ScannedFile) -> None:
    context, url = _context(scanned)
    notify_many(
        recipients=scanned.scan_coordinators(),
        subject=f"Analyse antivirus impossible : « {context['file_name']} »",
        template="antivirus_alert",
        context={**context, "infected": False},
        url=url,
    )


def scanned_files_requeue_stale() -> int:
    """Scan again the files left pending (a lost task, a worker restarted): the beat's job."""
    from .tasks import scan_uploaded_file

    if not clamd.is_configured():
        return 0
    cutoff = timezone.now() - STALE_PENDING_AFTER
    count = 0
    for model in scanned_models():
        stale = model.objects.filter(scan_status=ScanStatus.PENDING, scan_updated_at__lt=cutoff)
        for pk in stale.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(scan_updated_at=timezone.now())
            scan_uploaded_file.delay(model._meta.label, pk)
            count += 1
    return count


def scanned_files_rescan(*, statuses: tuple[str, ...]) -> int:
    """Put files of these statuses back to ``pending`` and scan them (once clamd is set up)."""
    from .tasks import scan_uploaded_file

    if not clamd.is_configured():
        raise clamd.ScannerUnavailable("CLAMD_URL n'est pas configuré.")
    count = 0
    for model in scanned_models():
        rows = model.objects.filter(scan_status__in=statuses).exclude(
            **{model.scanned_file_field: ""}
        )
        for pk in rows.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(
                scan_status=ScanStatus.PENDING, scan_signature="", scan_updated_at=timezone.now()
            )
            scan_uploaded_file.delay(model._meta.label, pk)
            count += 1
    return count
