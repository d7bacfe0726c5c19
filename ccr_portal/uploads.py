"""Validation and storage names of uploaded files, used by every app.

A file is accepted on its content (magic bytes), not on its name: a renamed
executable is refused, and the extension must agree with what the content is.
What an accepted type carries is then checked without trusting it:

- an office file (a ZIP) has its index bounded before anything is read, and no
  member is ever decompressed beyond its first few bytes: a zip bomb costs
  nothing to refuse;
- its members must be those of a document of its kind, with no program, no
  macro and no embedded OLE object;
- a PDF may not run JavaScript or automatic actions, nor carry files;
- no file may carry HTML (a PDF or an image that a browser could render as a
  page).

The antivirus (``ccr_portal.antivirus``) scans every stored file afterwards.
"""

import struct
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath, PurePosixPath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from pypdf import PdfReader, apply_configuration
from pypdf.errors import PyPdfError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

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

# --- Bounds of an office file's ZIP, checked on its index alone ------------
ARCHIVE_MAX_MEMBERS = 1000
# The central directory is parsed whole by ``zipfile``: bounded first, from the
# end record, so that a forged index cannot cost memory either.
ARCHIVE_MAX_INDEX_BYTES = 512 * 1024
ARCHIVE_MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# XML compresses 5 to 20 times, rarely 100; deflate's ceiling is about 1 000.
ARCHIVE_MAX_RATIO = 200
ARCHIVE_RATIO_CHECKED_ABOVE = 1024 * 1024
# How much of a member is ever decompressed: enough to recognise a program.
MEMBER_HEAD_BYTES = 8
ODF_MIMETYPE_MAX_BYTES = 100

_ODF_MEMBERS = (
    "mimetype",
    "content.xml",
    "styles.xml",
    "meta.xml",
    "settings.xml",
    "manifest.rdf",
    "layout-cache",
    "meta-inf/",
    "pictures/",
    "thumbnails/",
    "configurations2/",
    "objectreplacements/",
    "object ",
)
_OOXML_MEMBERS = ("[content_types].xml", "_rels/", "docprops/", "customxml/")
# Names (lower case) a member may have, by kind: exact names, or prefixes
# ending with "/" or a space. Anything else is unexpected (``Basic/`` and
# ``Scripts/`` hold an OpenDocument's macros).
OFFICE_MEMBERS = {
    "odt": _ODF_MEMBERS,
    "ods": _ODF_MEMBERS,
    "docx": (*_OOXML_MEMBERS, "word/"),
    "xlsx": (*_OOXML_MEMBERS, "xl/"),
}
EXECUTABLE_EXTENSIONS = frozenset(
    [
        ".exe",
        ".dll",
        ".com",
        ".scr",
        ".pif",
        ".cpl",
        ".msi",
        ".msp",
        ".bat",
        ".cmd",
        ".ps1",
        ".psm1",
        ".vbs",
        ".vbe",
        ".js",
        ".jse",
        ".wsf",
        ".wsh",
        ".hta",
        ".lnk",
        ".reg",
        ".jar",
        ".class",
        ".sh",
        ".bash",
        ".py",
        ".pl",
        ".php",
        ".elf",
        ".so",
        ".dylib",
        ".app",
        ".apk",
        ".docm",
        ".xlsm",
        ".dotm",
        ".xltm",
    ]
)
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows PE
    b"\x7fELF",  # Linux
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"#!",  # a script
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE: VBA macros (vbaProject.bin), embedded objects
)
NESTED_OFFICE_EXTENSIONS = (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".odg")

# --- What no file may carry ------------------------------------------------
HTML_MARKERS = (
    b"<html",
    b"<body",
    b"<head>",
    b"<script",
    b"<iframe",
    b"<svg",
    b"<object",
    b"<embed",
    b"<!doctype html",
    b"onerror=",
    b"onload=",
)
_HTML_OVERLAP = max(len(marker) for marker in HTML_MARKERS)

# Keys and action types of a PDF that run something or carry files.
PDF_SCRIPT_KEYS = frozenset({"/JS", "/JavaScript", "/AA"})
PDF_SCRIPT_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/Rendition", "/GoToE"}
)
PDF_FILE_KEYS = frozenset({"/EmbeddedFiles", "/EF", "/RichMedia", "/XFA"})
PDF_FILE_TYPES = frozenset({"/EmbeddedFile"})
PDF_FILE_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia", "/Movie", "/Sound", "/Screen"})
# Walking costs about a millisecond per object: a 1 000-page report has some 8 000.
PDF_MAX_OBJECTS = 20_000
# What pypdf may decompress while reading a PDF's structure (object streams).
PDF_MAX_DECODED_BYTES = 16 * 1024 * 1024


def max_upload_bytes() -> int:
    return settings.UPLOAD_MAX_SIZE_MB * 1024 * 1024


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def detect_kind(head: bytes, whole_file, name: str = "fichier") -> str | None:
    """The code of the file's real type, from its first bytes (and its ZIP index).

    A ZIP whose index exceeds the bounds is refused here, before any member is read.
    """
    guessed = filetype.guess(head)
    code = guessed.extension if guessed else None
    if code in {"zip", "docx", "xlsx", "odt", "ods"}:
        with _bounded_archive(whole_file, name) as archive:
            return _office_kind(archive) or code
    return code


