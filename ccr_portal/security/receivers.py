"""Signals of Django, allauth and django-axes turned into lines of the security log."""

import time

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import signals as mfa_signals
from axes.signals import user_locked_out
from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from .client_ip import login_username
from .models import SecurityEvent
from .policy import LAST_ACTIVITY_KEY, STAFF_SESSION_KEY, is_staff_person
from .services import security_event_record


@receiver(auth_signals.user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    # A login that just succeeded (password, then the MFA code if any) is a
    # fresh authentication: for ACCOUNT_REAUTHENTICATION_TIMEOUT seconds the
    # person is not asked again before a sensitive action.
    record_authentication(request, user, method="login", reauthenticated=True)
    request.session[STAFF_SESSION_KEY] = is_staff_person(user)
    request.session[LAST_ACTIVITY_KEY] = time.time()
    security_event_record(request=request, kind=SecurityEvent.Kind.LOGIN, actor=user)


@receiver(auth_signals.user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        security_event_record(request=request, kind=SecurityEvent.Kind.LOGOUT, actor=user)


@receiver(auth_signals.user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    security_event_record(
        request=request,
        kind=SecurityEvent.Kind.LOGIN_FAILED,
        actor_email=login_username(request, credentials) or "",
    )


@receiver(user_locked_out)
def on_lockout(sender, request, username=None, ip_address=None, **kwargs):
    security_event_record(
        request=request,
        kind=SecurityEvent.Kind.LOCKOUT,
        actor_email=username or "",
        details={"ip_address": ip_address},
    )


def _mfa_receiver(kind):
    def record(sender, request, user, authenticator, **kwargs):
        security_event_record(
            request=request, kind=kind, actor=user, details={"type": authenticator.type}
        )

    return record


_MFA_SIGNALS = [
    (mfa_signals.authenticator_added, SecurityEvent.Kind.MFA_ADDED),
    (mfa_signals.authenticator_removed, SecurityEvent.Kind.MFA_REMOVED),
    (mfa_signals.authenticator_reset, SecurityEvent.Kind.MFA_RESET),
    (mfa_signals.authentication_failed, SecurityEvent.Kind.MFA_FAILED),
]
for _signal, _kind in _MFA_SIGNALS:
    _signal.connect(_mfa_receiver(_kind), dispatch_uid=f"security-{_kind}", weak=False)


@receiver(mfa_signals.authenticator_removed)
def forget_enrolment(sender, request, user, **kwargs):
    from .middleware import MFA_ENROLLED_KEY

    if request is not None and hasattr(request, "session"):
        request.session.pop(MFA_ENROLLED_KEY, None)
