from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "ccr_portal.security"
    label = "security"
    verbose_name = "Sécurité"

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from . import checks, receivers  # noqa: F401  (system checks, signal receivers)

        # Each app declares in its ``audit`` module the models django-auditlog
        # follows and the routes whose use is logged (downloads, exports).
        autodiscover_modules("audit")
