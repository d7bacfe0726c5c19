"""Axis D (GPEC, qualifying trainings) once selected; axis E (QADES) once installed."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accompaniment.models import GpecSheet, PlanStatus, QadesGrid, QadesLine, QualifyingTraining
from accompaniment.services.professionalisation import gpec_update, training_save
from accompaniment.services.responsibility import qades_grid_open, qades_grid_update
from applicants.models import DossierStatus
from ccr_portal.axes import Axis
from tests.conftest import page_text
from tests.factories import UserFactory

from .factories import (
    AccompanimentProviderFactory,
    consultant_of,
    drafted_plan,
    move_plan,
    structure_with_dossier,
)

pytestmark = pytest.mark.django_db

JOBS = [
    {"title": "Vendeur·se", "fte_today": Decimal("1.5"), "fte_in_3_years": Decimal("3")},
    {"title": "Responsable de boutique", "fte_today": Decimal("0"), "fte_in_3_years": 1},
]


def test_gpec_waits_for_the_selection():
    structure, editor, _dossier = structure_with_dossier(
        DossierStatus.IN_COMMITTEE, name="Café de la Plaine"
    )
    with pytest.raises(ValidationError) as error:
        gpec_update(
            structure=structure,
            actor=editor,
            skills_to_build="Gestion des stocks",
            recruitment_plan="",
            jobs=JOBS,
        )
    assert error.value.messages == [
        "L'axe « D. Professionnalisation (GPEC, formation) » ne peut démarrer qu'une fois la "
        "candidature retenue par le comité de sélection : le dossier de « Café de la Plaine » "
        "est « En comité de sélection »."
    ]
    assert not GpecSheet.objects.exists()


def test_a_selected_structure_fills_its_gpec_and_trainings():
    structure, editor, _dossier = structure_with_dossier(DossierStatus.ACCEPTED)
    sheet = gpec_update(
        structure=structure,
        actor=editor,
        skills_to_build="Gestion des stocks, accueil de groupes",
        recruitment_plan="Un poste de responsable de boutique en N+1.",
        jobs=JOBS,
    )
    assert list(sheet.jobs.values_list("title", "fte_today", "fte_in_3_years")) == [
        ("Vendeur·se", Decimal("1.50"), Decimal("3.00")),
        ("Responsable de boutique", Decimal("0.00"), Decimal("1.00")),
    ]
    training = training_save(
        structure=structure,
        actor=editor,
        person_or_post="Responsable de boutique",
        training="Titre professionnel de vendeur-conseil",
        organisation="AFPA Marseille",
        starts_on=datetime.date(2012, 1, 9),
        ends_on=datetime.date(2012, 6, 29),
        status="planned",
        funding="OPCA Uniformation",
    )
    assert training.structure == structure
    with pytest.raises(ValidationError) as error:
        training_save(
            structure=structure,
            actor=editor,
            person_or_post="Trésorier",
            training="Comptabilité associative",
            organisation="CRES",
            starts_on=datetime.date(2012, 3, 1),
            ends_on=datetime.date(2012, 2, 1),
            status="planned",
        )
    assert "La fin de la formation doit suivre son début." in error.value.messages
    assert QualifyingTraining.objects.count() == 1


def test_a_reader_or_a_stranger_cannot_change_the_gpec(client):
    structure, _editor, _dossier = structure_with_dossier(DossierStatus.ACCEPTED)
    reader = UserFactory(applicant=True)
    structure.memberships.create(user=reader, role="reader")
    with pytest.raises(PermissionDenied):
        gpec_update(
            structure=structure, actor=reader, skills_to_build="", recruitment_plan="", jobs=[]
        )
    assert not GpecSheet.objects.exists()
    client.force_login(reader)
    assert client.get(reverse("accompaniment:gpec", args=[structure.pk])).status_code == 200
    assert client.get(reverse("accompaniment:gpec-update", args=[structure.pk])).status_code == 403
    client.force_login(UserFactory(applicant=True))
    assert client.get(reverse("accompaniment:gpec", args=[structure.pk])).status_code == 403


def test_gpec_form_keeps_input_on_error(client):
    structure, editor, _dossier = structure_with_dossier(DossierStatus.ACCEPTED)
    client.force_login(editor)
    response = client.post(
        reverse("accompaniment:gpec-update", args=[structure.pk]),
        {
            "emplois-TOTAL_FORMS": "2",
            "emplois-INITIAL_FORMS": "0",
            "emplois-0-title": "",
            "emplois-0-fte_today": "2",
            "emplois-1-title": "Cuisinier",
            "emplois-1-fte_today": "1",
            "skills_to_build": "Hygiène alimentaire",
        },
    )
    text = page_text(response)
    assert "Nommez l'emploi." in text
    assert "Hygiène alimentaire" in text
    assert not GpecSheet.objects.exists()


def test_qades_waits_for_the_move_in():
    structure, editor, _dossier = structure_with_dossier(
        DossierStatus.ACCEPTED, name="Le Comptoir Équitable"
    )
    with pytest.raises(ValidationError) as error:
        qades_grid_open(structure=structure, year=2012, actor=editor)
    assert error.value.messages == [
        "L'axe « E. Démarche de responsabilité (QADES) » ne peut démarrer qu'une fois la "
        "structure installée dans la CCR, avec l'association des résidents : le dossier de "
        "« Le Comptoir Équitable » est « Retenu »."
    ]
    assert not QadesGrid.objects.exists()


def _review(grid, actor, **overrides):
    lines = {
        line.dimension: {
            "objectives": f"Objectif {line.dimension} {grid.year}",
            "indicators": "Part des produits labellisés",
            "review": "met",
            "review_comment": "",
            **overrides.get(line.dimension, {}),
        }
        for line in grid.lines.all()
    }
    return qades_grid_update(grid=grid, actor=actor, lines=lines)


def test_qades_objectives_are_revised_year_after_year():
    structure, editor, _dossier = structure_with_dossier(DossierStatus.INSTALLED)
    first = qades_grid_open(structure=structure, year=2012, actor=editor)
    _review(first, editor, social={"review": "partly", "review_comment": "Un CDI de moins"})

    second = qades_grid_open(structure=structure, year=2013, actor=editor)

    assert list(second.lines.values_list("dimension", "objectives", "review")) == [
        ("quality", "Objectif quality 2012", ""),
        ("agriculture", "Objectif agriculture 2012", ""),
        ("diversity", "Objectif diversity 2012", ""),
        ("energy", "Objectif energy 2012", ""),
        ("social", "Objectif social 2012", ""),
    ]
    with pytest.raises(ValidationError) as error:
        qades_grid_open(structure=structure, year=2013, actor=editor)
    assert error.value.message_dict == {"year": ["La grille QADES 2013 existe déjà."]}
    assert QadesGrid.objects.filter(structure=structure).count() == 2


def test_only_the_resident_decides_what_is_published():
    structure, editor, _dossier = structure_with_dossier(DossierStatus.INSTALLED)
    coordinator = UserFactory(coordinator=True)
    grid = qades_grid_open(structure=structure, year=2012, actor=coordinator)
    with pytest.raises(PermissionDenied):
        _review(grid, coordinator, quality={"publish": True})
    assert not QadesLine.objects.filter(publish=True).exists()
    _review(grid, editor, quality={"publish": True})
    assert list(QadesLine.objects.filter(publish=True).values_list("dimension", flat=True)) == [
        "quality"
    ]


def test_the_common_summary_shows_only_published_lines(client):
    published, editor, _ = structure_with_dossier(DossierStatus.INSTALLED, name="Comptoir")
    private, private_editor, _ = structure_with_dossier(DossierStatus.INSTALLED, name="Discret")
    grid = qades_grid_open(structure=published, year=2012, actor=editor)
    _review(
        grid,
        editor,
        quality={"publish": True, "objectives": "100 % de café équitable"},
        social={"objectives": "Secret social"},
    )
    other = qades_grid_open(structure=private, year=2012, actor=private_editor)
    _review(other, private_editor, quality={"objectives": "Objectif non publié"})

    text = page_text(client.get(reverse("accompaniment:qades-summary")))  # public page

    assert "100 % de café équitable" in text
    assert "Secret social" not in text
    assert "Objectif non publié" not in text
    assert "Discret" not in text
    assert "Bilan : 1 atteint, 0 partiellement, 0 non atteint." in text


def test_the_provider_of_the_professionalisation_action_works_on_the_gpec(client):
    coordinator = UserFactory(coordinator=True)
    apeas = AccompanimentProviderFactory(axes=[Axis.PROFESSIONALISATION])
    ramsess = AccompanimentProviderFactory(axes=[Axis.SECURING])
    plan, editor = drafted_plan(
        coordinator, ramsess, {Axis.SECURING: 2, Axis.PROFESSIONALISATION: 2}
    )
    structure = plan.structure
    # The only provider covering D gets the action.
    assert plan.actions.get(axis=Axis.PROFESSIONALISATION).provider == apeas
    gpec = reverse("accompaniment:gpec", args=[structure.pk])
    apeas_consultant, ramsess_consultant = consultant_of(apeas), consultant_of(ramsess)

    client.force_login(apeas_consultant)
    assert client.get(gpec).status_code == 403  # the plan is still a draft
    move_plan(plan, coordinator=coordinator, editor=editor, to=PlanStatus.PROPOSED)
    assert client.get(gpec).status_code == 200
    assert client.get(reverse("accompaniment:gpec-update", args=[structure.pk])).status_code == 200
    client.force_login(ramsess_consultant)
    assert client.get(gpec).status_code == 403
