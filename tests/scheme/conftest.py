"""A scheme of ``n`` structures built in a few bulk inserts (query counts at 10 and 300)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from accompaniment.models import Event, Session, SessionAttendance
from applicants.models import AxisWish, Dossier, DossierStatus, Structure
from diagnostics.models import AxisRecommendation, Diagnostic
from tests.factories import CampaignFactory, ProviderFactory, StructureFactory, UserFactory


def build_scheme(n: int) -> dict:
    """``n`` structures with a submitted dossier wishing A and B; every other one with a
    validated full diagnostic recommending 3 days of securing, the others with a light
    request; one held session of 3.5 hours per structure this month; one event."""
    today = timezone.localdate()
    campaign = CampaignFactory()
    provider = ProviderFactory(
        axes=["diagnostic", "securing"],
        daily_rate=Decimal("450"),
        funding_scheme="dla",
        monthly_capacity_days=Decimal("5"),
    )
    structures = Structure.objects.bulk_create([StructureFactory.build() for _ in range(n)])
    dossiers = Dossier.objects.bulk_create(
        [
            Dossier(
                structure=s, campaign=campaign, status=DossierStatus.SUBMITTED,
                submitted_at=timezone.now(),
            )
            for s in structures
        ]
    )  # fmt: skip
    AxisWish.objects.bulk_create(
        [AxisWish(dossier=d, axis=axis) for d in dossiers for axis in ("diagnostic", "securing")]
    )
    diagnostics = Diagnostic.objects.bulk_create(
        [
            Diagnostic(
                structure=s,
                dossier=d,
                kind="full" if index % 2 == 0 else "light",
                purpose="support",
                status="validated" if index % 2 == 0 else "requested",
                provider=provider if index % 2 == 0 else None,
                validated_at=timezone.now() if index % 2 == 0 else None,
            )
            for index, (s, d) in enumerate(zip(structures, dossiers, strict=True))
        ]
    )
    AxisRecommendation.objects.bulk_create(
        [
            AxisRecommendation(diagnostic=d, axis="securing", days=Decimal("3"), reason="Modèle")
            for d in diagnostics
            if d.status == "validated"
        ]
    )
    session = Session.objects.create(
        provider=provider,
        date=today,
        duration_hours=Decimal("3.5"),
        axis="securing",
        theme="Modèle économique",
        format="collective",
        status="held",
    )
    SessionAttendance.objects.bulk_create(
        [SessionAttendance(session=session, structure=s) for s in structures]
    )
    Event.objects.create(
        kind="information_day",
        title="Journée d'information",
        date=today,
        place="La Friche",
        capacity=40,
        audience="any",
        organiser=provider,
    )
    return {"provider": provider, "structures": structures, "campaign": campaign}


@pytest.fixture
def coordinator(db):
    return UserFactory(coordinator=True)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def today_month():
    return timezone.localdate().replace(day=1)


@pytest.fixture
def this_year():
    today = timezone.localdate()
    return datetime.date(today.year, 1, 1), today
