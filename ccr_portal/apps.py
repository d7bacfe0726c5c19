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

        french_empty_choices()
        french_collation_on_sqlite()


EMPTY_CHOICE = "— Choisir —"


def french_empty_choices() -> None:
    """Every select's empty choice reads « — Choisir — », not Django's « --------- ».

    Django spells it in two places: the model fields' blank choice (a list the
    fields share, changed in place) and ``ModelChoiceField``'s default label.
    A form that names its own empty label keeps it.
    """
    from django.db.models import fields
    from django.forms import models as form_models

    fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_CHOICE)]
    form_models.ModelChoiceField.__init__.__kwdefaults__["empty_label"] = EMPTY_CHOICE


def french_collation_on_sqlite() -> None:
    """A « fr » collation on SQLite connections, for ``ccr_portal.collation.french``.

    PostgreSQL has ICU's ``fr-x-icu``; SQLite is given the same order through
    the locale-aware key of ``ccr_portal.formatting.french_sort_key``.
    """
    from django.db.backends.signals import connection_created

    connection_created.connect(_add_french_collation, dispatch_uid="ccr-french-collation")


def _add_french_collation(sender, connection, **kwargs):
    if connection.vendor != "sqlite":
        return
    from ccr_portal.formatting import french_sort_key

    def compare(left, right):
        left_key, right_key = french_sort_key(left), french_sort_key(right)
        return (left_key > right_key) - (left_key < right_key)

    connection.connection.create_collation("fr", compare)
