"""The whole-dossier ZIP for the instruction: the summary PDF plus every document."""

import tempfile
import zipfile
from collections import Counter
from pathlib import PurePath

from django.utils.text import slugify

from ccr_portal.antivirus.models import DOWNLOADABLE_STATUSES
from ccr_portal.documents.models import GeneratedDocument

from .models import Dossier

SPOOL_IN_MEMORY_UP_TO = 20 * 1024 * 1024


def zip_entry_names(dossier: Dossier) -> list[tuple[str, object]]:
    """(name in the ZIP, attachment) for every document, named by its type."""
    counts = Counter()
    entries = []
    # Only what the antivirus lets through: pending or quarantined files stay out.
    attachments = (
        dossier.attachments.filter(scan_status__in=DOWNLOADABLE_STATUSES)
        .select_related("document_type")
        .order_by("document_type__name", "uploaded_at", "pk")
    )
    totals = Counter(attachment.document_type_id for attachment in attachments)
    for attachment in attachments:
        type_slug = slugify(attachment.document_type.name) or "piece"
        counts[attachment.document_type_id] += 1
        suffix = PurePath(attachment.original_name).suffix.lower() or ".bin"
        number = (
            f"-{counts[attachment.document_type_id]}"
            if totals[attachment.document_type_id] > 1
            else ""
        )
        entries.append((f"pieces/{type_slug}{number}{suffix}", attachment))
    return entries


def build_dossier_zip(dossier: Dossier, summary: GeneratedDocument):
    """A temporary file holding the ZIP, positioned at its start."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_UP_TO)  # noqa: SIM115
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with summary.file.open("rb") as pdf:
            archive.writestr("00-synthese-du-dossier.pdf", pdf.read())
        for name, attachment in zip_entry_names(dossier):
            with attachment.file.open("rb") as source, archive.open(name, "w") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
    spool.seek(0)
    return spool


def zip_filename(dossier: Dossier) -> str:
    return f"dossier-{slugify(dossier.structure.name)}-{slugify(dossier.campaign.title)}.zip"
