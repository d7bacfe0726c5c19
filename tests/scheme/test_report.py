"""The activity report and the calibration brief: their PDF (documents pipeline) and XLSX."""

import datetime
import io
import re
from decimal import Decimal
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from ccr_portal.documents.models import GeneratedDocument
from financing.models import FinancingRequest
from financing.services.requests import disbursement_record
from scheme.models import SchemeReport
from scheme.report import activity_report, financing_section
from tests.conftest import downloaded, page_text, plain_spaces
from tests.financing.factories import financing_world, make_request

from .conftest import build_scheme

pytestmark = pytest.mark.django_db


def pdf_text(document) -> str:
    reader = PdfReader(io.BytesIO(document.file.read()))
    return plain_spaces(" ".join(page.extract_text() for page in reader.pages))


def test_report_figures(this_year):
    build_scheme(6)
    start, end = this_year
    report = activity_report(start=start, end=end)
    sections = {section["sheet"]: section for section in report["sections"]}
    # Six structures at the one held session (axis B): 3.5 hours = 0,5 day at 450 €.
    assert dict(sections["Structures par axe"]["rows"])["B. Accompagnement de sécurisation"] == 6
    assert report["totals"] == {
        "sessions": 1,
        "days": Decimal("0.50"),
        "cost": Decimal("225.00"),
        "diagnostics": 6,
        "decisions": 0,
    }
    # Three full validated, three light requested.
    assert sections["Diagnostics"]["totals"][3:] == (6, 3)
    assert sections["Événements"]["rows"][0][2] == 40


@pytest.fixture
def financing(this_year):
    world = financing_world()
    start, _end = this_year
    before = start - datetime.timedelta(days=1)
    granted = make_request(
        world, structure=world.association, product="fris", amount=D("20000"),
        category="shop_fitout", months=60, status="granted",
        grant={"granted_amount": D("15000"), "granted_months": 60,
               "first_due_on": world.campaign.closes_on,
               "committee_date": world.campaign.opens_on},
    )  # fmt: skip
    disbursement_record(request=granted, actor=world.coordinator, day=start, amount=D("12000"))
    disbursement_record(request=granted, actor=world.coordinator, day=before, amount=D("1000"))
    make_request(
        world, structure=world.association, product="fonds-amorcage-associatif",
        amount=D("8000"), category="initial_stock", months=12, status="submitted",
    )  # fmt: skip
    make_request(
        world, structure=world.association, product="fris", amount=D("9000"),
        category="shop_fitout",
    )  # fmt: skip
    make_request(
        world, structure=world.scop, product="pargest", amount=D("30000"),
        category="productive_investment", months=60, status="declined",
    )  # fmt: skip
    last_year = make_request(
        world, structure=world.scop, product="pargest", amount=D("25000"),
        category="productive_investment", months=60, status="forwarded",
    )  # fmt: skip
    FinancingRequest.objects.filter(pk=last_year.pk).update(
        submitted_at=timezone.now().replace(year=start.year - 1)
    )
    return world


def test_financing_section_sums_per_fund(financing, this_year, django_assert_num_queries):
    start, end = this_year
    with django_assert_num_queries(2):
        section = financing_section(start=start, end=end, payer="")
    assert section["sheet"] == "Financements"
    # ESIA: 20 000 (granted 15 000) and 8 000 submitted this year, the 9 000 draft never
    # submitted; 12 000 paid this year, the 1 000 of last December left out. URSCOP:
    # 30 000 declined this year, the 25 000 submitted last year left out.
    assert section["rows"] == [
        ("ESIA", D("28000.00"), D("15000.00"), D("0.00"), D("12000.00")),
        ("URSCOP", D("30000.00"), D("0.00"), D("30000.00"), D("0.00")),
        ("Total", D("58000.00"), D("15000.00"), D("30000.00"), D("12000.00")),
    ]
    # The funds' money is not a scheme payer's: the same for every payer.
    assert financing_section(start=start, end=end, payer="dla")["rows"] == section["rows"]


