"""Events: the coordination publishes them, structures register, the organiser takes attendance."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, ListView
from rules.contrib.views import PermissionRequiredMixin

from applicants.models import Membership
from ccr_portal.collation import french
from ccr_portal.views import ServiceFormView

from ..forms import AttendanceForm, EventForm, RegisterForm
from ..models import Event, EventRegistration, RegistrationStatus
from ..services.events import (
    event_create,
    event_record_attendance,
    event_register,
    event_update,
    registration_cancel,
)
from .base import ServiceActionView

REGISTERED = Q(registrations__status=RegistrationStatus.REGISTERED)
WAITLISTED = Q(registrations__status=RegistrationStatus.WAITLISTED)


class EventListView(PermissionRequiredMixin, ListView):
    permission_required = "accompaniment.view_events"
    template_name = "accompaniment/event_list.html"
    context_object_name = "events"
    paginate_by = 25

    def get_queryset(self):
        return (
            Event.objects.select_related("organiser", "campaign")
            .annotate(
                registered=Count("registrations", filter=REGISTERED),
                waitlisted=Count("registrations", filter=WAITLISTED),
            )
            .order_by("-date", "title")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class EventDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "accompaniment.view_events"
    template_name = "accompaniment/event_detail.html"
    context_object_name = "event"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Event.objects.select_related("organiser", "campaign"), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        event, user = self.object, self.request.user
        registrations = list(
            event.registrations.exclude(status=RegistrationStatus.CANCELLED).select_related(
                "structure"
            )
        )
        waitlist = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
        for position, registration in enumerate(waitlist, start=1):
            registration.position = position
        # Who takes attendance sees every registration; a structure only its own.
        sees_all = user.has_perm("accompaniment.record_attendance", event)
        if sees_all:
            shown = registrations
        else:
            mine = set(Membership.objects.filter(user=user).values_list("structure_id", flat=True))
            shown = [r for r in registrations if r.structure_id in mine]
        is_upcoming = event.date >= timezone.localdate()
        for registration in shown:
            registration.can_cancel = is_upcoming and user.has_perm(
                "accompaniment.cancel_registration", registration
            )
        registered = sum(1 for r in registrations if r.status == RegistrationStatus.REGISTERED)
        register_form = RegisterForm(user=user)
        session = getattr(event, "session", None)  # the collective session, once recorded
        return super().get_context_data(
            registrations=shown,
            sees_all=sees_all,
            registered=registered,
            waitlisted=len(waitlist),
            free=max(event.capacity - registered, 0),
            register_form=register_form
            if is_upcoming and register_form.fields["structure"].queryset.exists()
            else None,
            can_manage=user.has_perm("accompaniment.manage_events"),
            # The collective session is linked only to those who may read it.
            can_view_session=session is not None
            and user.has_perm("accompaniment.view_session", session),
            can_record=sees_all and event.date <= timezone.localdate(),
            **kwargs,
        )


class EventCreateView(ServiceFormView):
    permission_required = "accompaniment.manage_events"
    template_name = "accompaniment/event_form.html"
    form_class = EventForm
    success_message = "L'événement a été créé."

    def perform(self, form):
        return event_create(actor=self.request.user, **form.cleaned_data)


class EventUpdateView(ServiceFormView):
    permission_required = "accompaniment.manage_events"
    template_name = "accompaniment/event_form.html"
    form_class = EventForm
    success_message = "L'événement a été enregistré."

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        # The form reads a copy: a refused change leaves the stored event untouched.
        return {**super().get_form_kwargs(), "instance": Event.objects.get(pk=self.event.pk)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, **kwargs)

    def perform(self, form):
        return event_update(event=self.event, actor=self.request.user, **form.cleaned_data)


class EventRegisterView(ServiceActionView):
    permission_required = "accompaniment.view_events"

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.event

    def get_next_url(self):
        return self.event.get_absolute_url()

    def perform(self):
        form = RegisterForm(self.request.POST, user=self.request.user)
        if not form.is_valid():
            raise ValidationError("Choisissez une structure dont vous êtes éditeur.")
        registration = event_register(
            event=self.event, structure=form.cleaned_data["structure"], actor=self.request.user
        )
        if registration.status == RegistrationStatus.REGISTERED:
            messages.success(
                self.request, f"« {registration.structure} » est inscrite à « {self.event} »."
            )
        else:
            position = self.event.registrations.filter(
                status=RegistrationStatus.WAITLISTED, pk__lte=registration.pk
            ).count()
            messages.warning(
                self.request,
                f"L'événement est complet : « {registration.structure} » est sur liste d'attente "
                f"(position {position}). Elle sera inscrite si une place se libère.",
            )


class RegistrationCancelView(ServiceActionView):
    permission_required = "accompaniment.cancel_registration"
    success_message = "L'inscription a été annulée."

    def dispatch(self, request, *args, **kwargs):
        self.registration = get_object_or_404(
            EventRegistration.objects.select_related("event", "structure"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.registration

    def get_next_url(self):
        return self.registration.event.get_absolute_url()

    def perform(self):
        registration_cancel(registration=self.registration, actor=self.request.user)


class EventAttendanceView(ServiceFormView):
    permission_required = "accompaniment.record_attendance"
    template_name = "accompaniment/event_attendance.html"
    form_class = AttendanceForm
    success_message = (
        "Les présences sont enregistrées : elles comptent comme une séance collective pour "
        "chaque structure présente."
    )

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(Event.objects.select_related("organiser"), pk=kwargs["pk"])
        self.registrations = list(
            self.event.registrations.filter(status=RegistrationStatus.REGISTERED)
            .select_related("structure")
            .order_by(french("structure__name"))
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.event

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "registrations": self.registrations}

    def get_context_data(self, **kwargs):
        return super().get_context_data(event=self.event, **kwargs)

    def perform(self, form):
        event_record_attendance(
            event=self.event, actor=self.request.user, present_structure_ids=form.present_ids()
        )
        return self.event
