"""The scheme's demo story, on top of the other apps' demo data.

- Full diagnostics wait: the open requests and the wished diagnostics of the demo ask
  far more days of axis A in the first month than RAMSESS can give (it declared 4 days
  this month and 2 the next); a collective DLA session of diagnostics in the third month,
  with as many places as it takes, absorbs the backlog. The shortage shows in the first
  two months only.
- The structures that only wished an accompaniment now wish axis B too: with the
  securing recommended by the validated diagnostics, axis B still waits at the end of
  the period, priced at the providers' mean rate.
- The scenario « Renfort de capacité » adds a provider, with the fewest days a month
  that leave no day of gap: the request for complementary means.

Idempotent: rows are found by name and updated.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from applicants.models import AxisWish, Dossier
from ccr_portal.axes import Axis
from ccr_portal.users.models import User

from .figures import (
    AddedProvider,
    Period,
    ScenarioParameters,
    add_months,
    month_of,
    scenario_figures,
    today_figures,
)
from .models import OfferScheme, Scenario, SchemeReport
from .selectors import NOT_COUNTED, load_facts

RENFORT = "Renfort de capacité (consultants DLA)"


def load(stdout) -> None:
    start = month_of(timezone.localdate())
    period = Period(start=start, length=settings.SCHEME_PERIOD_MONTHS)
    third = add_months(start, 2)
    collective, _ = OfferScheme.objects.update_or_create(
        name="DLA 13 : diagnostics collectifs",
        defaults={
            "kind": OfferScheme.Kind.COLLECTIVE_DLA,
            "axis": Axis.DIAGNOSTIC,
            "payer": "dla",
            "places": 6,
            "days_per_place": Decimal("3"),
            "starts_on": third,
            "ends_on": third.replace(day=28),
            "note": "Six places de diagnostic complet en session collective, payées par le DLA.",
        },
    )
    OfferScheme.objects.update_or_create(
        name="RAMSESS : sécurisation en réseau",
        defaults={
            "kind": OfferScheme.Kind.RAMSESS,
            "axis": Axis.SECURING,
            "payer": "dla",
            "places": 2,
            "days_per_place": Decimal("2"),
            "starts_on": third,
            "ends_on": add_months(third, 1).replace(day=28),
            "note": "Deux structures accompagnées par le réseau RAMSESS.",
        },
    )
    # The dossiers that only wished axes (no diagnostic concluded, no plan) wish securing.
    only_wishes = (
        Dossier.objects.exclude(status__in=NOT_COUNTED)
        .filter(axis_wishes__axis=Axis.DIAGNOSTIC)
        .exclude(structure__diagnostics__status__in=("validated", "covered"))
        .exclude(structure__development_plans__isnull=False)
        .distinct()
    )
    for dossier in only_wishes:
        AxisWish.objects.get_or_create(
            dossier=dossier,
            axis=Axis.SECURING,
            defaults={"reason": "Consolider le modèle économique avant l'installation."},
        )

    # The collective session takes as many places as the diagnostics waiting need: the
    # other apps' demo data decide how many wait (six places at the least).
    while (
        collective.places < 60
        and today_figures(load_facts(period), period).row(Axis.DIAGNOSTIC).months[third].gap
    ):
        collective.places += 1
        collective.note = (
            f"{collective.places} places de diagnostic complet en session collective, payées "
            "par le DLA."
        )
        collective.save(update_fields=["places", "note"])

    facts = load_facts(period)
    days = Decimal("1")
    while days < 200:
        parameters = ScenarioParameters(
            added_provider=AddedProvider(
                name="Consultants DLA en renfort",
                axes=(Axis.DIAGNOSTIC, Axis.SECURING),
                days=days,
                rate=Decimal("450"),
                payer="region",
            )
        )
        if scenario_figures(facts, period, parameters).gap == 0:
            break
        days += 1
    renfort, _ = Scenario.objects.update_or_create(
        name=RENFORT,
        defaults={
            "note": (
                f"20 résidents attendus ; un prestataire ajouté, {days} jours par mois sur les "
                "diagnostics et la sécurisation, financé par la Région : plus aucun jour "
                "d'écart sur la période."
            ),
            "parameters": parameters.as_dict(),
            "created_by": User.objects.filter(email="coordinator@example.org").first(),
        },
    )
    # What the brief and the report were asked for (their PDFs render on demand).
    coordinator = User.objects.filter(email="coordinator@example.org").first()
    brief, _ = SchemeReport.objects.get_or_create(
        kind=SchemeReport.Kind.BRIEF,
        period_start=period.start,
        period_end=period.last_day,
        months=period.length,
        defaults={"requested_by": coordinator},
    )
    brief.scenarios.add(renfort)
    today = timezone.localdate()
    SchemeReport.objects.get_or_create(
        kind=SchemeReport.Kind.ACTIVITY,
        period_start=today.replace(month=1, day=1),
        period_end=today,
        payer="",
        defaults={"requested_by": coordinator},
    )
    stdout.write(
        f"Besoins et offre : {OfferScheme.objects.count()} dispositifs existants, "
        f"{Scenario.objects.count()} scénario(s) ; renfort de {days} jours par mois."
    )
