"""Events: the coordination publishes them, structures register, the organiser takes attendance."""

from allauth.core import ratelimit
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import DetailView, FormView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.models import Membership
from ccr_portal.collation import french
from ccr_portal.views import ServiceFormView
from ccr_portal.workflow import TransitionRefused

from ..forms import AttendanceForm, EventForm, GuestRegisterForm, RegisterForm
from ..models import (
    MAX_PERSONS_PER_REGISTRATION,
    Event,
    EventKind,
    EventRegistration,
    RegistrationStatus,
)
from ..services.events import (
    event_create,
    event_record_attendance,
    event_register,
    event_update,
    registration_cancel,
)
from ..services.guest_tokens import (
    GuestLinkExpired,
    GuestLinkInvalid,
    registration_to_cancel,
    registration_to_confirm,
)
from ..services.guests import (
    event_guest_confirm,
    event_guest_register,
    event_is_open_to_guests,
    guest_registration_cancel,
)
from .base import ServiceActionView

REGISTERED = Q(registrations__status=RegistrationStatus.REGISTERED)
WAITLISTED = Q(registrations__status=RegistrationStatus.WAITLISTED)
# A visitor's unconfirmed request takes no place and is listed nowhere.
SHOWN = (RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED)


class EventListView(PermissionRequiredMixin, ListView):
    permission_required = "accompaniment.view_events"
    template_name = "accompaniment/event_list.html"
    context_object_name = "events"
    paginate_by = 25

    def get_queryset(self):
        return (
            Event.objects.select_related("organiser", "campaign")
            .annotate(
                registered=Coalesce(Sum("registrations__persons", filter=REGISTERED), 0),
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
            event.registrations.filter(status__in=SHOWN).select_related("structure")
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
        registered = sum(
            r.persons for r in registrations if r.status == RegistrationStatus.REGISTERED
        )
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
            is_public=event_is_open_to_guests(event),
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
            if "structure" in form.errors:
                raise ValidationError("Choisissez une structure dont vous êtes éditeur.")
            raise ValidationError(
                f"Indiquez un nombre de personnes entre 1 et {MAX_PERSONS_PER_REGISTRATION}."
            )
        registration = event_register(
            event=self.event,
            structure=form.cleaned_data["structure"],
            actor=self.request.user,
            persons=form.cleaned_data["persons"],
        )
        if registration.status == RegistrationStatus.REGISTERED:
            persons = registration.persons
            messages.success(
                self.request,
                f"« {registration.structure} » est inscrite à « {self.event} » "
                f"({persons} personne{'s' if persons > 1 else ''}).",
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
            event=self.event,
            actor=self.request.user,
            present_structure_ids=form.present_ids(),
            present_guest_ids=form.present_guest_ids(),
        )
        return self.event


# --- The public page of an information day, for visitors without an account ---------

GUEST_SENT = (
    "Merci. Un e-mail va être envoyé à l'adresse indiquée : ouvrez le lien qu'il contient pour "
    "confirmer l'inscription. Tant qu'elle n'est pas confirmée, aucune place n'est réservée."
)


class EventPublicView(FormView):
    """An information day as the public reads it; a visitor registers with a name and an e-mail.

    Guarded against robots by a field no person sees and by allauth's rate limits
    (per client address, per e-mail). Whatever the address, the answer is the same.
    """

    template_name = "accompaniment/event_public.html"
    form_class = GuestRegisterForm

    def dispatch(self, request, *args, **kwargs):
        self.event = get_object_or_404(
            Event.objects.select_related("organiser", "campaign"),
            pk=kwargs["pk"],
            kind=EventKind.INFORMATION_DAY,
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        event = self.event
        registered = (
            event.registrations.filter(status=RegistrationStatus.REGISTERED).aggregate(
                total=Sum("persons")
            )["total"]
            or 0
        )
        return super().get_context_data(
            event=event,
            free=max(event.capacity - registered, 0),
            is_past=event.date < timezone.localdate(),
            is_open=event_is_open_to_guests(event),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if request.user.is_authenticated or not event_is_open_to_guests(self.event):
            return redirect("accompaniment:event-public", pk=self.event.pk)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        done = HttpResponseRedirect(reverse("accompaniment:event-public", args=[self.event.pk]))
        if form.is_robot():
            messages.success(self.request, GUEST_SENT)
            return done
        if not ratelimit.consume(self.request, action="event_guest_register"):
            form.add_error(
                None,
                "Trop d'inscriptions ont été envoyées depuis votre connexion : réessayez dans "
                "une heure.",
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        email = form.cleaned_data["email"].strip().lower()
        # Past the limit for one address, nothing more is sent to it, and nothing says so.
        if ratelimit.consume(self.request, action="event_guest_email", key=email):
            try:
                event_guest_register(
                    event=self.event,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    structure_name=form.cleaned_data["structure_name"],
                    persons=form.cleaned_data["persons"],
                )
            except ValidationError as error:
                form.add_service_error(error)
                return self.form_invalid(form)
            except TransitionRefused as refused:
                form.add_error(None, refused.message)
                return self.form_invalid(form)
        messages.success(self.request, GUEST_SENT)
        return done


class GuestLinkView(TemplateView):
    """A link e-mailed to a visitor: GET shows the step, the button POSTs it.

    A mail client's link preview (a GET) never confirms nor cancels anything.
    """

    template_name = "accompaniment/event_guest_link.html"
    load = None
    perform = None
    step = ""
    title = ""
    button = ""
    done_message = ""

    def dispatch(self, request, *args, **kwargs):
        try:
            self.registration = self.load(kwargs["token"])
        except GuestLinkExpired:
            return self._refused(
                "Ce lien a expiré. Inscrivez-vous à nouveau : un nouveau lien vous sera envoyé."
            )
        except GuestLinkInvalid:
            return self._refused("Ce lien n'est pas valide. Vérifiez qu'il est complet.")
        return super().dispatch(request, *args, **kwargs)

    def _refused(self, text):
        response = self.render_to_response({"view": self, "refusal": text})
        response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(registration=self.registration, **kwargs)

    def post(self, request, *args, **kwargs):
        try:
            registration = self.perform(registration=self.registration)
        except TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, self.message_for(registration))
        return redirect("accompaniment:event-public", pk=self.registration.event_id)

    def message_for(self, registration) -> str:
        return self.done_message


class GuestConfirmView(GuestLinkView):
    load = staticmethod(registration_to_confirm)
    perform = staticmethod(event_guest_confirm)
    step = "confirm"
    title = "Confirmer l'inscription"
    button = "Confirmer l'inscription"

    def message_for(self, registration) -> str:
        if registration.status == RegistrationStatus.WAITLISTED:
            return (
                f"L'inscription de « {registration.structure_name} » est confirmée : l'événement "
                "est complet, elle est sur liste d'attente. Nous vous écrirons si une place se "
                "libère."
            )
        return f"L'inscription de « {registration.structure_name} » est confirmée."


class GuestCancelView(GuestLinkView):
    load = staticmethod(registration_to_cancel)
    perform = staticmethod(guest_registration_cancel)
    step = "cancel"
    title = "Annuler l'inscription"
    button = "Annuler l'inscription"
    done_message = "L'inscription est annulée : merci d'avoir laissé la place."
