"""The demo data: every state, both kinds and purposes, a covered one, RAMSESS overbooked."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from diagnostics.models import (
    CommitteeConsent,
    Diagnostic,
    DiagnosticKind,
    DiagnosticPurpose,
    DiagnosticStatus,
    ProviderCapacity,
)
from diagnostics.selectors import capacity_plan
from tests.conftest import page_text

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_state_kind_and_purpose(demo):
    assert set(Diagnostic.objects.values_list("status", flat=True)) == set(DiagnosticStatus.values)
    assert set(Diagnostic.objects.values_list("kind", flat=True)) == set(DiagnosticKind.values)
    assert set(Diagnostic.objects.values_list("purpose", flat=True)) == set(
        DiagnosticPurpose.values
    )
    assert CommitteeConsent.objects.filter(revoked_at__isnull=True).count() == 1


def test_the_covered_demo_diagnostic_carries_a_real_ramsess_pdf(demo):
    covered = Diagnostic.objects.get(status=DiagnosticStatus.COVERED)
    assert covered.covered_source == "ramsess"
    assert covered.covered_document.read().startswith(b"%PDF")


def test_ramsess_is_over_capacity_this_month_in_the_demo(demo):
    plan = capacity_plan()
    this_month = timezone.localdate().replace(day=1)
    assert [(o.name, o.month) for o in plan.overloads if o.month == this_month] == [
        ("RAMSESS", this_month)
    ]
    assert ProviderCapacity.objects.filter(provider__short_name="RAMSESS").exists()


def test_the_demo_loads_twice_without_duplicates(demo):
    counts = (Diagnostic.objects.count(), ProviderCapacity.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Diagnostic.objects.count(), ProviderCapacity.objects.count()) == counts
    assert CommitteeConsent.objects.count() == 1


@pytest.mark.parametrize(
    ("email", "role", "expected"),
    [
        (
            "coordinator@example.org",
            "coordinator",
            [
                "<strong>2</strong> demandes à trier",
                "alertes de capacité : RAMSESS dépasse sa capacité",
            ],
        ),
        ("provider@example.org", "provider", ["Diagnostics à réaliser", "Voyages Équitables"]),
        (
            "applicant@example.org",
            "applicant",
            [
                "Conclusions à lire et confirmer",
                "Diagnostic complet d'Épicerie Solidaire du Panier",
            ],
        ),
    ],
)
def test_the_demo_dashboards_show_the_diagnostics(client, demo, email, role, expected):
    client.force_login(get_user_model().objects.get(email=email))
    text = page_text(client.get(reverse("dashboard", kwargs={"role": role})))
    for sentence in expected:
        assert sentence in text, sentence
