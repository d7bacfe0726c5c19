from django.apps import AppConfig


class AntivirusConfig(AppConfig):
    name = "ccr_portal.antivirus"
    label = "antivirus"
    verbose_name = "Antivirus"
