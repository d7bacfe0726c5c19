from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "diagnostics"
    verbose_name = "Diagnostics"

    def ready(self):
        from applicants.checks import register_decision_check

        from . import (
            documents,  # noqa: F401  (registers the diagnostic report)
            portability,
        )
        from .selectors import pending_assessment_warning

        register_decision_check(pending_assessment_warning)
        portability.register()
