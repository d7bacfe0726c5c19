"""Who must use MFA, whose session times out: one answer for the middleware and the adapter."""

from django.conf import settings

from ccr_portal.users.models import STAFF_ROLES

ADMIN = "admin"
STAFF_SESSION_KEY = "ccr_staff_session"
LAST_ACTIVITY_KEY = "ccr_last_activity"


def mfa_required_for(user) -> bool:
    """True when one of ``user``'s roles is in ``MFA_REQUIRED_ROLES`` ("admin": Django staff)."""
    required = set(settings.MFA_REQUIRED_ROLES)
    if not required or not user.is_authenticated:
        return False
    if ADMIN in required and (user.is_staff or user.is_superuser):
        return True
    return bool(required & set(user.roles))


def is_staff_person(user) -> bool:
    # A query of its own: asked at login, it must not cache ``user.roles``
    # on an instance the caller keeps using.
    return bool(
        user.is_staff
        or user.is_superuser
        or user.role_assignments.filter(role__in=STAFF_ROLES).exists()
    )


def needs_idle_timeout(request) -> bool:
    """Staff sessions are flagged at login, so that no request pays a query to know it."""
    if STAFF_SESSION_KEY not in request.session:
        # A session opened before this flag existed: decided once.
        request.session[STAFF_SESSION_KEY] = is_staff_person(request.user)
    return bool(request.session[STAFF_SESSION_KEY])
