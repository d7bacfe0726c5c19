"""The navigation of each role, in order: one list, in one place.

URL names only, so that this module depends on no domain app. Dashboards' panels stay
with their apps (``ccr_portal.panels``); the menu is written here.
"""

from django.urls import reverse

from ccr_portal.users.models import Role

NAVIGATION: dict[str, list[tuple[str, str]]] = {
    Role.APPLICANT: [
        ("Mes structures", "applicants:structure-list"),
        ("Mes diagnostics", "diagnostics:mine"),
        ("Mon accompagnement", "accompaniment:plan-list"),
        ("Événements", "accompaniment:event-list"),
        ("Mon financement", "financing:response-list"),
        ("Mes demandes de financement", "financing:request-list"),
    ],
    Role.COORDINATOR: [
        ("Dossiers", "applicants:dossier-list"),
        ("Rechercher", "applicants:search"),
        ("Structures", "applicants:structure-list"),
        ("Diagnostics", "diagnostics:queue"),
        ("Appels à candidatures", "applicants:campaign-list"),
        ("Plans", "accompaniment:plan-list"),
        ("Séances", "accompaniment:session-list"),
        ("Prestataires", "accompaniment:provider-list"),
        ("Événements", "accompaniment:event-list"),
        ("Comité de sélection", "committee:meeting-list"),
        ("Financement", "financing:response-list"),
        ("Demandes de financement", "financing:request-list"),
        ("Réponse globale", "financing:global-response"),
        ("Fonds et produits", "financing:product-list"),
        ("Lignes de crédit", "financing:credit-line-list"),
        ("Besoins et offre", "scheme:quantification"),
        ("Équipe et rôles", "users:user-list"),
    ],
    Role.PROVIDER: [
        ("Mes diagnostics", "diagnostics:assignments"),
        ("Mes actions", "accompaniment:action-list"),
        ("Mes séances", "accompaniment:session-list"),
        ("Événements", "accompaniment:event-list"),
    ],
    Role.COMMITTEE: [
        ("Séances", "committee:meeting-list"),
        ("Mes liens d'intérêts", "committee:conflict-list"),
    ],
    Role.FUNDER: [
        ("Demandes transmises", "financing:request-list"),
        ("Réponse globale", "financing:global-response"),
        ("Ligne de crédit", "financing:credit-line-list"),
        ("Produits", "financing:product-list"),
    ],
}


def nav_links(role: str | None) -> list[dict]:
    """The menu of the role the person is acting as: labels and URLs, in order."""
    if role is None:
        return []
    return [{"label": label, "url": reverse(name)} for label, name in NAVIGATION.get(role, [])]
