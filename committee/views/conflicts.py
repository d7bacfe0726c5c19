"""Conflicts of interest: a member's declaration for a meeting, the coordination's register."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView

from ccr_portal.views import ServiceFormView

from ..forms import ConflictDeclarationForm, ConflictRecordForm, ConflictWithdrawForm
from ..models import ConflictOfInterest
from ..selectors import organisation_links
from ..services.conflicts import conflict_record, conflict_withdraw, conflicts_declare
from .meetings import MeetingMixin


class ConflictDeclareView(MeetingMixin, ServiceFormView):
    """A member answers, for one meeting, about their links with the agenda's structures;
    a provider's or funder's member finds their organisation's links already filled in."""

    permission_required = "committee.declare_conflicts"
    template_name = "committee/conflict_declare.html"
    form_class = ConflictDeclarationForm
    success_message = "Votre déclaration de liens d'intérêts est enregistrée."

    def get_form_kwargs(self):
        user = self.request.user
        items = list(self.meeting.agenda.select_related("dossier__structure"))
        structure_ids = [item.dossier.structure_id for item in items]
        existing = {
            conflict.structure_id: conflict
            for conflict in ConflictOfInterest.objects.filter(
                member=user, structure_id__in=structure_ids, withdrawn_at__isnull=True
            )
        }
        return {
            **super().get_form_kwargs(),
            "items": items,
            "existing": existing,
            "suggestions": organisation_links(user, structure_ids),
        }

    def perform(self, form):
        conflicts_declare(
            meeting=self.meeting, actor=self.request.user, declarations=form.declarations()
        )
        return self.meeting


class ConflictListView(LoginRequiredMixin, TemplateView):
    """The coordination: every link, and a form to record one. A member: their own links."""

    template_name = "committee/conflict_list.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        conflicts = ConflictOfInterest.objects.select_related(
            "member", "structure", "recorded_by", "meeting", "withdrawn_by"
        )
        can_record = user.has_perm("committee.record_conflict")
        if not can_record:
            conflicts = conflicts.filter(member=user)
        return super().get_context_data(
            conflicts=conflicts.order_by("withdrawn_at", "structure__name", "member__last_name"),
            can_record=can_record,
            form=ConflictRecordForm() if can_record else None,
            **kwargs,
        )


class ConflictRecordView(ServiceFormView):
    permission_required = "committee.record_conflict"
    template_name = "committee/conflict_record.html"
    form_class = ConflictRecordForm
    success_message = "Le lien d'intérêts est enregistré."

    def perform(self, form):
        return conflict_record(actor=self.request.user, **form.cleaned_data)

    def get_result_url(self, result):
        return reverse("committee:conflict-list")


class ConflictWithdrawView(ServiceFormView):
    permission_required = "committee.record_conflict"
    template_name = "committee/conflict_withdraw.html"
    form_class = ConflictWithdrawForm

    def dispatch(self, request, *args, **kwargs):
        self.conflict = get_object_or_404(
            ConflictOfInterest.objects.select_related("member", "structure"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(conflict=self.conflict, **kwargs)

    def perform(self, form):
        conflict_withdraw(
            conflict=self.conflict, actor=self.request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(self.request, f"Le lien de {self.conflict.member} est levé.")
        return self.conflict

    def get_result_url(self, result):
        return reverse("committee:conflict-list")
