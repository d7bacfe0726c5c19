"""The coordinators' dossier list: filters, counts, query count, exports, ZIP."""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from applicants.models import Attachment, FinancingNeed, Structure
from tests import files
from tests.conftest import downloaded, page_text
from tests.factories import (
    CampaignFactory,
    DocumentTypeFactory,
    DossierFactory,
    SiteFactory,
    StructureFactory,
    UserFactory,
    fill_dossier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


@pytest.fixture
def campaign():
    campaign = CampaignFactory(title="Appel CCR 2011")
    campaign.sites.set(
        [SiteFactory(code="mk2", name="mk2"), SiteFactory(code="friche", name="Friche")]
    )
    campaign.required_document_types.add(DocumentTypeFactory(code="statuts", name="Statuts"))
    return campaign


def _dossiers(campaign, count):
    sectors = list(Structure.Sector.values)
    for n in range(count):
        structure = StructureFactory(name=f"Structure {n:03d}", sector=sectors[n % len(sectors)])
        dossier = DossierFactory(structure=structure, campaign=campaign, status="submitted")
        if n % 2 == 0:
            fill_dossier(dossier)
            FinancingNeed.objects.create(dossier=dossier, category="moving", amount=Decimal("2500"))


@pytest.mark.parametrize("count", [5, 200])
def test_the_list_runs_a_fixed_number_of_queries(
    client, coordinator, campaign, count, django_assert_num_queries
):
    _dossiers(campaign, count)
    client.force_login(coordinator)
    # The page's rows annotated apart from the paginated plain rows; filtered by site and
    # completeness (``Exists``), the same count. The list's total is the sum of the
    # counts per status: no separate COUNT.
    with django_assert_num_queries(9):
        response = client.get(reverse("applicants:dossier-list"))
    assert response.status_code == 200
    assert len(re.findall(r'href="/dossiers/\d+/"', page_text(response))) == min(count, 25)
    site = campaign.sites.first()
    # One more: the sites of the filter's choices, to check the one chosen.
    with django_assert_num_queries(10):
        filtered = client.get(
            reverse("applicants:dossier-list"),
            {"site": site.pk, "missing_documents": "false", "ordering": "name"},
        )
    assert filtered.status_code == 200


def test_filters_and_counts(client, coordinator, campaign):
    grocery = StructureFactory(
        name="Épicerie du Panier", sector="food", city="Marseille", siret="73282932000074"
    )
    bike = StructureFactory(
        name="Atelier Vélo", sector="services", city="Aubagne", legal_form="scic"
    )
    DossierFactory(structure=grocery, campaign=campaign, complete=True, status="submitted")
    DossierFactory(structure=bike, campaign=campaign, status="under_review")
    client.force_login(coordinator)

    def names(**params):
        text = page_text(client.get(reverse("applicants:dossier-list"), params))
        return [name for name in ("Épicerie du Panier", "Atelier Vélo") if f">{name}</a>" in text]

    assert names() == ["Épicerie du Panier", "Atelier Vélo"]
    assert names(q="732 829 320") == ["Épicerie du Panier"]
    assert names(q="aubagne") == ["Atelier Vélo"]
    assert names(sector="services") == ["Atelier Vélo"]
    assert names(legal_form="scic") == ["Atelier Vélo"]
    assert names(status="submitted") == ["Épicerie du Panier"]
    assert names(missing_documents="true") == ["Atelier Vélo"]
    assert names(missing_documents="false") == ["Épicerie du Panier"]
    assert names(site=campaign.sites.get(code="friche").pk) == ["Épicerie du Panier"]
    today = timezone.localdate()
    assert names(submitted_after=(today - datetime.timedelta(days=1)).isoformat()) == [
        "Épicerie du Panier",
        "Atelier Vélo",
    ]
    assert names(submitted_before=(today - datetime.timedelta(days=1)).isoformat()) == []
    ordered = page_text(client.get(reverse("applicants:dossier-list"), {"ordering": "name"}))
    assert ordered.index("Atelier Vélo") < ordered.index("Épicerie du Panier")

    # Counts per status follow the other filters, not the status filter.
    text = page_text(
        client.get(reverse("applicants:dossier-list"), {"sector": "food", "status": "under_review"})
    )
    assert 'status-submitted">Déposé</span> <span class="text-body">1</span>' in text
    assert 'status-under_review">En instruction</span> <span class="text-body">0</span>' in text


def test_the_list_total_is_what_the_list_shows(client, coordinator, campaign):
    """The caption's total comes from the counts per status: it follows every filter,
    the status included, and ignores an invalid field the way the list does."""
    _dossiers(campaign, 30)
    DossierFactory(structure=StructureFactory(sector="food"), campaign=campaign, status="draft")
    client.force_login(coordinator)

    def caption(**params) -> tuple[str, int]:
        text = page_text(client.get(reverse("applicants:dossier-list"), params))
        total = re.search(r"<caption>(\d+) dossiers?</caption>", text).group(1)
        return total, len(re.findall(r'href="/dossiers/\d+/"', text))

    assert caption() == ("31", 25)
    assert caption(page="2") == ("31", 6)
    assert caption(status="draft") == ("1", 1)
    assert caption(status="submitted") == ("30", 25)
    sectors = list(Structure.Sector.values)
    food = sum(1 for n in range(30) if sectors[n % len(sectors)] == "food") + 1
    assert caption(sector="food") == (str(food), food)
    # An invalid date: the list filters on the valid fields, and so does its total.
    assert caption(status="draft", submitted_after="pas une date") == ("1", 1)


def test_exports_contain_the_filtered_rows_with_french_headers(client, coordinator, campaign):
    structure = StructureFactory(
        name="Épicerie du Panier", siret="73282932000074", city="Marseille"
    )
    dossier = DossierFactory(
        structure=structure, campaign=campaign, complete=True, status="submitted"
    )
    FinancingNeed.objects.create(dossier=dossier, category="shop_fitout", amount=Decimal("12500"))
    DossierFactory(structure=StructureFactory(name="Autre"), campaign=campaign, status="draft")
    client.force_login(coordinator)

    response = client.get(
        reverse("applicants:dossier-export", args=["csv"]), {"status": "submitted"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="dossiers-ccr-')
    assert response.streaming
    content = downloaded(response).decode("utf-8")
    assert content.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == [
        "Structure",
        "SIRET",
        "RNA",
        "Forme juridique",
        "Secteur",
        "Commune",
        "Appel à candidatures",
        "État",
        "Déposé le",
        "Site souhaité (1er choix)",
        "Surface souhaitée (m²)",
        "Pièces fournies",
        "Pièces manquantes",
        "Besoins de financement (€)",
        "Chargé(e) d'instruction",
    ]
    assert len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Structure"] == "Épicerie du Panier"
    assert row["SIRET"] == "73282932000074"
    assert row["État"] == "Déposé"
    assert row["Déposé le"] == f"{timezone.localdate():%d/%m/%Y}"
    assert row["Site souhaité (1er choix)"] == "Friche"
    assert row["Pièces fournies"] == "1"
    assert row["Pièces manquantes"] == "0"
    assert row["Besoins de financement (€)"] == "12500,00"

    response = client.get(
        reverse("applicants:dossier-export", args=["xlsx"]), {"status": "submitted"}
    )
    sheet = load_workbook(io.BytesIO(downloaded(response))).active
    values = list(sheet.values)
    assert values[0][0] == "Structure"
    assert values[1][0] == "Épicerie du Panier"
    assert values[1][13] == 12500
    assert sheet.cell(row=2, column=14).number_format == '#,##0.00 "€"'
    assert isinstance(values[1][8], datetime.datetime)
    assert len(values) == 2


def test_exports_and_list_are_refused_to_applicants_and_other_roles(client, campaign):
    DossierFactory(campaign=campaign)
    for person in [
        UserFactory(applicant=True),
        *(UserFactory(roles=[r]) for r in ("provider", "committee", "funder")),
    ]:
        client.force_login(person)
        assert client.get(reverse("applicants:dossier-list")).status_code == 403
        assert client.get(reverse("applicants:dossier-export", args=["csv"])).status_code == 403
        assert client.get(reverse("applicants:dossier-export", args=["xlsx"])).status_code == 403


def test_the_zip_holds_the_summary_and_every_document_named_by_type(
    client, coordinator, campaign, django_capture_on_commit_callbacks
):
    dossier = DossierFactory(campaign=campaign, complete=True, status="submitted")
    second = Attachment(
        dossier=dossier,
        document_type=campaign.required_document_types.get(),
        original_name="statuts-2.pdf",
        file_kind="pdf",
        size=10,
        scan_status="not_scanned",
    )
    from django.core.files.base import ContentFile

    second.file.save("x.pdf", ContentFile(files.pdf("Modificatif")), save=False)
    second.save()
    client.force_login(coordinator)

    # The first request asks for the summary, rendered in the background after the commit.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("applicants:dossier-zip", args=[dossier.pk]), follow=True)
    assert "La synthèse du dossier est en cours de génération" in page_text(response)
    response = client.get(reverse("applicants:dossier-zip", args=[dossier.pk]))
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == [
        "00-synthese-du-dossier.pdf",
        "pieces/statuts-1.pdf",
        "pieces/statuts-2.pdf",
    ]
    assert archive.read("pieces/statuts-2.pdf").startswith(b"%PDF")


@pytest.mark.parametrize("documents", [1, 12])
def test_the_dossier_page_runs_a_fixed_number_of_queries(
    client, coordinator, campaign, documents, django_assert_max_num_queries
):
    from django.core.files.base import ContentFile

    dossier = DossierFactory(campaign=campaign, complete=True, status="under_review")
    statuts = campaign.required_document_types.get()
    for n in range(documents - 1):
        attachment = Attachment(
            dossier=dossier,
            document_type=statuts,
            original_name=f"s{n}.pdf",
            file_kind="pdf",
            size=3,
            scan_status="not_scanned",
        )
        attachment.file.save("s.pdf", ContentFile(b"%PDF"), save=False)
        attachment.save()
    client.force_login(coordinator)
    # At most: the content-type cache may already hold the summary PDF's type. The
    # committee's panel reads the dossier's meetings and its instruction note (two).
    with django_assert_max_num_queries(26):
        response = client.get(dossier.get_absolute_url())
    assert page_text(response).count("/pieces/") >= documents
