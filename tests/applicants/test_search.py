"""Search: accents and capitals aside, structures, people and dossier numbers."""

import pytest
from django.db import connection
from django.urls import reverse

from applicants.models import Membership
from applicants.search import search_everything
from tests.conftest import page_text
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import DossierFactory, ProviderFactory, StructureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    grocery = StructureFactory(name="Épicerie du Panier", city="Marseille", siret="73282932000074")
    travel = StructureFactory(name="Voyages Solidaires", city="Aubagne", siret="", rna="W131000123")
    amina = UserFactory(
        applicant=True, first_name="Amina", last_name="Bénali", email="amina@panier.example"
    )
    Membership.objects.create(structure=grocery, user=amina, role="editor")
    dossier = DossierFactory(structure=grocery, number="CCR-2026-0042")
    return {"grocery": grocery, "travel": travel, "amina": amina, "dossier": dossier}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("epicerie", "grocery"),
        ("ÉPICERIE DU", "grocery"),
        ("732 829 320 00074", "grocery"),
        ("aubagne", "travel"),
        ("solidaires", "travel"),
    ],
)
def test_structures_are_found_whatever_the_accents(data, query, found):
    assert search_everything(query).structures == [data[found]]


def test_the_french_full_text_search_reads_a_plural(data):
    if connection.vendor != "postgresql":
        pytest.skip("la recherche plein texte est celle de PostgreSQL")
    assert search_everything("épiceries").structures == [data["grocery"]]


def test_people_and_dossier_numbers(data):
    assert search_everything("benali").people == [data["amina"]]
    assert search_everything("AMINA@PANIER").people == [data["amina"]]
    assert search_everything("CCR-2026-0042").dossiers == [data["dossier"]]
    assert search_everything("0042").dossiers == [data["dossier"]]
    empty = search_everything("introuvable")
    assert (empty.structures, empty.people, empty.dossiers) == ([], [], [])


def test_the_page_is_for_the_coordination_only(client, data):
    url = reverse("applicants:search")
    client.force_login(UserFactory(coordinator=True))
    text = page_text(client.get(url, {"q": "épicerie"}))
    assert 'href="' + data["grocery"].get_absolute_url() + '"' in text
    assert "Épicerie du Panier" in text
    for intruder in (data["amina"], UserFactory(provider=True), UserFactory(committee=True)):
        client.force_login(intruder)
        assert client.get(url, {"q": "épicerie"}).status_code == 403


@pytest.mark.parametrize("count", [5, 50])
def test_the_search_runs_a_fixed_number_of_queries(client, count, django_assert_max_num_queries):
    for index in range(count):
        structure = StructureFactory(name=f"Atelier {index}", city="Marseille")
        person = UserFactory(applicant=True, last_name=f"Atelier{index}")
        Membership.objects.create(structure=structure, user=person, role="editor")
        DossierFactory(structure=structure, number=f"CCR-2026-{index:04d}")
    client.force_login(UserFactory(coordinator=True))
    with django_assert_max_num_queries(11):
        response = client.get(reverse("applicants:search"), {"q": "atelier"})
    assert response.status_code == 200
    assert len(response.context["results"].structures) == min(count, 20)


def test_the_structure_list_and_the_queue_search_too(client, data):
    client.force_login(UserFactory(coordinator=True))
    text = page_text(client.get(reverse("applicants:structure-list"), {"q": "EPICERIE"}))
    assert "Épicerie du Panier" in text
    assert "Voyages Solidaires" not in text
    ramsess = ProviderFactory(name="RAMSESS")
    DiagnosticFactory(structure=data["grocery"], assigned=True, provider=ramsess)
    DiagnosticFactory(structure=data["travel"])
    response = client.get(reverse("diagnostics:queue"), {"q": "épicerie"})
    assert [d.structure for d in response.context["diagnostics"]] == [data["grocery"]]
    response = client.get(reverse("diagnostics:queue"), {"q": "ramsess"})
    assert [d.structure for d in response.context["diagnostics"]] == [data["grocery"]]
