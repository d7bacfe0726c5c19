"""Dashboards and navigation assembled from what each app contributes.

An app registers, in its ``dashboards`` module, the panels it shows on a
role's dashboard (or on the public home page) and its navigation links. The
dashboard views live here and never import a domain app: the dependency
direction of the architecture holds.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse

PUBLIC = "public"
# Slots of object pages: their panels receive the object as a keyword argument
# (``get_context(request, structure=...)`` / ``get_context(request, dossier=...)``).
STRUCTURE_DETAIL = "structure-detail"
DOSSIER_DETAIL = "dossier-detail"


@dataclass(frozen=True)
class Panel:
    template_name: str
    # Returns the panel's context, or None to hide the panel for this viewer.
    get_context: Callable[..., dict | None] | None = None
    order: int = 100


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    order: int = 100


_panels: dict[str, list[Panel]] = defaultdict(list)
_nav_links: dict[str, list[NavLink]] = defaultdict(list)


def register_panel(slot: str, panel: Panel) -> None:
    if panel not in _panels[slot]:
        _panels[slot].append(panel)
        _panels[slot].sort(key=lambda p: p.order)


def register_nav_link(role: str, link: NavLink) -> None:
    if link not in _nav_links[role]:
        _nav_links[role].append(link)
        _nav_links[role].sort(key=lambda item: item.order)


def rendered_panels(slot: str, request: HttpRequest, **objects) -> list[dict]:
    rendered = []
    for panel in _panels[slot]:
        context = panel.get_context(request, **objects) if panel.get_context else {}
        if context is not None:
            rendered.append({"template_name": panel.template_name, "context": context})
    return rendered


def nav_links(role: str | None) -> list[dict]:
    if role is None:
        return []
    return [{"label": link.label, "url": reverse(link.url_name)} for link in _nav_links[role]]
