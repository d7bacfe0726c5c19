"""Calls for applications, edited by the coordination."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.text import slugify

from applicants.models import Campaign, CampaignDocument, CharterCommitment, DocumentType
from ccr_portal.antivirus.services import scanned_file_schedule
from ccr_portal.uploads import clean_original_name, validate_upload
from ccr_portal.users.models import User

CAMPAIGN_FIELDS = (
    "title",
    "opens_on",
    "closes_on",
    "description",
    "calendar",
    "information_day",
    "information_day_place",
    "securing_timing",
    "securing_days_threshold",
)


def _check(actor: User) -> None:
    if not actor.has_perm("applicants.manage_campaigns"):
        raise PermissionDenied("Seule la coordination gère les appels à candidatures.")


@transaction.atomic
def campaign_save(
    *,
    actor: User,
    campaign: Campaign | None = None,
    sites=(),
    required_document_types=(),
    **fields,
) -> Campaign:
    _check(actor)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise TypeError(f"Unknown campaign fields: {sorted(unknown)}")
    campaign = campaign or Campaign()
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.full_clean()
    campaign.save()
    campaign.sites.set(sites)
    campaign.required_document_types.set(required_document_types)
    return campaign


@transaction.atomic
def charter_set(*, actor: User, campaign: Campaign, texts: list[str]) -> list[CharterCommitment]:
    """Replace the list of commitments, keeping those whose text is unchanged.

    Keeping them matters: dossiers that ticked a kept commitment stay ticked.
    """
    _check(actor)
    cleaned = [text.strip() for text in texts if text and text.strip()]
    if len(set(cleaned)) != len(cleaned):
        raise ValidationError("Chaque engagement ne doit figurer qu'une fois.")
    existing = {c.text: c for c in campaign.charter_commitments.all()}
    kept = []
    for position, text in enumerate(cleaned, start=1):
        commitment = existing.pop(text, None) or CharterCommitment(campaign=campaign, text=text)
        commitment.position = position
        commitment.full_clean()
        commitment.save()
        kept.append(commitment)
    for removed in existing.values():
        removed.delete()
    return kept


@transaction.atomic
def document_type_create(*, actor: User, name: str, description: str = "") -> DocumentType:
    _check(actor)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Donnez un nom au type de pièce."})
    base = slugify(name)[:40] or "piece"
    code, n = base, 1
    while DocumentType.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    document_type = DocumentType(code=code, name=name, description=description)
    document_type.full_clean()
    document_type.save()
    return document_type


@transaction.atomic
def campaign_document_add(
    *, actor: User, campaign: Campaign, title: str, upload: UploadedFile
) -> CampaignDocument:
    """Add a working-group document to the porte-documents: PDF only, public."""
    _check(actor)
    kind = validate_upload(upload)
    if kind.code != "pdf":
        raise ValidationError(
            {
                "upload": f"Le porte-documents n'accepte que des PDF : « {upload.name} » "
                f"est un fichier {kind.label}."
            }
        )
    document = CampaignDocument(
        campaign=campaign,
        title=(title or "").strip() or clean_original_name(upload.name),
        original_name=clean_original_name(upload.name),
        size=upload.size,
        uploaded_by=actor,
    )
    document.file.save("document.pdf", upload, save=False)
    document.full_clean()
    document.save()
    scanned_file_schedule(scanned=document)
    return document


@transaction.atomic
def campaign_document_delete(*, actor: User, document: CampaignDocument) -> None:
    _check(actor)
    stored, storage = document.file.name, document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(stored))
