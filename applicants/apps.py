from django.apps import AppConfig


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = "Candidatures"

    def ready(self):
        from . import (
            documents,  # noqa: F401  (registers the structure sheet)
            exports,  # noqa: F401  (registers the dossier exports)
            portability,
        )

        portability.register()

        from ccr_portal.users.erasure import register_erasure

        from .services.members import erase_memberships, erasure_obstacles

        register_erasure(check=erasure_obstacles, erase=erase_memberships)
