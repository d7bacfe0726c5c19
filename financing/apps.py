from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "financing"
    verbose_name = "Financement"

    def ready(self):
        from . import (
            documents,  # noqa: F401  (registers the financing file and the brief)
            exports,  # noqa: F401  (registers the request list's export)
        )
