"""Decisions: recorded several at once with the opinions side by side, then the letters."""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.generic import TemplateView, View
from rules.contrib.views import PermissionRequiredMixin

from accompaniment.views.base import ServiceActionView
from ccr_portal.documents.services import latest_document

from ..documents import DECISION_LETTER
from ..forms import DecisionForm
from ..letters import render_letter
from ..models import Decision, DecisionStatus, InstructionNote, MeetingStatus
from ..selectors import agenda_lines, opinion_tally, opinions_by_item, organisation_of
from ..services.decisions import (
    DecisionEntry,
    DecisionsRefused,
    decision_send_letter,
    decisions_record,
    letters_send,
)
from ..workflows import DECISION_WORKFLOW
from .meetings import MeetingMixin


def decision_or_404(pk) -> Decision:
    return get_object_or_404(
        Decision.objects.select_related(
            "item__meeting__campaign", "item__dossier__structure", "item__dossier__campaign", "site"
        ),
        pk=pk,
    )


class DecisionsView(MeetingMixin, PermissionRequiredMixin, View):
    """The secretary's page: each undecided file with its decision form and the members'
    opinions side by side; the decided ones with their outcome. One button records all."""

    permission_required = "committee.record_decision"
    template_name = "committee/decisions.html"

    def _rows(self, data=None):
        user = self.request.user
        lines = agenda_lines(self.meeting, user)
        items = [line.item for line in lines]
        opinions = opinions_by_item(items)
        notes = {
            note.dossier_id: note
            for note in InstructionNote.objects.filter(
                dossier_id__in=[item.dossier_id for item in items]
            )
        }
        sites = list(self.meeting.campaign.sites.all())
        rows = []
        for line in lines:
            item = line.item
            form = None
            decided = line.decision is not None and line.decision.is_recorded
            open_file = item.dossier.status == "in_committee"
            if not decided and open_file and user.has_perm("committee.record_decision", item):
                note = notes.get(item.dossier_id)
                initial = {}
                if note is not None:
                    initial = {
                        "site": str(note.proposed_site_id or ""),
                        "conditions": note.proposed_conditions,
                    }
                form = DecisionForm(
                    data, item=item, sites=sites, warning=line.warning, initial=initial
                )
            visible = opinions[item.pk] if user.has_perm("committee.view_opinions", item) else []
            rows.append(
                {
                    "line": line,
                    "form": form,
                    "decided": decided,
                    "note": notes.get(item.dossier_id),
                    "opinions": visible,
                    "tally": opinion_tally(visible),
                }
            )
        return rows

    def _render(self, rows):
        invitations = list(self.meeting.invitations.select_related("user"))
        present = [i for i in invitations if i.present]
        return render(
            self.request,
            self.template_name,
            {
                "meeting": self.meeting,
                "rows": rows,
                "has_forms": any(row["form"] for row in rows),
                "present": present,
                "quorum_reached": len(present) >= self.meeting.quorum,
                "can_record_attendance": self.request.user.has_perm(
                    "committee.record_attendance", self.meeting
                )
                and self.meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.HELD),
            },
        )

    def get(self, request, *args, **kwargs):
        return self._render(self._rows())

    def post(self, request, *args, **kwargs):
        rows = self._rows(request.POST)
        forms = [row["form"] for row in rows if row["form"] is not None]
        if not all(form.is_valid() for form in forms):
            messages.error(request, "Aucune décision n'a été enregistrée : corrigez le formulaire.")
            return self._render(rows)
        filled = [form for form in forms if form.is_filled]
        if not filled:
            messages.info(request, "Aucune décision n'a été choisie : rien n'est enregistré.")
            return self._render(rows)
        try:
            decisions = decisions_record(
                meeting=self.meeting,
                actor=request.user,
                entries=[DecisionEntry(**form.entry_kwargs()) for form in filled],
            )
        except DecisionsRefused as refused:
            for form in filled:
                if form.item.pk in refused.errors:
                    form.add_service_error(refused.errors[form.item.pk])
            messages.error(
                request,
                "Aucune décision n'a été enregistrée : corrigez les dossiers signalés. Ce que "
                "vous avez écrit est conservé.",
            )
            return self._render(rows)
        count = len(decisions)
        messages.success(
            request,
            f"{count} décision{'s' if count > 1 else ''} enregistrée{'s' if count > 1 else ''}.",
        )
        return HttpResponseRedirect(request.path)


class DecisionDetailView(PermissionRequiredMixin, TemplateView):
    permission_required = "committee.view_decision"
    template_name = "committee/decision_detail.html"

    def dispatch(self, request, *args, **kwargs):
        self.decision = decision_or_404(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.decision

    def get_context_data(self, **kwargs):
        user = self.request.user
        decision = self.decision
        internal = user.has_perm("committee.view_meeting", decision.item.meeting)
        return super().get_context_data(
            decision=decision,
            meeting=decision.item.meeting,
            structure=decision.item.dossier.structure,
            recommendations=decision.recommendations.select_related("action"),
            present=[(p, organisation_of(p)) for p in decision.present_members.all()]
            if internal
            else [],
            abstaining=list(decision.abstaining_members.all()) if internal else [],
            internal=internal,
            letter=latest_document(kind=DECISION_LETTER, subject=decision)
            if user.has_perm("committee.view_letter", decision)
            else None,
            can_send=user.has_perm("committee.send_letter", decision)
            and decision.status == DecisionStatus.RECORDED,
            history=DECISION_WORKFLOW.history_of(decision),
            **kwargs,
        )


class LetterPreviewView(PermissionRequiredMixin, TemplateView):
    """The letter exactly as the structure will read it, before it is sent."""

    permission_required = "committee.send_letter"
    template_name = "committee/letter_preview.html"

    def dispatch(self, request, *args, **kwargs):
        self.decision = decision_or_404(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.decision

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            decision=self.decision, letter=render_letter(self.decision), **kwargs
        )


class LetterSendView(ServiceActionView):
    permission_required = "committee.send_letter"
    success_message = "La lettre est envoyée à la structure."

    def dispatch(self, request, *args, **kwargs):
        self.decision = decision_or_404(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.decision

    def perform(self):
        decision_send_letter(decision=self.decision, actor=self.request.user)


class LettersView(MeetingMixin, PermissionRequiredMixin, TemplateView):
    """Every letter of the meeting, previewed, and one button to send those not sent."""

    permission_required = "committee.send_letter"
    template_name = "committee/letters.html"

    def get_context_data(self, **kwargs):
        decisions = list(
            Decision.objects.filter(
                item__meeting=self.meeting,
                status__in=(DecisionStatus.RECORDED, DecisionStatus.NOTIFIED),
            )
            .select_related(
                "item__meeting", "item__dossier__structure", "item__dossier__campaign", "site"
            )
            .prefetch_related("recommendations")
            .order_by("item__position", "item__pk")
        )
        return super().get_context_data(
            letters=[(decision, render_letter(decision)) for decision in decisions],
            to_send=sum(1 for d in decisions if d.status == DecisionStatus.RECORDED),
            **kwargs,
        )


class LettersSendView(MeetingMixin, ServiceActionView):
    permission_required = "committee.send_letter"

    def get_next_url(self):
        return reverse("committee:letters", kwargs={"pk": self.meeting.pk})

    def perform(self):
        count = letters_send(meeting=self.meeting, actor=self.request.user)
        messages.success(
            self.request,
            f"{count} lettre{'s' if count > 1 else ''} envoyée{'s' if count > 1 else ''}.",
        )
