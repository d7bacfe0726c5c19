"""Information days and collective trainings: registration, waitlist, attendance."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from applicants.models import Campaign, Dossier, Structure
from applicants.people import structure_editors
from ccr_portal.notifications.services import email_address, notify_many
from ccr_portal.users.models import Provider, User
from ccr_portal.workflow import TransitionRefused

from ..models import (
    ActionStatus,
    Audience,
    Event,
    EventRegistration,
    Format,
    PlanAction,
    RegistrationStatus,
    Session,
    SessionAttendance,
    SessionStatus,
)
from .guest_tokens import guest_cancel_url
from .plans import plan_start_on_first_session
from .sessions import OPEN_PLAN_STATUSES

EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "campaign",
    "date",
    "start_time",
    "duration_hours",
    "place",
    "capacity",
    "audience",
    "axis",
    "organiser",
)


def _check_manage(actor: User) -> None:
    if not actor.has_perm("accompaniment.manage_events"):
        raise PermissionDenied("Seule la coordination organise les événements.")


@transaction.atomic
def event_create(
    *,
    actor: User,
    kind: str,
    title: str,
    date: datetime.date,
    place: str,
    capacity: int,
    audience: str,
    organiser: Provider,
    axis: str,
    duration_hours: Decimal = Decimal("3.5"),
    start_time: datetime.time | None = None,
    campaign: Campaign | None = None,
    description: str = "",
) -> Event:
    _check_manage(actor)
    event = Event(
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        campaign=campaign,
        date=date,
        start_time=start_time,
        duration_hours=duration_hours,
        place=place.strip(),
        capacity=capacity,
        audience=audience,
        axis=axis,
        organiser=organiser,
        created_by=actor,
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def event_update(*, event: Event, actor: User, **fields) -> Event:
    """Change the event; more places move the waitlist up."""
    _check_manage(actor)
    event = Event.objects.select_for_update().get(pk=event.pk)
    for name, value in fields.items():
        if name not in EVENT_FIELDS:
            raise TypeError(f"Unknown event field {name}")
        setattr(event, name, value.strip() if isinstance(value, str) else value)
    registered = persons_registered(event)
    if event.capacity is not None and event.capacity < registered:
        raise ValidationError(
            {
                "capacity": (
                    f"{registered} personnes sont déjà inscrites"
                    if registered > 1
                    else "1 personne est déjà inscrite"
                )
                + " : la capacité ne peut pas descendre en dessous."
            }
        )
    event.full_clean()
    event.save()
    waitlist_promote(event)
    return event


def _check_audience(event: Event, structure: Structure) -> None:
    if event.audience != Audience.SELECTED:
        return
    dossiers = Dossier.objects.filter(structure=structure)
    if event.campaign_id:
        dossiers = dossiers.filter(campaign_id=event.campaign_id)
    if not any(dossier.is_selected for dossier in dossiers):
        raise ValidationError(
            f"« {event.title} » est réservé aux structures retenues par le comité de sélection : "
            f"la candidature de « {structure} » ne l'est pas."
        )


def persons_registered(event: Event) -> int:
    """The places taken: the persons of the confirmed registrations off the waitlist."""
    return (
        event.registrations.filter(status=RegistrationStatus.REGISTERED).aggregate(
            total=Sum("persons")
        )["total"]
        or 0
    )


def status_on_arrival(event: Event, persons: int) -> str:
    """A place if the persons fit and nobody waits before them; the waitlist otherwise."""
    someone_waits = event.registrations.filter(status=RegistrationStatus.WAITLISTED).exists()
    if not someone_waits and persons_registered(event) + persons <= event.capacity:
        return RegistrationStatus.REGISTERED
    return RegistrationStatus.WAITLISTED


@transaction.atomic
def event_register(
    *, event: Event, structure: Structure, actor: User, persons: int = 1
) -> EventRegistration:
    """Register the structure's persons; beyond capacity they wait, in arrival order."""
    if not actor.has_perm("accompaniment.register_structure", structure):
        raise PermissionDenied("Seul un éditeur de la structure peut l'inscrire.")
    # The lock serialises registrations: two structures cannot take the last place.
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.date < timezone.localdate():
        raise TransitionRefused("Les inscriptions sont closes : l'événement a eu lieu.")
    _check_audience(event, structure)
    if (
        event.registrations.filter(structure=structure)
        .exclude(status=RegistrationStatus.CANCELLED)
        .exists()
    ):
        raise ValidationError(f"« {structure} » est déjà inscrite à « {event.title} ».")
    registration = EventRegistration(
        event=event,
        structure=structure,
        persons=persons,
        status=status_on_arrival(event, persons),
        registered_by=actor,
    )
    registration.full_clean()
    registration.save()
    return registration


