"""The dossier's thread between the structure and Regain, and the private notes."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applicants.models import Dossier, Message, MessageAttachment, PrivateNote, ThreadRead
from applicants.people import instructors, structure_members
from ccr_portal.antivirus.services import scanned_file_schedule
from ccr_portal.notifications.services import notify_many
from ccr_portal.uploads import clean_original_name, validate_upload
from ccr_portal.users.models import Role, User


@transaction.atomic
def message_post(
    *, dossier: Dossier, author: User, body: str, files: Iterable[UploadedFile] = ()
) -> Message:
    """Post a message; every file is checked first, so a refused file posts nothing."""
    if not author.has_perm("applicants.post_message", dossier):
        raise PermissionDenied("Vous ne pouvez pas écrire dans ce fil.")
    body = (body or "").strip()
    files = list(files)
    if not body:
        raise ValidationError({"body": "Écrivez votre message."})
    kinds = [validate_upload(upload) for upload in files]
    from_coordination = author.has_role(Role.COORDINATOR) and not author.has_perm(
        "applicants.change_dossier", dossier
    )
    message = Message.objects.create(
        dossier=dossier, author=author, from_coordination=from_coordination, body=body
    )
    for upload, kind in zip(files, kinds, strict=True):
        attachment = MessageAttachment(
            message=message,
            original_name=clean_original_name(upload.name),
            file_kind=kind.code,
            size=upload.size,
        )
        attachment.file.save(f"piece-jointe{kind.extensions[0]}", upload, save=False)
        attachment.save()
        scanned_file_schedule(scanned=attachment)
    thread_mark_read(dossier=dossier, user=author)
    recipients = structure_members(dossier) if from_coordination else instructors(dossier)
    notify_many(
        recipients=[person for person in recipients if person != author],
        subject=f"Nouveau message : dossier {dossier.structure}",
        template="dossier_message",
        context={
            "structure": dossier.structure.name,
            "author": author.display_name,
            "from_coordination": from_coordination,
            "body": body,
        },
        url=reverse("applicants:dossier-messages", kwargs={"pk": dossier.pk}),
    )
    return message


def thread_mark_read(*, dossier: Dossier, user: User) -> None:
    ThreadRead.objects.update_or_create(
        dossier=dossier, user=user, defaults={"read_at": timezone.now()}
    )


@transaction.atomic
def private_note_add(*, dossier: Dossier, author: User, body: str) -> PrivateNote:
    if not author.has_perm("applicants.add_private_note", dossier):
        raise PermissionDenied("Seule la coordination peut écrire des notes internes.")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "La note est vide."})
    return PrivateNote.objects.create(dossier=dossier, author=author, body=body)
