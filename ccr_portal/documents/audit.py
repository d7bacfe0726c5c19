"""Downloads of generated PDFs are logged (read by ccr_portal.security)."""

from ccr_portal.security.models import SecurityEvent
from ccr_portal.security.registry import audit_route

audit_route(
    "documents:download", kind=SecurityEvent.Kind.DOWNLOAD, model="documents.GeneratedDocument"
)
audit_route(
    "documents:export-download", kind=SecurityEvent.Kind.EXPORT, model="documents.BackgroundExport"
)
