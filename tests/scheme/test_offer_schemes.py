"""Existing schemes recorded as offer by the coordination, counted in the figures."""

from decimal import Decimal

import pytest
from django.urls import reverse

from scheme.models import OfferScheme
from tests.factories import UserFactory

from .conftest import build_scheme

pytestmark = pytest.mark.django_db


def form_data(today_month, **changes):
    return {
        "name": "DLA 13 collectif",
        "kind": "collective_dla",
        "axis": "securing",
        "payer": "dla",
        "places": "4",
        "days_per_place": "2",
        "starts_on": today_month.isoformat(),
        "ends_on": today_month.replace(day=28).isoformat(),
        "note": "",
        **changes,
    }


def test_recording_a_scheme_adds_its_days_to_the_offer(coordinator_client, today_month):
    build_scheme(2)
    before = coordinator_client.get(reverse("scheme:quantification")).context["figures"]
    response = coordinator_client.post(reverse("scheme:offer-create"), form_data(today_month))
    assert response.status_code == 302
    scheme = OfferScheme.objects.get()
    assert scheme.total_days == 8
    after = coordinator_client.get(reverse("scheme:quantification")).context["figures"]
    # 4 places × 2 days, all in this month.
    assert after.row("securing").offer - before.row("securing").offer == Decimal("8")
    assert after.row("securing").months[today_month].offer == (
        before.row("securing").months[today_month].offer + 8
    )
    listing = coordinator_client.get(reverse("scheme:offer-list"))
    assert "DLA 13 collectif" in listing.content.decode()


def test_a_scheme_ending_before_it_starts_is_refused(coordinator_client, today_month):
    data = form_data(today_month, ends_on="2020-01-01")
    response = coordinator_client.post(reverse("scheme:offer-create"), data)
    assert response.status_code == 200
    assert OfferScheme.objects.count() == 0


def test_update_and_delete(coordinator_client, today_month):
    coordinator_client.post(reverse("scheme:offer-create"), form_data(today_month))
    scheme = OfferScheme.objects.get()
    coordinator_client.post(
        reverse("scheme:offer-update", args=[scheme.pk]), form_data(today_month, places="6")
    )
    scheme.refresh_from_db()
    assert scheme.places == 6
    coordinator_client.post(reverse("scheme:offer-delete", args=[scheme.pk]))
    assert OfferScheme.objects.count() == 0


@pytest.mark.parametrize("role", ["applicant", "provider", "committee", "funder"])
def test_only_coordinators_record_schemes(client, role, today_month):
    scheme = OfferScheme.objects.create(
        name="RAMSESS", kind="ramsess", axis="securing", payer="dla",
        days_per_place=Decimal("2"), starts_on=today_month, ends_on=today_month,
    )  # fmt: skip
    client.force_login(UserFactory(**{role: True}))
    assert client.get(reverse("scheme:offer-list")).status_code == 403
    assert client.post(reverse("scheme:offer-create"), form_data(today_month)).status_code == 403
    assert client.post(reverse("scheme:offer-delete", args=[scheme.pk])).status_code == 403
    update = reverse("scheme:offer-update", args=[scheme.pk])
    assert client.get(update).status_code == 403
    assert client.post(update, form_data(today_month, places="6")).status_code == 403
    # Refused the same whether the scheme exists or not.
    missing = reverse("scheme:offer-update", args=[scheme.pk + 1])
    assert client.post(missing, form_data(today_month)).status_code == 403
    assert list(OfferScheme.objects.values_list("name", "places")) == [("RAMSESS", 1)]
