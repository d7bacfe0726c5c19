from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = "Diagnostics"

    def ready(self):
        from . import (
            documents,  # noqa: F401  (registers the diagnostic report)
            portability,
        )

        portability.register()
