"""Days, hours, FTE and rates typed the French way through the accompaniment's pages: saved
exactly, shown back « 2,5 », and an ambiguous figure refused without losing the typing."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import GpecJob, PlanStatus, Session
from ccr_portal.axes import Axis
from tests.conftest import page_text
from tests.factories import UserFactory

from .factories import AccompanimentProviderFactory, consultant_of, drafted_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


@pytest.fixture
def ramsess():
    return AccompanimentProviderFactory(name="RAMSESS", short_name="RAMSESS")


def _action_data(provider, planned_days: str) -> dict:
    return {
        "axis": Axis.SECURING,
        "title": "Plan de trésorerie",
        "provider": provider.pk,
        "format": "individual",
        "planned_days": planned_days,
        "description": "Douze mois glissants.",
    }


def test_an_action_of_two_days_and_a_half_typed_the_french_way(client, coordinator, ramsess):
    plan, _editor = drafted_plan(coordinator, ramsess)
    client.force_login(coordinator)

    response = client.post(
        reverse("accompaniment:action-create", args=[plan.pk]), _action_data(ramsess, "2,5")
    )

    assert response.status_code == 302
    action = plan.actions.get(title="Plan de trésorerie")
    assert action.planned_days == Decimal("2.5")
    assert action.daily_rate == Decimal("450.00")
    assert action.cost == Decimal("1125.00")
    text = page_text(client.get(reverse("accompaniment:action-update", args=[action.pk])))
    assert 'name="planned_days" value="2,5"' in text
    assert 'value="2.5"' not in text


def test_an_ambiguous_number_of_days_is_refused_and_the_typing_is_kept(
    client, coordinator, ramsess
):
    plan, _editor = drafted_plan(coordinator, ramsess)
    action = plan.actions.get(axis=Axis.SECURING)
    before = (action.title, action.planned_days, action.description)
    client.force_login(coordinator)

    response = client.post(
        reverse("accompaniment:action-update", args=[action.pk]), _action_data(ramsess, "1.500")
    )

    assert response.status_code == 200
    text = page_text(response)
    assert (
        "Nombre de jours : « 1.500 » est ambigu ; écrivez les décimales après une virgule, "
        "par exemple 2,5."
    ) in text
    assert 'name="planned_days" value="1.500"' in text
    assert 'value="Plan de trésorerie"' in text
    action.refresh_from_db()
    assert (action.title, action.planned_days, action.description) == before


def test_the_coordination_types_a_rate_and_a_capacity_the_french_way(client, coordinator):
    provider = AccompanimentProviderFactory(name="APEAS")
    client.force_login(coordinator)

    response = client.post(
        reverse("accompaniment:provider-update", args=[provider.pk]),
        {
            "axes": [Axis.SECURING],
            "daily_rate": "1\u00a0450,50",
            "funding_scheme": "",
            "monthly_capacity_days": "12,5",
        },
    )

    assert response.status_code == 302
    provider.refresh_from_db()
    assert (provider.daily_rate, provider.monthly_capacity_days) == (
        Decimal("1450.50"),
        Decimal("12.5"),
    )
    text = page_text(client.get(reverse("accompaniment:provider-update", args=[provider.pk])))
    assert 'name="daily_rate" value="1\u00a0450,50"' in text
    assert 'name="monthly_capacity_days" value="12,5"' in text


def test_a_negative_capacity_is_refused_in_french_and_nothing_changes(client, coordinator):
    provider = AccompanimentProviderFactory(name="APEAS")
    client.force_login(coordinator)

    response = client.post(
        reverse("accompaniment:provider-update", args=[provider.pk]),
        {"axes": [Axis.SECURING], "daily_rate": "500", "monthly_capacity_days": "-2,5"},
    )

    assert response.status_code == 200
    text = page_text(response)
    assert "Assurez-vous que cette valeur est supérieure ou égale à 0." in text
    assert 'name="monthly_capacity_days" value="-2,5"' in text
    provider.refresh_from_db()
    assert (provider.daily_rate, provider.monthly_capacity_days) == (
        Decimal("450.00"),
        Decimal("10"),
    )


def test_a_session_of_three_hours_and_a_half_typed_the_french_way(client, coordinator, ramsess):
    plan, _editor = drafted_plan(coordinator, ramsess, {Axis.SECURING: 3}, to=PlanStatus.AGREED)
    consultant = consultant_of(ramsess)
    client.force_login(consultant)

    response = client.post(
        reverse("accompaniment:session-create"),
        {
            "provider": ramsess.pk,
            "date": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "duration_hours": "3,5",
            "axis": Axis.SECURING,
            "theme": "Prévisionnel",
            "format": "individual",
            "actions": [plan.actions.get(axis=Axis.SECURING).pk],
            "summary": "Budget revu.",
        },
    )

    assert response.status_code == 302
    session = Session.objects.get()
    assert session.duration_hours == Decimal("3.5")
    assert session.days == Decimal("0.50")
    text = page_text(client.get(reverse("accompaniment:session-update", args=[session.pk])))
    assert 'name="duration_hours" value="3,5"' in text


def test_the_gpec_takes_fte_the_french_way(client, coordinator):
    apeas = AccompanimentProviderFactory(axes=[Axis.PROFESSIONALISATION])
    plan, _editor = drafted_plan(coordinator, apeas, {Axis.PROFESSIONALISATION: 2})
    client.force_login(coordinator)
    url = reverse("accompaniment:gpec-update", args=[plan.structure.pk])
    data = {
        "skills_to_build": "",
        "recruitment_plan": "",
        "emplois-TOTAL_FORMS": "2",
        "emplois-INITIAL_FORMS": "0",
        "emplois-MIN_NUM_FORMS": "0",
        "emplois-MAX_NUM_FORMS": "1000",
        "emplois-0-title": "Vendeur·se",
        "emplois-0-fte_today": "0,8",
        "emplois-0-fte_in_3_years": "1,5",
        "emplois-0-note": "",
        "emplois-1-title": "",
        "emplois-1-fte_today": "",
        "emplois-1-fte_in_3_years": "",
        "emplois-1-note": "",
    }
    refused = client.post(url, {**data, "emplois-0-fte_today": "0.800"})
    assert refused.status_code == 200
    assert "Nombre d'ETP : « 0.800 » est ambigu" in page_text(refused)
    assert not GpecJob.objects.exists()

    response = client.post(url, data)

    assert response.status_code == 302
    job = GpecJob.objects.get()
    assert (job.title, job.fte_today, job.fte_in_3_years) == (
        "Vendeur·se",
        Decimal("0.8"),
        Decimal("1.5"),
    )
    assert 'name="emplois-0-fte_today" value="0,8"' in page_text(client.get(url))
