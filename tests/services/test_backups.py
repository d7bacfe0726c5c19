"""Backups (issue 13, point 16): back up, wipe, restore a demo base, find everything again.

Runs on the suite's database: PostgreSQL under CI (pg_dump / pg_restore), the
SQLite of the embedded default elsewhere (SQLite's online backup).
"""

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from applicants.models import Dossier
from ccr_portal.antivirus.services import scanned_models
from ccr_portal.documents.models import GeneratedDocument
from tests.conftest import require

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def database_tools():
    if connection.vendor == "postgresql":
        require(
            bool(shutil.which("pg_dump") and shutil.which("pg_restore")),
            "pg_dump et pg_restore (paquet postgresql-client) sont introuvables",
        )


def stored_files() -> dict[tuple[str, int], str]:
    """(model, pk) → SHA-256 of the file, for every upload and generated PDF."""
    found = {}
    for model in [*scanned_models(), GeneratedDocument]:
        field = getattr(model, "scanned_file_field", "file")
        for row in model.objects.exclude(**{field: ""}).order_by("pk"):
            with getattr(row, field).open("rb") as stream:
                found[(model._meta.label, row.pk)] = hashlib.sha256(stream.read()).hexdigest()
    return found


def dossiers() -> list[tuple]:
    return list(
        Dossier.objects.order_by("pk").values_list(
            "pk", "structure__name", "campaign__title", "status", "current_premises"
        )
    )


def test_backup_then_wipe_then_restore_gives_back_the_same_dossiers_and_files(
    settings, tmp_path, database_tools
):
    call_command("load_demo", stdout=io.StringIO())
    before_dossiers, before_files = dossiers(), stored_files()
    assert len(before_dossiers) >= 10
    assert len(before_files) >= 10

    archive = tmp_path / "sauvegarde.tar.gz"
    out = io.StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert out.getvalue().startswith(f"Sauvegarde écrite : {archive} (")

    # Wipe: every row, every file.
    call_command("flush", "--no-input")
    shutil.rmtree(settings.MEDIA_ROOT)
    assert (Dossier.objects.count(), stored_files()) == (0, {})

    out = io.StringIO()
    call_command("restore", str(archive), "--no-input", stdout=out)
    assert "Restauration terminée" in out.getvalue()
    assert dossiers() == before_dossiers
    assert stored_files() == before_files
    # The archive states what it holds.
    with tarfile.open(archive) as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    assert manifest["engine"] == connection.settings_dict["ENGINE"]
    assert len(manifest["media"]) == len(list(Path(settings.MEDIA_ROOT).rglob("*.*")))


def test_an_altered_archive_is_refused_and_nothing_is_replaced(settings, tmp_path, database_tools):
    media = Path(settings.MEDIA_ROOT)
    (media / "dossiers").mkdir(parents=True)
    (media / "dossiers" / "statuts.pdf").write_bytes(b"%PDF-1.7 statuts")
    archive = tmp_path / "sauvegarde.tar.gz"
    call_command("backup", "--output", str(archive), stdout=io.StringIO())

    altered = tmp_path / "alteree.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(altered, "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "media/dossiers/statuts.pdf":
                content = b"%PDF-1.7 falsifie"
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    (media / "dossiers" / "statuts.pdf").write_bytes(b"%PDF-1.7 version du jour")

    with pytest.raises(CommandError) as error:
        call_command("restore", str(altered), "--no-input")
    assert str(error.value) == "Des fichiers de l'archive sont altérés ou manquants."
    assert (media / "dossiers" / "statuts.pdf").read_bytes() == b"%PDF-1.7 version du jour"
