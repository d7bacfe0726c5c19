from django import template

from ccr_portal.documents.registry import get_kind
from ccr_portal.documents.services import latest_document

register = template.Library()


@register.inclusion_tag("documents/_document_panel.html", takes_context=True)
def document_panel(context, kind: str, subject):
    """The "generate / being generated / download" block of one document."""
    return {
        "request": context.get("request"),
        "kind": get_kind(kind),
        "subject": subject,
        "document": latest_document(kind=kind, subject=subject),
        "csrf_token": context.get("csrf_token"),
    }
