"""The information day in persons, and a visitor registering without an account (issue 9, point 10).

Capacity counts persons; a visitor gives a name, an e-mail and their structure's name
and confirms by an e-mail link (signed, expiring); until then no place is taken. The
waitlist moves up in persons, a group never split nor overtaken.
"""

import datetime
import re
import time

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Audience, EventKind, EventRegistration, RegistrationStatus
from accompaniment.services.events import event_register, registration_cancel
from ccr_portal.notifications.models import Notification, OutgoingEmail
from tests.conftest import page_text, plain_spaces
from tests.factories import CampaignFactory, MembershipFactory, UserFactory

from .factories import EventFactory

pytestmark = pytest.mark.django_db

GUEST = {
    "name": "Jeanne Martin",
    "email": "jeanne.martin@exemple.fr",
    "structure_name": "Les Jardins du Panier",
    "persons": "2",
    "website": "",
}
SENT = (
    "Merci. Un e-mail va être envoyé à l'adresse indiquée : ouvrez le lien qu'il contient pour "
    "confirmer l'inscription. Tant qu'elle n'est pas confirmée, aucune place n'est réservée."
)


def _editors(count):
    return [MembershipFactory(structure__name=f"Structure {n}") for n in range(count)]


def _link(email: OutgoingEmail, path: str) -> str:
    """The path of the portal's link in the e-mail's text."""
    return re.search(rf"https?://[^/\s]+({re.escape(path)}[^\s]+/)", email.text).group(1)


def _register_guest(client, event, **data):
    return client.post(reverse("accompaniment:event-public", args=[event.pk]), {**GUEST, **data})


# --- Capacity in persons ----------------------------------------------------------


def test_places_count_persons_and_the_waitlist_moves_up_in_persons():
    event = EventFactory(capacity=5, title="Journée d'information CCR")
    first, second, third = _editors(3)
    a = event_register(event=event, structure=first.structure, actor=first.user, persons=3)
    b = event_register(event=event, structure=second.structure, actor=second.user, persons=3)
    # Two places are free, yet the group of three arrived first: nobody overtakes it.
    c = event_register(event=event, structure=third.structure, actor=third.user, persons=2)
    assert [a.status, b.status, c.status] == ["registered", "waitlisted", "waitlisted"]

    registration_cancel(registration=a, actor=first.user)

    statuses = dict(EventRegistration.objects.values_list("structure__name", "status"))
    assert statuses == {
        "Structure 0": "cancelled",
        "Structure 1": "registered",
        "Structure 2": "registered",
    }
    assert sorted(n.recipient_id for n in Notification.objects.all()) == sorted(
        [second.user.pk, third.user.pk]
    )


def test_a_group_that_does_not_fit_waits_and_is_not_split():
    event = EventFactory(capacity=4)
    first, second = _editors(2)
    event_register(event=event, structure=first.structure, actor=first.user, persons=2)
    group = event_register(event=event, structure=second.structure, actor=second.user, persons=3)
    assert group.status == RegistrationStatus.WAITLISTED
    assert not Notification.objects.exists()


def test_the_event_page_counts_persons(client):
    event = EventFactory(capacity=6)
    first, second = _editors(2)
    event_register(event=event, structure=first.structure, actor=first.user, persons=4)
    client.force_login(second.user)
    response = client.post(
        reverse("accompaniment:event-register", args=[event.pk]),
        {"structure": second.structure.pk, "persons": "2"},
        follow=True,
    )
    text = page_text(response)
    assert "« Structure 1 » est inscrite à « " in text
    assert "(2 personnes)." in text
    assert "6 personnes inscrites sur 6 places ; 0 place libre" in text
    response = client.post(
        reverse("accompaniment:event-register", args=[event.pk]),
        {"structure": second.structure.pk, "persons": "11"},
        follow=True,
    )
    assert "Indiquez un nombre de personnes entre 1 et 10." in page_text(response)
    assert EventRegistration.objects.count() == 2


# --- A visitor without an account -------------------------------------------------


def test_the_campaign_page_links_its_information_day_and_not_a_training(client):
    campaign = CampaignFactory()
    day = EventFactory(campaign=campaign, title="Journée d'information de l'appel")
    EventFactory(campaign=campaign, title="DLA collectif", kind=EventKind.COLLECTIVE_TRAINING)
    EventFactory(
        campaign=campaign,
        title="Journée passée",
        date=timezone.localdate() - datetime.timedelta(days=1),
    )
    response = client.get(reverse("applicants:campaign-public", args=[campaign.pk]))
    html = response.content.decode()
    assert reverse("accompaniment:event-public", args=[day.pk]) in html
    text = page_text(response)
    assert "Journée d'information de l'appel" in text
    assert "DLA collectif" not in text
    assert "Journée passée" not in text


