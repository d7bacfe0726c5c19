"""Meetings: scheduled with invitations and their .ics, moved, cancelled, the agenda."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from applicants.models import DossierStatus
from ccr_portal.notifications.models import Notification
from committee.models import AgendaItem, ConflictOfInterest, ConflictSource, Meeting
from committee.services.agenda import agenda_add
from committee.services.meetings import meeting_schedule, meeting_transition, meeting_update
from tests.committee.factories import campaign_with_sites, committee_member, reviewed_dossier
from tests.diagnostics.factories import DiagnosticFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _event(ics: bytes | str):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_the_invitation_carries_an_ics_in_paris_time(django_capture_on_commit_callbacks):
    coordinator = UserFactory(coordinator=True)
    alice, bruno = committee_member(), committee_member()
    campaign = campaign_with_sites()
    starts = timezone.make_aware(datetime.datetime(2026, 3, 12, 14, 30), PARIS)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = meeting_schedule(
            actor=coordinator,
            campaign=campaign,
            starts_at=starts,
            duration_minutes=150,
            quorum=2,
            members=[alice, bruno],
            place="Cité des Associations, 93 La Canebière",
        )

    assert sorted(message.to[0] for message in mail.outbox) == sorted([alice.email, bruno.email])
    message = next(m for m in mail.outbox if m.to == [alice.email])
    assert message.subject == f"[Portail CCR] Invitation\u00a0: {meeting}"
    assert "le 12 mars 2026 à 14 h 30" in message.body
    ((filename, content, mimetype),) = message.attachments
    assert filename == "invitation-comite.ics"
    assert mimetype.startswith("text/calendar; method=REQUEST")
    calendar, event = _event(content)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event.decoded("DTSTART") == starts
    assert event.decoded("DTSTART").tzinfo.key == "Europe/Paris"
    assert event.decoded("DTEND") == starts + datetime.timedelta(minutes=150)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]
    assert str(event["UID"]) == f"{meeting.uid}@portail-ccr"
    assert str(event["LOCATION"]) == "Cité des Associations, 93 La Canebière"
    assert int(event["SEQUENCE"]) == 0
    assert sorted(str(a) for a in event["ATTENDEE"]) == sorted(
        [f"mailto:{alice.email}", f"mailto:{bruno.email}"]
    )
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_moving_the_meeting_updates_the_calendars_and_cancels_for_those_taken_off(
    django_capture_on_commit_callbacks,
):
    coordinator = UserFactory(coordinator=True)
    alice, bruno, chloe = committee_member(), committee_member(), committee_member()
    campaign = campaign_with_sites()
    starts = timezone.make_aware(datetime.datetime(2026, 3, 12, 14, 0), PARIS)
    meeting = meeting_schedule(
        actor=coordinator,
        campaign=campaign,
        starts_at=starts,
        quorum=2,
        members=[alice, bruno],
        place="Regain",
    )
    mail.outbox.clear()
    moved = starts + datetime.timedelta(days=7, hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        meeting_update(
            meeting=meeting,
            actor=coordinator,
            starts_at=moved,
            duration_minutes=120,
            quorum=2,
            members=[alice, chloe],
            place="Regain",
        )
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {alice.email, bruno.email, chloe.email}
    _calendar, event = _event(by_person[alice.email].attachments[0][1])
    assert event.decoded("DTSTART") == moved
    assert int(event["SEQUENCE"]) == 1
    assert "Séance modifiée" in by_person[alice.email].subject
    calendar, event = _event(by_person[bruno.email].attachments[0][1])
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == f"{meeting.uid}@portail-ccr"
    assert "Invitation" in by_person[chloe.email].subject
    assert list(meeting.members.order_by("pk")) == [alice, chloe]


def test_a_cancelled_meeting_sends_the_cancellation_with_its_reason(
    world, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        meeting_transition(
            meeting=world.meeting,
            actor=world.coordinator,
            action="cancel",
            comment="Salle indisponible, nouvelle date à venir.",
        )
    assert len(mail.outbox) == 5
    message = mail.outbox[0]
    assert "Salle indisponible, nouvelle date à venir." in message.body
    calendar, event = _event(message.attachments[0][1])
    assert (str(calendar["METHOD"]), str(event["STATUS"]), int(event["SEQUENCE"])) == (
        "CANCEL",
        "CANCELLED",
        1,
    )
    # Its dossiers stay before the committee, free for another meeting's agenda.
    assert {item.dossier.status for item in world.items} == {DossierStatus.IN_COMMITTEE}


def test_the_ics_is_downloadable_by_who_reads_the_meeting(client, world):
    url = reverse("committee:meeting-ics", args=[world.meeting.pk])
    client.force_login(world.members[0])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    _calendar, event = _event(response.content)
    assert event.decoded("DTSTART") == world.meeting.starts_at
    for intruder in (world.outsider, UserFactory(applicant=True)):
        client.force_login(intruder)
        assert client.get(url).status_code == 403


def test_putting_a_dossier_on_the_agenda_sends_it_to_the_committee(world):
    item = world.items[1]
    assert item.dossier.status == DossierStatus.IN_COMMITTEE
    step = item.dossier.transitions.get(action="send_to_committee")
    assert (step.from_status, step.to_status, step.actor) == (
        DossierStatus.UNDER_REVIEW,
        DossierStatus.IN_COMMITTEE,
        world.coordinator,
    )
    assert step.comment == f"Inscrit à l'ordre du jour : {world.meeting}."


def test_the_providers_member_conflict_is_prefilled_from_the_assignment(world):
    conflict = ConflictOfInterest.objects.get(member=world.consultant)
    assert (conflict.structure, conflict.source, conflict.kind, conflict.meeting) == (
        world.dossiers[0].structure,
        ConflictSource.PREFILLED,
        "accompanies",
        world.meeting,
    )
    assert conflict.details.startswith("RAMSESS : diagnostic complet")
    assert ConflictOfInterest.objects.count() == 1


def test_an_unvalidated_assessment_needs_a_recorded_confirmation_to_reach_the_agenda(world):
    """Issue 9, point 5, on the committee's path: warned, then confirmed with a reason."""
    dossier = reviewed_dossier(world.campaign, "Ressourcerie du Vieux-Port")
    DiagnosticFactory(
        structure=dossier.structure, purpose="assessment", dossier=dossier, assigned=True
    )
    with pytest.raises(ValidationError) as refusal:
        agenda_add(meeting=world.meeting, actor=world.coordinator, dossiers=[dossier])
    (message,) = refusal.value.message_dict["assessment_override"]
    assert message.startswith(
        "Ressourcerie du Vieux-Port : Le diagnostic d'instruction n'est pas encore validé : "
        "diagnostic léger commandé le"
    )
    assert "(« Affecté à un prestataire »)" in message
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.UNDER_REVIEW
    assert not AgendaItem.objects.filter(dossier=dossier).exists()

    (item,) = agenda_add(
        meeting=world.meeting,
        actor=world.coordinator,
        dossiers=[dossier],
        assessment_override="Le rapport arrive la veille ; le comité ne peut attendre.",
    )
    assert item.assessment_override == "Le rapport arrive la veille ; le comité ne peut attendre."
    step = dossier.transitions.get(action="send_to_committee")
    assert step.comment.endswith(
        "Sans diagnostic d'instruction validé : Le rapport arrive la veille ; le comité ne "
        "peut attendre."
    )


