"""The coordination's instruction note on a dossier, for the committee."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from applicants.models import Dossier, Site
from ccr_portal.users.models import User

from ..models import InstructionNote


@transaction.atomic
def instruction_note_save(
    *,
    dossier: Dossier,
    actor: User,
    opinion: str,
    reasons: str,
    proposed_conditions: str = "",
    proposed_site: Site | None = None,
) -> InstructionNote:
    if not actor.has_perm("committee.write_instruction_note", dossier):
        raise PermissionDenied("Seule la coordination rédige la note d'instruction.")
    note = InstructionNote.objects.filter(dossier=dossier).first() or InstructionNote(
        dossier=dossier
    )
    note.opinion = opinion
    note.reasons = reasons.strip()
    note.proposed_conditions = proposed_conditions.strip()
    note.proposed_site = proposed_site
    note.author = actor
    note.full_clean()
    note.save()
    return note
