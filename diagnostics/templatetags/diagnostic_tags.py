from django import template
from django.utils.html import format_html

from ccr_portal.formatting import format_number

register = template.Library()

STATUS_STYLES = {
    "requested": "text-bg-warning",
    "accepted": "text-bg-info",
    "declined": "text-bg-secondary",
    "covered": "text-bg-secondary",
    "assigned": "text-bg-primary",
    "in_progress": "text-bg-primary",
    "delivered": "text-bg-success",
    "validated": "text-bg-success",
}


@register.simple_tag
def status_badge(diagnostic):
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_STYLES.get(diagnostic.status, "text-bg-light"),
        diagnostic.get_status_display(),
    )


PURPOSE_SHORT = {"support": "Appui", "assessment": "Instruction"}


@register.filter
def purpose_short(diagnostic) -> str:
    """« Appui » or « Instruction », for lists where the full label is too long."""
    return PURPOSE_SHORT.get(diagnostic.purpose, diagnostic.get_purpose_display())


@register.filter
def jours(value):
    """Consultant days: « 2,5 j »."""
    return f"{format_number(value, 1)}\u00a0j"
