"""The demo: plans in every state with balanced figures, sessions, events, GPEC, QADES."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from accompaniment.models import (
    CommitteeRecommendation,
    DevelopmentPlan,
    Event,
    EventRegistration,
    Format,
    GpecSheet,
    PlanStatus,
    QadesGrid,
    QadesLine,
    SatisfactionAnswer,
    Session,
)
from accompaniment.selectors import plan_overview
from accompaniment.services.actions import action_add
from accompaniment.services.plans import plan_create
from applicants.models import Campaign, DossierStatus, Structure
from ccr_portal.axes import Axis
from ccr_portal.users.models import User
from diagnostics.models import AxisRecommendation, Diagnostic

pytestmark = pytest.mark.django_db

MODELS = [
    DevelopmentPlan,
    Session,
    Event,
    EventRegistration,
    QadesGrid,
    QadesLine,
    GpecSheet,
    SatisfactionAnswer,
    CommitteeRecommendation,
    Diagnostic,
    AxisRecommendation,
    Structure,
    User,
]


def test_the_demo_loads_twice_without_duplicates(demo):
    counts = [model.objects.count() for model in MODELS]
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert [model.objects.count() for model in MODELS] == counts


def test_plans_in_every_state_with_balanced_figures(demo):
    plans = DevelopmentPlan.objects.select_related("campaign")
    assert sorted(plans.values_list("status", flat=True)) == sorted(PlanStatus.values)
    for plan in plans:
        overview = plan_overview(plan)
        assert overview.financing.is_balanced, plan
        assert overview.budget.differences == [Decimal("0")] * 3, plan
        assert overview.budget.inflow_totals[0] > 0
    completed = plans.get(status=PlanStatus.COMPLETED)
    assert completed.follow_up.recorded_at is None


def test_sessions_events_gpec_and_qades(demo):
    assert set(Session.objects.values_list("format", flat=True)) == {
        Format.INDIVIDUAL,
        Format.COLLECTIVE,
    }
    assert Session.objects.filter(status="planned").exists()  # awaiting its notes
    information_day = Event.objects.get(kind="information_day")
    statuses = list(information_day.registrations.values_list("status", flat=True))
    assert statuses.count("registered") == information_day.capacity
    assert statuses.count("waitlisted") == 2
    assert Event.objects.get(kind="collective_training").session.attendances.count() == 2
    comptoir = Structure.objects.get(name="Comptoir Équitable de Noailles")
    assert comptoir.gpec_sheet.jobs.count() == 3
    years = list(comptoir.qades_grids.order_by("year").values_list("year", flat=True))
    assert len(years) == 2
    assert years[1] == years[0] + 1
    assert QadesLine.objects.filter(grid__structure=comptoir, publish=True).count() == 6


def test_fil_rouge_is_ready_for_the_journey(demo):
    fil_rouge = Structure.objects.get(name="Fil Rouge Textile")
    campaign = Campaign.objects.get(title="Appel à candidatures CCR 2011")
    assert fil_rouge.dossiers.get(campaign=campaign).status == DossierStatus.ACCEPTED
    assert not fil_rouge.development_plans.exists()
    assert fil_rouge.memberships.get(user__email="filrouge@example.org").role == "editor"

    drafted = plan_create(
        structure=fil_rouge,
        campaign=campaign,
        actor=User.objects.get(email="coordinator@example.org"),
    )
    assert drafted.skipped == []
    assert sorted(
        (action.axis, str(action.provider), action.planned_days)
        for action in drafted.plan.actions.select_related("provider")
    ) == [
        (Axis.COOPERATION, "APEAS", Decimal("1.5")),
        (Axis.FINANCING, "ESIA", Decimal("1.0")),
        (Axis.SECURING, "RAMSESS", Decimal("4.0")),
    ]


def test_voyages_is_not_selected_and_cooperation_is_refused(demo):
    plan = DevelopmentPlan.objects.get(structure__name="Voyages Équitables Méditerranée")
    assert plan.status == PlanStatus.DRAFT
    with pytest.raises(ValidationError) as error:
        action_add(
            plan=plan,
            actor=User.objects.get(email="coordinator@example.org"),
            axis=Axis.COOPERATION,
            title="Accueil commun",
            planned_days=Decimal("1"),
        )
    assert "ne peut démarrer qu'une fois la candidature retenue" in error.value.messages[0]
