"""The accompaniment's views share the portal's POST-only action (``ccr_portal.views``)."""

from ccr_portal.views import ServiceActionView

__all__ = ["ServiceActionView"]
