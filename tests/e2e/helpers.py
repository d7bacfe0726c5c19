"""Small helpers for the browser journeys."""

import re

from tests.factories import PASSWORD


def field(page, label: str):
    """A form field by its visible label (required fields end with an asterisk)."""
    return page.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def log_in(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/compte/login/")
    field(page, "Courriel").fill(email)
    field(page, "Mot de passe").fill(password)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r".*/tableau-de-bord/.*"))


def log_out(page) -> None:
    page.context.clear_cookies()