@transaction.atomic
def registration_cancel(*, registration: EventRegistration, actor: User) -> EventRegistration:
    """Cancel a registration; the first structure on the waitlist takes the freed place."""
    if not actor.has_perm("accompaniment.cancel_registration", registration):
        raise PermissionDenied("Seul un éditeur de la structure peut annuler son inscription.")
    event = Event.objects.select_for_update().get(pk=registration.event_id)
    registration = EventRegistration.objects.get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise TransitionRefused("Cette inscription est déjà annulée.")
    if event.date < timezone.localdate():
        raise TransitionRefused("L'événement a eu lieu : l'inscription ne peut plus être annulée.")
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    waitlist_promote(event)
    return registration


def waitlist_promote(event: Event) -> list[EventRegistration]:
    """Freed places go to the waitlist in its order; a group is never split, nor overtaken."""
    free = max(event.capacity - persons_registered(event), 0)
    promoted = []
    waitlist = (
        event.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .select_related("structure")
        .order_by("created_at", "pk")
    )
    for registration in waitlist:
        if registration.persons > free:
            break
        free -= registration.persons
        promoted.append(registration)
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        subject = f"Une place s'est libérée : « {event.title} »"
        context = {
            "structure": registration.structure_name,
            "event": event.title,
            "date": event.date.isoformat(),
            "place": event.place,
            "persons": registration.persons,
        }
        if registration.is_guest:
            email_address(
                to=registration.guest_email,
                subject=subject,
                template="accompaniment_registration_promoted",
                context={
                    **context,
                    "guest": True,
                    "cancel_url": f"{settings.SITE_URL}{guest_cancel_url(registration)}",
                },
                url=reverse("accompaniment:event-public", kwargs={"pk": event.pk}),
            )
            continue
        notify_many(
            recipients=structure_editors(registration),
            subject=subject,
            template="accompaniment_registration_promoted",
            context=context,
            url=reverse("accompaniment:event-detail", kwargs={"pk": event.pk}),
        )
    return promoted


def _open_action_for(event: Event, structure_id: int) -> PlanAction | None:
    """The structure's open action on the event's axis with the organiser, if any."""
    return (
        PlanAction.objects.filter(
            plan__structure_id=structure_id,
            plan__status__in=OPEN_PLAN_STATUSES,
            axis=event.axis,
            provider_id=event.organiser_id,
            status=ActionStatus.PLANNED,
        )
        .select_related("plan")
        .order_by("pk")
        .first()
    )


@transaction.atomic
def event_record_attendance(
    *,
    event: Event,
    actor: User,
    present_structure_ids: Iterable[int],
    present_guest_ids: Iterable[int] = (),
) -> Session:
    """Record who came; attendance becomes a held collective session for each structure present.

    Visitors registered without an account (``present_guest_ids``: their registrations)
    are pointed too, but have no structure in the portal to count a session for.
    """
    if not actor.has_perm("accompaniment.record_attendance", event):
        raise PermissionDenied("Seuls l'organisateur et la coordination relèvent les présences.")
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.date > timezone.localdate():
        raise TransitionRefused("Les présences se relèvent le jour de l'événement ou après.")
    present, guests_present = set(present_structure_ids), set(present_guest_ids)
    registrations = list(
        event.registrations.filter(status=RegistrationStatus.REGISTERED).select_related("structure")
    )
    unknown = present - {r.structure_id for r in registrations if not r.is_guest}
    unknown_guests = guests_present - {r.pk for r in registrations if r.is_guest}
    if unknown or unknown_guests:
        raise ValidationError({"present": "Seules les structures inscrites peuvent être pointées."})
    for registration in registrations:
        registration.attended = (
            registration.pk in guests_present
            if registration.is_guest
            else registration.structure_id in present
        )
        registration.save(update_fields=["attended"])
    event.attendance_recorded_at = timezone.now()
    event.save(update_fields=["attendance_recorded_at"])

    attended = [r for r in registrations if r.attended]
    session, _ = Session.objects.update_or_create(
        event=event,
        defaults={
            "provider": event.organiser,
            "date": event.date,
            "duration_hours": event.duration_hours,
            "axis": event.axis,
            "theme": event.title,
            "format": Format.COLLECTIVE,
            "status": SessionStatus.HELD,
            "participants": "",
            "summary": f"{event.get_kind_display()} : {len(attended)} structure(s) présente(s) "
            f"sur {len(registrations)} inscrite(s).",
            "created_by": actor,
        },
    )
    session.attendances.all().delete()
    for registration in (r for r in attended if not r.is_guest):
        action = _open_action_for(event, registration.structure_id)
        SessionAttendance.objects.create(
            session=session, structure=registration.structure, action=action
        )
        if action is not None:
            plan_start_on_first_session(plan=action.plan, actor=actor)
    return session
