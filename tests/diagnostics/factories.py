import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from applicants.models import DossierStatus
from diagnostics.models import (
    AxisRecommendation,
    CommitteeConsent,
    CoverSource,
    Diagnostic,
    DiagnosticKind,
    DiagnosticPurpose,
    DiagnosticStatus,
    IntegrationRecommendation,
    OverallRisk,
    ProviderCapacity,
    ThemeScore,
)
from tests.factories import DossierFactory, ProviderFactory, StructureFactory


def _in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


class DiagnosticFactory(factory.django.DjangoModelFactory):
    """A diagnostic at any stage: ``DiagnosticFactory(delivered=True)``."""

    class Meta:
        model = Diagnostic
        skip_postgeneration_save = True

    structure = factory.SubFactory(StructureFactory)
    kind = DiagnosticKind.LIGHT
    purpose = DiagnosticPurpose.SUPPORT
    status = DiagnosticStatus.REQUESTED
    request_note = "Nous hésitons à candidater."

    class Params:
        requested = factory.Trait(status=DiagnosticStatus.REQUESTED)
        accepted = factory.Trait(status=DiagnosticStatus.ACCEPTED)
        declined = factory.Trait(status=DiagnosticStatus.DECLINED, decline_reason="Hors champ.")
        covered = factory.Trait(
            status=DiagnosticStatus.COVERED,
            covered_source=CoverSource.RAMSESS,
            covered_on=factory.LazyFunction(lambda: _in_days(-200)),
        )
        assigned = factory.Trait(
            status=DiagnosticStatus.ASSIGNED,
            provider=factory.SubFactory(ProviderFactory),
            due_date=factory.LazyFunction(lambda: _in_days(20)),
            assigned_at=factory.LazyFunction(timezone.now),
        )
        in_progress = factory.Trait(
            assigned=True,
            status=DiagnosticStatus.IN_PROGRESS,
        )
        delivered = factory.Trait(
            in_progress=True,
            status=DiagnosticStatus.DELIVERED,
            delivered_at=factory.LazyFunction(timezone.now),
            strengths="Une équipe soudée et une clientèle fidèle.",
            weaknesses="Trésorerie tendue en fin d'année.",
            overall_risk=OverallRisk.MEDIUM,
            recommendation=IntegrationRecommendation.READY_WITH_SECURING,
        )
        validated = factory.Trait(
            delivered=True,
            status=DiagnosticStatus.VALIDATED,
            validated_at=factory.LazyFunction(timezone.now),
        )
        full = factory.Trait(kind=DiagnosticKind.FULL)
        assessment = factory.Trait(
            purpose=DiagnosticPurpose.ASSESSMENT,
            dossier=factory.SubFactory(
                DossierFactory,
                structure=factory.SelfAttribute("..structure"),
                status=DossierStatus.SUBMITTED,
            ),
        )

    @factory.post_generation
    def grid(self, create, extracted, **kwargs):
        """A delivered diagnostic comes with its complete grid."""
        if not create or self.status not in (
            DiagnosticStatus.DELIVERED,
            DiagnosticStatus.VALIDATED,
        ):
            return
        for index, theme in enumerate(self.themes):
            ThemeScore.objects.create(
                diagnostic=self,
                theme=theme,
                score=(index % 4) + 1,
                observations=f"Observations sur {theme.label.lower()}.",
            )
        if self.kind == DiagnosticKind.FULL:
            AxisRecommendation.objects.create(
                diagnostic=self, axis="securing", days=Decimal("3"), reason="Plan de trésorerie."
            )


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeConsent

    diagnostic = factory.SubFactory(DiagnosticFactory, delivered=True)


class CapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderCapacity

    provider = factory.SubFactory(ProviderFactory)
    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    consultant_days = Decimal("4")
