"""The online dossier: drafts saved section by section, completeness, submission."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from applicants.completeness import dossier_completeness, required_economic_years
from applicants.models import Dossier, DossierStatus, Membership
from tests.conftest import page_text
from tests.factories import (
    CampaignFactory,
    DocumentTypeFactory,
    DossierFactory,
    SiteFactory,
    StructureFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    campaign = CampaignFactory()
    mk2 = SiteFactory(code="mk2", name="mk2")
    friche = SiteFactory(code="friche", name="la Friche Belle de Mai")
    campaign.sites.set([mk2, friche])
    campaign.required_document_types.add(DocumentTypeFactory(code="statuts", name="Statuts"))
    from applicants.models import CharterCommitment

    CharterCommitment.objects.create(campaign=campaign, text="Commerce équitable", position=1)
    CharterCommitment.objects.create(campaign=campaign, text="Gouvernance partagée", position=2)
    structure = StructureFactory(name="Épicerie du Panier", year_founded=2004)
    editor = UserFactory(applicant=True)
    colleague = UserFactory(applicant=True)
    Membership.objects.create(structure=structure, user=editor, role="editor")
    Membership.objects.create(structure=structure, user=colleague, role="editor")
    return campaign, structure, editor, colleague, mk2, friche


def test_an_editor_opens_the_dossier_once_per_campaign(client, setup):
    campaign, structure, editor, *_ = setup
    client.force_login(editor)
    url = reverse("applicants:dossier-create", args=[structure.pk, campaign.pk])
    first = client.post(url)
    second = client.post(url)
    dossier = Dossier.objects.get()
    assert first.url == second.url == dossier.get_absolute_url()
    assert (dossier.status, dossier.created_by) == (DossierStatus.DRAFT, editor)


def test_a_closed_campaign_cannot_be_applied_to(client, setup):
    campaign, structure, editor, *_ = setup
    campaign.closes_on = timezone.localdate() - datetime.timedelta(days=1)
    campaign.opens_on = campaign.closes_on - datetime.timedelta(days=30)
    campaign.save()
    client.force_login(editor)
    response = client.post(
        reverse("applicants:dossier-create", args=[structure.pk, campaign.pk]), follow=True
    )
    assert "n'est pas ouvert : les candidatures sont reçues du" in page_text(response)
    assert not Dossier.objects.exists()


def test_two_members_fill_the_draft_over_several_visits_then_submit(client, setup):
    campaign, structure, editor, colleague, mk2, friche = setup
    dossier = DossierFactory(structure=structure, campaign=campaign)

    # First visit: part of the project, nothing required yet.
    client.force_login(editor)
    response = client.post(
        reverse("applicants:dossier-section", args=[dossier.pk, "projet"]),
        {"site_1": friche.pk, "wished_surface_m2": "55"},
    )
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.wished_surface_m2 == 55
    assert [p.site for p in dossier.site_preferences.all()] == [friche]
    completeness = dossier_completeness(dossier)
    assert not completeness.is_complete

    # Second visit, by a colleague: the rest of the project keeps the first visit's answers.
    client.force_login(colleague)
    page = page_text(client.get(reverse("applicants:dossier-section", args=[dossier.pk, "projet"])))
    assert 'value="55"' in page
    client.post(
        reverse("applicants:dossier-section", args=[dossier.pk, "projet"]),
        {
            "site_1": friche.pk,
            "site_2": mk2.pk,
            "wished_surface_m2": "55",
            "activity_type": "shop",
            "expected_move_in": "2027-03-01",
            "current_premises": "Un local de 30 m² rue du Panier",
            "expected_effect": "Deux fois plus de clients",
        },
    )
    client.post(
        reverse("applicants:dossier-section", args=[dossier.pk, "charte"]),
        {"commitments": list(campaign.charter_commitments.values_list("pk", flat=True))},
    )
    years = required_economic_years(dossier)
    economy = {}
    for year in years:
        economy.update(
            {
                f"turnover_{year}": "150 000,50",
                f"result_{year}": "-2500",
                f"equity_{year}": "20000",
                f"staff_fte_{year}": "3,5",
            }
        )
    client.post(
        reverse("applicants:dossier-section", args=[dossier.pk, "donnees-economiques"]), economy
    )
    client.post(
        reverse("applicants:dossier-section", args=[dossier.pk, "besoins"]),
        {
            "axis_diagnostic": "on",
            "reason_diagnostic": "Y voir clair avant de signer le bail",
            "amount_shop_fitout": "18000",
            "note_shop_fitout": "Mobilier",
            "amount_moving": "",
        },
    )
    dossier.refresh_from_db()
    assert [p.site for p in dossier.site_preferences.all()] == [friche, mk2]
    assert dossier.economic_years.get(year=years[0]).turnover == Decimal("150000.50")
    assert dossier.economic_years.get(year=years[0]).result == Decimal("-2500")
    assert list(dossier.financing_needs.values_list("category", "amount")) == [
        ("shop_fitout", Decimal("18000.00"))
    ]
    completeness = dossier_completeness(dossier)
    assert completeness.messages() == ["Les pièces justificatives : ajoutez la pièce « Statuts »."]

    # Submitting now is refused, with what is missing, and nothing is lost.
    response = client.post(
        reverse("applicants:dossier-transition", args=[dossier.pk, "submit"]), follow=True
    )
    text = page_text(response)
    assert "Le dossier n'est pas complet : il n'a pas été déposé." in text
    assert "Les pièces justificatives : ajoutez la pièce « Statuts »." in text
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DRAFT
    assert dossier.current_premises == "Un local de 30 m² rue du Panier"

    from tests import files

    client.post(
        reverse("applicants:attachment-add", args=[dossier.pk]),
        {
            "document_type": campaign.required_document_types.get().pk,
            "upload": files.upload("statuts.pdf", files.pdf()),
        },
    )
    response = client.post(reverse("applicants:dossier-transition", args=[dossier.pk, "submit"]))
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.SUBMITTED
    assert dossier.submitted_at is not None


def test_invalid_values_are_shown_next_to_the_field_and_nothing_is_saved(client, setup):
    campaign, structure, editor, _colleague, mk2, _friche = setup
    dossier = DossierFactory(structure=structure, campaign=campaign)
    dossier.current_premises = "Déjà saisi"
    dossier.save()
    client.force_login(editor)
    response = client.post(
        reverse("applicants:dossier-section", args=[dossier.pk, "projet"]),
        {
            "site_1": mk2.pk,
            "site_2": mk2.pk,
            "wished_surface_m2": "beaucoup",
            "current_premises": "Nouveau",
        },
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Saisissez un nombre entier." in text
    assert "Chaque site ne peut être choisi qu'une fois." in text
    assert 'value="beaucoup"' in text  # what was typed is still there
    assert "Nouveau</textarea>" in text
    dossier.refresh_from_db()
    assert dossier.current_premises == "Déjà saisi"
    assert dossier.wished_surface_m2 is None


def test_a_reader_cannot_edit_a_section(client, setup):
    campaign, structure, *_ = setup
    reader = UserFactory(applicant=True)
    Membership.objects.create(structure=structure, user=reader, role="reader")
    dossier = DossierFactory(structure=structure, campaign=campaign)
    client.force_login(reader)
    assert client.get(reverse("applicants:dossier-detail", args=[dossier.pk])).status_code == 200
    response = client.post(
        reverse("applicants:dossier-section", args=[dossier.pk, "projet"]),
        {"wished_surface_m2": "9"},
    )
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.wished_surface_m2 is None


def test_a_recent_structure_needs_fewer_economic_years(setup):
    campaign, structure, *_ = setup
    this_year = timezone.localdate().year
    structure.year_founded = this_year - 1
    structure.save()
    dossier = DossierFactory(structure=structure, campaign=campaign)
    assert required_economic_years(dossier) == [this_year - 1]
    structure.year_founded = this_year
    structure.save()
    dossier.refresh_from_db()
    assert required_economic_years(dossier) == []


def test_the_dossier_page_shows_the_completeness_panel_by_section(client, setup):
    campaign, structure, editor, *_ = setup
    dossier = DossierFactory(structure=structure, campaign=campaign)
    client.force_login(editor)
    text = page_text(client.get(dossier.get_absolute_url()))
    assert "Ce qu'il reste à compléter" in text
    assert "Choisissez au moins un site souhaité" in text
    assert "Cochez les 2 engagements restants" in text
    assert "Ajoutez la pièce « Statuts »" in text
    assert "La structure</a> : complet" in text
