import time

from allauth.mfa.models import Authenticator
from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from .client_ip import client_ip
from .context import current_request
from .models import SecurityEvent
from .policy import LAST_ACTIVITY_KEY, mfa_required_for, needs_idle_timeout
from .registry import audited_route
from .services import security_event_record

MFA_ENROLLED_KEY = "ccr_mfa_enrolled"
# The session is written at most this often to push the idle deadline back.
ACTIVITY_RESOLUTION = 60


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's, with the client address the rest of the portal trusts."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)


class SecurityLogMiddleware:
    """Logs refusals (403) and the successful use of the audited routes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request.reset(token)
        if response.status_code == 403:
            security_event_record(request=request, kind=SecurityEvent.Kind.PERMISSION_DENIED)
        elif response.status_code == 200 and request.resolver_match is not None:
            route = audited_route(request.resolver_match.view_name)
            if route is not None:
                security_event_record(
                    request=request,
                    kind=route.kind,
                    target=_route_object(route, request.resolver_match.kwargs),
                    details={"route": route.url_name},
                )
        return response


def _route_object(route, kwargs):
    if not route.model or route.kwarg not in kwargs:
        return None
    model = apps.get_model(route.model)
    return model._default_manager.filter(pk=kwargs[route.kwarg]).first()


class StaffSessionTimeoutMiddleware:
    """Staff sessions end after ``STAFF_SESSION_IDLE_TIMEOUT`` seconds without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and needs_idle_timeout(request):
            timeout = settings.STAFF_SESSION_IDLE_TIMEOUT
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - last > timeout:
                security_event_record(
                    request=request,
                    kind=SecurityEvent.Kind.SESSION_EXPIRED,
                    details={"idle_seconds": int(now - last)},
                )
                logout(request)
                messages.info(
                    request,
                    "Votre session a expiré après une période d'inactivité : "
                    "reconnectez-vous pour continuer.",
                )
                return redirect_to_login(request.get_full_path())
            if last is None or now - last > ACTIVITY_RESOLUTION:
                request.session[LAST_ACTIVITY_KEY] = now
                request.session.set_expiry(timeout)
        return self.get_response(request)


class MFARequiredMiddleware:
    """A person whose role needs MFA uses nothing but the MFA pages until it is active."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_ROLES
            and user is not None
            and user.is_authenticated
            and not _is_exempt_path(request.path)
            and mfa_required_for(user)
            and not _has_authenticator(request, user)
        ):
            messages.warning(
                request,
                "Votre rôle impose la double authentification : activez une application "
                "d'authentification (TOTP) pour continuer.",
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)


def _has_authenticator(request, user) -> bool:
    if request.session.get(MFA_ENROLLED_KEY) == user.pk:
        return True
    enrolled = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    if enrolled:
        request.session[MFA_ENROLLED_KEY] = user.pk
    return enrolled


def _is_exempt_path(path: str) -> bool:
    exempt = (
        reverse("mfa_index"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        reverse("account_login"),
        reverse("healthz"),
        settings.STATIC_URL,
    )
    return path.startswith(exempt)
