import re
from dataclasses import dataclass
from datetime import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse

from .models import SecurityEvent
from .registry import related_querysets

AUDIT_LIMIT = 300


@dataclass(frozen=True)
class AuditLine:
    at: datetime
    actor: str
    ip_address: str
    what: str
    object_repr: str
    details: list[tuple[str, str]]


def audit_url(obj: models.Model) -> str:
    return reverse(
        "security:object-audit",
        kwargs={"app_label": obj._meta.app_label, "model": obj._meta.model_name, "pk": obj.pk},
    )


def object_audit(obj: models.Model, *, limit: int = AUDIT_LIMIT) -> list[AuditLine]:
    """The history of ``obj`` and of the objects in its audit scope, newest first.

    Model changes come from django-auditlog, the rest (downloads, refusals)
    from the security log. Two queries, whatever the number of objects.
    """
    targets = Q()
    events = Q()
    for queryset in [obj._meta.model._default_manager.filter(pk=obj.pk), *related_querysets(obj)]:
        content_type = ContentType.objects.get_for_model(queryset.model)
        ids = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        if ids:
            targets |= Q(content_type=content_type, object_pk__in=ids)
            events |= Q(target_type=content_type, target_id__in=ids)
    lines = [
        AuditLine(
            at=entry.timestamp,
            actor=entry.actor.display_name if entry.actor else "système",
            ip_address=entry.remote_addr or "",
            what=f"{entry.content_type.model_class()._meta.verbose_name.capitalize()} : "
            f"{_ACTIONS.get(entry.action, entry.get_action_display())}",
            object_repr=entry.object_repr,
            details=_changes(entry),
        )
        for entry in LogEntry.objects.filter(targets)
        .select_related("actor", "content_type")
        .order_by("-timestamp")[:limit]
    ]
    lines += [
        AuditLine(
            at=event.at,
            actor=event.actor.display_name if event.actor else (event.actor_email or "anonyme"),
            ip_address=event.ip_address or "",
            what=event.get_kind_display(),
            object_repr=event.target_repr,
            details=[(key, str(value)) for key, value in event.details.items() if key != "route"],
        )
        for event in SecurityEvent.objects.filter(events).select_related("actor")[:limit]
    ]
    lines.sort(key=lambda line: line.at, reverse=True)
    return lines[:limit]


_ACTIONS = {
    LogEntry.Action.CREATE: "création",
    LogEntry.Action.UPDATE: "modification",
    LogEntry.Action.DELETE: "suppression",
    LogEntry.Action.ACCESS: "consultation",
}


def _changes(entry: LogEntry) -> list[tuple[str, str]]:
    try:
        changes = entry.changes_display_dict
    except Exception:  # a field removed since: show the raw values
        changes = entry.changes_dict
    details = []
    for field, values in changes.items():
        last = values[-1] if isinstance(values, list | tuple) and values else ""
        if field == "ID" or _RELATED_MANAGER.match(str(last)):
            continue  # the key, and django-auditlog's reprs of reverse relations on creation
        if isinstance(values, list | tuple) and len(values) == 2:
            details.append((field, f"{_value(values[0])} → {_value(values[1])}"))
        else:
            details.append((field, _value(values)))
    return details


_RELATED_MANAGER = re.compile(r"^\w+\.\w+\.None$")


def _value(value) -> str:
    """A recorded value as a person reads it: no field value reads « (vide) », never « None »."""
    text = "" if value is None else str(value)
    return "(vide)" if text in ("", "None") else text
