"""Validation and storage names of uploaded files, used by every app.

A file is accepted on its content (magic bytes), not on its name: a renamed
executable is refused, and the extension must agree with what the content is.
"""

import uuid
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

from ccr_portal.formatting import format_number


@dataclass(frozen=True)
class FileKind:
    code: str
    label: str
    mime: str
    extensions: tuple[str, ...]


ALLOWED_KINDS = {
    kind.code: kind
    for kind in [
        FileKind("pdf", "PDF", "application/pdf", (".pdf",)),
        FileKind("png", "PNG", "image/png", (".png",)),
        FileKind("jpg", "JPEG", "image/jpeg", (".jpg", ".jpeg")),
        FileKind("odt", "ODT", "application/vnd.oasis.opendocument.text", (".odt",)),
        FileKind(
            "docx",
            "DOCX",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        FileKind("ods", "ODS", "application/vnd.oasis.opendocument.spreadsheet", (".ods",)),
        FileKind(
            "xlsx",
            "XLSX",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
    ]
}
ALLOWED_LABELS = ", ".join(kind.label for kind in ALLOWED_KINDS.values())
ACCEPT_ATTRIBUTE = ",".join(ext for kind in ALLOWED_KINDS.values() for ext in kind.extensions)

# What some forbidden contents are, to tell the person plainly.
FORBIDDEN_LABELS = {
    "exe": "un programme exécutable",
    "elf": "un programme exécutable",
    "zip": "une archive ZIP",
    "rar": "une archive RAR",
    "7z": "une archive 7-Zip",
    "gz": "une archive compressée",
}


def max_upload_bytes() -> int:
    return settings.UPLOAD_MAX_SIZE_MB * 1024 * 1024


def detect_kind(head: bytes, whole_file) -> str | None:
    """The code of the file's real type, from its first bytes (and its ZIP index)."""
    guessed = filetype.guess(head)
    code = guessed.extension if guessed else None
    if code in {"zip", "docx", "xlsx", "odt", "ods"}:
        return _office_kind(whole_file) or code
    return code


def _office_kind(whole_file) -> str | None:
    whole_file.seek(0)
    try:
        with zipfile.ZipFile(whole_file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                for code in ("odt", "ods"):
                    if mimetype == ALLOWED_KINDS[code].mime:
                        return code
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    finally:
        whole_file.seek(0)
    return None


def validate_upload(upload: UploadedFile) -> FileKind:
    """The file's kind, or a French ``ValidationError`` that names the file."""
    name = upload.name or "fichier"
    if upload.size == 0:
        raise ValidationError(f"Le fichier « {name} » est vide.", code="empty")
    if upload.size > max_upload_bytes():
        size_mb = format_number(upload.size / (1024 * 1024), 1)
        raise ValidationError(
            f"Le fichier « {name} » pèse {size_mb} Mo : la taille maximale est de "
            f"{settings.UPLOAD_MAX_SIZE_MB} Mo.",
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(8192)
    code = detect_kind(head, upload)
    upload.seek(0)
    if code not in ALLOWED_KINDS:
        what = FORBIDDEN_LABELS.get(code or "")
        nature = f"est {what}" if what else "n'est pas d'un type accepté"
        raise ValidationError(
            f"Le fichier « {name} » {nature} : seuls les formats {ALLOWED_LABELS} sont acceptés.",
            code="forbidden_type",
        )
    kind = ALLOWED_KINDS[code]
    extension = PurePath(name).suffix.lower()
    if extension not in kind.extensions:
        raise ValidationError(
            f"Le nom du fichier « {name} » ne correspond pas à son contenu ({kind.label}) : "
            f"renommez-le avec l'extension {kind.extensions[0]}.",
            code="extension_mismatch",
        )
    return kind


def clean_original_name(name: str) -> str:
    """A display name safe to show and to send back in Content-Disposition."""
    path = PurePath(name or "fichier")
    stem = get_valid_filename(path.stem)[:150] or "fichier"
    return f"{stem}{path.suffix.lower()[:10]}"


ALLOWED_EXTENSIONS = {ext for kind in ALLOWED_KINDS.values() for ext in kind.extensions}


def private_name(prefix: str, filename: str) -> str:
    """The path a FileField stores: a random name, only the (allowed) extension is kept."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix not in ALLOWED_EXTENSIONS:
        suffix = ""
    return f"{prefix}/{uuid.uuid4().hex}{suffix}"
