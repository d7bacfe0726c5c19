from django.apps import AppConfig


class SchemeConfig(AppConfig):
    name = "scheme"
    verbose_name = "Besoins et offre du dispositif"

    def ready(self):
        from . import documents  # noqa: F401  (registers the calibration brief and the report)
