"""CSV and XLSX exports of the coordinators' filtered dossier list, with French headers.

Written by the shared helpers of ``ccr_portal/exports.py``: streamed, in constant
memory, and with every text cell made harmless for spreadsheets. Registered as export
kinds (``ccr_portal.documents.exports``): a large selection is written in the background
from the same rows.
"""

from decimal import Decimal
from functools import partial

from django.utils import timezone

from ccr_portal.documents.exports import ExportKind, register
from ccr_portal.exports import Column

from .filters import annotated_dossiers, dossier_filter

COLUMNS = [
    Column("Structure", lambda d: d.structure.name),
    Column("SIRET", lambda d: d.structure.siret),
    Column("RNA", lambda d: d.structure.rna),
    Column("Forme juridique", lambda d: d.structure.get_legal_form_display()),
    Column("Secteur", lambda d: d.structure.get_sector_display()),
    Column("Commune", lambda d: d.structure.city),
    Column("Appel à candidatures", lambda d: d.campaign.title),
    Column("État", lambda d: d.get_status_display()),
    Column(
        "Déposé le",
        lambda d: timezone.localdate(d.submitted_at) if d.submitted_at else None,
        "date",
    ),
    Column("Site souhaité (1er choix)", lambda d: d.first_site or ""),
    Column("Surface souhaitée (m²)", lambda d: d.wished_surface_m2, "number"),
    Column("Pièces fournies", lambda d: d.provided_documents, "number"),
    Column("Pièces manquantes", lambda d: max(d.missing_documents, 0), "number"),
    Column("Besoins de financement (€)", lambda d: d.financing_total or Decimal("0"), "euros"),
    Column("Chargé(e) d'instruction", lambda d: d.instructor.display_name if d.instructor else ""),
]


def export_filename(extension: str) -> str:
    return f"dossiers-ccr-{timezone.localdate():%Y-%m-%d}.{extension}"


DOSSIERS_CSV = "dossiers_csv"
DOSSIERS_XLSX = "dossiers_xlsx"
# The same permissions as the list and its export buttons.
EXPORT_PERMISSIONS = ("applicants.list_all_dossiers", "applicants.export_dossiers")


def _rows(params, user):
    return annotated_dossiers(dossier_filter(params, user).qs)


def _count(params, user) -> int:
    return dossier_filter(params, user).qs.count()


for _code, _format in ((DOSSIERS_CSV, "csv"), (DOSSIERS_XLSX, "xlsx")):
    register(
        ExportKind(
            code=_code,
            label=f"Dossiers de candidature ({_format.upper()})",
            permissions=EXPORT_PERMISSIONS,
            file_format=_format,
            columns=COLUMNS,
            rows=_rows,
            count=_count,
            get_filename=partial(export_filename, _format),
            title="Dossiers",
            list_url_name="applicants:dossier-list",
        )
    )
