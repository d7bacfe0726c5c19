from ccr_portal.panels import Panel, register_panel
from ccr_portal.users.models import Role

from .selectors import pending_emails


def _pending_emails(request) -> dict | None:
    count = pending_emails().count()
    return {"count": count} if count else None


register_panel(
    Role.COORDINATOR, Panel("notifications/panels/pending_emails.html", _pending_emails, 5)
)
