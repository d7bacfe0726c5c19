from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "ccr_portal.users"
    label = "users"
    verbose_name = "Comptes et rôles"
