"""Calls for applications: edited by coordinators, public page, porte-documents."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants.models import Campaign, CampaignDocument, CharterCommitment, DocumentType
from applicants.services.campaigns import charter_set
from tests import files
from tests.conftest import page_text
from tests.factories import (
    CampaignFactory,
    DocumentTypeFactory,
    DossierFactory,
    SiteFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _form(**overrides):
    today = timezone.localdate()
    site = SiteFactory(code="mk2", name="mk2")
    statuts = DocumentTypeFactory(code="statuts", name="Statuts")
    data = {
        "title": "Appel à candidatures CCR 2012",
        "opens_on": today.isoformat(),
        "closes_on": (today + datetime.timedelta(days=45)).isoformat(),
        "description": "Deuxième appel",
        "calendar": "15 septembre : comité de sélection",
        "information_day": (today + datetime.timedelta(days=7)).isoformat(),
        "information_day_place": "Cité des Associations",
        "sites": [site.pk],
        "required_document_types": [statuts.pk],
        "securing_timing": "after_selection",
        "securing_days_threshold": "4,5",
        "charter": "Commerce équitable\nGouvernance partagée\n",
    }
    data.update(overrides)
    return data


def test_a_coordinator_creates_a_campaign_with_its_settings(client):
    client.force_login(UserFactory(coordinator=True))
    response = client.post(reverse("applicants:campaign-create"), _form())
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.securing_timing == "after_selection"
    assert str(campaign.securing_days_threshold) == "4.5"
    assert list(campaign.charter_commitments.values_list("text", flat=True)) == [
        "Commerce équitable",
        "Gouvernance partagée",
    ]
    assert list(campaign.required_document_types.values_list("code", flat=True)) == ["statuts"]


def test_closing_before_opening_is_refused_in_french(client):
    client.force_login(UserFactory(coordinator=True))
    today = timezone.localdate()
    response = client.post(
        reverse("applicants:campaign-create"),
        _form(closes_on=(today - datetime.timedelta(days=1)).isoformat()),
    )
    assert "La clôture doit suivre l'ouverture." in page_text(response)
    assert not Campaign.objects.exists()


def test_editing_the_charter_keeps_the_ticks_of_unchanged_commitments():
    coordinator = UserFactory(coordinator=True)
    campaign = CampaignFactory()
    kept = CharterCommitment.objects.create(
        campaign=campaign, text="Commerce équitable", position=1
    )
    CharterCommitment.objects.create(campaign=campaign, text="Ancien engagement", position=2)
    dossier = DossierFactory(campaign=campaign)
    dossier.charter_commitments.add(kept)

    charter_set(
        actor=coordinator, campaign=campaign, texts=["Nouvel engagement", "Commerce équitable"]
    )

    assert list(campaign.charter_commitments.values_list("text", flat=True)) == [
        "Nouvel engagement",
        "Commerce équitable",
    ]
    assert list(dossier.charter_commitments.all()) == [kept]


@pytest.mark.parametrize("role", ["applicant", "provider", "committee", "funder"])
def test_only_coordinators_manage_campaigns(client, role):
    campaign = CampaignFactory()
    client.force_login(UserFactory(roles=[role]))
    assert client.get(reverse("applicants:campaign-list")).status_code == 403
    assert (
        client.post(reverse("applicants:campaign-update", args=[campaign.pk]), _form()).status_code
        == 403
    )
    assert (
        client.post(
            reverse("applicants:campaign-document-add", args=[campaign.pk]),
            {"doc-title": "CR", "doc-upload": files.upload("cr.pdf", files.pdf())},
        ).status_code
        == 403
    )
    campaign.refresh_from_db()
    assert campaign.title != "Appel à candidatures CCR 2012"
    assert not CampaignDocument.objects.exists()


def test_porte_documents_takes_pdfs_only_and_is_public(client):
    coordinator = UserFactory(coordinator=True)
    campaign = CampaignFactory(title="Appel CCR 2011")
    client.force_login(coordinator)
    response = client.post(
        reverse("applicants:campaign-document-add", args=[campaign.pk]),
        {
            "doc-title": "Compte rendu du GT5",
            "doc-upload": files.upload("gt5.pdf", files.pdf("GT5")),
        },
    )
    assert response.status_code == 302
    refused = client.post(
        reverse("applicants:campaign-document-add", args=[campaign.pk]),
        {"doc-title": "Tableau", "doc-upload": files.upload("tableau.xlsx", files.xlsx())},
        follow=True,
    )
    assert "Le porte-documents n'accepte que des PDF" in page_text(refused)
    assert CampaignDocument.objects.count() == 1

    client.logout()
    page = page_text(client.get(campaign.get_absolute_url()))
    assert "Compte rendu du GT5" in page
    assert "La Cité de la Consommation Responsable" in page
    document = CampaignDocument.objects.get()
    download = client.get(reverse("applicants:campaign-document", args=[document.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_public_page_shows_sites_calendar_charter_and_information_day(client):
    campaign = CampaignFactory(
        title="Appel CCR 2011",
        information_day=datetime.date(2011, 6, 28),
        information_day_place="Cité des Associations",
        calendar="15 septembre : comité de sélection",
    )
    campaign.sites.add(SiteFactory(code="friche", name="la Friche Belle de Mai"))
    CharterCommitment.objects.create(campaign=campaign, text="Commerce équitable", position=1)
    text = page_text(client.get(campaign.get_absolute_url()))
    assert "<title>Appel CCR 2011 · Portail d'accompagnement CCR</title>" in text
    assert "la Friche Belle de Mai" in text
    assert "Journée d'information : 28 juin 2011, Cité des Associations" in text
    assert "15 septembre : comité de sélection" in text
    assert "Commerce équitable" in text
    assert "Créer un compte pour candidater" in text


def test_a_coordinator_adds_a_document_type_from_the_campaign_form(client):
    campaign = CampaignFactory()
    client.force_login(UserFactory(coordinator=True))
    url = reverse("applicants:document-type-create")
    back = reverse("applicants:campaign-update", args=[campaign.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, {"type-name": "", "next": back}, follow=True)
    assert "Donnez un nom au nouveau type de pièce." in page_text(response)
    assert not DocumentType.objects.exists()
    response = client.post(url, {"type-name": "Attestation URSSAF", "next": "https://evil.example"})
    assert response.url == reverse("applicants:campaign-list")
    response = client.post(url, {"type-name": "Bilan social", "next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    assert "Type de pièce « Bilan social » créé : cochez-le dans l'appel." in page_text(response)
    assert sorted(DocumentType.objects.values_list("name", flat=True)) == [
        "Attestation URSSAF",
        "Bilan social",
    ]
    client.force_login(UserFactory(applicant=True))
    assert client.post(url, {"type-name": "Refusé"}).status_code == 403
    assert not DocumentType.objects.filter(name="Refusé").exists()


def test_a_coordinator_removes_a_document_of_the_porte_documents(client):
    campaign = CampaignFactory()
    client.force_login(UserFactory(coordinator=True))
    client.post(
        reverse("applicants:campaign-document-add", args=[campaign.pk]),
        {"doc-title": "Compte rendu", "doc-upload": files.upload("cr.pdf", files.pdf())},
    )
    document = CampaignDocument.objects.get()
    delete = reverse("applicants:campaign-document-delete", args=[document.pk])
    client.force_login(UserFactory(applicant=True))
    assert client.post(delete).status_code == 403
    assert CampaignDocument.objects.exists()
    client.force_login(UserFactory(coordinator=True))
    response = client.post(delete, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "applicants:campaign-update", args=[campaign.pk]
    )
    assert "Document retiré du porte-documents." in page_text(response)
    assert not CampaignDocument.objects.exists()
