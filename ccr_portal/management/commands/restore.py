from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ccr_portal.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restaure une archive de « manage.py backup » : remplace la base de données et le "
        "contenu de MEDIA_ROOT, après vérification des sommes de contrôle."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="ne pas demander de confirmation",
        )

    def handle(self, *args, archive, interactive=True, **options):
        if interactive:
            answer = input(
                "La base de données et les fichiers actuels seront remplacés par ceux de "
                f"{archive}. Tapez « oui » pour continuer : "
            )
            if answer.strip().lower() != "oui":
                raise CommandError("Restauration annulée.")
        try:
            summary = backup_restore(archive_path=archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restauration terminée : {summary.media_files} fichier(s) et la base de données."
            )
        )
