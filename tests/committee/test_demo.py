"""The committee's demo: a closed meeting with its decisions, minutes and letters; a coming
one with its agenda, opinions and a declared conflict; a member who is also RAMSESS's."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.users.models import Provider, Role, User
from committee.documents import DECISION_LETTER, MEETING_MINUTES
from committee.models import (
    ConflictOfInterest,
    ConflictSource,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingStatus,
    Opinion,
    Outcome,
)

pytestmark = pytest.mark.django_db


def test_the_demo_tells_a_whole_committee(demo, client):
    closed = Meeting.objects.get(status=MeetingStatus.CLOSED)
    decisions = list(Decision.objects.filter(item__meeting=closed))
    assert len(decisions) >= 4
    assert {d.status for d in decisions} == {DecisionStatus.NOTIFIED}
    conditional = [d for d in decisions if d.outcome == Outcome.ACCEPTED_WITH_CONDITIONS]
    assert conditional
    assert conditional[0].condition_lines
    assert GeneratedDocument.objects.filter(kind=MEETING_MINUTES, object_id=closed.pk).exists()
    assert GeneratedDocument.objects.filter(kind=DECISION_LETTER).count() == len(decisions)
    # Decisions come after the meeting, letters after the decisions.
    assert all(closed.starts_at < d.recorded_at <= d.letter_sent_at for d in decisions)

    coming = Meeting.objects.get(status=MeetingStatus.SCHEDULED)
    assert coming.agenda.count() == 3
    assert Opinion.objects.filter(item__meeting=coming).count() == 3
    assert ConflictOfInterest.objects.filter(source=ConflictSource.DECLARED).count() == 1
    karim = User.objects.get(email="comite-ramsess@example.org")
    assert karim.roles == {Role.COMMITTEE, Role.PROVIDER}
    assert karim in Provider.objects.get(short_name="RAMSESS").members.all()
    assert ConflictOfInterest.objects.filter(member=karim, source=ConflictSource.PREFILLED).exists()

    # The existing logins land where they did; the committee's pages answer.
    for email, role in [
        ("committee@example.org", "committee"),
        ("provider@example.org", "provider"),
        ("multi@example.org", "coordinator"),
    ]:
        client.force_login(User.objects.get(email=email))
        response = client.get("/", follow=True)
        assert response.redirect_chain[-1][0] == reverse("dashboard", kwargs={"role": role})
    client.force_login(User.objects.get(email="committee@example.org"))
    for url in (
        coming.get_absolute_url(),
        reverse("committee:opinions", args=[coming.pk]),
        closed.get_absolute_url(),
        reverse("committee:conflict-list"),
    ):
        assert client.get(url).status_code == 200, url
    out = io.StringIO()
    call_command("load_demo", stdout=out)  # idempotent
    assert Meeting.objects.count() == 2
    assert "comite-ramsess@example.org" in out.getvalue()
