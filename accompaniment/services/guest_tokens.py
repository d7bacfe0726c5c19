"""The signed links e-mailed to a visitor who registered to an event without an account.

A link names one registration; the confirmation link expires
(``EVENT_GUEST_CONFIRMATION_MAX_AGE``), the cancellation link lasts until the event.
Both carry the e-mail they were sent to: a link cannot be replayed on another address.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

from ..models import EventRegistration

CONFIRM_SALT = "accompaniment.event-guest-confirm"
CANCEL_SALT = "accompaniment.event-guest-cancel"


class GuestLinkInvalid(Exception):
    """The link is not one the portal signed (or no longer names a registration)."""


class GuestLinkExpired(GuestLinkInvalid):
    pass


def _token(registration: EventRegistration, salt: str) -> str:
    return signing.dumps([registration.pk, registration.guest_email.lower()], salt=salt)


def guest_confirm_url(registration: EventRegistration) -> str:
    token = _token(registration, CONFIRM_SALT)
    return reverse("accompaniment:event-guest-confirm", kwargs={"token": token})


def guest_cancel_url(registration: EventRegistration) -> str:
    token = _token(registration, CANCEL_SALT)
    return reverse("accompaniment:event-guest-cancel", kwargs={"token": token})


def _registration_of(token: str, *, salt: str, max_age=None) -> EventRegistration:
    try:
        pk, email = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise GuestLinkExpired from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise GuestLinkInvalid from error
    registration = (
        EventRegistration.objects.select_related("event")
        .filter(pk=pk, structure__isnull=True, guest_email__iexact=email)
        .first()
    )
    if registration is None:
        raise GuestLinkInvalid
    return registration


def registration_to_confirm(token: str) -> EventRegistration:
    return _registration_of(
        token, salt=CONFIRM_SALT, max_age=settings.EVENT_GUEST_CONFIRMATION_MAX_AGE
    )


def registration_to_cancel(token: str) -> EventRegistration:
    return _registration_of(token, salt=CANCEL_SALT)
