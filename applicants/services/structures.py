from django.core.exceptions import PermissionDenied
from django.db import transaction

from applicants.models import Membership, Structure
from ccr_portal.validators import normalise_siret

STRUCTURE_FIELDS = (
    "name",
    "legal_form",
    "siret",
    "rna",
    "address",
    "postal_code",
    "city",
    "sector",
    "year_founded",
    "staff_fte",
    "volunteers",
    "last_budget",
    "website",
    "description",
)


@transaction.atomic
def structure_create(*, created_by, **fields) -> Structure:
    """Create a structure; its creator becomes its first editor."""
    if not created_by.has_perm("applicants.add_structure"):
        raise PermissionDenied("Seul un compte de structure candidate peut créer une structure.")
    structure = Structure(created_by=created_by, **_clean_fields(fields))
    structure.full_clean()
    structure.save()
    Membership.objects.create(structure=structure, user=created_by, role=Membership.Role.EDITOR)
    created_by.__dict__.pop("_membership_roles", None)
    return structure


@transaction.atomic
def structure_update(*, structure: Structure, actor, **fields) -> Structure:
    if not actor.has_perm("applicants.change_structure", structure):
        raise PermissionDenied("Vous ne pouvez pas modifier cette structure.")
    for name, value in _clean_fields(fields).items():
        setattr(structure, name, value)
    structure.full_clean()
    structure.save()
    return structure


def _clean_fields(fields: dict) -> dict:
    unknown = set(fields) - set(STRUCTURE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown structure fields: {sorted(unknown)}")
    cleaned = dict(fields)
    if "siret" in cleaned:
        cleaned["siret"] = normalise_siret(cleaned["siret"])
    if "rna" in cleaned:
        cleaned["rna"] = (cleaned["rna"] or "").strip().upper()
    return cleaned
