"""Browser journey: a visitor without an account registers to the call's information day.

From the call's public page to the event's page, the form, the e-mail link and its
confirmation button; the place is taken once confirmed, the coordination sees it.
"""

import re

import pytest
from django.core import mail

from accompaniment.models import EventRegistration, RegistrationStatus
from tests.accompaniment.factories import EventFactory
from tests.conftest import plain_spaces
from tests.e2e.helpers import field
from tests.factories import CampaignFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_visitor_registers_to_the_information_day_by_e_mail(page, live_server):
    campaign = CampaignFactory(title="Appel à candidatures CCR 2011")
    EventFactory(campaign=campaign, title="Journée d'information de l'appel", capacity=3)

    page.goto(campaign.get_absolute_url())
    page.get_by_role("link", name="Journée d'information de l'appel").click()
    assert page.get_by_role("heading", name="Journée d'information de l'appel").is_visible()
    assert page.get_by_text("3 places libres sur 3").is_visible()

    field(page, "Vos prénom et nom").fill("Jeanne Martin")
    field(page, "Votre adresse e-mail").fill("jeanne.martin@exemple.fr")
    field(page, "Le nom de votre structure").fill("Les Jardins du Panier")
    field(page, "Nombre de personnes").fill("2")
    page.get_by_role("button", name="Recevoir le lien de confirmation").click()
    page.get_by_text("ouvrez le lien qu'il contient").wait_for()
    assert page.get_by_text("3 places libres sur 3").is_visible()  # nothing taken yet

    assert [message.to for message in mail.outbox] == [["jeanne.martin@exemple.fr"]]
    body = plain_spaces(mail.outbox[0].body)
    assert "inscrire 2 personnes de Les Jardins du Panier" in body
    link = re.search(r"https?://[^\s]+/accompagnement/journees/confirmer/[^\s]+/", body).group(0)
    page.goto(re.sub(r"^https?://[^/]+", live_server.url, link))
    page.get_by_role("button", name="Confirmer l'inscription").click()
    page.get_by_text("L'inscription de « Les Jardins du Panier » est confirmée.").wait_for()
    assert page.get_by_text("1 place libre sur 3").is_visible()

    registration = EventRegistration.objects.get()
    assert (registration.status, registration.persons) == (RegistrationStatus.REGISTERED, 2)
    assert len(mail.outbox) == 2  # the confirmation, with the link that cancels
