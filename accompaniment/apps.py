from django.apps import AppConfig


class AccompanimentConfig(AppConfig):
    name = "accompaniment"
    verbose_name = "Accompagnement"

    def ready(self):
        from . import (
            documents,  # noqa: F401  (registers the plan's PDF)
            portability,
        )

        portability.register()
