"""Meetings: list, schedule, change, agenda, attendance, invitation, packs, workflow."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views.generic import ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from accompaniment.views.base import ServiceActionView
from ccr_portal.documents.services import latest_document
from ccr_portal.views import ServiceFormView, TransitionView

from ..calendar import ICS_MIMETYPE, meeting_calendar
from ..documents import MEETING_MINUTES, MEETING_PACK
from ..forms import AgendaForm, AttendanceForm, MeetingForm
from ..models import AgendaItem, Meeting, MeetingMember, MeetingStatus
from ..selectors import (
    agenda_candidates,
    agenda_lines,
    meetings_with_counts,
    organisation_of,
)
from ..services.agenda import agenda_add, agenda_remove
from ..services.meetings import (
    attendance_record,
    meeting_schedule,
    meeting_transition,
    meeting_update,
    packs_prepare,
)
from ..workflows import MEETING_WORKFLOW


def meeting_or_404(pk) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("campaign", "chair"), pk=pk)


class MeetingMixin:
    """The meeting of the URL, checked against the view's permission."""

    def dispatch(self, request, *args, **kwargs):
        self.meeting = meeting_or_404(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.meeting

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)


class MeetingListView(LoginRequiredMixin, PermissionRequiredMixin, ListView):
    permission_required = "committee.list_meetings"
    template_name = "committee/meeting_list.html"
    context_object_name = "meetings"
    paginate_by = 25

    def get_queryset(self):
        return meetings_with_counts(Meeting.objects.visible_to(self.request.user)).order_by(
            "-starts_at", "-pk"
        )

    def get_context_data(self, **kwargs):
        now = timezone.now()
        return super().get_context_data(now=now, **kwargs)


class MeetingCreateView(ServiceFormView):
    permission_required = "committee.schedule_meeting"
    template_name = "committee/meeting_form.html"
    form_class = MeetingForm
    success_message = "La séance est programmée : les membres invités ont reçu leur invitation."

    def get_initial(self):
        return {"duration_minutes": 180, "time": "14:00"}

    def perform(self, form):
        return meeting_schedule(
            actor=self.request.user,
            campaign=form.cleaned_data["campaign"],
            **form.service_kwargs(),
        )


class MeetingUpdateView(MeetingMixin, ServiceFormView):
    permission_required = "committee.change_meeting"
    template_name = "committee/meeting_form.html"
    form_class = MeetingForm
    success_message = "La séance est modifiée : les calendriers des membres sont mis à jour."

    def get_initial(self):
        return MeetingForm.initial_for(self.meeting)

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["campaign"].disabled = True
        return form

    def perform(self, form):
        return meeting_update(
            meeting=self.meeting, actor=self.request.user, **form.service_kwargs()
        )


class MeetingDetailView(MeetingMixin, PermissionRequiredMixin, TemplateView):
    """The meeting: its agenda with « avis donnés / attendus », and each person's actions."""

    permission_required = "committee.view_meeting"
    template_name = "committee/meeting_detail.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        meeting = self.meeting
        invitations = list(meeting.invitations.select_related("user__committee_profile"))
        # What a member sits for is their profile's; only those without one are named by
        # their provider or fund (``organisation_of``): no query when all have a profile.
        prefetch_related_objects(
            [i.user for i in invitations if not hasattr(i.user, "committee_profile")],
            "provider_organisations",
            "funder_organisations",
        )
        mine = next((i for i in invitations if i.user_id == user.pk), None)
        return super().get_context_data(
            links=self._links(user, meeting, mine),
            can_prepare_packs=user.has_perm("committee.prepare_packs", meeting),
            can_read_minutes=user.has_perm("committee.view_minutes", meeting),
            lines=agenda_lines(meeting, user, invited={i.user_id for i in invitations}),
            invitations=[(i, organisation_of(i.user)) for i in invitations],
            present_count=sum(1 for i in invitations if i.present),
            my_invitation=mine,
            my_pack=latest_document(kind=MEETING_PACK, subject=mine) if mine else None,
            transitions=MEETING_WORKFLOW.available(user, meeting),
            history=MEETING_WORKFLOW.history_of(meeting),
            minutes_kind=MEETING_MINUTES,
            **kwargs,
        )

    @staticmethod
    def _links(user, meeting, mine) -> list[tuple[str, str, str]]:
        """The buttons this person may use on this meeting, in the order of the work."""
        pk = meeting.pk
        links = [
            (
                "Ajouter à mon agenda (.ics)",
                reverse("committee:meeting-ics", args=[pk]),
                "outline-primary",
            )
        ]
        if mine is not None and not meeting.is_cancelled:
            links += [
                ("Donner mes avis", reverse("committee:opinions", args=[pk]), "primary"),
                (
                    "Déclarer mes liens d'intérêts",
                    reverse("committee:conflict-declare", args=[pk]),
                    "outline-primary",
                ),
                (
                    "Mon dossier de séance (PDF)",
                    reverse("committee:pack", args=[mine.pk]),
                    "outline-primary",
                ),
            ]
        elif user.has_perm("committee.view_opinions", meeting) and mine is None:
            links.append(
                ("Avis des membres", reverse("committee:opinions", args=[pk]), "outline-primary")
            )
        if user.has_perm("committee.change_meeting", meeting):
            links.append(
                (
                    "Modifier la séance",
                    reverse("committee:meeting-update", args=[pk]),
                    "outline-primary",
                )
            )
        if user.has_perm("committee.set_agenda", meeting):
            links.append(
                ("Ordre du jour", reverse("committee:agenda", args=[pk]), "outline-primary")
            )
        if user.has_perm("committee.record_attendance", meeting) and meeting.status in (
            MeetingStatus.SCHEDULED,
            MeetingStatus.HELD,
        ):
            links.append(
                (
                    "Relever les présences",
                    reverse("committee:attendance", args=[pk]),
                    "outline-primary",
                )
            )
        if user.has_perm("committee.record_decision", meeting) and meeting.has_taken_place:
            links.append(("Décisions", reverse("committee:decisions", args=[pk]), "primary"))
        if user.has_perm("committee.send_letter") and meeting.has_taken_place:
            links.append(
                ("Lettres de décision", reverse("committee:letters", args=[pk]), "outline-primary")
            )
        return links