@contextmanager
def _bounded_archive(whole_file, name: str) -> Iterator[zipfile.ZipFile]:
    """The upload opened as a ZIP, once its index is known to be of sane size."""
    _check_archive_index(whole_file, name)
    whole_file.seek(0)
    try:
        archive = zipfile.ZipFile(whole_file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        _refuse(f"Le fichier « {name} » est endommagé : il ne peut pas être lu.", "damaged")
    try:
        _check_archive_sizes(archive, name)
        yield archive
    finally:
        archive.close()
        whole_file.seek(0)


def _check_archive_index(whole_file, name: str) -> None:
    """Bound the central directory from the end record, before ``zipfile`` parses it."""
    whole_file.seek(0, 2)
    size = whole_file.tell()
    tail_size = min(size, 22 + 65535)
    whole_file.seek(size - tail_size)
    tail = whole_file.read(tail_size)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or len(tail) - end < 22:
        _refuse(f"Le fichier « {name} » est endommagé : il ne peut pas être lu.", "damaged")
    members, index_bytes = struct.unpack("<HI", tail[end + 10 : end + 16])
    if members == 0xFFFF or index_bytes == 0xFFFFFFFF:  # ZIP64: never an ordinary document
        members = ARCHIVE_MAX_MEMBERS + 1
    if members > ARCHIVE_MAX_MEMBERS or index_bytes > ARCHIVE_MAX_INDEX_BYTES:
        _refuse(
            f"Le fichier « {name} » contient trop d'éléments pour un document bureautique "
            f"(la limite est de {format_number(ARCHIVE_MAX_MEMBERS)}) : il est refusé par "
            "précaution.",
            "archive_too_many_members",
        )


def _check_archive_sizes(archive: zipfile.ZipFile, name: str) -> None:
    """Declared sizes and compression ratios: a bomb is refused on its index alone."""
    members = archive.infolist()
    if len(members) > ARCHIVE_MAX_MEMBERS:
        _refuse(
            f"Le fichier « {name} » contient trop d'éléments pour un document bureautique "
            f"(la limite est de {format_number(ARCHIVE_MAX_MEMBERS)}) : il est refusé par "
            "précaution.",
            "archive_too_many_members",
        )
    total = sum(member.file_size for member in members)
    if total > ARCHIVE_MAX_UNCOMPRESSED_BYTES:
        _refuse(
            f"Le fichier « {name} » se décompresse en "
            f"{format_number(total / (1024 * 1024), 0)} Mo : ce n'est pas un document "
            "bureautique ordinaire, il est refusé par précaution.",
            "archive_too_large",
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > ARCHIVE_RATIO_CHECKED_ABOVE and ratio > ARCHIVE_MAX_RATIO:
            _refuse(
                f"Le fichier « {name} » est anormalement compressé (un élément se décompresse "
                f"{format_number(ratio, 0)} fois) : il est refusé par précaution.",
                "archive_ratio",
            )


def _read_head(archive: zipfile.ZipFile, member: zipfile.ZipInfo, size: int) -> bytes:
    """The first ``size`` bytes of a member: zipfile inflates at most a few KiB for it."""
    with archive.open(member) as stream:
        return stream.read(size)


def _office_kind(archive: zipfile.ZipFile) -> str | None:
    try:
        names = set(archive.namelist())
        if "mimetype" in names:
            head = _read_head(archive, archive.getinfo("mimetype"), ODF_MIMETYPE_MAX_BYTES)
            mimetype = head.decode("ascii", "replace").strip()
            for code in ("odt", "ods"):
                if mimetype == ALLOWED_KINDS[code].mime:
                    return code
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError, EOFError):
        return None
    return None


def _expected_member(kind: str, member_name: str) -> bool:
    lowered = member_name.lower()
    for allowed in OFFICE_MEMBERS[kind]:
        if allowed.endswith(("/", " ")):
            if lowered.startswith(allowed):
                return True
        elif lowered == allowed:
            return True
    return False


def _check_office_members(kind: FileKind, upload, name: str) -> None:
    """Members of a document of its kind, none of them a program, a macro or an object."""
    with _bounded_archive(upload, name) as archive:
        for member in archive.infolist():
            path = PurePosixPath(member.filename)
            if member.filename.startswith("/") or ".." in path.parts or "\\" in member.filename:
                _refuse(
                    f"Le fichier « {name} » contient un élément au nom dangereux "
                    f"(« {member.filename} ») : il est refusé par précaution.",
                    "archive_member_name",
                )
            if not _expected_member(kind.code, member.filename):
                _refuse(
                    f"Le fichier « {name} » contient un élément inattendu pour un document "
                    f"{kind.label} (« {member.filename} ») : il est refusé par précaution.",
                    "archive_unexpected_member",
                )
            if member.is_dir():
                continue
            if path.suffix.lower() in EXECUTABLE_EXTENSIONS:
                _refuse(_executable_member_message(name, member.filename), "archive_executable")
            if member.flag_bits & 0x1 or member.compress_type not in {
                zipfile.ZIP_STORED,
                zipfile.ZIP_DEFLATED,
            }:
                _refuse(
                    f"Le fichier « {name} » est chiffré ou compressé d'une manière inhabituelle : "
                    "enregistrez-le à nouveau sans protection.",
                    "archive_encrypted",
                )
            try:
                head = _read_head(archive, member, MEMBER_HEAD_BYTES)
            except (zipfile.BadZipFile, OSError, EOFError):
                _refuse(f"Le fichier « {name} » est endommagé : il ne peut pas être lu.", "damaged")
            if head.startswith(EXECUTABLE_MAGIC):
                _refuse(_executable_member_message(name, member.filename), "archive_executable")
            if head.startswith(b"PK\x03\x04") and not member.filename.lower().endswith(
                NESTED_OFFICE_EXTENSIONS
            ):
                _refuse(
                    f"Le fichier « {name} » contient une archive (« {member.filename} ») : "
                    "il est refusé par précaution.",
                    "archive_nested",
                )


def _executable_member_message(name: str, member: str) -> str:
    return (
        f"Le fichier « {name} » contient un programme, des macros ou un objet incorporé "
        f"(« {member} ») : seuls les documents sans contenu exécutable sont acceptés."
    )


def _check_no_html(upload, name: str) -> None:
    """No HTML anywhere in the bytes: a polyglot would render as a page in a browser."""
    upload.seek(0)
    previous = b""
    while chunk := upload.read(1024 * 1024):
        window = (previous + chunk).lower()
        if any(marker in window for marker in HTML_MARKERS):
            upload.seek(0)
            _refuse(
                f"Le fichier « {name} » contient du code HTML caché : il est refusé par "
                "précaution.",
                "html_content",
            )
        previous = chunk[-_HTML_OVERLAP:]
    upload.seek(0)


def _check_pdf(upload, name: str) -> None:
    """No JavaScript, automatic action or embedded file in the PDF's object tree."""
    upload.seek(0)
    limits = dict.fromkeys(
        (
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "brotli_maximum_output_length",
            "array_based_stream_maximum_output_length",
            "stream_decoding_work_maximum_length",
        ),
        PDF_MAX_DECODED_BYTES,
    )
    try:
        with apply_configuration(**limits):
            reader = PdfReader(upload, strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                _refuse(
                    f"Le fichier « {name} » est protégé par un mot de passe : déposez une "
                    "version sans protection.",
                    "pdf_encrypted",
                )
            finding = _pdf_active_content(reader)
    except ValidationError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError):
        _refuse(
            f"Le fichier « {name} » est un PDF endommagé ou illisible : enregistrez-le à "
            "nouveau en PDF.",
            "pdf_damaged",
        )
    finally:
        upload.seek(0)
    if finding == "script":
        _refuse(
            f"Le fichier « {name} » contient du JavaScript ou une action automatique "
            "(formulaire interactif, par exemple) : imprimez-le en PDF (« Imprimer » puis "
            "« Enregistrer au format PDF ») et déposez cette version.",
            "pdf_javascript",
        )
    if finding == "file":
        _refuse(
            f"Le fichier « {name} » contient des fichiers joints ou incorporés : déposez "
            "chaque document séparément.",
            "pdf_embedded_file",
        )
    if finding == "too_complex":
        _refuse(
            f"Le fichier « {name} » est un PDF anormalement complexe : enregistrez-le à "
            "nouveau en PDF.",
            "pdf_too_complex",
        )


def _pdf_active_content(reader: PdfReader) -> str | None:
    """``"script"``, ``"file"``, ``"too_complex"`` or None, walking from the catalogue."""
    stack = [reader.trailer.raw_get("/Root")]
    seen: set[tuple[int, int]] = set()
    visited = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            reference = (item.idnum, item.generation)
            if reference in seen:
                continue
            seen.add(reference)
            item = item.get_object()
        visited += 1
        if visited > PDF_MAX_OBJECTS:
            return "too_complex"
        if isinstance(item, DictionaryObject):
            keys = set(item.keys())
            if keys & PDF_SCRIPT_KEYS or item.get("/S") in PDF_SCRIPT_ACTIONS:
                return "script"
            if (
                keys & PDF_FILE_KEYS
                or item.get("/Type") in PDF_FILE_TYPES
                or item.get("/Subtype") in PDF_FILE_SUBTYPES
            ):
                return "file"
            values = [item.raw_get(key) for key in keys]
        elif isinstance(item, ArrayObject):
            values = list(item)
        else:
            continue
        stack.extend(
            value
            for value in values
            if isinstance(value, IndirectObject | DictionaryObject | ArrayObject)
        )
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
    code = detect_kind(head, upload, name)
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
    _check_no_html(upload, name)
    if kind.code in OFFICE_MEMBERS:
        _check_office_members(kind, upload, name)
    elif kind.code == "pdf":
        _check_pdf(upload, name)
    upload.seek(0)
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
