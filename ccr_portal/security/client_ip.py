"""The client's address, once for the whole portal.

allauth's rate limits, django-axes and the security log must agree on who is
asking: behind the reverse proxy every request comes from the proxy, so the
address is taken from ``X-Forwarded-For``, trusting exactly
``ALLAUTH_TRUSTED_PROXY_COUNT`` proxies (the README's ``TRUSTED_PROXY_COUNT``).
"""

from allauth.core.internal.httpkit import get_client_ip
from django.core.exceptions import ImproperlyConfigured


def client_ip(request) -> str | None:
    if request is None:
        return None
    try:
        return get_client_ip(request)
    except ImproperlyConfigured:
        # Fewer addresses than trusted proxies: the request did not come
        # through them, so no header can be believed.
        return request.META.get("REMOTE_ADDR")


def login_username(request, credentials: dict | None) -> str | None:
    """The e-mail a login attempt was made for (allauth sends ``email``, the admin ``username``)."""
    credentials = credentials or {}
    value = credentials.get("email") or credentials.get("username")
    if value is None and request is not None:
        data = getattr(request, "POST", {})
        value = data.get("login") or data.get("email") or data.get("username")
    return value.strip().lower() if isinstance(value, str) else value
