"""A structure's data, whole (RGPD: access and portability): JSON plus files, in a ZIP.

Each app declares what it holds about a structure with ``register_structure_data(key,
builder)`` (from its ``AppConfig.ready``): ``builder(structure, files)`` returns what goes
under ``key`` in ``donnees.json`` and calls ``files.add(prefix, field_file, name)`` for each
file, which lands in the ZIP and is named in the JSON. A lower app never imports a higher
one: each adds its own part. What is kept from the structure (the coordination's private
notes, committee opinions, links of interest) is simply not declared.
"""

import datetime
import json
import tempfile
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import PurePath

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from ccr_portal.antivirus.models import DOWNLOADABLE_STATUSES

SPOOL_IN_MEMORY_UP_TO = 20 * 1024 * 1024
_builders: dict[str, Callable] = {}


def register_structure_data(key: str, builder: Callable) -> None:
    _builders[key] = builder


def record(obj: models.Model, *, exclude: tuple[str, ...] = ()) -> dict:
    """The object's own fields as JSON values, choices with their French label."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or isinstance(field, models.FileField):
            continue
        if field.is_relation:
            related = getattr(obj, field.name)
            data[field.name] = str(related) if related is not None else None
            continue
        value = getattr(obj, field.attname)
        if field.choices and value not in (None, ""):
            value = {"code": value, "libellé": str(getattr(obj, f"get_{field.name}_display")())}
        elif isinstance(value, Decimal):
            value = str(value)
        elif isinstance(value, datetime.datetime | datetime.date):
            value = value.isoformat()
        data[field.name] = value
    return data


class Files:
    """The files of the export: each under a unique name in the ZIP."""

    def __init__(self):
        self.entries: list[tuple[str, object]] = []
        self._names: set[str] = set()

    def add(self, prefix: str, field_file, original_name: str, scanned=None) -> str | None:
        """Add a file (not if the antivirus holds it back); returns its name in the ZIP."""
        if not field_file or (
            scanned is not None and scanned.scan_status not in DOWNLOADABLE_STATUSES
        ):
            return None
        path = PurePath(original_name or field_file.name)
        stem = slugify(path.stem) or "fichier"
        name = f"fichiers/{prefix}/{stem}{path.suffix.lower()}"
        number = 1
        while name in self._names:
            number += 1
            name = f"fichiers/{prefix}/{stem}-{number}{path.suffix.lower()}"
        self._names.add(name)
        self.entries.append((name, field_file))
        return name


def structure_data(structure) -> tuple[dict, Files]:
    files = Files()
    data = {
        "export": {
            "structure": structure.name,
            "le": timezone.now().isoformat(),
            "format": "Portail d'accompagnement CCR, données d'une structure (RGPD)",
        }
    }
    for key, builder in _builders.items():
        data[key] = builder(structure, files)
    return data, files


def build_structure_archive(structure):
    """A temporary file holding the ZIP (``donnees.json`` and the files), at its start."""
    data, files = structure_data(structure)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY_UP_TO)  # noqa: SIM115
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "donnees.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        for name, field_file in files.entries:
            with field_file.open("rb") as source, archive.open(name, "w") as target:
                while chunk := source.read(1024 * 1024):
                    target.write(chunk)
    spool.seek(0)
    return spool


def archive_filename(structure) -> str:
    return f"donnees-{slugify(structure.name)}-{timezone.localdate().isoformat()}.zip"
