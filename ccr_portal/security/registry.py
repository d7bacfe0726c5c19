"""What the security log follows, declared by each app in its ``audit`` module.

- ``audit_route``: a URL whose successful use is logged (an export, the
  download of a confidential document), with the object its ``pk`` names.
- ``audit_scope``: the objects whose history belongs on another object's
  audit page (a dossier's attachments and generated PDFs).

The middleware and the audit page read these tables and never import a
domain app.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class AuditedRoute:
    url_name: str
    kind: str
    # "app_label.ModelName" of the object named by the URL's ``kwarg``.
    model: str = ""
    kwarg: str = "pk"


_routes: dict[str, AuditedRoute] = {}
_scopes: dict[str, Callable[[models.Model], Iterable[models.QuerySet]]] = {}


def audit_route(url_name: str, *, kind: str, model: str = "", kwarg: str = "pk") -> None:
    _routes[url_name] = AuditedRoute(url_name, kind, model, kwarg)


def audited_route(url_name: str | None) -> AuditedRoute | None:
    return _routes.get(url_name or "")


def audit_scope(model: str, related: Callable[[models.Model], Iterable[models.QuerySet]]) -> None:
    _scopes[model.lower()] = related


def related_querysets(obj: models.Model) -> list[models.QuerySet]:
    related = _scopes.get(obj._meta.label_lower)
    return list(related(obj)) if related else []
