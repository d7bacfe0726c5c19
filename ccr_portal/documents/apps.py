from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "ccr_portal.documents"
    label = "documents"
    verbose_name = "Documents générés"
