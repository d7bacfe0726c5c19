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


@dataclass(frozen=True)
class Panel:
    template_name: str
    get_context: Callable[[HttpRequest], dict] | None = None
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


def rendered_panels(slot: str, request: HttpRequest) -> list[dict]:
    return [
        {
            "template_name": panel.template_name,
            "context": panel.get_context(request) if panel.get_context else {},
        }
        for panel in _panels[slot]
    ]


def nav_links(role: str | None) -> list[dict]:
    if role is None:
        return []
    return [{"label": link.label, "url": reverse(link.url_name)} for link in _nav_links[role]]
