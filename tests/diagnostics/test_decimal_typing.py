"""Capacities and estimated days typed the French way through the diagnostics' pages: saved
exactly, shown back « 2,5 », and an ambiguous figure refused without losing the typing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from diagnostics.models import ProviderCapacity
from tests.conftest import page_text
from tests.diagnostics.factories import DiagnosticFactory

pytestmark = pytest.mark.django_db

AXES = ("diagnostic", "securing", "cooperation", "professionalisation")


def _capacity_data(form, usual: str, **months: str) -> dict:
    data = {"usual_days": usual}
    for month in form.months:
        data[form.month_field(month)] = ""
    data.update(months)
    return data


def test_a_provider_types_its_capacity_the_french_way(client, ramsess, consultant):
    client.force_login(consultant)
    url = reverse("diagnostics:capacity", args=[ramsess.pk])
    form = client.get(url).context["form"]
    first, second = (form.month_field(month) for month in form.months[:2])

    response = client.post(
        url, _capacity_data(form, "12,5", **{first: "2,5", second: "1\u00a0500"})
    )

    assert response.status_code == 302
    ramsess.refresh_from_db()
    assert ramsess.monthly_capacity_days == Decimal("12.5")
    assert dict(ProviderCapacity.objects.values_list("month", "consultant_days")) == {
        form.months[0]: Decimal("2.5"),
        form.months[1]: Decimal("1500"),
    }
    text = page_text(client.get(url))
    assert 'name="usual_days" value="12,5"' in text
    assert f'name="{first}" value="2,5"' in text
    assert f'name="{second}" value="1\u00a0500"' in text


def test_an_ambiguous_capacity_is_refused_and_the_typing_is_kept(client, ramsess, consultant):
    client.force_login(consultant)
    url = reverse("diagnostics:capacity", args=[ramsess.pk])
    form = client.get(url).context["form"]
    first = form.month_field(form.months[0])

    response = client.post(url, _capacity_data(form, "12,5", **{first: "1.500"}))

    assert response.status_code == 200
    text = page_text(response)
    assert (
        "Nombre de jours : « 1.500 » est ambigu ; écrivez les décimales après une virgule, "
        "par exemple 2,5."
    ) in text
    assert f'name="{first}" value="1.500"' in text
    assert 'name="usual_days" value="12,5"' in text
    ramsess.refresh_from_db()
    assert ramsess.monthly_capacity_days == Decimal("4")
    assert not ProviderCapacity.objects.exists()


def test_a_negative_capacity_is_refused_in_french(client, ramsess, consultant):
    client.force_login(consultant)
    url = reverse("diagnostics:capacity", args=[ramsess.pk])
    form = client.get(url).context["form"]

    response = client.post(url, _capacity_data(form, "-2,5"))

    assert response.status_code == 200
    assert "Assurez-vous que cette valeur est supérieure ou égale à 0." in page_text(response)
    ramsess.refresh_from_db()
    assert ramsess.monthly_capacity_days == Decimal("4")


def _grid_data(diagnostic, **days: str) -> dict:
    data = {}
    for theme in diagnostic.themes:
        data[f"score_{theme.value}"] = ""
        data[f"observations_{theme.value}"] = ""
    for axis in AXES:
        data[f"days_{axis}"] = days.get(axis, "")
        data[f"reason_{axis}"] = "Pourquoi." if axis in days else ""
    return data


def test_the_grid_s_days_are_shown_back_the_french_way(client, ramsess, consultant):
    diagnostic = DiagnosticFactory(in_progress=True, full=True, provider=ramsess)
    client.force_login(consultant)
    url = reverse("diagnostics:grid", args=[diagnostic.pk])

    client.post(url, _grid_data(diagnostic, securing="2,5", cooperation="1"))

    assert dict(diagnostic.axis_recommendations.values_list("axis", "days")) == {
        "securing": Decimal("2.5"),
        "cooperation": Decimal("1.0"),
    }
    text = page_text(client.get(url))
    assert 'name="days_securing" value="2,5"' in text
    assert 'name="days_cooperation" value="1"' in text


def test_too_few_days_in_the_grid_are_refused_with_a_french_limit(client, ramsess, consultant):
    diagnostic = DiagnosticFactory(in_progress=True, full=True, provider=ramsess)
    client.force_login(consultant)
    url = reverse("diagnostics:grid", args=[diagnostic.pk])

    response = client.post(url, _grid_data(diagnostic, securing="0,4"))

    assert response.status_code == 200
    text = page_text(response)
    assert "Assurez-vous que cette valeur est supérieure ou égale à 0,5." in text
    assert 'name="days_securing" value="0,4"' in text
    assert not diagnostic.axis_recommendations.exists()
