"""Small helpers for the browser journeys."""

import re

from tests.factories import PASSWORD


def field(page, label: str):
    """A form field by its visible label (required fields end with an asterisk)."""
    # Spaces match the no-break spaces that French typography puts before « : ».
    pattern = re.escape(label).replace(r"\ ", r"[\s\u00a0\u202f]+")
    return page.get_by_label(re.compile(rf"^\s*{pattern}[\s\u00a0]*\*?\s*$"))


def see(locator) -> bool:
    """Wait for the element (the page may still be loading after a click), then say it is there."""
    locator.first.wait_for()
    return locator.first.is_visible()


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/compte/login/")
    field(page, "Courriel").fill(email)
    field(page, "Mot de passe").fill(password)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r".*/tableau-de-bord/.*"))


def log_out(page) -> None:
    page.context.clear_cookies()


def create_structure(page, name: str = "Épicerie Solidaire du Panier") -> None:
    """From a page with a « Créer une structure » link: the structure form, filled and saved."""
    page.get_by_role("link", name="Créer une structure").first.click()
    field(page, "Nom de la structure").fill(name)
    field(page, "Forme juridique").select_option(label="Association loi 1901")
    field(page, "Numéro RNA").fill("W131000123")
    field(page, "Adresse").fill("12 rue du Panier")
    field(page, "Code postal").fill("13002")
    field(page, "Commune").fill("Marseille")
    field(page, "Secteur d'activité").select_option(label="Alimentation")
    field(page, "Année de création").fill("2004")
    field(page, "Salariés (ETP)").fill("3,5")
    field(page, "Bénévoles").fill("25")
    field(page, "Dernier budget annuel ou chiffre d'affaires (€)").fill("185000")
    page.get_by_role("button", name="Enregistrer").click()
