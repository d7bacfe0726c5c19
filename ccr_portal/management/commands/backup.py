from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ccr_portal.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Sauvegarde la base de données (pg_dump, ou la copie du fichier SQLite) et les fichiers "
        "(MEDIA_ROOT) dans une seule archive .tar.gz, avec les sommes de contrôle."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="chemin de l'archive (défaut : BACKUP_ROOT/ccr-<date>.tar.gz)",
        )

    def handle(self, *args, output=None, **options):
        try:
            summary = backup_create(output=output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite : {summary.path} ({summary.media_files} fichier(s), "
                f"base de {summary.database_bytes} octets)."
            )
        )
