"""What the security log follows in the applicants app (read by ccr_portal.security)."""

from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType

from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.security.models import SecurityEvent
from ccr_portal.security.registry import audit_route, audit_scope

from .models import (
    Attachment,
    Campaign,
    Dossier,
    Invitation,
    Membership,
    MessageAttachment,
    Structure,
)

auditlog.register(Structure)
auditlog.register(Membership)
auditlog.register(Invitation, exclude_fields=["token"])
auditlog.register(Campaign)
auditlog.register(Dossier, m2m_fields={"charter_commitments"})
auditlog.register(Attachment)

audit_route("applicants:dossier-export", kind=SecurityEvent.Kind.EXPORT)
audit_route(
    "applicants:structure-data", kind=SecurityEvent.Kind.EXPORT, model="applicants.Structure"
)
audit_route("applicants:dossier-zip", kind=SecurityEvent.Kind.DOWNLOAD, model="applicants.Dossier")
audit_route(
    "applicants:attachment-download",
    kind=SecurityEvent.Kind.DOWNLOAD,
    model="applicants.Attachment",
)
audit_route(
    "applicants:message-attachment-download",
    kind=SecurityEvent.Kind.DOWNLOAD,
    model="applicants.MessageAttachment",
)


def _dossier_scope(dossier: Dossier):
    return [
        Attachment.objects.filter(dossier=dossier),
        MessageAttachment.objects.filter(message__dossier=dossier),
        GeneratedDocument.objects.filter(
            content_type=ContentType.objects.get_for_model(Dossier), object_id=dossier.pk
        ),
    ]


audit_scope("applicants.Dossier", _dossier_scope)