def test_a_visitor_registers_confirms_by_the_link_and_takes_places(client):
    event = EventFactory(capacity=3, title="Journée d'information CCR")
    url = reverse("accompaniment:event-public", args=[event.pk])
    assert "3 places libres sur 3" in page_text(client.get(url))

    response = _register_guest(client, event)
    assert response.status_code == 302
    assert SENT in page_text(client.get(response.url))
    registration = EventRegistration.objects.get()
    assert (registration.status, registration.structure, registration.persons) == (
        RegistrationStatus.PENDING,
        None,
        2,
    )
    # Unconfirmed, the request takes no place.
    assert "3 places libres sur 3" in page_text(client.get(url))
    email = OutgoingEmail.objects.get()
    assert email.to == "jeanne.martin@exemple.fr"
    assert plain_spaces(email.subject) == (
        "[Portail CCR] Confirmez votre inscription : « Journée d'information CCR »"
    )
    assert email.text.startswith("Bonjour Jeanne Martin,")
    assert "inscrire 2 personnes de Les Jardins du Panier" in email.text

    confirm = _link(email, "/accompagnement/journees/confirmer/")
    page = client.get(confirm)
    assert page.status_code == 200
    assert "Confirmer l'inscription" in page_text(page)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING  # a GET confirms nothing

    response = client.post(confirm, follow=True)
    assert "L'inscription de « Les Jardins du Panier » est confirmée." in page_text(response)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.REGISTERED
    assert registration.confirmed_at is not None
    assert "1 place libre sur 3" in page_text(client.get(url))
    assert "Cette inscription est déjà confirmée" in page_text(client.get(confirm))
    confirmed = OutgoingEmail.objects.exclude(pk=email.pk).get()
    assert plain_spaces(confirmed.subject) == (
        "[Portail CCR] Inscription confirmée : « Journée d'information CCR »"
    )

    # The coordination sees the visitor among the registrations.
    client.force_login(UserFactory(coordinator=True))
    text = page_text(client.get(reverse("accompaniment:event-detail", args=[event.pk])))
    assert "Les Jardins du Panier <span" in text
    assert "(sans compte : Jeanne Martin, jeanne.martin@exemple.fr)</span>" in text
    assert "2 personnes inscrites sur 3 places" in text


def test_an_expired_or_tampered_link_confirms_nothing(client, monkeypatch):
    event = EventFactory()
    _register_guest(client, event)
    confirm = _link(OutgoingEmail.objects.get(), "/accompagnement/journees/confirmer/")
    registration = EventRegistration.objects.get()

    tampered = confirm.replace("/confirmer/", "/confirmer/x")
    for response in (client.get(tampered), client.post(tampered)):
        assert response.status_code == 400
        assert "Ce lien n'est pas valide. Vérifiez qu'il est complet." in page_text(response)
    # A cancellation link does not confirm (another salt), nor the other way round.
    token = confirm.rstrip("/").rsplit("/", 1)[1]
    cancel = reverse("accompaniment:event-guest-cancel", args=[token])
    assert client.post(cancel).status_code == 400

    later = time.time() + 73 * 3600  # past the 72 hours of the link
    monkeypatch.setattr(signing.time, "time", lambda: later)
    response = client.post(confirm)
    assert response.status_code == 400
    assert "Ce lien a expiré. Inscrivez-vous à nouveau : un nouveau lien vous sera envoyé." in (
        page_text(response)
    )
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PENDING
    assert registration.confirmed_at is None


def test_registering_again_sends_a_new_link_for_the_same_request(client):
    event = EventFactory()
    _register_guest(client, event)
    _register_guest(client, event, email="Jeanne.Martin@exemple.fr", persons="1")
    registration = EventRegistration.objects.get()
    assert registration.persons == 1
    assert OutgoingEmail.objects.filter(subject__contains="Confirmez").count() == 2


def test_a_confirmed_visitor_on_the_waitlist_is_promoted_and_cancels_by_link(client):
    event = EventFactory(capacity=2, title="Journée d'information CCR")
    (member,) = _editors(1)
    taken = event_register(event=event, structure=member.structure, actor=member.user, persons=2)
    _register_guest(client, event)
    client.post(_link(OutgoingEmail.objects.get(), "/accompagnement/journees/confirmer/"))
    guest = EventRegistration.objects.get(structure__isnull=True)
    assert guest.status == RegistrationStatus.WAITLISTED

    registration_cancel(registration=taken, actor=member.user)

    guest.refresh_from_db()
    assert guest.status == RegistrationStatus.REGISTERED
    promoted = OutgoingEmail.objects.get(subject__contains="Une place s'est libérée")
    assert promoted.to == "jeanne.martin@exemple.fr"
    assert not Notification.objects.exists()  # a visitor has no in-portal inbox
    cancel = _link(promoted, "/accompagnement/journees/annuler/")
    response = client.post(cancel, follow=True)
    assert "L'inscription est annulée : merci d'avoir laissé la place." in page_text(response)
    guest.refresh_from_db()
    assert guest.status == RegistrationStatus.CANCELLED
    response = client.post(cancel, follow=True)
    assert "Cette inscription est déjà annulée." in page_text(response)