def test_a_dossier_not_in_instruction_is_refused_on_the_agenda(world):
    draft = reviewed_dossier(world.campaign, "Brouillon")
    draft.status = DossierStatus.DRAFT
    draft.save()
    with pytest.raises(ValidationError) as refusal:
        agenda_add(meeting=world.meeting, actor=world.coordinator, dossiers=[draft])
    assert refusal.value.message_dict["dossiers"] == [
        "« Brouillon » ne peut pas être inscrit : le dossier est « Brouillon » ou déjà à "
        "l'ordre du jour d'une séance."
    ]


def test_only_committee_members_are_invited_and_the_quorum_is_reachable(world):
    with pytest.raises(ValidationError) as refusal:
        meeting_schedule(
            actor=world.coordinator,
            campaign=world.campaign,
            starts_at=timezone.now(),
            quorum=3,
            members=[world.members[0], UserFactory(applicant=True)],
            place="Regain",
        )
    assert "ne sont pas membres du comité" in refusal.value.message_dict["members"][0]
    with pytest.raises(ValidationError) as refusal:
        meeting_schedule(
            actor=world.coordinator,
            campaign=world.campaign,
            starts_at=timezone.now(),
            quorum=3,
            members=world.members[:2],
            place="Regain",
        )
    assert refusal.value.message_dict["quorum"] == [
        "Le quorum (3) dépasse le nombre de membres invités (2)."
    ]
    assert Meeting.objects.count() == 1


def test_a_coordinator_schedules_from_the_form(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.coordinator)
    day = timezone.localdate() + datetime.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("committee:meeting-create"),
            {
                "campaign": world.campaign.pk,
                "date": day.isoformat(),
                "time": "09:30",
                "duration_minutes": "120",
                "place": "",
                "video_link": "https://visio.example.org/comite",
                "quorum": "2",
                "members": [world.members[0].pk, world.members[1].pk],
                "chair": world.members[0].pk,
            },
        )
    meeting = Meeting.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert timezone.localtime(meeting.starts_at).replace(tzinfo=None) == datetime.datetime.combine(
        day, datetime.time(9, 30)
    )
    assert (meeting.video_link, meeting.chair, meeting.quorum) == (
        "https://visio.example.org/comite",
        world.members[0],
        2,
    )
    # Neither a place nor a link: a French error, nothing saved.
    response = client.post(
        reverse("committee:meeting-create"),
        {
            "campaign": world.campaign.pk,
            "date": day.isoformat(),
            "time": "09:30",
            "duration_minutes": "120",
            "quorum": "1",
            "members": [world.members[0].pk],
        },
    )
    assert "Indiquez le lieu ou le lien de visioconférence." in response.content.decode()
    assert Meeting.objects.count() == 2
    client.force_login(world.members[0])
    assert client.get(reverse("committee:meeting-create")).status_code == 403
