"""The PDFs of the applicants app, rendered by the documents pipeline."""

from django.utils import timezone
from django.utils.text import slugify

from ccr_portal.documents.registry import DocumentKind, register

STRUCTURE_SHEET = "structure_sheet"
DOSSIER_SUMMARY = "dossier_summary"


def _structure_sheet_context(structure) -> dict:
    return {
        "structure": structure,
        "members": structure.memberships.select_related("user").order_by("user__last_name"),
        "as_of": timezone.localtime(structure.updated_at),
    }


def _dossier_summary_context(dossier) -> dict:
    # The coordination's private notes are deliberately absent: this PDF goes
    # into the ZIP that the structure may download too.
    from .completeness import dossier_completeness

    return {
        "dossier": dossier,
        "structure": dossier.structure,
        "completeness": dossier_completeness(dossier),
        "site_preferences": dossier.site_preferences.select_related("site"),
        "commitments": dossier.charter_commitments.all(),
        "all_commitments": dossier.campaign.charter_commitments.all(),
        "economic_years": dossier.economic_years.all(),
        "axis_wishes": dossier.axis_wishes.all(),
        "financing_needs": dossier.financing_needs.all(),
        "financing_total": sum(need.amount for need in dossier.financing_needs.all()),
        "attachments": dossier.attachments.select_related("document_type"),
        "transitions": dossier.transitions.select_related("actor"),
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

register(
    DocumentKind(
        code=DOSSIER_SUMMARY,
        label="Synthèse du dossier",
        model="applicants.Dossier",
        template_name="pdf/dossier_summary.html",
        # The summary carries the instruction's history: Regain's and the structure's.
        permission="applicants.view_dossier_history",
        get_context=_dossier_summary_context,
        get_filename=lambda dossier: f"synthese-dossier-{slugify(dossier.structure.name)}.pdf",
    )
)