def test_the_answer_never_tells_whether_the_address_has_an_account(client):
    UserFactory(email="deja.inscrite@exemple.fr")
    event = EventFactory()
    known = _register_guest(client, event, email="deja.inscrite@exemple.fr")
    known_page = page_text(client.get(known.url))
    unknown = _register_guest(client, event, email="inconnue@exemple.fr")
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    assert SENT in known_page
    assert SENT in page_text(client.get(unknown.url))
    assert sorted(OutgoingEmail.objects.values_list("to", flat=True)) == [
        "deja.inscrite@exemple.fr",
        "inconnue@exemple.fr",
    ]
    assert EventRegistration.objects.filter(status="pending").count() == 2


def test_the_form_refuses_in_french_and_writes_nothing(client):
    event = EventFactory()
    response = _register_guest(
        client, event, name="", email="pas-une-adresse", structure_name="", persons="11"
    )
    assert response.status_code == 200
    text = page_text(response)
    assert "Ce champ est obligatoire." in text
    assert "Saisissez une adresse de courriel valide." in text
    assert "Assurez-vous que cette valeur est inférieure ou égale à 10." in text
    assert not EventRegistration.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_robot_filling_the_hidden_field_gets_the_same_answer_and_nothing(client):
    event = EventFactory()
    response = _register_guest(client, event, website="http://spam.example")
    assert SENT in page_text(client.get(response.url))
    assert not EventRegistration.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_the_anonymous_form_is_rate_limited_per_client_and_per_address(client):
    event = EventFactory(capacity=50)
    for _ in range(3):
        _register_guest(client, event, email="meme@exemple.fr")
    # A fourth request for the same address: same answer, no fourth e-mail.
    response = _register_guest(client, event, email="meme@exemple.fr")
    assert SENT in page_text(client.get(response.url))
    assert OutgoingEmail.objects.filter(to="meme@exemple.fr").count() == 3
    for n in range(6):
        _register_guest(client, event, email=f"visiteur{n}@exemple.fr")
    response = _register_guest(client, event, email="onzieme@exemple.fr")
    assert response.status_code == 429
    assert (
        "Trop d'inscriptions ont été envoyées depuis votre connexion : réessayez dans une heure."
        in page_text(response)
    )
    assert not EventRegistration.objects.filter(guest_email="onzieme@exemple.fr").exists()


def test_only_an_upcoming_information_day_open_to_all_takes_visitors(client):
    training = EventFactory(kind=EventKind.COLLECTIVE_TRAINING)
    assert client.get(reverse("accompaniment:event-public", args=[training.pk])).status_code == 404
    reserved = EventFactory(audience=Audience.SELECTED)
    past = EventFactory(date=timezone.localdate() - datetime.timedelta(days=1))
    for event in (reserved, past):
        assert "Recevoir le lien de confirmation" not in page_text(
            client.get(reverse("accompaniment:event-public", args=[event.pk]))
        )
        _register_guest(client, event)
    assert not EventRegistration.objects.exists()
    assert not OutgoingEmail.objects.exists()


def test_a_signed_in_person_registers_their_structure_on_the_portal(client):
    event = EventFactory()
    (member,) = _editors(1)
    client.force_login(member.user)
    url = reverse("accompaniment:event-public", args=[event.pk])
    text = page_text(client.get(url))
    assert "Inscrire ma structure" in text
    assert "Recevoir le lien de confirmation" not in text
    _register_guest(client, event)
    assert not EventRegistration.objects.exists()


def test_visitors_present_are_pointed_without_a_session_of_their_own(client):
    event = EventFactory(capacity=5, date=timezone.localdate() + datetime.timedelta(days=1))
    (member,) = _editors(1)
    event_register(event=event, structure=member.structure, actor=member.user)
    _register_guest(client, event)
    client.post(_link(OutgoingEmail.objects.get(), "/accompagnement/journees/confirmer/"))
    guest = EventRegistration.objects.get(structure__isnull=True)
    type(event).objects.filter(pk=event.pk).update(date=timezone.localdate())
    client.force_login(UserFactory(coordinator=True))
    url = reverse("accompaniment:event-attendance", args=[event.pk])
    assert "Les Jardins du Panier (Jeanne Martin, sans compte)" in page_text(client.get(url))
    client.post(url, {"present": [str(member.structure.pk), f"g{guest.pk}"]})
    guest.refresh_from_db()
    assert guest.attended is True
    session = event.session
    assert list(session.attendances.values_list("structure_id", flat=True)) == [member.structure.pk]


def test_requests_never_confirmed_are_forgotten_once_their_link_expired(client, settings):
    from accompaniment.services.guests import guest_requests_purge

    event = EventFactory()
    _register_guest(client, event)
    _register_guest(client, event, email="confirmee@exemple.fr")
    client.post(
        _link(
            OutgoingEmail.objects.get(to="confirmee@exemple.fr"),
            "/accompagnement/journees/confirmer/",
        )
    )
    assert guest_requests_purge() == 0
    later = (
        timezone.now() + settings.EVENT_GUEST_CONFIRMATION_MAX_AGE + datetime.timedelta(minutes=1)
    )
    assert guest_requests_purge(now=later) == 1
    assert list(EventRegistration.objects.values_list("guest_email", "status")) == [
        ("confirmee@exemple.fr", "registered")
    ]
    assert guest_requests_purge(now=later) == 0
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "accompaniment.tasks.purge_unconfirmed_guest_requests" in tasks
