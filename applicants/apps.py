from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = "Candidatures"

    def ready(self):
        from . import documents  # noqa: F401  (registers the structure sheet)
