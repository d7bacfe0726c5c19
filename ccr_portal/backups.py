"""One archive holds the whole portal: the database and the media files.

``manage.py backup`` writes ``ccr-<date>.tar.gz`` with:

- ``manifest.json``: when, which database engine, and every media file with
  its size and SHA-256 (the restore checks them);
- ``database.dump``: ``pg_dump --format=custom`` of PostgreSQL, or
  ``database.sqlite3``: a consistent copy of the SQLite file (the embedded
  default), made with SQLite's online backup;
- ``media/``: every file of ``MEDIA_ROOT`` (uploads and generated PDFs; the
  quarantine stays out).

``manage.py restore <archive>`` puts both back: the database objects are
dropped and recreated from the dump, ``MEDIA_ROOT`` is emptied then filled
from the archive. Restore into the same version of the portal (the same
migrations), then run ``manage.py migrate`` if the code is newer.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT_VERSION = 1
POSTGRESQL = "django.db.backends.postgresql"
SQLITE = "django.db.backends.sqlite3"


class BackupError(Exception):
    """A French explanation of why a backup or a restore could not be made."""


@dataclass(frozen=True)
class BackupSummary:
    path: Path
    media_files: int
    database_bytes: int


def _database() -> dict:
    database = settings.DATABASES["default"]
    if database["ENGINE"] not in {POSTGRESQL, SQLITE}:
        raise BackupError(f"Moteur de base de données non pris en charge : {database['ENGINE']}.")
    return database


def _postgres_command(program: str, database: dict) -> tuple[list[str], dict]:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} est introuvable : installez le client PostgreSQL "
            "(paquet postgresql-client)."
        )
    arguments = [executable, "--dbname", database["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            arguments += [option, str(database[key])]
    environment = {**os.environ}
    if database.get("PASSWORD"):
        environment["PGPASSWORD"] = database["PASSWORD"]
    return arguments, environment


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def media_checksums(root: Path | None = None) -> dict[str, dict]:
    """{relative path: {"size", "sha256"}} of every file under MEDIA_ROOT."""
    root = Path(root or settings.MEDIA_ROOT)
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): {"size": path.stat().st_size, "sha256": _sha256(path)}
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _dump_database(database: dict, target: Path) -> None:
    if database["ENGINE"] == POSTGRESQL:
        arguments, environment = _postgres_command("pg_dump", database)
        arguments += ["--format=custom", "--no-owner", "--no-privileges", "--file", str(target)]
        _run(arguments, environment, "pg_dump")
    else:
        # Through Django's own connection: works for a file and for an in-memory test base.
        with sqlite3.connect(target) as copy:
            _sqlite_connection().backup(copy)


def _run(arguments: list[str], environment: dict, program: str) -> None:
    completed = subprocess.run(
        arguments, env=environment, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise BackupError(f"{program} a échoué : {completed.stderr.strip()[-1000:]}")


def backup_create(*, output: Path | None = None) -> BackupSummary:
    """Write the archive of the database and the media; returns where and what."""
    database = _database()
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    output = Path(output or Path(settings.BACKUP_ROOT) / f"ccr-{stamp}.tar.gz")
    output.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="ccr-backup-") as work:
        dump_name = "database.dump" if database["ENGINE"] == POSTGRESQL else "database.sqlite3"
        dump = Path(work) / dump_name
        _dump_database(database, dump)
        media = media_checksums(media_root)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "engine": database["ENGINE"],
            "database": {"file": dump_name, "sha256": _sha256(dump)},
            "media": media,
        }
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            manifest_file = Path(work) / "manifest.json"
            manifest_file.write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
            archive.add(manifest_file, arcname="manifest.json")
            archive.add(dump, arcname=dump_name)
            for relative in media:
                archive.add(media_root / relative, arcname=f"media/{relative}")
        partial.replace(output)  # a half-written archive never looks like a backup
        return BackupSummary(output, len(media), dump.stat().st_size)


def backup_restore(*, archive_path: Path) -> BackupSummary:
    """Replace the database and the media by the archive's, after checking every checksum."""
    database = _database()
    archive_path = Path(archive_path)
    if not archive_path.is_file():
        raise BackupError(f"Archive introuvable : {archive_path}.")
    with (
        tempfile.TemporaryDirectory(prefix="ccr-restore-") as work,
        tarfile.open(archive_path, "r:gz") as archive,
    ):
        work = Path(work)
        archive.extractall(work, filter="data")
        manifest = _read_manifest(work, database)
        dump = work / manifest["database"]["file"]
        if _sha256(dump) != manifest["database"]["sha256"]:
            raise BackupError("La copie de la base de données est altérée (somme de contrôle).")
        extracted_media = media_checksums(work / "media")
        if extracted_media != manifest["media"]:
            raise BackupError("Des fichiers de l'archive sont altérés ou manquants.")
        _restore_database(database, dump)
        _restore_media(work / "media")
        return BackupSummary(archive_path, len(extracted_media), dump.stat().st_size)


def _read_manifest(work: Path, database: dict) -> dict:
    try:
        manifest = json.loads((work / "manifest.json").read_text())
    except (OSError, ValueError) as error:
        raise BackupError("Ce fichier n'est pas une sauvegarde du portail.") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Format de sauvegarde inconnu : {manifest.get('format')}.")
    if manifest.get("engine") != database["ENGINE"]:
        raise BackupError(
            f"La sauvegarde vient d'une base {manifest.get('engine')} : la base configurée est "
            f"{database['ENGINE']}."
        )
    return manifest


def _sqlite_connection() -> sqlite3.Connection:
    connection = connections["default"]
    connection.ensure_connection()
    return connection.connection


def _restore_database(database: dict, dump: Path) -> None:
    if database["ENGINE"] == POSTGRESQL:
        connections.close_all()
        arguments, environment = _postgres_command("pg_restore", database)
        arguments += [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            str(dump),
        ]
        _run(arguments, environment, "pg_restore")
    else:
        with sqlite3.connect(dump) as source:
            source.backup(_sqlite_connection())


def _restore_media(source: Path) -> None:
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    for child in media_root.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if source.exists():
        shutil.copytree(source, media_root, dirs_exist_ok=True)
