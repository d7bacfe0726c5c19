"""The XLSX exports of the financial accompaniment, through ``ccr_portal.exports``.

The request list's export is an export kind (``ccr_portal.documents.exports``): a large
selection is written in the background from the same rows.
"""

from django.utils import timezone

from ccr_portal.documents.exports import ExportKind, register
from ccr_portal.exports import Column, xlsx_response

from .filters import request_filter
from .selectors import requests_for_list

# Who may export the requests: the inline file and the background one alike.
EXPORT_PERMISSIONS = ("financing.export_requests",)

REQUEST_COLUMNS = [
    Column("Structure", lambda r: r.structure.name),
    Column("Forme juridique", lambda r: r.structure.get_legal_form_display()),
    Column("Appel", lambda r: r.campaign.title),
    Column("Financeur", lambda r: str(r.product.funder)),
    Column("Produit", lambda r: r.product.name),
    Column("État", lambda r: r.get_status_display()),
    Column("Montant demandé (€)", lambda r: r.amount, "euros"),
    Column("Durée (mois)", lambda r: r.duration_months, "number"),
    Column(
        "Transmise le",
        lambda r: timezone.localdate(r.forwarded_at) if r.forwarded_at else None,
        "date",
    ),
    Column("Au-delà de l'enveloppe", lambda r: "oui" if r.over_envelope else "non"),
    Column("Montant accordé (€)", lambda r: r.granted_amount, "euros"),
    Column("Taux accordé (%)", lambda r: r.granted_rate, "number"),
    Column("Durée accordée (mois)", lambda r: r.granted_months, "number"),
    Column("Comité d'engagement", lambda r: r.committee_date, "date"),
    Column("Versé (€)", lambda r: r.disbursed, "euros"),
    Column("Motif du refus", lambda r: r.refusal_reason),
]


REQUESTS_XLSX = "financing_requests_xlsx"

register(
    ExportKind(
        code=REQUESTS_XLSX,
        label="Demandes de financement (XLSX)",
        # The coordination's and each fund's officers' (their own fund's requests only).
        permissions=EXPORT_PERMISSIONS,
        file_format="xlsx",
        columns=REQUEST_COLUMNS,
        rows=lambda params, user: requests_for_list(request_filter(params, user).qs),
        count=lambda params, user: request_filter(params, user).qs.count(),
        get_filename=lambda: f"demandes-financement-{timezone.localdate():%Y-%m-%d}.xlsx",
        title="Demandes",
        list_url_name="financing:request-list",
    )
)


def global_response_xlsx(table_rows):
    """``table_rows`` as (line label, needs, requested, granted, disbursed)."""
    columns = [
        Column("Ligne", lambda row: row[0]),
        Column("Besoins (€)", lambda row: row[1], "euros"),
        Column("Demandé (€)", lambda row: row[2], "euros"),
        Column("Accordé (€)", lambda row: row[3], "euros"),
        Column("Versé (€)", lambda row: row[4], "euros"),
    ]
    return xlsx_response(
        filename=f"reponse-globale-{timezone.localdate():%Y-%m-%d}.xlsx",
        columns=columns,
        rows=table_rows,
        title="Réponse globale",
    )
