import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction


class Command(BaseCommand):
    help = (
        "Remplit une base VIDE avec les données du banc d'essai (bench/generate.py) : "
        "N structures, leurs dossiers, diagnostics, plans et séances."
    )

    def add_arguments(self, parser):
        parser.add_argument("--structures", type=int, default=1000)

    def handle(self, *args, structures: int, **options):
        from applicants.models import Structure
        from bench.generate import generate

        if structures < 1:
            raise CommandError("--structures doit valoir au moins 1.")
        if Structure.objects.exists():
            raise CommandError(
                "La base contient déjà des structures : le banc d'essai demande une base vide "
                "(créez-en une, puis « migrate »)."
            )
        start = time.perf_counter()
        with transaction.atomic():
            data = generate(structures=structures)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        volumes = ", ".join(f"{total} {name}" for name, total in data.volumes.items())
        self.stdout.write(
            self.style.SUCCESS(f"{volumes} générés en {time.perf_counter() - start:.1f} s.")
        )
