"""Opinions on the whole agenda from one page: one's own, then the others' (confidential)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.generic import View
from rules.contrib.views import PermissionRequiredMixin

from ccr_portal.workflow import TransitionRefused

from ..forms import OpinionForm
from ..selectors import agenda_lines, opinion_tally, opinions_by_item
from ..services.opinions import opinions_give
from .meetings import MeetingMixin


class OpinionsView(MeetingMixin, PermissionRequiredMixin, View):
    """Every file of the agenda: the member's opinion form where they may give one, the
    others' opinions where they gave theirs, « avis donnés / attendus » everywhere."""

    permission_required = "committee.view_meeting"
    template_name = "committee/opinions.html"

    def _rows(self, data=None):
        user = self.request.user
        lines = agenda_lines(self.meeting, user, warnings=False)
        commitments = list(self.meeting.campaign.charter_commitments.all())
        score_fields = OpinionForm.score_fields_for(commitments)
        items = [line.item for line in lines]
        readable = {item.pk for item in items if user.has_perm("committee.view_opinions", item)}
        opinions = opinions_by_item(readable)
        rows = []
        for line in lines:
            item = line.item
            form = None
            if user.has_perm("committee.give_opinion", item):
                # One's own opinion makes the file's opinions readable: it is among them,
                # with its scores.
                own = next((o for o in opinions.get(item.pk, []) if o.member_id == user.pk), None)
                initial = {}
                if own is not None:
                    initial = {"value": own.value, "comment": own.comment}
                    for score in own.scores.all():
                        initial[f"charter_{score.commitment_id}"] = score.score
                form = OpinionForm(
                    data,
                    item=item,
                    commitments=commitments,
                    score_fields=score_fields,
                    initial=initial,
                )
            can_read = item.pk in readable
            others = opinions.get(item.pk, []) if can_read else []
            rows.append(
                {
                    "line": line,
                    "form": form,
                    "opinions": others,
                    "tally": opinion_tally(others),
                    "can_read": can_read,
                }
            )
        return rows

    def _render(self, rows):
        return render(
            self.request,
            self.template_name,
            {
                "meeting": self.meeting,
                "rows": rows,
                "has_forms": any(row["form"] for row in rows),
            },
        )

    def get(self, request, *args, **kwargs):
        return self._render(self._rows())

    def post(self, request, *args, **kwargs):
        rows = self._rows(request.POST)
        forms = [row["form"] for row in rows if row["form"] is not None]
        if not forms:
            raise PermissionDenied("Vous ne pouvez pas donner d'avis sur cette séance.")
        if not all(form.is_valid() for form in forms):
            return self._render(rows)
        try:
            saved = opinions_give(
                meeting=self.meeting,
                actor=request.user,
                entries=[form.entry() for form in forms],
            )
        except (ValidationError, TransitionRefused) as error:
            messages.error(
                request,
                error.message if isinstance(error, TransitionRefused) else error.messages[0],
            )
            return self._render(rows)
        count = len(saved)
        messages.success(
            request,
            f"{count} avis enregistré{'s' if count > 1 else ''}."
            if count
            else "Aucun avis n'a été choisi : rien n'est enregistré.",
        )
        return HttpResponseRedirect(request.path)
