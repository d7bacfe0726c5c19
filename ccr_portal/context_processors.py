from ccr_portal.navigation import nav_links
from ccr_portal.notifications.selectors import unread_count
from ccr_portal.roles import active_role
from ccr_portal.users.models import Role


def portal(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {"active_role": None, "nav_links": []}
    role = active_role(request)
    return {
        "active_role": role,
        "active_role_label": Role(role).label if role else "",
        "nav_links": nav_links(role),
        "unread_notifications": unread_count(request.user),
    }
