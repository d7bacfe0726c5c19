import rules

from ccr_portal.permissions import is_coordinator

rules.add_perm("users.manage_roles", is_coordinator)
