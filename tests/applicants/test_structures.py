"""Creating and editing a structure: identifiers checked, French errors, nothing lost."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from applicants.models import Membership, Structure
from applicants.services.structures import structure_create
from ccr_portal.validators import validate_rna, validate_siret
from tests.conftest import page_text
from tests.factories import StructureFactory, UserFactory

pytestmark = pytest.mark.django_db

VALID_FORM = {
    "name": "Fil Rouge Textile",
    "legal_form": "scop",
    "siret": "732 829 320 00074",
    "rna": "",
    "address": "45 boulevard National",
    "postal_code": "13003",
    "city": "Marseille",
    "sector": "textile",
    "year_founded": "2008",
    "staff_fte": "6",
    "volunteers": "0",
    "last_budget": "420000",
    "website": "filrouge.example",
    "description": "Atelier de confection solidaire.",
}


def test_applicant_creates_a_structure_and_becomes_its_editor(client):
    applicant = UserFactory(applicant=True)
    client.force_login(applicant)

    response = client.post(reverse("applicants:structure-create"), VALID_FORM)

    structure = Structure.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("applicants:structure-detail", args=[structure.pk])
    assert structure.siret == "73282932000074"
    assert structure.website == "https://filrouge.example"
    assert structure.created_by == applicant
    assert Membership.objects.get().role == Membership.Role.EDITOR
    page = page_text(client.get(response.url))
    assert "420\u00a0000,00\u00a0€" in page
    assert "6,00" in page


@pytest.mark.parametrize(
    ("siret", "message"),
    [
        ("7328293200007", "Le SIRET doit comporter exactement 14 chiffres."),
        ("73282932000075", "Ce numéro SIRET n'est pas valide : vérifiez les 14 chiffres."),
        ("7328293200007A", "Le SIRET doit comporter exactement 14 chiffres."),
    ],
)
def test_a_wrong_siret_is_refused_in_french_and_the_typed_values_stay(client, siret, message):
    client.force_login(UserFactory(applicant=True))
    response = client.post(reverse("applicants:structure-create"), {**VALID_FORM, "siret": siret})
    text = page_text(response)
    assert response.status_code == 200
    assert message in text
    assert 'value="45 boulevard National"' in text
    assert "Atelier de confection solidaire." in text
    assert Structure.objects.count() == 0


def test_an_association_without_siret_gives_its_rna(client):
    client.force_login(UserFactory(applicant=True))
    response = client.post(
        reverse("applicants:structure-create"),
        {**VALID_FORM, "legal_form": "association", "siret": "", "rna": "w131000123"},
    )
    assert response.status_code == 302
    assert Structure.objects.get().rna == "W131000123"


def test_neither_siret_nor_rna_is_refused(client):
    client.force_login(UserFactory(applicant=True))
    response = client.post(
        reverse("applicants:structure-create"), {**VALID_FORM, "siret": "", "rna": ""}
    )
    assert "Indiquez le SIRET ou, pour une association, le numéro RNA." in page_text(response)
    assert Structure.objects.count() == 0


def test_a_siret_already_on_the_portal_is_refused(client):
    StructureFactory(siret="73282932000074")
    client.force_login(UserFactory(applicant=True))
    response = client.post(reverse("applicants:structure-create"), VALID_FORM)
    assert "Une structure avec ce SIRET existe déjà sur le portail." in page_text(response)
    assert Structure.objects.count() == 1


def test_staff_without_the_applicant_role_cannot_create_a_structure(client):
    provider = UserFactory(provider=True)
    with pytest.raises(PermissionDenied):
        structure_create(created_by=provider, **{**VALID_FORM, "siret": "73282932000074"})
    client.force_login(provider)
    assert client.get(reverse("applicants:structure-create")).status_code == 403


def test_editor_updates_the_structure(client):
    structure = StructureFactory(name="Ancien nom")
    editor = UserFactory(applicant=True)
    Membership.objects.create(structure=structure, user=editor, role="editor")
    client.force_login(editor)
    response = client.post(
        reverse("applicants:structure-update", args=[structure.pk]),
        {**VALID_FORM, "name": "Nouveau nom"},
    )
    assert response.status_code == 302
    structure.refresh_from_db()
    assert structure.name == "Nouveau nom"


def test_structure_list_query_count_is_fixed(client, django_assert_max_num_queries):
    coordinator = UserFactory(coordinator=True)
    for _ in range(30):
        membership_structure = StructureFactory()
        Membership.objects.create(structure=membership_structure, user=UserFactory(applicant=True))
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("applicants:structure-list"))
    assert page_text(response).count("Structure solidaire") == 25


@pytest.mark.parametrize("value", ["73282932000074", "44306184100047", "35600000000056"])
def test_valid_sirets(value):
    validate_siret(value)


@pytest.mark.parametrize("value", ["73282932000075", "35600000000057", "1234567890123"])
def test_invalid_sirets(value):
    with pytest.raises(ValidationError):
        validate_siret(value)


def test_rna_format():
    validate_rna("W131000123")
    with pytest.raises(ValidationError) as error:
        validate_rna("131000123")
    assert error.value.messages == [
        "Le numéro RNA commence par W suivi de 9 chiffres (ex. : W131234567)."
    ]
