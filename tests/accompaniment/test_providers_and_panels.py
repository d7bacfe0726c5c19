"""Providers edited by the coordination; the committee's recommendation; panels and navigation."""

from decimal import Decimal
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from accompaniment.models import CommitteeRecommendation, PlanStatus
from accompaniment.services.committee import committee_recommendation_apply
from accompaniment.services.providers import provider_update
from accompaniment.start_rules import start_decision
from applicants.models import Campaign, DossierStatus
from ccr_portal.axes import Axis
from ccr_portal.panels import DOSSIER_DETAIL, STRUCTURE_DETAIL, rendered_panels
from ccr_portal.users.models import Provider
from tests.conftest import page_text
from tests.factories import CampaignFactory, ProviderFactory, UserFactory

from .factories import (
    AccompanimentProviderFactory,
    consultant_of,
    drafted_plan,
    structure_with_dossier,
    validated_diagnostic,
)

pytestmark = pytest.mark.django_db


def test_the_coordination_edits_a_provider(client):
    coordinator = UserFactory(coordinator=True)
    consultant = UserFactory(provider=True, first_name="Marie", last_name="Dulaurier")
    provider = ProviderFactory(name="RAMSESS")
    client.force_login(coordinator)
    response = client.post(
        reverse("accompaniment:provider-update", args=[provider.pk]),
        {
            "axes": [Axis.DIAGNOSTIC, Axis.SECURING],
            "daily_rate": "450.50",
            "funding_scheme": Provider.FundingScheme.REGION,
            "monthly_capacity_days": "12.5",
            "consultants": [consultant.pk],
        },
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.axes == ["diagnostic", "securing"]
    assert provider.daily_rate == Decimal("450.50")
    assert provider.funding_scheme == "region"
    assert provider.monthly_capacity_days == Decimal("12.5")
    assert list(provider.members.all()) == [consultant]
    text = page_text(client.get(reverse("accompaniment:provider-list")))
    assert "450,50\u00a0€" in text
    assert "Région PACA" in text


def test_a_consultant_needs_the_provider_role():
    coordinator = UserFactory(coordinator=True)
    applicant = UserFactory(applicant=True, first_name="Amina", last_name="Benali")
    provider = ProviderFactory()
    with pytest.raises(ValidationError) as error:
        provider_update(
            provider=provider,
            actor=coordinator,
            axes=[],
            daily_rate=None,
            funding_scheme="",
            monthly_capacity_days=Decimal("0"),
            consultants=[applicant],
        )
    assert error.value.message_dict == {
        "consultants": [
            "Amina Benali n'a pas le rôle « prestataire » : attribuez-le d'abord depuis « Équipe "
            "et rôles »."
        ]
    }
    assert not provider.members.exists()


@pytest.mark.parametrize("role", ["applicant", "provider", "committee", "funder"])
def test_only_the_coordination_manages_providers(client, role):
    person = UserFactory(**{role: True})
    provider = ProviderFactory(daily_rate=Decimal("400"))
    with pytest.raises(PermissionDenied):
        provider_update(
            provider=provider,
            actor=person,
            axes=[],
            daily_rate=Decimal("1"),
            funding_scheme="",
            monthly_capacity_days=Decimal("0"),
            consultants=[],
        )
    client.force_login(person)
    assert client.get(reverse("accompaniment:provider-list")).status_code == 403
    assert (
        client.post(
            reverse("accompaniment:provider-update", args=[provider.pk]),
            {"daily_rate": "1", "monthly_capacity_days": "0"},
        ).status_code
        == 403
    )
    provider.refresh_from_db()
    assert provider.daily_rate == Decimal("400.00")


@pytest.mark.parametrize("count", [3, 30])
def test_provider_list_query_count_is_bounded(client, count, django_assert_max_num_queries):
    for _ in range(count):
        provider = AccompanimentProviderFactory()
        provider.members.add(UserFactory(provider=True))
    client.force_login(UserFactory(coordinator=True))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accompaniment:provider-list"))
    assert page_text(response).count("450,00\u00a0€") == min(count, 25)


def test_the_committee_recommendation_opens_securing_after_selection(client):
    """The committee's decision writes the recommendation (``committee_recommendation_apply``);
    the coordination reads it, with the axes' start rules, on a page of its own."""
    coordinator = UserFactory(coordinator=True)
    campaign = CampaignFactory(securing_timing=Campaign.SecuringTiming.AFTER_SELECTION)
    structure, editor, dossier = structure_with_dossier(DossierStatus.ACCEPTED, campaign=campaign)
    validated_diagnostic(structure, AccompanimentProviderFactory(), {})
    assert not start_decision(Axis.SECURING, structure=structure, campaign=campaign)

    committee_recommendation_apply(
        dossier=dossier,
        axis=Axis.SECURING,
        actor=coordinator,
        origin="Comité de sélection du 15 septembre 2011",
        note="Trois jours sur le modèle économique.",
        is_condition=True,
    )
    recommendation = CommitteeRecommendation.objects.get()
    assert (recommendation.recorded_by, recommendation.note, recommendation.action) == (
        coordinator,
        "Trois jours sur le modèle économique.",
        None,
    )
    assert recommendation.pending_reason.startswith("La structure n'a pas encore de plan")
    assert start_decision(Axis.SECURING, structure=structure, campaign=campaign)

    client.force_login(editor)
    url = reverse("accompaniment:committee-recommendations", args=[dossier.pk])
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    text = page_text(client.get(url))
    assert "Comité de sélection du 15 septembre 2011" in text
    assert "Trois jours sur le modèle économique." in text
    # Recommendations come from the committee's decisions: nothing is typed here any more.
    assert client.post(url, {"axis": Axis.COOPERATION}).status_code == 405
    assert CommitteeRecommendation.objects.count() == 1


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_dossier_panel_shows_the_axes_start_rules():
    _structure, editor, dossier = structure_with_dossier(
        DossierStatus.UNDER_REVIEW, name="Voyages Équitables Méditerranée"
    )
    coordinator = UserFactory(coordinator=True)
    panels = rendered_panels(DOSSIER_DETAIL, _request(coordinator), dossier=dossier)
    panel = next(
        p for p in panels if p["template_name"] == "accompaniment/panels/dossier_axes.html"
    )
    rules = dict(panel["context"]["rules"])
    assert rules["A. Diagnostic préalable"].allowed is True
    assert rules["C. Mutualisation et coopération économique"].reason.endswith(
        "le dossier de « Voyages Équitables Méditerranée » est « En instruction »."
    )
    assert panel["context"]["can_read_details"] is True
    html = unescape(render_to_string(panel["template_name"], {"panel": panel["context"]}))
    assert "Axes et recommandations du comité" in html
    assert "C. Mutualisation et coopération économique</span> : L'axe" in html

    member_panels = rendered_panels(DOSSIER_DETAIL, _request(editor), dossier=dossier)
    member_panel = next(
        p for p in member_panels if p["template_name"].endswith("dossier_axes.html")
    )
    assert member_panel["context"]["can_read_details"] is False
    stranger = UserFactory(applicant=True)
    assert not any(
        p["template_name"].endswith("dossier_axes.html")
        for p in rendered_panels(DOSSIER_DETAIL, _request(stranger), dossier=dossier)
    )


def test_the_structure_page_links_to_the_accompaniment(client):
    structure, editor, _dossier = structure_with_dossier(DossierStatus.INSTALLED)
    client.force_login(editor)
    text = page_text(client.get(reverse("applicants:structure-detail", args=[structure.pk])))
    assert "GPEC et formations qualifiantes" in text
    assert "Démarche QADES" in text
    assert "Rédiger un plan de développement" not in text
    panels = rendered_panels(
        STRUCTURE_DETAIL, _request(UserFactory(coordinator=True)), structure=structure
    )
    assert any(p["context"].get("can_add") for p in panels if "accompaniment" in p["template_name"])


@pytest.mark.parametrize(
    ("role", "links"),
    [
        ("coordinator", ["Plans", "Séances", "Prestataires", "Événements"]),
        ("provider", ["Mes actions", "Mes séances", "Événements"]),
        ("applicant", ["Mon accompagnement", "Événements"]),
    ],
)
def test_each_role_finds_its_pages_in_the_navigation(client, role, links):
    person = UserFactory(**{role: True})
    client.force_login(person)
    text = page_text(client.get(reverse("dashboard", args=[role])))
    for label in links:
        assert f">{label}</a>" in text


def test_an_existing_member_without_the_role_may_stay():
    coordinator = UserFactory(coordinator=True)
    regain = ProviderFactory(name="Association Regain")
    regain.members.add(coordinator)  # a coordinator attached to Regain, not a provider
    provider_update(
        provider=regain,
        actor=coordinator,
        axes=[Axis.SECURING],
        daily_rate=Decimal("350"),
        funding_scheme="region",
        monthly_capacity_days=Decimal("8"),
        consultants=[coordinator],
    )
    regain.refresh_from_db()
    assert (regain.daily_rate, list(regain.members.all())) == (Decimal("350.00"), [coordinator])


def test_the_session_form_preselects_the_action_and_its_axis(client):
    provider = AccompanimentProviderFactory(axes=[Axis.SECURING, Axis.COOPERATION])
    plan, _editor = drafted_plan(
        UserFactory(coordinator=True), provider, {Axis.COOPERATION: 2}, to=PlanStatus.AGREED
    )
    action = plan.actions.get()
    client.force_login(consultant_of(provider))
    url = reverse("accompaniment:session-create")
    text = page_text(client.get(f"{url}?action={action.pk}"))
    assert '<option value="cooperation" selected>' in text
    assert f'name="actions" value="{action.pk}"  id="id_actions_0" checked>' in text
    assert client.get(f"{url}?action=abc").status_code == 200
