from django.core.management.base import BaseCommand, CommandError

from ccr_portal.antivirus.clamd import ScannerUnavailable
from ccr_portal.antivirus.models import ScanStatus
from ccr_portal.antivirus.services import scanned_files_rescan


class Command(BaseCommand):
    help = (
        "Scan again, with clamd, the uploads never scanned (stored before CLAMD_URL was set) "
        "or whose scan failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--status",
            action="append",
            choices=[ScanStatus.NOT_SCANNED, ScanStatus.ERROR],
            help="statuses to scan again (default: not_scanned and error)",
        )

    def handle(self, *args, status=None, **options):
        statuses = tuple(status or (ScanStatus.NOT_SCANNED, ScanStatus.ERROR))
        try:
            count = scanned_files_rescan(statuses=statuses)
        except ScannerUnavailable as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{count} fichier(s) envoyé(s) à l'antivirus.")
