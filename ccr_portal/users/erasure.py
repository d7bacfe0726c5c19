"""A person erases their account (RGPD: right to erasure).

Their personal data is anonymised: names and e-mail replaced, password unusable, e-mail
addresses, second factors, sessions, notifications and pending invitations gone, roles and
memberships ended. What they wrote for a structure (its dossier, messages, documents) stays:
it belongs to the structure, and now reads as written by « Compte supprimé ».

Each app adds what it holds with ``register_erasure(check=..., erase=...)`` from its
``AppConfig.ready``: ``check(user)`` returns French reasons to refuse (the last editor of a
structure with other members must hand over first), ``erase(user)`` forgets the rest.
"""

from collections.abc import Callable

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ccr_portal.security.models import SecurityEvent
from ccr_portal.security.services import security_event_record

from .models import RoleAssignment, User

ERASED_LAST_NAME = "Compte supprimé"
_checks: list[Callable] = []
_erasers: list[Callable] = []


def register_erasure(*, check: Callable | None = None, erase: Callable | None = None) -> None:
    if check is not None and check not in _checks:
        _checks.append(check)
    if erase is not None and erase not in _erasers:
        _erasers.append(erase)


def erasure_obstacles(user: User) -> list[str]:
    return [reason for check in _checks for reason in check(user)]


def erased_email(user: User) -> str:
    return f"compte-supprime-{user.pk}@anonyme.invalid"


@transaction.atomic
def account_erase(*, user: User, actor: User) -> User:
    """Anonymise ``user``; only the person themself may ask it from the portal."""
    if actor.pk != user.pk:
        raise PermissionDenied("Seule la personne elle-même peut supprimer son compte.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if obstacles := erasure_obstacles(user):
        raise ValidationError(obstacles)
    for erase in _erasers:
        erase(user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    RoleAssignment.objects.filter(user=user).delete()
    user.provider_organisations.clear()
    user.funder_organisations.clear()
    user.notifications.all().delete()
    security_event_record(kind=SecurityEvent.Kind.ACCOUNT_ERASED, actor=user, target=user)
    user.email = erased_email(user)
    user.first_name = ""
    user.last_name = ERASED_LAST_NAME
    user.is_active = False
    user.set_unusable_password()
    user.save()
    user.forget_roles()
    # Every session of the person ends (this one is ended by the view's logout).
    for session in Session.objects.all().iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
    return user
