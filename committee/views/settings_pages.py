"""The coordination's settings of the committee: members, letter texts, sites' capacity;
and the summary of the outcomes that members and coordinators read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.models import Campaign
from ccr_portal.users.models import User
from ccr_portal.views import ServiceFormView

from ..forms import LetterTemplateForm, MemberForm, SiteCapacityForm
from ..letters import PLACEHOLDERS, letter_template, render_text
from ..models import Meeting, Outcome, SiteCapacity
from ..selectors import campaign_summary, committee_people, meetings_with_counts, organisation_of
from ..services.letters import letter_template_save
from ..services.members import committee_member_save, site_capacity_save

EXAMPLE_VALUES = {
    "structure": "Épicerie Solidaire du Panier",
    "appel": "Appel à candidatures CCR 2011",
    "date_seance": "15 septembre 2011",
    "decision": "retenue sous conditions",
    "motivation": "Projet solide, ancré dans le quartier ; trésorerie à consolider.",
    "conditions": "– Suivre l'accompagnement de sécurisation avant l'installation",
    "site": "la Friche Belle de Mai",
    "accompagnements": "B. Accompagnement de sécurisation (condition).",
    "date": "20 septembre 2011",
}


class MemberListView(PermissionRequiredMixin, TemplateView):
    permission_required = "committee.manage_members"
    template_name = "committee/member_list.html"

    def get_context_data(self, **kwargs):
        people = list(committee_people())
        return super().get_context_data(
            members=[(person, organisation_of(person)) for person in people], **kwargs
        )


class MemberUpdateView(ServiceFormView):
    permission_required = "committee.manage_members"
    template_name = "committee/member_form.html"
    form_class = MemberForm
    success_message = "L'organisation du membre est enregistrée."

    def dispatch(self, request, *args, **kwargs):
        self.person = get_object_or_404(User, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"organisation": organisation_of(self.person)}

    def get_context_data(self, **kwargs):
        return super().get_context_data(person=self.person, **kwargs)

    def perform(self, form):
        committee_member_save(
            actor=self.request.user,
            user=self.person,
            organisation=form.cleaned_data["organisation"],
        )
        return HttpResponseRedirect(reverse("committee:member-list"))


class LetterTemplateListView(PermissionRequiredMixin, TemplateView):
    permission_required = "committee.edit_letter_templates"
    template_name = "committee/letter_template_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            templates=[letter_template(outcome) for outcome in Outcome.values], **kwargs
        )


class LetterTemplateUpdateView(ServiceFormView):
    permission_required = "committee.edit_letter_templates"
    template_name = "committee/letter_template_form.html"
    form_class = LetterTemplateForm
    success_message = "Le modèle de lettre est enregistré."

    def dispatch(self, request, *args, **kwargs):
        if kwargs["outcome"] not in Outcome.values:
            raise Http404("Ce modèle n'existe pas.")
        self.template = letter_template(kwargs["outcome"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return LetterTemplateForm.initial_for(self.template)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            template=self.template,
            placeholders=PLACEHOLDERS,
            preview=render_text(self.template.body, EXAMPLE_VALUES),
            **kwargs,
        )

    def perform(self, form):
        letter_template_save(
            actor=self.request.user, outcome=self.template.outcome, **form.cleaned_data
        )
        return HttpResponseRedirect(
            reverse("committee:letter-template", kwargs={"outcome": self.template.outcome})
        )


class SummaryView(PermissionRequiredMixin, TemplateView):
    """Outcomes per meeting and for the campaign, and each site's allocations."""

    permission_required = "committee.view_summary"
    template_name = "committee/summary.html"

    def dispatch(self, request, *args, **kwargs):
        self.campaign = get_object_or_404(Campaign, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def _capacity_form(self, data=None):
        capacities = dict(
            SiteCapacity.objects.filter(campaign=self.campaign).values_list("site_id", "places")
        )
        return SiteCapacityForm(data, campaign=self.campaign, capacities=capacities)

    def get_context_data(self, **kwargs):
        user = self.request.user
        meetings = meetings_with_counts(
            Meeting.objects.visible_to(user).filter(campaign=self.campaign)
        ).order_by("starts_at")
        return super().get_context_data(
            summary=campaign_summary(self.campaign),
            meetings=meetings,
            capacity_form=kwargs.pop("capacity_form", None)
            or (self._capacity_form() if user.has_perm("committee.manage_members") else None),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("committee.manage_members"):
            raise PermissionDenied("Seule la coordination renseigne la capacité des sites.")
        form = self._capacity_form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(capacity_form=form))
        for site in form.sites:
            places = form.cleaned_data.get(f"site_{site.pk}")
            if places is not None:
                site_capacity_save(
                    actor=request.user, campaign=self.campaign, site=site, places=places
                )
        messages.success(request, "La capacité des sites est enregistrée.")
        return HttpResponseRedirect(request.path)
