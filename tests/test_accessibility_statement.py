"""The accessibility statement: in the RGAA's form, linked from every page's footer."""

import pytest
from django.urls import reverse

from tests.conftest import page_text
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_statement_follows_the_rgaa_form(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "a11y@regain.example"
    text = page_text(client.get(reverse("accessibility")))
    for part in [
        "Déclaration d'accessibilité",
        "version 4.1.2",
        "partiellement conforme",
        "Résultats des tests",
        "Contenus non accessibles",
        "Pages ayant fait l'objet de la vérification",
        "Retour d'information et contact",
        'href="mailto:a11y@regain.example"',
        "Voies de recours",
        "Défenseur des droits",
    ]:
        assert part in text, part


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_page_footer_links_to_it(client, signed_in):
    if signed_in:
        client.force_login(UserFactory(applicant=True))
        page = client.get(reverse("dashboard", kwargs={"role": "applicant"}))
    else:
        page = client.get(reverse("account_login"))
    footer = page_text(page).split("<footer", 1)[1]
    assert f'href="{reverse("accessibility")}"' in footer
    assert "Accessibilité : partiellement conforme" in footer
