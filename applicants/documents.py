from django.utils import timezone
from django.utils.text import slugify

from ccr_portal.documents.registry import DocumentKind, register

STRUCTURE_SHEET = "structure_sheet"


def _structure_sheet_context(structure) -> dict:
    return {
        "structure": structure,
        "members": structure.memberships.select_related("user").order_by("user__last_name"),
        "as_of": timezone.localtime(structure.updated_at),
    }


register(
    DocumentKind(
        code=STRUCTURE_SHEET,
        label="Fiche structure",
        model="applicants.Structure",
        template_name="pdf/structure_sheet.html",
        permission="applicants.view_structure",
        get_context=_structure_sheet_context,
        get_filename=lambda structure: f"fiche-structure-{slugify(structure.name)}.pdf",
    )
)
