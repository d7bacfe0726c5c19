"""The diagnostic's thread: the structure, the assigned consultant and the coordination."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from applicants import people
from ccr_portal.formatting import with_preposition
from ccr_portal.notifications.services import notify_many
from ccr_portal.users.models import Role, User

from ..models import Diagnostic, DiagnosticMessage

MAX_LENGTH = 5000


def _speaker(diagnostic: Diagnostic, author: User) -> str:
    """Who speaks: the coordination, else the provider in charge, else the structure."""
    if author.has_role(Role.COORDINATOR):
        return DiagnosticMessage.Speaker.COORDINATION
    if diagnostic.provider_id and diagnostic.provider.consultants().filter(pk=author.pk).exists():
        return DiagnosticMessage.Speaker.PROVIDER
    return DiagnosticMessage.Speaker.STRUCTURE


@transaction.atomic
def diagnostic_message_post(
    *, diagnostic: Diagnostic, author: User, body: str
) -> DiagnosticMessage:
    """Post in the thread; the other participants who may read it are told."""
    if not author.has_perm("diagnostics.post_diagnostic_message", diagnostic):
        raise PermissionDenied("Vous ne pouvez pas écrire dans les échanges de ce diagnostic.")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Écrivez votre message."})
    if len(body) > MAX_LENGTH:
        raise ValidationError(
            {"body": f"Votre message dépasse {MAX_LENGTH} caractères : raccourcissez-le."}
        )
    message = DiagnosticMessage(
        diagnostic=diagnostic, author=author, speaker=_speaker(diagnostic, author), body=body
    )
    message.full_clean()
    message.save()
    participants = [
        *people.structure_members(diagnostic),
        *people.provider_consultants(diagnostic),
        *people.instructors(diagnostic),
    ]
    recipients = [
        person
        for person in dict.fromkeys(participants)
        if person != author and person.has_perm("diagnostics.view_diagnostic_thread", diagnostic)
    ]
    notify_many(
        recipients=recipients,
        subject=f"Nouveau message : {diagnostic.get_kind_display().lower()} "
        f"{with_preposition('de', diagnostic.structure)}",
        template="diagnostic_message",
        context={
            "structure": diagnostic.structure.name,
            "kind": diagnostic.get_kind_display(),
            "author": author.display_name,
            "speaker": message.get_speaker_display(),
            "body": body,
        },
        url=reverse("diagnostics:thread", kwargs={"pk": diagnostic.pk}),
    )
    return message
