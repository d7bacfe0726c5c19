"""Factories and scenario helpers of the accompaniment tests.

Validated diagnostics are written here with exactly the recommendations a
test names: the diagnostics tests' factory adds a whole grid (theme scores, a
securing recommendation) that would mix into the drafted plans.
"""

import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from accompaniment.models import (
    Audience,
    CommitteeRecommendation,
    Event,
    EventKind,
    FinancingItem,
    PlanStatus,
)
from accompaniment.services.plans import plan_create, plan_transition, plan_update_financing
from applicants.models import DossierStatus
from ccr_portal.axes import Axis
from diagnostics.models import (
    AxisRecommendation,
    Diagnostic,
    DiagnosticKind,
    DiagnosticPurpose,
    DiagnosticStatus,
)
from tests.factories import (
    CampaignFactory,
    DossierFactory,
    MembershipFactory,
    ProviderFactory,
    StructureFactory,
    UserFactory,
)


class AccompanimentProviderFactory(ProviderFactory):
    """A provider covering every axis at 450 € a day, unless told otherwise."""

    axes = factory.LazyFunction(lambda: list(Axis.values))
    daily_rate = Decimal("450.00")
    monthly_capacity_days = Decimal("10")


class DiagnosticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Diagnostic

    structure = factory.SubFactory(StructureFactory)
    kind = DiagnosticKind.FULL
    purpose = DiagnosticPurpose.SUPPORT
    status = DiagnosticStatus.VALIDATED
    provider = factory.SubFactory(AccompanimentProviderFactory)
    strengths = "Clientèle fidèle, équipe bénévole engagée."
    weaknesses = "Trésorerie tendue, pas de prévisionnel."
    overall_risk = "medium"
    recommendation = "ready_with_securing"
    delivered_at = factory.LazyFunction(timezone.now)
    validated_at = factory.LazyFunction(timezone.now)


class AxisRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AxisRecommendation

    diagnostic = factory.SubFactory(DiagnosticFactory)
    axis = Axis.SECURING
    days = Decimal("3")
    reason = "Construire le prévisionnel à trois ans."


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = EventKind.INFORMATION_DAY
    title = factory.Sequence(lambda n: f"Journée d'information {n}")
    date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=10))
    duration_hours = Decimal("3.5")
    place = "Cité des Associations, Marseille"
    capacity = 2
    audience = Audience.ANY
    axis = Axis.SECURING
    organiser = factory.SubFactory(AccompanimentProviderFactory)


def structure_with_dossier(status=DossierStatus.ACCEPTED, campaign=None, **structure_fields):
    """A structure, its editor and its dossier in ``status``."""
    membership = MembershipFactory(**{f"structure__{k}": v for k, v in structure_fields.items()})
    dossier = DossierFactory(
        structure=membership.structure,
        campaign=campaign or CampaignFactory(),
        status=status,
    )
    return membership.structure, membership.user, dossier


def validated_diagnostic(structure, provider, recommendations, *, dossier=None, kind="full"):
    """A validated diagnostic of ``structure`` recommending ``{axis: days}``."""
    diagnostic = DiagnosticFactory(
        structure=structure, provider=provider, dossier=dossier, kind=kind
    )
    for axis, days in recommendations.items():
        AxisRecommendationFactory(
            diagnostic=diagnostic,
            axis=axis,
            days=Decimal(str(days)),
            reason=f"Recommandation sur l'axe {Axis(axis).letter}.",
        )
    return diagnostic


def consultant_of(provider):
    user = UserFactory(provider=True)
    provider.members.add(user)
    return user


def balance_financing(plan, coordinator, amount=Decimal("10000")):
    """Needs and resources of ``amount`` every year: a balanced financing plan."""
    plan_update_financing(
        plan=plan,
        actor=coordinator,
        amounts={
            FinancingItem.WORKING_CAPITAL: (amount, amount, amount),
            FinancingItem.LOANS: (amount, amount, amount),
        },
    )


def move_plan(plan, *, coordinator, editor, to):
    """Walk the plan along its workflow up to ``to`` (proposed, agreed, in_progress, completed)."""
    order = [PlanStatus.PROPOSED, PlanStatus.AGREED, PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED]
    steps = {
        PlanStatus.PROPOSED: ("propose", coordinator),
        PlanStatus.AGREED: ("agree", editor),
        PlanStatus.IN_PROGRESS: ("start", coordinator),
        PlanStatus.COMPLETED: ("complete", coordinator),
    }
    for status in order[: order.index(to) + 1]:
        action, actor = steps[status]
        plan_transition(plan=plan, actor=actor, action=action)
    plan.refresh_from_db()
    return plan


def drafted_plan(coordinator, provider, recommendations=None, *, campaign=None, to=None, **fields):
    """The plan of an accepted structure, drafted from ``provider``'s validated diagnostic.

    The diagnostic recommends ``recommendations`` ({axis: days}; 2 days of securing by
    default), the committee recommended securing, the financing plan balances: the plan
    may be proposed, or is walked up to ``to``. ``fields`` name the structure.
    Returns the plan and the structure's editor.
    """
    structure, editor, dossier = structure_with_dossier(
        DossierStatus.ACCEPTED, campaign=campaign, **fields
    )
    recommendations = recommendations or {Axis.SECURING: 2}
    if Axis.SECURING in recommendations:
        # The committee recommended the securing the diagnostic recommends: the drafted
        # plan's securing action is that recommendation's.
        CommitteeRecommendation.objects.create(dossier=dossier, axis=Axis.SECURING)
    validated_diagnostic(structure, provider, recommendations, dossier=dossier)
    plan = plan_create(structure=structure, campaign=dossier.campaign, actor=coordinator).plan
    balance_financing(plan, coordinator)
    if to is not None:
        move_plan(plan, coordinator=coordinator, editor=editor, to=to)
    return plan, editor
