from django.apps import AppConfig


class CommitteeConfig(AppConfig):
    name = "committee"
    verbose_name = "Comité de sélection"

    def ready(self):
        from ccr_portal.permissions import register_committee_exclusion

        from . import (
            documents,  # noqa: F401  (registers the pack, minutes and letter PDFs)
            portability,
        )
        from .selectors import conflicted_structure_ids

        # A member's conflicts of interest close those structures' diagnostics to them too.
        register_committee_exclusion(conflicted_structure_ids)
        portability.register()
