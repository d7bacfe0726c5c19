"""Dashboards and object pages assembled from the panels each app contributes.

An app registers, in its ``dashboards`` module, the panels it shows on a role's
dashboard (or on the public home page) and on the structure and dossier pages.
The pages that show them never import a domain app: the dependency direction of
the architecture holds. The menus are one list, in ``ccr_portal.navigation``.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

PUBLIC = "public"
# Slots of object pages: their panels receive the object as a keyword argument
# (``get_context(request, structure=...)`` / ``get_context(request, dossier=...)``).
STRUCTURE_DETAIL = "structure-detail"
DOSSIER_DETAIL = "dossier-detail"
# The public page of a call for applications (``get_context(request, campaign=...)``).
CAMPAIGN_PUBLIC = "campaign-public"
# Beside the plan's 3-year financing plan (``get_context(request, plan=...)``).
PLAN_FINANCING = "plan-financing"


@dataclass(frozen=True)
class Panel:
    template_name: str
    # Returns the panel's context, or None to hide the panel for this viewer.
    get_context: Callable[..., dict | None] | None = None
    order: int = 100


_panels: dict[str, list[Panel]] = defaultdict(list)


def register_panel(slot: str, panel: Panel) -> None:
    if panel not in _panels[slot]:
        _panels[slot].append(panel)
        _panels[slot].sort(key=lambda p: p.order)


def rendered_panels(slot: str, request: HttpRequest, **objects) -> list[dict]:
    rendered = []
    for panel in _panels[slot]:
        context = panel.get_context(request, **objects) if panel.get_context else {}
        if context is not None:
            rendered.append({"template_name": panel.template_name, "context": context})
    return rendered
