"""The meeting, opinions and decisions pages keep a fixed number of queries, whatever the
size of the agenda (10 or 30 files), for a member and for the coordination."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applicants.models import DossierStatus
from committee.services.agenda import agenda_add
from committee.services.conflicts import conflicts_declare
from committee.services.opinions import opinions_give
from tests.committee.factories import (
    campaign_with_sites,
    committee_member,
    held_meeting,
    scheduled_meeting,
)
from tests.factories import DossierFactory, UserFactory

pytestmark = pytest.mark.django_db

# Locked: a change that adds a query per file fails here.
MEETING_PAGE_QUERIES = 15
OPINIONS_PAGE_QUERIES = 14
DECISIONS_PAGE_QUERIES = 26


def _meeting_with(size: int):
    coordinator = UserFactory(coordinator=True)
    members = [committee_member() for _ in range(4)]
    campaign = campaign_with_sites()
    meeting = scheduled_meeting(coordinator, campaign, members, quorum=2)
    dossiers = [
        DossierFactory(campaign=campaign, status=DossierStatus.UNDER_REVIEW) for _ in range(size)
    ]
    agenda_add(meeting=meeting, actor=coordinator, dossiers=dossiers)
    items = list(meeting.agenda.all())
    for member in members[:3]:
        opinions_give(
            meeting=meeting,
            actor=member,
            entries=[
                {"item": item, "value": "favourable", "comment": "Bien."} for item in items[1:]
            ],
        )
    conflicts_declare(
        meeting=meeting,
        actor=members[0],
        declarations=[{"structure": items[0].dossier.structure, "kind": "personal"}],
    )
    return coordinator, members, meeting


def _queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("size", [10, 30])
def test_the_meeting_and_opinions_pages_have_a_fixed_query_count(client, size):
    coordinator, members, meeting = _meeting_with(size)
    meeting_url = meeting.get_absolute_url()
    opinions_url = reverse("committee:opinions", args=[meeting.pk])
    for person in (coordinator, members[0], members[3]):
        assert _queries(client, person, meeting_url) <= MEETING_PAGE_QUERIES
        assert _queries(client, person, opinions_url) <= OPINIONS_PAGE_QUERIES
    held_meeting(coordinator, meeting, members[:2])
    decisions_url = reverse("committee:decisions", args=[meeting.pk])
    assert _queries(client, coordinator, decisions_url) <= DECISIONS_PAGE_QUERIES


def test_the_count_does_not_grow_with_the_agenda(client):
    counts = []
    for size in (10, 30):
        coordinator, members, meeting = _meeting_with(size)
        url = reverse("committee:opinions", args=[meeting.pk])
        counts.append(
            [
                _queries(client, members[0], meeting.get_absolute_url()),
                _queries(client, members[0], url),
                _queries(client, coordinator, url),
            ]
        )
        held_meeting(coordinator, meeting, members[:2])
        counts[-1].append(
            _queries(client, coordinator, reverse("committee:decisions", args=[meeting.pk]))
        )
    assert counts[0] == counts[1]
