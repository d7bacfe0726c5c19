"""When each axis may start, for every dossier state, and the services that enforce it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accompaniment.models import CommitteeRecommendation, PlanAction
from accompaniment.services.actions import action_add
from accompaniment.services.plans import plan_create
from accompaniment.start_rules import START_RULES, start_decision
from applicants.models import Campaign, DossierStatus
from ccr_portal.axes import Axis
from tests.conftest import page_text
from tests.factories import CampaignFactory, DossierFactory, StructureFactory, UserFactory

from .factories import (
    AccompanimentProviderFactory,
    structure_with_dossier,
    validated_diagnostic,
)

pytestmark = pytest.mark.django_db

NO_DOSSIER = None
STATES = [NO_DOSSIER, *DossierStatus.values]
SELECTED = {DossierStatus.ACCEPTED, DossierStatus.INSTALLED}
BEFORE_SELECTION = {
    NO_DOSSIER,
    DossierStatus.DRAFT,
    DossierStatus.SUBMITTED,
    DossierStatus.CHANGES_REQUESTED,
    DossierStatus.UNDER_REVIEW,
    DossierStatus.IN_COMMITTEE,
    DossierStatus.WAITLISTED,
}

# Axis → the dossier states in which it may start (B has its own table below).
EXPECTED = {
    Axis.DIAGNOSTIC: set(STATES),
    Axis.COOPERATION: SELECTED,
    Axis.PROFESSIONALISATION: SELECTED,
    Axis.RESPONSIBILITY: {DossierStatus.INSTALLED},
    Axis.FINANCING: SELECTED,
}


def _structure_in(state, campaign):
    structure = StructureFactory(name="Café de la Plaine")
    if state is not NO_DOSSIER:
        DossierFactory(structure=structure, campaign=campaign, status=state)
    return structure


def test_every_axis_has_a_rule():
    assert set(START_RULES) == set(Axis)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("axis", list(EXPECTED))
def test_start_rule_by_axis_and_dossier_state(axis, state):
    campaign = CampaignFactory()
    structure = _structure_in(state, campaign)

    decision = start_decision(axis, structure=structure, campaign=campaign)

    assert decision.allowed is (state in EXPECTED[axis])
    assert (decision.reason == "") is decision.allowed


def test_cooperation_refusal_explains_itself_in_french():
    campaign = CampaignFactory()
    structure = _structure_in(DossierStatus.UNDER_REVIEW, campaign)
    decision = start_decision(Axis.COOPERATION, structure=structure, campaign=campaign)
    assert decision.reason == (
        "L'axe « C. Mutualisation et coopération économique » ne peut démarrer qu'une fois la "
        "candidature retenue par le comité de sélection : le dossier de « Café de la Plaine » "
        "est « En instruction »."
    )


def test_responsibility_waits_for_the_move_in():
    campaign = CampaignFactory()
    structure = _structure_in(DossierStatus.ACCEPTED, campaign)
    decision = start_decision(Axis.RESPONSIBILITY, structure=structure, campaign=campaign)
    assert decision.reason == (
        "L'axe « E. Démarche de responsabilité (QADES) » ne peut démarrer qu'une fois la "
        "structure installée dans la CCR, avec l'association des résidents : le dossier de "
        "« Café de la Plaine » est « Retenu »."
    )


def test_financing_says_needs_may_be_declared_earlier():
    campaign = CampaignFactory(title="Appel CCR 2011")
    structure = _structure_in(NO_DOSSIER, campaign)
    decision = start_decision(Axis.FINANCING, structure=structure, campaign=campaign)
    assert decision.reason == (
        "L'axe « F. Accompagnement financier » ne peut démarrer qu'une fois la candidature "
        "retenue : « Café de la Plaine » n'a pas de dossier de candidature pour l'appel "
        "« Appel CCR 2011 ». Les besoins de financement peuvent déjà être déclarés dans le "
        "dossier de candidature."
    )


T = Campaign.SecuringTiming


def _securing_expected(timing, state, recommended) -> bool:
    if state in BEFORE_SELECTION:
        return timing in (T.BEFORE_SELECTION, T.BOTH)
    if state in SELECTED:
        return timing in (T.AFTER_SELECTION, T.BOTH) and recommended
    return False  # rejected or withdrawn


@pytest.mark.parametrize("recommended", [False, True])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("timing", T.values)
def test_securing_follows_the_campaign_timing_and_the_committee(timing, state, recommended):
    campaign = CampaignFactory(securing_timing=timing)
    structure = _structure_in(state, campaign)
    validated_diagnostic(structure, AccompanimentProviderFactory(), {})
    if recommended and state is not NO_DOSSIER:
        CommitteeRecommendation.objects.create(dossier=structure.dossiers.get(), axis=Axis.SECURING)
    recommended = recommended and state is not NO_DOSSIER

    decision = start_decision(Axis.SECURING, structure=structure, campaign=campaign)

    assert decision.allowed is _securing_expected(timing, state, recommended)


@pytest.mark.parametrize(
    ("kind", "status", "allowed"),
    [
        ("full", "validated", True),
        ("full", "covered", True),
        ("light", "validated", False),
        ("light", "covered", False),
        ("full", "delivered", False),
    ],
)
def test_securing_needs_a_validated_full_diagnostic(kind, status, allowed):
    campaign = CampaignFactory(securing_timing=T.BOTH)
    structure = _structure_in(DossierStatus.SUBMITTED, campaign)
    diagnostic = validated_diagnostic(structure, AccompanimentProviderFactory(), {}, kind=kind)
    diagnostic.status = status
    if status == "covered":
        diagnostic.covered_source, diagnostic.covered_on = "ramsess", datetime.date(2026, 9, 14)
    diagnostic.save()

    decision = start_decision(Axis.SECURING, structure=structure, campaign=campaign)

    assert decision.allowed is allowed
    if not allowed:
        assert decision.reason == (
            "L'axe « B. Accompagnement de sécurisation » s'appuie sur un diagnostic complet "
            "validé (ou couvert par un diagnostic existant) : « Café de la Plaine » n'en a pas "
            "encore."
        )


def test_securing_after_selection_without_recommendation_is_explained():
    campaign = CampaignFactory(securing_timing=T.AFTER_SELECTION)
    structure = _structure_in(DossierStatus.ACCEPTED, campaign)
    validated_diagnostic(structure, AccompanimentProviderFactory(), {})
    decision = start_decision(Axis.SECURING, structure=structure, campaign=campaign)
    assert decision.reason == (
        "Après la sélection, la sécurisation se fait sur recommandation du comité de sélection : "
        "aucune recommandation n'est enregistrée pour « Café de la Plaine »."
    )


# --- Enforced by the services and shown on the pages -----------------------------------


@pytest.fixture
def plan_before_selection():
    coordinator = UserFactory(coordinator=True)
    structure, _editor, dossier = structure_with_dossier(
        DossierStatus.UNDER_REVIEW, name="Voyages Équitables Méditerranée"
    )
    provider = AccompanimentProviderFactory()
    validated_diagnostic(structure, provider, {Axis.SECURING: 3})
    plan = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator).plan
    return plan, coordinator, provider


def test_a_cooperation_action_is_refused_before_selection(plan_before_selection):
    plan, coordinator, provider = plan_before_selection
    with pytest.raises(ValidationError) as error:
        action_add(
            plan=plan,
            actor=coordinator,
            axis=Axis.COOPERATION,
            title="Logistique mutualisée du déménagement",
            planned_days=Decimal("2"),
            provider=provider,
        )
    assert error.value.message_dict == {
        "axis": [
            "L'axe « C. Mutualisation et coopération économique » ne peut démarrer qu'une fois "
            "la candidature retenue par le comité de sélection : le dossier de « Voyages "
            "Équitables Méditerranée » est « En instruction »."
        ]
    }
    assert not PlanAction.objects.filter(plan=plan, axis=Axis.COOPERATION).exists()


def test_the_refusal_is_shown_next_to_the_axis_field_and_the_input_stays(
    client, plan_before_selection
):
    plan, coordinator, provider = plan_before_selection
    client.force_login(coordinator)
    response = client.post(
        reverse("accompaniment:action-create", args=[plan.pk]),
        {
            "axis": Axis.COOPERATION,
            "title": "Logistique mutualisée du déménagement",
            "provider": provider.pk,
            "format": "collective",
            "planned_days": "2",
        },
    )
    text = page_text(response)
    assert response.status_code == 200
    assert (
        '<a href="#id_axis" class="alert-link">Axe</a> : L\'axe « C. Mutualisation et '
        "coopération économique » ne peut démarrer qu'une fois la candidature retenue" in text
    )
    assert 'value="Logistique mutualisée du déménagement"' in text
    assert plan.actions.count() == 1


def test_a_half_day_step_is_required(client, plan_before_selection):
    plan, coordinator, provider = plan_before_selection
    client.force_login(coordinator)
    response = client.post(
        reverse("accompaniment:action-create", args=[plan.pk]),
        {
            "axis": Axis.SECURING,
            "title": "Prévisionnel",
            "provider": provider.pk,
            "format": "individual",
            "planned_days": "1.3",
        },
    )
    assert (
        "Les jours se comptent par demi-journées (0,5 ; 1 ; 1,5…) : 1,30 n'en est pas un multiple."
        in page_text(response)
    )
    assert plan.actions.count() == 1
