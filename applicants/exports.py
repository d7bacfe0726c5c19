"""CSV and XLSX exports of the coordinators' filtered dossier list, with French headers.

Written by the shared helpers of ``ccr_portal/exports.py``: streamed, in constant
memory, and with every text cell made harmless for spreadsheets.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone

from ccr_portal.exports import Column, csv_response, xlsx_response

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


# Rows fetched from the database at a time: the exports stream, whatever the selection.
CHUNK_SIZE = 500


def dossiers_csv(dossiers: Iterable):
    return csv_response(filename=export_filename("csv"), columns=COLUMNS, rows=dossiers)


def dossiers_xlsx(dossiers: Iterable):
    return xlsx_response(
        filename=export_filename("xlsx"), columns=COLUMNS, rows=dossiers, title="Dossiers"
    )