class MeetingTransitionView(TransitionView):
    workflow = MEETING_WORKFLOW

    def get_subject(self):
        return meeting_or_404(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(subject_label=str(self.subject), **kwargs)

    def run(self, form):
        meeting_transition(
            meeting=self.subject,
            actor=self.request.user,
            action=self.transition.action,
            comment=form.comment,
        )


class MeetingCalendarView(MeetingMixin, PermissionRequiredMixin, TemplateView):
    """The meeting's ``.ics``, the same event as the invitations'."""

    permission_required = "committee.download_invitation"

    def get(self, request, *args, **kwargs):
        response = HttpResponse(
            meeting_calendar(self.meeting), content_type=f"{ICS_MIMETYPE}; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="comite-{self.meeting.day.isoformat()}.ics"'
        )
        response["Cache-Control"] = "private, no-store"
        return response


class AgendaView(MeetingMixin, ServiceFormView):
    permission_required = "committee.set_agenda"
    template_name = "committee/agenda_form.html"
    form_class = AgendaForm
    success_message = "L'ordre du jour est mis à jour."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "candidates": agenda_candidates(self.meeting)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            agenda=self.meeting.agenda.select_related("dossier__structure"), **kwargs
        )

    def perform(self, form):
        agenda_add(
            meeting=self.meeting,
            actor=self.request.user,
            dossiers=form.cleaned_data["dossiers"],
            assessment_override=form.cleaned_data["assessment_override"],
        )
        return self.meeting


class AgendaRemoveView(ServiceActionView):
    permission_required = "committee.set_agenda"
    success_message = "Le dossier est retiré de l'ordre du jour."

    def dispatch(self, request, *args, **kwargs):
        self.item = get_object_or_404(
            AgendaItem.objects.select_related("meeting", "dossier__structure"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.item.meeting

    def get_next_url(self):
        return self.item.meeting.get_absolute_url()

    def perform(self):
        agenda_remove(item=self.item, actor=self.request.user)


class AttendanceView(MeetingMixin, ServiceFormView):
    permission_required = "committee.record_attendance"
    template_name = "committee/attendance_form.html"
    form_class = AttendanceForm
    success_message = "Les présences sont enregistrées."

    def get_form_kwargs(self):
        self.invitations = list(self.meeting.invitations.select_related("user"))
        return {**super().get_form_kwargs(), "invitations": self.invitations}

    def get_initial(self):
        return {"present": [str(i.user_id) for i in self.meeting.invitations.filter(present=True)]}

    def perform(self, form):
        return attendance_record(
            meeting=self.meeting, actor=self.request.user, present_ids=form.cleaned_data["present"]
        )


class PacksPrepareView(MeetingMixin, ServiceActionView):
    permission_required = "committee.prepare_packs"
    success_message = (
        "Les dossiers de séance sont en préparation : chaque membre sera prévenu quand le sien "
        "sera prêt."
    )

    def perform(self):
        packs_prepare(meeting=self.meeting, actor=self.request.user)


class PackView(LoginRequiredMixin, TemplateView):
    """A member's meeting pack: being generated, or ready to download."""

    template_name = "committee/pack.html"

    def dispatch(self, request, *args, **kwargs):
        self.invitation = get_object_or_404(
            MeetingMember.objects.select_related("meeting__campaign", "user"), pk=kwargs["pk"]
        )
        if request.user.is_authenticated and not request.user.has_perm(
            "committee.view_pack", self.invitation
        ):
            raise PermissionDenied("Ce dossier de séance ne vous est pas destiné.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            invitation=self.invitation,
            meeting=self.invitation.meeting,
            pack_kind=MEETING_PACK,
            **kwargs,
        )
