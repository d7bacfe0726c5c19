import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Charge les données de démonstration (idempotent : relançable sans doublon)."

    @transaction.atomic
    def handle(self, *args, **options):
        # Each app owns its demo data in ``<app>/demo.py``; they load in the
        # order of INSTALLED_APPS, which is the order of dependencies.
        for config in apps.get_app_configs():
            module_name = f"{config.name}.demo"
            if importlib.util.find_spec(module_name) is None:
                continue
            importlib.import_module(module_name).load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Données de démonstration chargées."))