def test_financing_section_is_empty_without_requests(this_year):
    start, end = this_year
    section = financing_section(start=start, end=end, payer="")
    assert (section["rows"], section["totals"]) == ([], None)


def test_report_pdf_has_the_period_and_the_totals(
    coordinator_client, this_year, django_capture_on_commit_callbacks
):
    build_scheme(6)
    start, end = this_year
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("scheme:document-request", args=["activity"]),
            {"start": start.isoformat(), "end": end.isoformat()},
        )
    report = SchemeReport.objects.get()
    assert response["Location"] == report.get_absolute_url()
    document = GeneratedDocument.objects.get()
    assert document.status == "ready"
    text = pdf_text(document)
    assert f"Du 1er janvier {start.year} au" in text
    assert "1 séance, 0,50 jours donnés pour 225,00\u00a0€" in text
    assert "6 diagnostics demandés" in text
    # Asked again: the same row and the same document, no copy.
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("scheme:document-request", args=["activity"]),
            {"start": start.isoformat(), "end": end.isoformat()},
        )
    assert (SchemeReport.objects.count(), GeneratedDocument.objects.count()) == (1, 1)
    # The download asks the same permission as the page.
    download = coordinator_client.get(reverse("documents:download", args=[document.pk]))
    assert download.status_code == 200


def test_report_xlsx_has_one_sheet_per_section_and_its_sums(coordinator_client, this_year):
    build_scheme(6)
    start, end = this_year
    response = coordinator_client.get(
        reverse("scheme:report-export"),
        {"start": start.isoformat(), "end": end.isoformat(), "colonnes": ["date", "days"]},
    )
    workbook = load_workbook(io.BytesIO(downloaded(response)))
    assert workbook.sheetnames == [
        "Structures par axe",
        "Diagnostics",
        "Séances et jours",
        "Événements",
        "Décisions",
        "Financements",
        "Satisfaction",
        "Emplois au suivi",
        "Détail des séances",
    ]
    header, *rows = list(workbook["Diagnostics"].values)
    assert header == ("Type", "Finalité", "Prestataire", "Demandés", "Validés ou couverts")
    *lines, total = rows
    assert sum(row[3] for row in lines) == total[3] == 6
    # The chosen columns only, in the detailed sheet.
    header, *rows = list(workbook["Détail des séances"].values)
    assert header == ("Date", "Jours")
    assert [row[1] for row in rows] == [0.5]


def test_report_xlsx_and_page_have_the_financing_per_fund(financing, coordinator_client, this_year):
    start, end = this_year
    period = {"start": start.isoformat(), "end": end.isoformat()}
    response = coordinator_client.get(reverse("scheme:report-export"), period)
    workbook = load_workbook(io.BytesIO(downloaded(response)))
    assert list(workbook["Financements"].values) == [
        ("Fonds", "Demandé (€)", "Accordé (€)", "Refusé (€)", "Versé (€)"),
        ("ESIA", 28000, 15000, 0, 12000),
        ("URSCOP", 30000, 0, 30000, 0),
        ("Total", 58000, 15000, 30000, 12000),
    ]
    html = page_text(coordinator_client.get(reverse("scheme:report"), period))
    cells = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "ESIA 28 000,00 € 15 000,00 € 0,00 € 12 000,00 €" in cells


def test_brief_pdf_has_today_and_the_chosen_scenario(
    coordinator_client, today_month, django_capture_on_commit_callbacks
):
    build_scheme(4)
    coordinator_client.post(
        reverse("scheme:scenario-save"), {"residents": "20", "name": "Vingt résidents"}
    )
    from scheme.models import Scenario

    scenario = Scenario.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("scheme:document-request", args=["brief"]),
            {"start": f"{today_month:%Y-%m}", "months": "4", "scenarios": [scenario.pk]},
        )
    text = pdf_text(GeneratedDocument.objects.get())
    assert "Note de calibrage des phases 1 et 2" in text
    assert "Besoin : 16,0 jours pour 4 structures" in text
    assert "Hypothèses de « Vingt résidents »" in text
