"""Scenarios: recomputed by GET without writing anything; saved as one row; compared."""

import io

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl import load_workbook

from scheme.models import Scenario
from tests.conftest import downloaded, page_text

from .conftest import build_scheme

pytestmark = pytest.mark.django_db


def row_counts() -> dict:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


PARAMETERS = {
    "residents": "30",
    "full_share": "50",
    "light_days": "1",
    "full_days": "3",
    "securing_days": "4",
    "securing_before_selection": "0",
    "selection_month": "2",
    "friche_share": "0",
    "friche_extra_days": "1",
}


def test_recomputing_writes_nothing(coordinator_client):
    scheme = build_scheme(4)
    coordinator_client.get(reverse("scheme:scenario"))  # sign-in bookkeeping, once
    before = row_counts()
    response = coordinator_client.get(
        reverse("scheme:scenario"),
        {**PARAMETERS, f"capacity_{scheme['provider'].pk}": "40", "added_name": "Renfort",
         "added_axes": ["securing"], "added_days": "10"},
    )  # fmt: skip
    htmx = coordinator_client.get(reverse("scheme:scenario"), PARAMETERS, HTTP_HX_REQUEST="true")
    assert row_counts() == before
    scenario = response.context["scenario"]
    # 30 residents, half need a full diagnostic: 15 × 3 + 15 × 1 = 60 days of axis A over
    # the two months up to the selection; 15 securing of 4 days (no one at la Friche).
    assert scenario.row("diagnostic").need == 60
    assert scenario.row("securing").need == 60
    # The provider at 40 days a month (20 per axis) and the added one's 10 on axis B.
    assert scenario.row("diagnostic").offer == 20 * 4
    assert scenario.row("securing").offer == 30 * 4
    # htmx gets the results alone.
    assert htmx.templates[0].name == "scheme/_scenario_results.html"
    assert "<html" not in htmx.content.decode()


def test_saving_writes_one_row_and_shows_it_beside_today(coordinator_client):
    build_scheme(4)
    before = row_counts()
    response = coordinator_client.post(
        reverse("scheme:scenario-save"),
        {**PARAMETERS, "name": "Trente résidents", "note": "Pour la Région"},
    )
    after = row_counts()
    assert after.pop("scheme.Scenario") == before.pop("scheme.Scenario") + 1
    # Besides the scenario, only the session may change (the message).
    after.pop("sessions.Session", None), before.pop("sessions.Session", None)
    assert after == before
    scenario = Scenario.objects.get()
    assert response["Location"] == scenario.get_absolute_url()
    assert scenario.parameters["residents"] == 30
    detail = coordinator_client.get(scenario.get_absolute_url())
    names = [name for name, _ in detail.context["columns"]]
    assert names == ["Aujourd'hui", "Trente résidents"]
    assert "Pour la Région" in page_text(detail)


def without_session(counts: dict) -> dict:
    counts.pop("sessions.Session", None)  # the message, kept in the session
    return counts


def test_saving_without_a_name_writes_nothing(coordinator_client):
    before = without_session(row_counts())
    response = coordinator_client.post(reverse("scheme:scenario-save"), PARAMETERS, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert without_session(row_counts()) == before
    assert Scenario.objects.count() == 0
    # Sent back to the parameters it was given, told why in French.
    assert response.context["form"]["residents"].value() == "30"
    assert "Ce champ est obligatoire." in [str(m) for m in response.context["messages"]]


def test_saving_under_a_name_already_taken_writes_nothing(coordinator_client):
    coordinator_client.post(reverse("scheme:scenario-save"), {**PARAMETERS, "name": "Trente"})
    before = without_session(row_counts())
    response = coordinator_client.post(
        reverse("scheme:scenario-save"),
        {**PARAMETERS, "residents": "20", "name": "Trente"},
        follow=True,
    )
    assert response.redirect_chain[0][1] == 302
    assert without_session(row_counts()) == before
    assert Scenario.objects.get().parameters["residents"] == 30
    assert response.context["form"]["residents"].value() == "20"
    assert "Un scénario porte déjà ce nom : choisissez-en un autre." in [
        str(m) for m in response.context["messages"]
    ]


def test_compare_with_another_scenario_and_export(coordinator_client):
    build_scheme(4)
    for name, residents in (("Vingt", "20"), ("Trente", "30")):
        coordinator_client.post(
            reverse("scheme:scenario-save"), {**PARAMETERS, "residents": residents, "name": name}
        )
    twenty, thirty = Scenario.objects.get(name="Vingt"), Scenario.objects.get(name="Trente")
    response = coordinator_client.get(twenty.get_absolute_url(), {"avec": thirty.pk})
    assert [name for name, _ in response.context["columns"]] == ["Aujourd'hui", "Vingt", "Trente"]
    export = coordinator_client.get(
        reverse("scheme:scenario-export", args=[twenty.pk]), {"avec": thirty.pk}
    )
    workbook = load_workbook(io.BytesIO(downloaded(export)))
    assert workbook.sheetnames[0] == "Comparaison"
    header, *rows = list(workbook["Comparaison"].values)
    assert header == ("Chiffre", "Aujourd'hui", "Vingt", "Trente")
    need_a = next(row for row in rows if row[0] == "A. Diagnostic préalable : besoin (jours)")
    # 20 residents: 10 × 3 + 10 × 1 = 40 days; 30: 60 days.
    assert need_a[2:] == (40, 60)
