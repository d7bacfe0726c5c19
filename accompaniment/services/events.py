"""Information days and collective trainings: registration, waitlist, attendance."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applicants.models import Campaign, Dossier, Structure
from applicants.people import structure_editors
from ccr_portal.notifications.services import notify_many
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
    registered = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    if event.capacity is not None and event.capacity < registered:
        raise ValidationError(
            {
                "capacity": f"{registered} structures sont déjà inscrites : la capacité ne peut "
                "pas descendre en dessous."
            }
        )
    event.full_clean()
    event.save()
    _promote_waitlist(event)
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


@transaction.atomic
def event_register(*, event: Event, structure: Structure, actor: User) -> EventRegistration:
    """Register the structure; beyond capacity it goes on the waitlist, in arrival order."""
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
    registered = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    registration = EventRegistration(
        event=event,
        structure=structure,
        status=(
            RegistrationStatus.REGISTERED
            if registered < event.capacity
            else RegistrationStatus.WAITLISTED
        ),
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
    _promote_waitlist(event)
    return registration


def _promote_waitlist(event: Event) -> list[EventRegistration]:
    registered = event.registrations.filter(status=RegistrationStatus.REGISTERED).count()
    free = max(event.capacity - registered, 0)
    promoted = list(
        event.registrations.filter(status=RegistrationStatus.WAITLISTED)
        .select_related("structure")
        .order_by("created_at", "pk")[:free]
    )
    now = timezone.now()
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        notify_many(
            recipients=structure_editors(registration),
            subject=f"Une place s'est libérée : « {event.title} »",
            template="accompaniment_registration_promoted",
            context={
                "structure": registration.structure.name,
                "event": event.title,
                "date": event.date.isoformat(),
                "place": event.place,
            },
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
    *, event: Event, actor: User, present_structure_ids: Iterable[int]
) -> Session:
    """Record who came; attendance becomes a held collective session for each structure present."""
    if not actor.has_perm("accompaniment.record_attendance", event):
        raise PermissionDenied("Seuls l'organisateur et la coordination relèvent les présences.")
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.date > timezone.localdate():
        raise TransitionRefused("Les présences se relèvent le jour de l'événement ou après.")
    present = set(present_structure_ids)
    registrations = list(
        event.registrations.filter(status=RegistrationStatus.REGISTERED).select_related("structure")
    )
    unknown = present - {registration.structure_id for registration in registrations}
    if unknown:
        raise ValidationError({"present": "Seules les structures inscrites peuvent être pointées."})
    for registration in registrations:
        registration.attended = registration.structure_id in present
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
    for registration in attended:
        action = _open_action_for(event, registration.structure_id)
        SessionAttendance.objects.create(
            session=session, structure=registration.structure, action=action
        )
        if action is not None:
            plan_start_on_first_session(plan=action.plan, actor=actor)
    return session
