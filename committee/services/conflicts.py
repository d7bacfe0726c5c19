"""Conflicts of interest: declared by members, recorded by the coordination, prefilled from
what a provider's or funder's organisation does for a structure."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from applicants.models import Structure
from ccr_portal.users.models import Role, User

from ..models import ConflictKind, ConflictOfInterest, ConflictSource, Meeting, MeetingMember
from ..selectors import forget_committee_cache, organisation_links


def _active(member, structure_id):
    return ConflictOfInterest.objects.filter(
        member=member, structure_id=structure_id, withdrawn_at__isnull=True
    ).first()


@transaction.atomic
def conflicts_prefill(*, meeting: Meeting, actor: User) -> list[ConflictOfInterest]:
    """The links of the invited providers' and funders' members with the agenda's
    structures, from their organisation's missions: recorded before anyone reads a file."""
    structure_ids = set(meeting.agenda.values_list("dossier__structure_id", flat=True))
    created = []
    if not structure_ids:
        return created
    for invitation in meeting.invitations.select_related("user"):
        member = invitation.user
        for structure_id, link in organisation_links(member, structure_ids).items():
            if _active(member, structure_id) is not None:
                continue
            conflict = ConflictOfInterest(
                member=member,
                structure_id=structure_id,
                kind=link.kind,
                details=link.details,
                source=ConflictSource.PREFILLED,
                meeting=meeting,
                recorded_by=actor,
            )
            conflict.full_clean()
            conflict.save()
            created.append(conflict)
        forget_committee_cache(member)
    return created


@transaction.atomic
def conflicts_declare(
    *, meeting: Meeting, actor: User, declarations: list[dict]
) -> list[ConflictOfInterest]:
    """A member answers for a meeting: their links with the agenda's structures
    (``structure``, ``kind``, ``details``), or none. Either way the answer is recorded."""
    if not actor.has_perm("committee.declare_conflicts", meeting):
        raise PermissionDenied("Seuls les membres invités déclarent leurs liens pour cette séance.")
    agenda = set(meeting.agenda.values_list("dossier__structure_id", flat=True))
    created = []
    for declaration in declarations:
        structure = declaration["structure"]
        if structure.pk not in agenda:
            raise ValidationError(f"« {structure} » n'est pas à l'ordre du jour de cette séance.")
        if declaration.get("kind") not in ConflictKind.values:
            raise ValidationError(
                {f"kind_{structure.pk}": f"Précisez la nature du lien avec « {structure} »."}
            )
        if _active(actor, structure.pk) is not None:
            continue
        conflict = ConflictOfInterest(
            member=actor,
            structure=structure,
            kind=declaration["kind"],
            details=declaration.get("details", "").strip(),
            source=ConflictSource.DECLARED,
            meeting=meeting,
            recorded_by=actor,
        )
        conflict.full_clean()
        conflict.save()
        created.append(conflict)
    MeetingMember.objects.filter(meeting=meeting, user=actor).update(
        links_declared_at=timezone.now()
    )
    forget_committee_cache(actor)
    return created


@transaction.atomic
def conflict_record(
    *,
    actor: User,
    member: User,
    structure: Structure,
    kind: str,
    details: str,
    declared_on=None,
    meeting: Meeting | None = None,
) -> ConflictOfInterest:
    """The coordination records a member's link, with its date and reason."""
    if not actor.has_perm("committee.record_conflict"):
        raise PermissionDenied(
            "Seule la coordination enregistre un lien d'intérêts pour un membre."
        )
    if not member.has_role(Role.COMMITTEE):
        raise ValidationError({"member": f"{member} n'est pas membre du comité."})
    if not details.strip():
        raise ValidationError({"details": "Indiquez le motif : il figure au dossier de la séance."})
    if _active(member, structure.pk) is not None:
        raise ValidationError(
            {"structure": f"Un lien de {member} avec « {structure} » est déjà enregistré."}
        )
    conflict = ConflictOfInterest(
        member=member,
        structure=structure,
        kind=kind,
        details=details.strip(),
        source=ConflictSource.RECORDED,
        declared_on=declared_on or timezone.localdate(),
        meeting=meeting,
        recorded_by=actor,
    )
    conflict.full_clean()
    conflict.save()
    forget_committee_cache(member)
    return conflict


@transaction.atomic
def conflict_withdraw(*, conflict: ConflictOfInterest, actor: User, reason: str) -> None:
    """The coordination lifts a link recorded by mistake, with the reason; the row stays."""
    if not actor.has_perm("committee.record_conflict"):
        raise PermissionDenied("Seule la coordination lève un lien d'intérêts.")
    if not reason.strip():
        raise ValidationError({"reason": "Expliquez pourquoi ce lien est levé."})
    conflict = ConflictOfInterest.objects.select_for_update().get(pk=conflict.pk)
    if conflict.withdrawn_at is not None:
        return
    conflict.withdrawn_at = timezone.now()
    conflict.withdrawn_by = actor
    conflict.withdraw_reason = reason.strip()
    conflict.full_clean()
    conflict.save()
    forget_committee_cache(conflict.member)
