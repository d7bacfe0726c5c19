from django import template

from ccr_portal.documents.registry import get_kind
from ccr_portal.documents.services import latest_document

register = template.Library()


_UNREAD = object()


@register.inclusion_tag("documents/_document_panel.html", takes_context=True)
def document_panel(context, kind: str, subject, document=_UNREAD):
    """The "generate / being generated / download" block of one document (``document``:
    its latest one, when the view read it already)."""
    if document is _UNREAD:
        document = latest_document(kind=kind, subject=subject)
    return {
        "request": context.get("request"),
        "kind": get_kind(kind),
        "subject": subject,
        "document": document,
        "csrf_token": context.get("csrf_token"),
    }
