"""A full diagnostic covered by an existing one (RAMSESS, a DLA) counts like a validated one."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accompaniment.services.actions import action_add
from accompaniment.services.plans import plan_create
from accompaniment.start_rules import start_decision
from applicants.models import DossierStatus
from ccr_portal.axes import Axis
from diagnostics.services.diagnostics import diagnostic_mark_covered
from tests import files
from tests.conftest import page_text
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import UserFactory

from .factories import AccompanimentProviderFactory, structure_with_dossier

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    coordinator = UserFactory(coordinator=True)
    structure, editor, dossier = structure_with_dossier(
        DossierStatus.UNDER_REVIEW, name="Atelier Vélo Solidaire"
    )
    provider = AccompanimentProviderFactory(axes=["securing"], daily_rate=Decimal("950"))
    return coordinator, structure, editor, dossier, provider


def _covered_full(coordinator, structure, dossier):
    diagnostic = DiagnosticFactory(structure=structure, dossier=dossier, kind="full")
    diagnostic_mark_covered(
        diagnostic=diagnostic,
        actor=coordinator,
        source="ramsess",
        source_name="",
        covered_on=datetime.date(2026, 9, 14),
        upload=files.upload("diagnostic-ramsess.pdf", files.pdf("Diagnostic RAMSESS")),
    )
    diagnostic.refresh_from_db()
    return diagnostic


def test_without_a_full_diagnostic_securing_is_refused(setting):
    _coordinator, structure, _editor, dossier, _provider = setting
    DiagnosticFactory(structure=structure, dossier=dossier, kind="full", in_progress=True)
    decision = start_decision(Axis.SECURING, structure=structure, campaign=dossier.campaign)
    assert not decision
    assert "diagnostic complet validé (ou couvert par un diagnostic existant)" in decision.reason


def test_a_covered_full_diagnostic_opens_securing(setting):
    coordinator, structure, _editor, dossier, provider = setting
    covered = _covered_full(coordinator, structure, dossier)
    assert covered.status == "covered"

    assert start_decision(Axis.SECURING, structure=structure, campaign=dossier.campaign)
    plan = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator).plan
    action = action_add(
        plan=plan,
        actor=coordinator,
        axis=Axis.SECURING,
        title="Plan de trésorerie",
        planned_days=Decimal("2"),
        provider=provider,
    )
    assert action.axis == Axis.SECURING
    # The plan names the covered diagnostic among its sources: origin and date.
    assert list(plan.diagnostics.all()) == [covered]
    assert plan.diagnostic_summary.startswith(
        "Diagnostic complet couvert par un diagnostic existant (RAMSESS, 14 septembre 2026)"
    )


def test_the_plan_page_shows_the_source_with_its_document(client, setting):
    coordinator, structure, _editor, dossier, _provider = setting
    covered = _covered_full(coordinator, structure, dossier)
    plan = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator).plan
    client.force_login(coordinator)
    text = page_text(client.get(plan.get_absolute_url()))
    assert "couvert par un diagnostic existant : RAMSESS, 14 septembre 2026" in text
    document_url = reverse("diagnostics:covered-document", args=[covered.pk])
    assert f'href="{document_url}"' in text
    assert client.get(document_url).status_code == 200


def test_a_light_covered_diagnostic_does_not_open_securing(setting):
    coordinator, structure, _editor, dossier, _provider = setting
    diagnostic = DiagnosticFactory(structure=structure, dossier=dossier, kind="light")
    diagnostic_mark_covered(
        diagnostic=diagnostic,
        actor=coordinator,
        source="dla",
        source_name="",
        covered_on=timezone.localdate(),
        upload=files.upload("dla.pdf", files.pdf("Diagnostic DLA")),
    )
    plan = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator).plan
    with pytest.raises(ValidationError):
        action_add(
            plan=plan,
            actor=coordinator,
            axis=Axis.SECURING,
            title="Plan de trésorerie",
            planned_days=Decimal("2"),
        )
    assert not plan.actions.exists()
