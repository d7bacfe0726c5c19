"""CSV and XLSX exports of the coordinators' filtered dossier list, with French headers."""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .models import Dossier


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Dossier], object]
    kind: str = "text"  # text | date | number | euros


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


def _csv_value(column: Column, value) -> str:
    if value is None or value == "":
        return ""
    if column.kind == "date":
        return f"{value:%d/%m/%Y}"
    if column.kind == "euros":
        return f"{Decimal(value):.2f}".replace(".", ",")
    return str(value)


def dossiers_csv(dossiers: Iterable[Dossier]) -> bytes:
    """Semicolon-separated, UTF-8 with BOM, decimal comma: opens as is in a French spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([column.header for column in COLUMNS])
    for dossier in dossiers:
        writer.writerow([_csv_value(column, column.value(dossier)) for column in COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def dossiers_xlsx(dossiers: Iterable[Dossier]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Dossiers"
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for dossier in dossiers:
        sheet.append([column.value(dossier) for column in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 2)
        number_format = {
            "date": "DD/MM/YYYY",
            "euros": '#,##0.00 "€"',
            "number": "0",
        }.get(column.kind)
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()
