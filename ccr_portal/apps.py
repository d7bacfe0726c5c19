from django.apps import AppConfig


class CcrPortalConfig(AppConfig):
    """The project package itself: dashboards, formatting, demo data command."""

    name = "ccr_portal"
    verbose_name = "Portail CCR"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        # Each app contributes its dashboard panels and navigation links in
        # its own ``dashboards`` module, so lower layers never import higher ones.
        autodiscover_modules("dashboards")
        # The accent-folding function of SQLite connections (ccr_portal.search).
        from ccr_portal import search  # noqa: F401
