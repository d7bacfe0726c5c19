from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ccr_portal.notifications"
    label = "notifications"
    verbose_name = "Notifications"
