import logging

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .client_ip import client_ip
from .context import current_request
from .models import SecurityEvent

logger = logging.getLogger("ccr_portal.security")


def security_event_record(
    *,
    kind: str,
    request=None,
    actor=None,
    actor_email: str = "",
    target: models.Model | None = None,
    details: dict | None = None,
) -> SecurityEvent:
    """Write one line of the security log (and the same line to the ``ccr_portal.security`` logger).

    ``request`` defaults to the request being served; ``actor`` to its user.
    Recorded inside the caller's transaction: a role grant that rolls back
    leaves no line saying it happened.
    """
    request = request if request is not None else current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not actor_email:
        actor_email = actor.email
    event = SecurityEvent(
        kind=kind,
        actor=actor if actor is not None and actor.pk else None,
        actor_email=(actor_email or "")[:254],
        ip_address=client_ip(request),
        method=getattr(request, "method", "") or "",
        path=(request.get_full_path() if request is not None else "")[:500],
        details=details or {},
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(target.pk)
        event.target_repr = str(target)[:300]
    event.save()
    logger.info(
        "%s actor=%s ip=%s path=%s target=%s",
        kind,
        event.actor_email or "-",
        event.ip_address or "-",
        event.path or "-",
        f"{event.target_type_id}:{event.target_id}" if target is not None else "-",
    )
    return event
