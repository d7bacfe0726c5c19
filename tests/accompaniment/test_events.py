"""Events: capacity, waitlist moving up on cancellation, audience, attendance as a session."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import (
    Audience,
    Event,
    EventRegistration,
    Format,
    PlanStatus,
    RegistrationStatus,
    Session,
    SessionStatus,
)
from accompaniment.selectors import plan_overview
from accompaniment.services.events import (
    event_record_attendance,
    event_register,
    event_update,
    registration_cancel,
)
from applicants.models import DossierStatus
from ccr_portal.axes import Axis
from ccr_portal.notifications.models import Notification
from ccr_portal.workflow import TransitionRefused
from tests.conftest import page_text
from tests.factories import MembershipFactory, UserFactory

from .factories import (
    EventFactory,
    consultant_of,
    drafted_plan,
    structure_with_dossier,
)

pytestmark = pytest.mark.django_db


def _editors(count):
    return [MembershipFactory(structure__name=f"Structure {n}") for n in range(count)]


def test_beyond_capacity_structures_go_on_the_waitlist_and_move_up(
    django_capture_on_commit_callbacks, mailoutbox
):
    event = EventFactory(capacity=2, title="Journée d'information CCR")
    members = _editors(4)
    registrations = [
        event_register(event=event, structure=m.structure, actor=m.user) for m in members
    ]
    assert [r.status for r in registrations] == [
        RegistrationStatus.REGISTERED,
        RegistrationStatus.REGISTERED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.WAITLISTED,
    ]

    with django_capture_on_commit_callbacks(execute=True):
        registration_cancel(registration=registrations[0], actor=members[0].user)

    statuses = dict(EventRegistration.objects.values_list("structure__name", "status"))
    assert statuses == {
        "Structure 0": RegistrationStatus.CANCELLED,
        "Structure 1": RegistrationStatus.REGISTERED,
        "Structure 2": RegistrationStatus.REGISTERED,  # first on the waitlist
        "Structure 3": RegistrationStatus.WAITLISTED,
    }
    notification = Notification.objects.get()
    assert notification.recipient == members[2].user
    assert notification.subject == "Une place s'est libérée : « Journée d'information CCR »"
    assert [message.to for message in mailoutbox] == [[members[2].user.email]]


def test_cancelling_a_waitlisted_registration_promotes_nobody():
    event = EventFactory(capacity=1)
    members = _editors(3)
    registrations = [
        event_register(event=event, structure=m.structure, actor=m.user) for m in members
    ]
    registration_cancel(registration=registrations[1], actor=members[1].user)
    assert EventRegistration.objects.get(pk=registrations[2].pk).status == (
        RegistrationStatus.WAITLISTED
    )
    assert not Notification.objects.exists()


def test_more_places_move_the_waitlist_up():
    coordinator = UserFactory(coordinator=True)
    event = EventFactory(capacity=1)
    members = _editors(3)
    for member in members:
        event_register(event=event, structure=member.structure, actor=member.user)
    event_update(event=event, actor=coordinator, capacity=2)
    assert list(EventRegistration.objects.order_by("pk").values_list("status", flat=True)) == [
        "registered",
        "registered",
        "waitlisted",
    ]
    with pytest.raises(ValidationError) as error:
        event_update(event=event, actor=coordinator, capacity=1)
    assert error.value.message_dict == {
        "capacity": [
            "2 personnes sont déjà inscrites : la capacité ne peut pas descendre en dessous."
        ]
    }
    event.refresh_from_db()
    assert event.capacity == 2
    assert EventRegistration.objects.filter(status="registered").count() == 2


def test_a_structure_registers_once_and_only_by_its_editor():
    event = EventFactory()
    member = MembershipFactory()
    stranger = UserFactory(applicant=True)
    with pytest.raises(PermissionDenied):
        event_register(event=event, structure=member.structure, actor=stranger)
    event_register(event=event, structure=member.structure, actor=member.user)
    with pytest.raises(ValidationError) as error:
        event_register(event=event, structure=member.structure, actor=member.user)
    assert error.value.messages == [
        f"« {member.structure} » est déjà inscrite à « {event.title} »."
    ]
    assert EventRegistration.objects.count() == 1


def test_a_training_for_selected_structures_refuses_the_others():
    event = EventFactory(audience=Audience.SELECTED, title="DLA collectif : le BFR")
    structure, editor, _dossier = structure_with_dossier(
        DossierStatus.SUBMITTED, name="Café de la Plaine"
    )
    with pytest.raises(ValidationError) as error:
        event_register(event=event, structure=structure, actor=editor)
    assert error.value.messages == [
        "« DLA collectif : le BFR » est réservé aux structures retenues par le comité de "
        "sélection : la candidature de « Café de la Plaine » ne l'est pas."
    ]
    assert not EventRegistration.objects.exists()
    selected, selected_editor, _ = structure_with_dossier(DossierStatus.ACCEPTED)
    assert event_register(event=event, structure=selected, actor=selected_editor).status == (
        RegistrationStatus.REGISTERED
    )


def test_attendance_counts_as_a_collective_session_for_each_structure_present():
    coordinator = UserFactory(coordinator=True)
    event = EventFactory(
        date=timezone.localdate() + datetime.timedelta(days=5),
        duration_hours=Decimal("7"),
        capacity=5,
    )
    regain = event.organiser
    plan, editor = drafted_plan(coordinator, regain, to=PlanStatus.AGREED)
    structure = plan.structure
    absent = MembershipFactory(structure__name="Absente")
    event_register(event=event, structure=structure, actor=editor)
    event_register(event=event, structure=absent.structure, actor=absent.user)
    organiser = consultant_of(regain)

    with pytest.raises(TransitionRefused):
        event_record_attendance(event=event, actor=organiser, present_structure_ids=[structure.pk])
    assert not Session.objects.exists()
    event.date = timezone.localdate()
    event.save()
    session = event_record_attendance(
        event=event, actor=organiser, present_structure_ids=[structure.pk]
    )

    assert (session.format, session.status, session.provider, session.days) == (
        Format.COLLECTIVE,
        SessionStatus.HELD,
        regain,
        Decimal("1.00"),
    )
    assert list(session.attendances.values_list("structure__name", "action__plan")) == [
        (structure.name, plan.pk)
    ]
    assert plan_overview(plan).consumed_days == Decimal("1.00")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.IN_PROGRESS
    assert dict(event.registrations.values_list("structure__name", "attended")) == {
        structure.name: True,
        "Absente": False,
    }
    # Taking attendance again updates the same session.
    event_record_attendance(event=event, actor=organiser, present_structure_ids=[])
    assert Session.objects.count() == 1
    assert plan_overview(plan).consumed_days == Decimal("0")


def test_the_event_links_its_session_only_to_those_who_may_read_it(client):
    event = EventFactory(date=timezone.localdate(), capacity=5)
    present, absent = _editors(2)
    event_register(event=event, structure=present.structure, actor=present.user)
    event_register(event=event, structure=absent.structure, actor=absent.user)
    session = event_record_attendance(
        event=event,
        actor=consultant_of(event.organiser),
        present_structure_ids=[present.structure.pk],
    )
    page = reverse("accompaniment:event-detail", args=[event.pk])
    link = f'href="{session.get_absolute_url()}"'

    seen = {}
    for name, person in [("present", present.user), ("absent", absent.user)]:
        client.force_login(person)
        seen[name] = (
            link in client.get(page).content.decode(),
            client.get(session.get_absolute_url()).status_code,
        )
    client.force_login(UserFactory(coordinator=True))
    seen["coordinator"] = (link in client.get(page).content.decode(), 200)
    assert seen == {"present": (True, 200), "absent": (False, 403), "coordinator": (True, 200)}


def test_only_the_organiser_or_the_coordination_takes_attendance():
    event = EventFactory(date=timezone.localdate())
    other = consultant_of(EventFactory().organiser)
    with pytest.raises(PermissionDenied):
        event_record_attendance(event=event, actor=other, present_structure_ids=[])
    assert not Session.objects.exists()


def test_event_page_hides_the_other_structures_registrations(client):
    event = EventFactory(capacity=1)
    first, second = _editors(2)
    event_register(event=event, structure=first.structure, actor=first.user)
    event_register(event=event, structure=second.structure, actor=second.user)

    client.force_login(second.user)
    text = page_text(client.get(reverse("accompaniment:event-detail", args=[event.pk])))
    assert "Structure 1" in text
    assert "Sur liste d'attente (position 1)" in text
    assert "Structure 0" not in text

    client.force_login(UserFactory(coordinator=True))
    text = page_text(client.get(reverse("accompaniment:event-detail", args=[event.pk])))
    assert "Structure 0" in text
    assert "Structure 1" in text


def test_registering_through_the_page_says_when_it_is_the_waitlist(client):
    event = EventFactory(capacity=1)
    first, second = _editors(2)
    event_register(event=event, structure=first.structure, actor=first.user)
    client.force_login(second.user)
    response = client.post(
        reverse("accompaniment:event-register", args=[event.pk]),
        {"structure": second.structure.pk},
        follow=True,
    )
    assert (
        "L'événement est complet : « Structure 1 » est sur liste d'attente (position 1)."
        in page_text(response)
    )


@pytest.mark.parametrize("count", [2, 30])
def test_event_list_query_count_is_bounded(client, count, django_assert_max_num_queries):
    member = MembershipFactory()
    for _ in range(count):
        event = EventFactory()
        event_register(event=event, structure=member.structure, actor=member.user)
    client.force_login(member.user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accompaniment:event-list"))
    assert page_text(response).count("1 / 2") == min(count, 25)


def test_the_coordination_creates_an_event_through_the_form(client):
    coordinator = UserFactory(coordinator=True)
    organiser = EventFactory().organiser
    client.force_login(coordinator)
    day = timezone.localdate() + datetime.timedelta(days=20)
    data = {
        "kind": "collective_training",
        "title": "DLA collectif : la stratégie marketing",
        "date": day.isoformat(),
        "start_time": "09:30",
        "duration_hours": "3.5",
        "place": "APEAS, Marseille",
        "capacity": "12",
        "audience": "selected",
        "axis": Axis.SECURING,
        "organiser": organiser.pk,
    }
    url = reverse("accompaniment:event-create")
    response = client.post(url, {**data, "capacity": "0"})
    assert "Assurez-vous que cette valeur est supérieure ou égale à 1." in page_text(response)
    assert not Event.objects.filter(title__startswith="DLA collectif").exists()
    response = client.post(url, data)
    event = Event.objects.get(title="DLA collectif : la stratégie marketing")
    assert response.url == event.get_absolute_url()
    assert (event.capacity, event.created_by) == (12, coordinator)
    client.force_login(UserFactory(applicant=True))
    assert client.get(url).status_code == 403
    assert client.post(url, {**data, "title": "Refusé"}).status_code == 403
    assert not Event.objects.filter(title="Refusé").exists()
