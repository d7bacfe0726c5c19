"""The quantification page: its figures from the database, the structures behind them,
its fixed number of queries, and who may reach it (page, export, PDF)."""

import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.documents.services import document_request
from scheme.documents import ACTIVITY_REPORT
from scheme.figures import ScenarioParameters
from scheme.models import Scenario, SchemeReport
from scheme.services import scenario_save
from tests.conftest import downloaded, page_text, require
from tests.factories import UserFactory

from .conftest import build_scheme

pytestmark = pytest.mark.django_db


def test_page_shows_need_offer_gap_and_sources(coordinator_client, today_month):
    build_scheme(4)
    response = coordinator_client.get(reverse("scheme:quantification"))
    assert response.status_code == 200
    text = page_text(response)
    # A: two light requests (1 day each) + two full validated (no more A need) = 2 days;
    # B: the two validated diagnostics recommend 3 days each = 6 days (the diagnostic
    # beats the wishes), the two others wished B: 2 × 4 default days = 8 days.
    rows = response.context["figures"]
    assert rows.row("diagnostic").need == Decimal("2")
    assert rows.row("securing").need == Decimal("14")
    assert rows.row("securing").sources == {"diagnostic": 2, "wishes": 2}
    assert "Recommandations du diagnostic validé ou couvert : 2" in text
    assert "Axes souhaités du dossier (jours par défaut) : 2" in text
    # Each figure links to its structures.
    assert f"{reverse('scheme:structures')}?start={today_month:%Y-%m}" in text


def test_structures_behind_a_figure(coordinator_client, today_month):
    scheme = build_scheme(4)
    response = coordinator_client.get(
        reverse("scheme:structures"),
        {"start": f"{today_month:%Y-%m}", "axis": "securing", "source": "diagnostic"},
    )
    names = [row["name"] for row in response.context["rows"]]
    expected = sorted(s.name for s in scheme["structures"][::2])
    assert names == expected
    assert all(row["days"] == 3 for row in response.context["rows"])
    assert expected[0] in page_text(response)


def test_export_has_its_sheets_and_sums(coordinator_client):
    build_scheme(4)
    response = coordinator_client.get(reverse("scheme:quantification-export"))
    workbook = load_workbook(io.BytesIO(downloaded(response)))
    assert workbook.sheetnames == ["Par axe", "Par mois", "Qui paie", "Besoins"]
    axes = list(workbook["Par axe"].values)
    assert axes[0][:4] == ("Phase", "Axe", "Structures", "Besoin (jours)")
    assert sum(row[3] for row in axes[1:]) == 16  # 2 + 14
    needs = list(workbook["Besoins"].values)
    assert sum(row[4] for row in needs[1:]) == 16


@pytest.mark.parametrize("count", [10, 300])
def test_page_queries_do_not_grow(coordinator_client, django_assert_num_queries, count):
    require(connection.vendor == "postgresql", "les chiffres en cache : PostgreSQL")
    build_scheme(count)
    url = reverse("scheme:quantification")
    coordinator_client.get(url)  # the session and the user, once; the figures cached
    # Session, user, roles, the navigation's; the data versions (need and offer).
    with django_assert_num_queries(5):
        response = coordinator_client.get(url)
    assert response.context["figures"].structures == count
    # Computed again: dossiers with their wishes, diagnostics with their
    # recommendations, actions; the financing needs by category and month, and their
    # structures by category; capacities, providers, existing schemes, credit lines.
    cache.clear()
    with django_assert_num_queries(14):
        response = coordinator_client.get(url)
    assert response.context["figures"].structures == count


@pytest.mark.parametrize("count", [10, 300])
def test_report_queries_do_not_grow(coordinator_client, django_assert_num_queries, count):
    require(connection.vendor == "postgresql", "les chiffres en cache : PostgreSQL")
    build_scheme(count)
    url = reverse("scheme:report")
    coordinator_client.get(url)  # the session and the user, once; the report cached
    # Four for the session, the user and the roles; the data version.
    with django_assert_num_queries(5):
        response = coordinator_client.get(url)
    assert response.context["report"]["sections"][0]["rows"][1][1] == count
    # Computed again: one aggregate per section (eight) and one more for the financing's
    # disbursements (the sessions' detail is the export's).
    cache.clear()
    with django_assert_num_queries(15):
        response = coordinator_client.get(url)
    assert response.context["report"]["sections"][0]["rows"][1][1] == count


# --- Access ---------------------------------------------------------------------------

GET_PAGES = [
    ("scheme:quantification", {}),
    ("scheme:structures", {}),
    ("scheme:quantification-export", {}),
    ("scheme:scenario", {}),
    ("scheme:brief", {}),
    ("scheme:brief-export", {}),
    ("scheme:report", {}),
    ("scheme:report-export", {}),
]


@pytest.fixture
def saved(coordinator):
    return scenario_save(
        name="Renfort", note="", parameters=ScenarioParameters(), saved_by=coordinator
    )


@pytest.mark.parametrize("role", ["applicant", "provider", "committee", "funder"])
def test_only_coordinators_reach_pages_exports_and_pdfs(
    client, role, saved, coordinator, django_capture_on_commit_callbacks
):
    build_scheme(2)
    with django_capture_on_commit_callbacks(execute=True):
        report = SchemeReport.objects.create(
            kind="activity", period_start="2026-01-01", period_end="2026-12-31"
        )
        document = document_request(kind=ACTIVITY_REPORT, subject=report, requested_by=coordinator)
    client.force_login(UserFactory(**{role: True}))
    urls = [reverse(name) for name, _ in GET_PAGES] + [
        reverse("scheme:scenario-detail", args=[saved.pk]),
        reverse("scheme:scenario-export", args=[saved.pk]),
        reverse("scheme:report-document", args=[report.pk]),
        reverse("documents:download", args=[document.pk]),
        reverse("documents:status", args=[document.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    counts = (SchemeReport.objects.count(), Scenario.objects.count())
    for kind in ("brief", "activity"):
        assert client.post(reverse("scheme:document-request", args=[kind])).status_code == 403
    assert client.post(reverse("scheme:scenario-save"), {"name": "X"}).status_code == 403
    assert (
        client.post(reverse("documents:request", args=[ACTIVITY_REPORT, report.pk])).status_code
        == 403
    )
    # Refused: nothing written.
    assert (SchemeReport.objects.count(), Scenario.objects.count()) == counts
    assert GeneratedDocument.objects.count() == 1


def test_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("scheme:quantification"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_coordinators_reach_everything(coordinator_client, saved):
    build_scheme(2)
    for name, _ in GET_PAGES:
        assert coordinator_client.get(reverse(name)).status_code == 200, name
    for url in (
        reverse("scheme:scenario-detail", args=[saved.pk]),
        reverse("scheme:scenario-export", args=[saved.pk]),
    ):
        assert coordinator_client.get(url).status_code == 200


def test_navigation_leads_coordinators_there(coordinator_client):
    response = coordinator_client.get(reverse("dashboard", args=["coordinator"]))
    assert reverse("scheme:quantification") in response.content.decode()
