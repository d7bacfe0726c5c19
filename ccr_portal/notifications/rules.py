import rules

from ccr_portal.permissions import is_coordinator

rules.add_perm("notifications.view_outgoing_emails", is_coordinator)
