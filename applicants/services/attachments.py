"""Supporting documents of a dossier: checked by content, stored under server names."""

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from applicants.models import Attachment, DocumentType, Dossier
from ccr_portal.antivirus.services import scanned_file_schedule
from ccr_portal.uploads import clean_original_name, validate_upload
from ccr_portal.users.models import User
from ccr_portal.workflow import TransitionRefused


def _locked_editable(dossier: Dossier, actor: User, refusal: str) -> Dossier:
    """The dossier, locked and read again: its state is checked under the same lock as a
    submission's, so a document never goes or comes while the dossier is being submitted."""
    if not actor.has_perm("applicants.change_dossier", dossier):
        raise PermissionDenied(refusal)
    dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
    if not dossier.is_editable:
        raise TransitionRefused(
            "Les pièces ne peuvent plus être modifiées : le dossier est "
            f"« {dossier.get_status_display()} »."
        )
    return dossier


@transaction.atomic
def attachment_add(
    *, dossier: Dossier, actor: User, document_type: DocumentType, upload: UploadedFile
) -> Attachment:
    """Add one file to the dossier; a refused file leaves the dossier as it was."""
    dossier = _locked_editable(
        dossier, actor, "Seul un éditeur de la structure peut ajouter des pièces."
    )
    kind = validate_upload(upload)
    attachment = Attachment(
        dossier=dossier,
        document_type=document_type,
        original_name=clean_original_name(upload.name),
        file_kind=kind.code,
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(f"piece{kind.extensions[0]}", upload, save=False)
    attachment.full_clean()
    attachment.save()
    scanned_file_schedule(scanned=attachment)
    dossier.save(update_fields=["updated_at"])
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, actor: User) -> None:
    _locked_editable(
        attachment.dossier, actor, "Seul un éditeur de la structure peut retirer des pièces."
    )
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
