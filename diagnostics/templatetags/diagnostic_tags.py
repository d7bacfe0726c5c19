from django import template
from django.utils.html import format_html

from ccr_portal.formatting import format_number

register = template.Library()

STATUS_STYLES = {
    "requested": "text-bg-warning",
    "accepted": "text-bg-light border",
    "declined": "text-bg-secondary",
    "covered": "text-bg-dark",
    "assigned": "text-bg-primary",
    "in_progress": "text-bg-primary",
    "delivered": "text-bg-info",
    "validated": "text-bg-success",
}

# What a provider's consultant reads: its own next step, not the coordination's words.
PROVIDER_LABELS = {
    "assigned": "À accepter",
    "in_progress": "En cours chez vous",
    "delivered": "Remis, en attente de validation",
}


@register.simple_tag
def status_badge(diagnostic, reader: str = ""):
    """The state as a badge whose words (not only its colour) say it; ``reader="provider"``
    gives the consultant's own wording."""
    label = diagnostic.get_status_display()
    if reader == "provider":
        label = PROVIDER_LABELS.get(diagnostic.status, label)
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_STYLES.get(diagnostic.status, "text-bg-light"),
        label,
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
