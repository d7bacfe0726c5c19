"""The coordination's provider pages; a provider's own summary."""

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.generic import DetailView, ListView
from rules.contrib.views import PermissionRequiredMixin

from ccr_portal.users.models import Provider, User
from ccr_portal.views import ServiceFormView

from ..forms import ProviderCreateForm, ProviderForm
from ..models import PlanAction, PlanStatus, SatisfactionAnswer
from ..selectors import (
    axis_letters,
    provider_figures,
    provider_satisfaction,
    with_consumed_hours,
)
from ..services.providers import provider_create, provider_update


class ProviderListView(PermissionRequiredMixin, ListView):
    permission_required = "accompaniment.manage_providers"
    template_name = "accompaniment/provider_list.html"
    context_object_name = "providers"
    paginate_by = 25

    def get_queryset(self):
        return Provider.objects.annotate(consultant_count=Count("members", distinct=True)).order_by(
            "name"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = provider_figures(context["providers"])
        context["rows"] = [
            {
                "provider": provider,
                "letters": axis_letters(provider),
                "figures": figures[provider.pk],
            }
            for provider in context["providers"]
        ]
        return context


class ProviderDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "accompaniment.view_provider_summary"
    template_name = "accompaniment/provider_detail.html"
    context_object_name = "provider"

    def get_object(self, queryset=None):
        return get_object_or_404(Provider, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        provider = self.object
        actions = with_consumed_hours(
            PlanAction.objects.filter(provider=provider)
            .exclude(plan__status=PlanStatus.DRAFT)
            .select_related("plan__structure")
        ).order_by("plan__structure__name", "axis", "pk")
        answers = None
        if self.request.user.has_perm("accompaniment.view_satisfaction_answers"):
            answers = SatisfactionAnswer.objects.filter(action__provider=provider).select_related(
                "action__plan__structure"
            )
        return super().get_context_data(
            letters=axis_letters(provider),
            figures=provider_figures([provider])[provider.pk],
            actions=actions,
            satisfaction=provider_satisfaction(provider),
            answers=answers,
            consultants=provider.members.order_by("last_name", "first_name"),
            can_manage=self.request.user.has_perm("accompaniment.manage_providers"),
            **kwargs,
        )


class ProviderUpdateView(ServiceFormView):
    permission_required = "accompaniment.manage_providers"
    template_name = "accompaniment/provider_form.html"
    form_class = ProviderForm
    success_message = "La fiche du prestataire a été enregistrée."

    def dispatch(self, request, *args, **kwargs):
        self.provider = get_object_or_404(
            Provider.objects.prefetch_related(
                Prefetch("members", queryset=User.objects.order_by("last_name"))
            ),
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "provider": self.provider}

    def get_context_data(self, **kwargs):
        return super().get_context_data(provider=self.provider, **kwargs)

    def perform(self, form):
        return provider_update(provider=self.provider, actor=self.request.user, **form.cleaned_data)

    def get_result_url(self, result):
        return reverse("accompaniment:provider-detail", kwargs={"pk": result.pk})


class ProviderCreateView(ServiceFormView):
    permission_required = "accompaniment.manage_providers"
    template_name = "accompaniment/provider_form.html"
    form_class = ProviderCreateForm
    success_message = "Le prestataire a été ajouté."

    def perform(self, form):
        return provider_create(actor=self.request.user, **form.cleaned_data)

    def get_result_url(self, result):
        return reverse("accompaniment:provider-detail", kwargs={"pk": result.pk})
