"""The recommendations the coordination typed before the committee's decisions: kept, their
origin said, each linked to the plan action on its axis so none is ever doubled."""

import importlib

import pytest
from django.apps import apps

from accompaniment.models import CommitteeRecommendation
from accompaniment.services.plans import plan_create
from ccr_portal.axes import Axis
from tests.accompaniment.factories import (
    AccompanimentProviderFactory,
    structure_with_dossier,
    validated_diagnostic,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "accompaniment.migrations.0004_committee_recommendations_origin_and_actions"
)


def test_existing_recommendations_keep_their_content_and_find_their_action():
    coordinator = UserFactory(coordinator=True)
    provider = AccompanimentProviderFactory()
    structure, _editor, dossier = structure_with_dossier("accepted")
    validated_diagnostic(structure, provider, {Axis.SECURING: 2}, dossier=dossier)
    planned = CommitteeRecommendation.objects.create(
        dossier=dossier, axis=Axis.SECURING, note="Avant l'installation.", recorded_by=coordinator
    )
    plan = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator).plan
    _other, _editor2, waiting_dossier = structure_with_dossier("accepted")
    waiting = CommitteeRecommendation.objects.create(dossier=waiting_dossier, axis=Axis.SECURING)
    # As the rows stood before the migration: no origin, no action.
    CommitteeRecommendation.objects.update(origin="", action=None, pending_reason="")

    migration.forwards(apps, None)

    planned.refresh_from_db()
    waiting.refresh_from_db()
    assert (planned.origin, planned.note, planned.recorded_by) == (
        "Saisie par la coordination pour le comité",
        "Avant l'installation.",
        coordinator,
    )
    assert planned.action == plan.actions.get(axis=Axis.SECURING)
    assert waiting.action is None
    assert waiting.pending_reason.startswith("La structure n'a pas encore de plan")
    # Run twice, nothing moves.
    migration.forwards(apps, None)
    assert CommitteeRecommendation.objects.filter(action__isnull=False).count() == 1
    assert plan.actions.count() == 1
