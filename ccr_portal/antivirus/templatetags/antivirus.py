from django import template

from ccr_portal.users.models import Role

register = template.Library()


@register.inclusion_tag("antivirus/_scanned_file.html", takes_context=True)
def scanned_file(context, scanned, url: str, label: str = ""):
    """A file's name: a download link once the antivirus allows it, its scan status otherwise."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "scanned": scanned,
        "url": url,
        "label": label or scanned.scanned_name,
        "viewer_is_coordinator": bool(
            user and user.is_authenticated and user.has_role(Role.COORDINATOR)
        ),
    }
