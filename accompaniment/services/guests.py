"""A visitor without an account registers to an information day, confirmed by an e-mail link.

The day exists to help structures decide whether to apply: they need no account
yet. The registration takes a place only once the link is opened; until then it
is ``pending`` and counts nowhere. The answer on the page is the same whatever
the address (known, unknown, already registered): nothing tells a visitor
whether an e-mail has an account.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from ccr_portal.notifications.services import email_address
from ccr_portal.workflow import TransitionRefused

from ..models import Audience, Event, EventKind, EventRegistration, RegistrationStatus
from .events import status_on_arrival, waitlist_promote
from .guest_tokens import guest_cancel_url, guest_confirm_url

ACTIVE = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


def event_is_open_to_guests(event: Event) -> bool:
    return (
        event.kind == EventKind.INFORMATION_DAY
        and event.audience == Audience.ANY
        and event.date >= timezone.localdate()
    )


def _context(registration: EventRegistration, **extra) -> dict:
    event = registration.event
    return {
        "structure": registration.guest_structure_name,
        "persons": registration.persons,
        "event": event.title,
        "date": event.date.isoformat(),
        "place": event.place,
        **extra,
    }


def _send_confirmation_link(registration: EventRegistration) -> None:
    expires = timezone.now() + settings.EVENT_GUEST_CONFIRMATION_MAX_AGE
    email_address(
        to=registration.guest_email,
        recipient_name=registration.guest_name,
        subject=f"Confirmez votre inscription : « {registration.event.title} »",
        template="accompaniment_guest_confirm",
        context=_context(
            registration,
            confirm_url=f"{settings.SITE_URL}{guest_confirm_url(registration)}",
            expires=expires,
        ),
    )


def _send_registered(registration: EventRegistration, *, already: bool = False) -> None:
    email_address(
        to=registration.guest_email,
        recipient_name=registration.guest_name,
        subject=f"Inscription confirmée : « {registration.event.title} »",
        template="accompaniment_guest_registered",
        context=_context(
            registration,
            already=already,
            waitlisted=registration.status == RegistrationStatus.WAITLISTED and not already,
            cancel_url=f"{settings.SITE_URL}{guest_cancel_url(registration)}",
        ),
        url=reverse("accompaniment:event-public", kwargs={"pk": registration.event_id}),
    )


@transaction.atomic
def event_guest_register(
    *, event: Event, name: str, email: str, structure_name: str, persons: int = 1
) -> EventRegistration:
    """Record the visitor's request and e-mail them the link that confirms it.

    Asking again with the same address sends the link again (the details updated);
    an address already registered gets a reminder of its registration instead.
    """
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not event_is_open_to_guests(event):
        raise TransitionRefused("Les inscriptions à cet événement ne sont pas ouvertes.")
    email = email.strip()
    registration = (
        event.registrations.filter(structure__isnull=True, guest_email__iexact=email)
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if registration is not None and registration.status in ACTIVE:
        _send_registered(registration, already=True)
        return registration
    registration = registration or EventRegistration(
        event=event, status=RegistrationStatus.PENDING, guest_email=email
    )
    registration.guest_name = name.strip()
    registration.guest_structure_name = structure_name.strip()
    registration.persons = persons
    registration.requested_at = timezone.now()
    registration.full_clean()
    registration.save()
    _send_confirmation_link(registration)
    return registration


@transaction.atomic
def event_guest_confirm(*, registration: EventRegistration) -> EventRegistration:
    """The link was opened: a place if the persons fit, the waitlist otherwise."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = EventRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in ACTIVE:
        return registration
    if registration.status == RegistrationStatus.CANCELLED:
        raise TransitionRefused("Cette inscription a été annulée : inscrivez-vous à nouveau.")
    if event.date < timezone.localdate():
        raise TransitionRefused("Les inscriptions sont closes : l'événement a eu lieu.")
    now = timezone.now()
    registration.status = status_on_arrival(event, registration.persons)
    # The place is claimed now: the waitlist ranks guests from their confirmation.
    registration.created_at = registration.confirmed_at = now
    registration.save(update_fields=["status", "created_at", "confirmed_at"])
    _send_registered(registration)
    return registration


@transaction.atomic
def guest_registration_cancel(*, registration: EventRegistration) -> EventRegistration:
    """The visitor cancels through their link; the waitlist takes the freed places."""
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = EventRegistration.objects.get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise TransitionRefused("Cette inscription est déjà annulée.")
    if event.date < timezone.localdate():
        raise TransitionRefused("L'événement a eu lieu : l'inscription ne peut plus être annulée.")
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    waitlist_promote(event)
    return registration


def guest_requests_purge(*, now=None) -> int:
    """Forget the visitors who never confirmed: their request is deleted once its link
    has expired (their name and e-mail are kept for nothing else). Idempotent."""
    now = now or timezone.now()
    expired = EventRegistration.objects.filter(
        status=RegistrationStatus.PENDING,
        requested_at__lt=now - settings.EVENT_GUEST_CONFIRMATION_MAX_AGE,
    )
    count, _ = expired.delete()
    return count
