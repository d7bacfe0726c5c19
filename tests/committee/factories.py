"""Builders of the committee's tests: members, dossiers in instruction, meetings.

Meetings are scheduled and filled through the services, so that every test starts from
rows the portal itself would have written.
"""

import datetime

from django.utils import timezone

from applicants.models import DossierStatus, Site
from committee.models import CommitteeMember, Meeting
from committee.services.agenda import agenda_add
from committee.services.meetings import attendance_record, meeting_schedule, meeting_transition
from tests.factories import CampaignFactory, DossierFactory, MembershipFactory, UserFactory


def committee_member(organisation: str = "Région PACA", **fields):
    person = UserFactory(committee=True, **fields)
    CommitteeMember.objects.create(user=person, organisation=organisation)
    return person


def campaign_with_sites(**fields):
    campaign = CampaignFactory(**fields)
    mk2, _ = Site.objects.get_or_create(code="mk2", defaults={"name": "mk2"})
    friche, _ = Site.objects.get_or_create(
        code="friche", defaults={"name": "la Friche Belle de Mai"}
    )
    campaign.sites.add(mk2, friche)
    return campaign


def reviewed_dossier(campaign, name: str | None = None, editor=None):
    """A complete dossier in instruction, with an editor."""
    fields = {"structure__name": name} if name else {}
    dossier = DossierFactory(
        campaign=campaign, complete=True, status=DossierStatus.UNDER_REVIEW, **fields
    )
    MembershipFactory(structure=dossier.structure, user=editor or UserFactory(applicant=True))
    return dossier


def scheduled_meeting(
    coordinator, campaign, members, *, dossiers=(), quorum: int = 2, when=None, **fields
) -> Meeting:
    """A meeting today at 14:00 (so that it may be held), its members invited, its agenda set."""
    when = when or timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(14, 0))
    )
    meeting = meeting_schedule(
        actor=coordinator,
        campaign=campaign,
        starts_at=when,
        quorum=quorum,
        members=members,
        place=fields.pop("place", "Cité des Associations, Marseille"),
        **fields,
    )
    if dossiers:
        agenda_add(meeting=meeting, actor=coordinator, dossiers=dossiers)
    meeting.refresh_from_db()
    return meeting


def held_meeting(coordinator, meeting: Meeting, present) -> Meeting:
    attendance_record(meeting=meeting, actor=coordinator, present_ids=[p.pk for p in present])
    meeting_transition(meeting=meeting, actor=coordinator, action="hold")
    meeting.refresh_from_db()
    return meeting
