"""The development plan's pages: list, draft from the diagnostics, edit, workflow, follow-up."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView
from rules.contrib.views import PermissionRequiredMixin

from ccr_portal.collation import french
from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.formatting import with_preposition
from ccr_portal.panels import PLAN_FINANCING, rendered_panels
from ccr_portal.permissions import provider_ids
from ccr_portal.users.models import Provider
from ccr_portal.views import ServiceFormView, TransitionView

from ..documents import DEVELOPMENT_PLAN
from ..effects import proposal_problems
from ..forms import (
    ActionForm,
    AmountsForm,
    FollowUpForm,
    PlanCreateForm,
    PlanForm,
    SatisfactionForm,
    ThemesForm,
)
from ..models import (
    INCOME_ITEMS,
    NEED_ITEMS,
    BudgetItem,
    DevelopmentPlan,
    FinancingItem,
    PlanAction,
    PlanStatus,
    SatisfactionAnswer,
    SessionAttendance,
)
from ..selectors import (
    budget_table,
    financing_table,
    plan_overview,
    provider_figures,
    provider_satisfaction,
    with_consumed_hours,
)
from ..services.actions import (
    action_add,
    action_complete,
    action_delete,
    action_update,
    satisfaction_record,
)
from ..services.plans import (
    follow_up_record,
    plan_create,
    plan_transition,
    plan_update,
    plan_update_budget,
    plan_update_financing,
    plan_update_themes,
)
from ..workflows import COORDINATION_NEXT_STEP, FOLLOWED_UP, NEXT_STEP, PLAN_WORKFLOW
from .base import ServiceActionView


def plan_next_step(plan: DevelopmentPlan, user) -> str:
    """The next step in the words of the reader: the coordination's, or the structure's."""
    follow_up = getattr(plan, "follow_up", None) if plan.status == PlanStatus.COMPLETED else None
    if follow_up is not None and follow_up.is_recorded:
        return FOLLOWED_UP
    steps = COORDINATION_NEXT_STEP if user.has_perm("accompaniment.list_all_plans") else NEXT_STEP
    return steps[plan.status]


def _plan(pk) -> DevelopmentPlan:
    return get_object_or_404(DevelopmentPlan.objects.select_related("structure", "campaign"), pk=pk)


class PlanListView(LoginRequiredMixin, ListView):
    template_name = "accompaniment/plan_list.html"
    context_object_name = "plans"
    paginate_by = 25

    def get_queryset(self):
        # Subqueries, not joins: the two totals must not multiply each other.
        actions = PlanAction.objects.filter(plan=OuterRef("pk")).order_by().values("plan")
        plans = (
            DevelopmentPlan.objects.visible_to(self.request.user)
            .select_related("structure", "campaign")
            .annotate(
                planned_days=Coalesce(
                    Subquery(actions.annotate(total=Sum("planned_days")).values("total")),
                    Value(Decimal("0")),
                    output_field=DecimalField(),
                ),
                action_count=Coalesce(
                    Subquery(actions.annotate(total=Count("pk")).values("total")),
                    Value(0),
                    output_field=IntegerField(),
                ),
            )
            .order_by(french("structure__name"), "-campaign__opens_on")
        )
        self.status = self.request.GET.get("etat", "")
        if self.status in PlanStatus.values:
            plans = plans.filter(status=self.status)
        return plans

    def get_context_data(self, **kwargs):
        return super().get_context_data(statuses=PlanStatus.choices, status=self.status, **kwargs)


class ActionListView(LoginRequiredMixin, ListView):
    """Planned versus consumed days per action: a provider's own, or all for the coordination."""

    template_name = "accompaniment/action_list.html"
    context_object_name = "actions"
    paginate_by = 25

    def get_queryset(self):
        actions = with_consumed_hours(
            PlanAction.objects.visible_to(self.request.user).select_related(
                "plan__structure", "provider"
            )
        ).order_by("plan__structure__name", "axis", "pk")
        self.provider_id = self.request.GET.get("prestataire", "")
        if self.provider_id.isdigit():
            actions = actions.filter(provider_id=int(self.provider_id))
        return actions

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The heading counts what the list shows: all actions for the coordination (a
        # coordinator may also belong to Regain as a provider), one's own for a provider.
        totals = self.object_list.order_by().aggregate(days=Sum("planned_days"), count=Count("pk"))
        context["list_totals"] = {"days": totals["days"] or 0, "count": totals["count"]}
        if self.request.user.has_perm("accompaniment.list_all_plans"):
            context["own_providers"] = []
            return context
        own = Provider.objects.filter(pk__in=provider_ids(self.request.user)).order_by("name")
        figures = provider_figures(own)
        context["own_providers"] = [
            {
                "provider": provider,
                "figures": figures[provider.pk],
                "satisfaction": provider_satisfaction(provider),
            }
            for provider in own
        ]
        return context


class PlanCreateView(ServiceFormView):
    permission_required = "accompaniment.add_plan"
    template_name = "accompaniment/plan_create.html"
    form_class = PlanCreateForm

    def get_initial(self):
        initial = super().get_initial()
        for name, key in (("structure", "structure"), ("campaign", "appel")):
            if self.request.GET.get(key, "").isdigit():
                initial[name] = int(self.request.GET[key])
        return initial

    def perform(self, form):
        data = form.cleaned_data
        drafted = plan_create(
            structure=data["structure"],
            campaign=data["campaign"],
            actor=self.request.user,
            first_year=data["first_year"],
        )
        messages.success(
            self.request,
            "Le plan est créé en brouillon à partir des diagnostics validés : complétez-le, "
            "puis proposez-le à la structure.",
        )
        for skipped in drafted.skipped:
            messages.warning(self.request, f"Recommandation non reprise : {skipped}")
        return drafted.plan


class PlanDetailView(PermissionRequiredMixin, DetailView):
    permission_required = "accompaniment.view_plan"
    template_name = "accompaniment/plan_detail.html"
    context_object_name = "plan"

    def get_object(self, queryset=None):
        # Asked twice per request: by the permission check, then by the page.
        if not hasattr(self, "_plan"):
            self._plan = _plan(self.kwargs["pk"])
        return self._plan

    def get_context_data(self, **kwargs):
        plan, user = self.object, self.request.user
        can_edit = user.has_perm("accompaniment.change_plan", plan) and plan.is_draft
        attendances = (
            SessionAttendance.objects.filter(action__plan=plan)
            .select_related("session__provider", "action")
            .order_by("-session__date", "-session__pk")
        )
        versions = GeneratedDocument.objects.filter(
            kind=DEVELOPMENT_PLAN,
            content_type=ContentType.objects.get_for_model(DevelopmentPlan),
            object_id=plan.pk,
            status=GeneratedDocument.Status.READY,
        ).order_by("-created_at", "-pk")
        return super().get_context_data(
            overview=plan_overview(plan),
            transitions=PLAN_WORKFLOW.available(user, plan),
            problems=proposal_problems(plan) if can_edit else [],
            next_step=plan_next_step(plan, user),
            can_edit=can_edit,
            can_rate=user.has_perm("accompaniment.rate_action", PlanAction(plan=plan)),
            can_follow_up=user.has_perm("accompaniment.record_follow_up", plan),
            attendances=attendances,
            versions=versions,
            history=PLAN_WORKFLOW.history_of(plan),
            financing_panels=rendered_panels(PLAN_FINANCING, self.request, plan=plan),
            diagnostics=plan.diagnostics.select_related("provider"),
            follow_up=getattr(plan, "follow_up", None)
            if plan.status == PlanStatus.COMPLETED
            else None,
            **kwargs,
        )


class PlanEditMixin:
    """Pages that edit a draft plan: the coordinator's, refused once proposed."""

    permission_required = "accompaniment.change_plan"

    def dispatch(self, request, *args, **kwargs):
        self.plan = self.load_plan(kwargs)
        return super().dispatch(request, *args, **kwargs)

    def load_plan(self, kwargs) -> DevelopmentPlan:
        return _plan(kwargs["pk"])

    def get_permission_object(self):
        return self.plan

    def get(self, request, *args, **kwargs):
        if not self.plan.is_draft:
            messages.error(
                request,
                f"Le plan est « {self.plan.get_status_display()} » : reprenez-le en brouillon "
                "pour le modifier.",
            )
            return HttpResponseRedirect(self.plan.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.plan, **kwargs)


class PlanUpdateView(PlanEditMixin, ServiceFormView):
    template_name = "accompaniment/plan_form.html"
    form_class = PlanForm
    success_message = "Le plan a été enregistré."

    def get_initial(self):
        return {
            "first_year": self.plan.first_year,
            "diagnostic_summary": self.plan.diagnostic_summary,
            "objectives": self.plan.objectives,
        }

    def perform(self, form):
        return plan_update(plan=self.plan, actor=self.request.user, **form.cleaned_data)


class PlanThemesView(PlanEditMixin, ServiceFormView):
    template_name = "accompaniment/plan_themes.html"
    form_class = ThemesForm
    success_message = "Les thèmes de sécurisation ont été enregistrés."

    def get_form_kwargs(self):
        themes = sorted(self.plan.themes.all(), key=lambda theme: theme.pk)
        return {**super().get_form_kwargs(), "themes": themes}

    def perform(self, form):
        return plan_update_themes(plan=self.plan, actor=self.request.user, themes=form.themes())


class PlanAmountsView(PlanEditMixin, ServiceFormView):
    template_name = "accompaniment/plan_amounts.html"
    form_class = AmountsForm
    kind = "budget"

    def get_form_kwargs(self):
        if self.kind == "budget":
            lines = self.plan.budget_lines.all()
            groups = [
                ("Produits", "inflow", [item for item in BudgetItem if item in INCOME_ITEMS]),
                ("Charges", "outflow", [item for item in BudgetItem if item not in INCOME_ITEMS]),
            ]
        else:
            lines = self.plan.financing_lines.all()
            groups = [
                ("Besoins", "outflow", [item for item in FinancingItem if item in NEED_ITEMS]),
                (
                    "Ressources",
                    "inflow",
                    [item for item in FinancingItem if item not in NEED_ITEMS],
                ),
            ]
        return {
            **super().get_form_kwargs(),
            "lines": list(lines),
            "years": self.plan.years,
            "groups": groups,
        }

    def get_context_data(self, **kwargs):
        table = budget_table(self.plan) if self.kind == "budget" else financing_table(self.plan)
        return super().get_context_data(kind=self.kind, table=table, **kwargs)

    def perform(self, form):
        update = plan_update_budget if self.kind == "budget" else plan_update_financing
        plan = update(plan=self.plan, actor=self.request.user, amounts=form.amounts())
        if self.kind == "budget":
            messages.success(self.request, "Le budget prévisionnel a été enregistré.")
        else:
            table = financing_table(plan)
            if table.is_balanced:
                messages.success(
                    self.request, "Le plan de financement est enregistré et équilibré."
                )
            else:
                years = ", ".join(str(figures.year) for figures in table.unbalanced_years)
                messages.warning(
                    self.request,
                    f"Le plan de financement est enregistré mais pas équilibré ({years}) : "
                    "il devra l'être pour proposer le plan.",
                )
        return plan


class PlanTransitionView(TransitionView):
    """Confirm and perform one workflow action; the plan's buttons post here directly.

    The plan's own page is asked first: a structure never reaches its draft through a step.
    """

    workflow = PLAN_WORKFLOW

    def get_subject(self):
        return _plan(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subject_label=(
                f"Plan de développement {with_preposition('de', self.subject.structure.name)}"
            ),
            **kwargs,
        )

    def run(self, form):
        plan_transition(
            plan=self.subject,
            actor=self.request.user,
            action=self.transition.action,
            comment=form.comment,
        )


class ActionCreateView(PlanEditMixin, ServiceFormView):
    template_name = "accompaniment/action_form.html"
    form_class = ActionForm
    success_message = "L'action a été ajoutée au plan."

    def perform(self, form):
        action_add(plan=self.plan, actor=self.request.user, **form.cleaned_data)
        return self.plan


class ActionMixin:
    def dispatch(self, request, *args, **kwargs):
        self.action = _action(kwargs["pk"])
        self.plan = self.action.plan
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.action


def _action(pk) -> PlanAction:
    return get_object_or_404(
        with_consumed_hours(
            PlanAction.objects.select_related("plan__structure", "plan__campaign", "provider")
        ),
        pk=pk,
    )


class ActionUpdateView(PlanEditMixin, ServiceFormView):
    template_name = "accompaniment/action_form.html"
    form_class = ActionForm
    success_message = "L'action a été enregistrée."

    def load_plan(self, kwargs):
        self.action = _action(kwargs["pk"])
        return self.action.plan

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "action": self.action}

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.action, **kwargs)

    def perform(self, form):
        action_update(action=self.action, actor=self.request.user, **form.cleaned_data)
        return self.plan


class ActionDeleteView(ActionMixin, ServiceActionView):
    permission_required = "accompaniment.change_plan"
    success_message = "L'action a été retirée du plan."

    def get_permission_object(self):
        return self.plan

    def perform(self):
        action_delete(action=self.action, actor=self.request.user)


class ActionDetailView(ActionMixin, PermissionRequiredMixin, DetailView):
    permission_required = "accompaniment.view_action"
    template_name = "accompaniment/action_detail.html"
    context_object_name = "action"

    def get_object(self, queryset=None):
        return self.action

    def get_context_data(self, **kwargs):
        action, user = self.action, self.request.user
        can_view_plan = user.has_perm("accompaniment.view_plan", self.plan)
        # Whether this structure answered is the structure's and the coordination's
        # business: a provider would learn which answer moved its averages.
        answered = can_view_plan and SatisfactionAnswer.objects.filter(action=action).exists()
        attendances = (
            SessionAttendance.objects.filter(action=action)
            .select_related("session__provider")
            .order_by("-session__date", "-session__pk")
        )
        return super().get_context_data(
            attendances=attendances,
            can_log=action.provider is not None
            and self.plan.status in (PlanStatus.AGREED, PlanStatus.IN_PROGRESS)
            and not action.is_completed
            and user.has_perm("accompaniment.log_session", action.provider),
            can_complete=user.has_perm("accompaniment.complete_action", action)
            and self.plan.status == PlanStatus.IN_PROGRESS
            and not action.is_completed,
            answered=answered,
            can_view_plan=can_view_plan,
            can_rate=user.has_perm("accompaniment.rate_action", action)
            and action.is_completed
            and not answered,
            **kwargs,
        )


class ActionCompleteView(ActionMixin, ServiceActionView):
    permission_required = ("accompaniment.view_action", "accompaniment.complete_action")
    success_message = "L'action est réalisée : la structure est invitée à donner son avis."

    def perform(self):
        action_complete(action=self.action, actor=self.request.user)

    def get_next_url(self):
        return self.action.get_absolute_url()


class ActionRateView(ActionMixin, ServiceFormView):
    permission_required = ("accompaniment.view_action", "accompaniment.rate_action")
    template_name = "accompaniment/action_rate.html"
    form_class = SatisfactionForm
    success_message = "Merci : votre avis a été enregistré."

    def get(self, request, *args, **kwargs):
        if not self.action.is_completed:
            messages.info(request, "Vous pourrez donner votre avis une fois l'action réalisée.")
            return HttpResponseRedirect(self.plan.get_absolute_url())
        if SatisfactionAnswer.objects.filter(action=self.action).exists():
            messages.info(request, "Votre avis sur cette action est déjà enregistré. Merci !")
            return HttpResponseRedirect(self.plan.get_absolute_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(action=self.action, plan=self.plan, **kwargs)

    def perform(self, form):
        satisfaction_record(action=self.action, actor=self.request.user, **form.cleaned_data)
        return self.plan


class FollowUpView(ServiceFormView):
    permission_required = "accompaniment.record_follow_up"
    template_name = "accompaniment/follow_up_form.html"
    form_class = FollowUpForm
    success_message = "Le point de suivi a été enregistré."

    def dispatch(self, request, *args, **kwargs):
        self.plan = _plan(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.plan

    def get_initial(self):
        follow_up = getattr(self.plan, "follow_up", None)
        if follow_up is None:
            return {}
        return {
            "what_changed": follow_up.what_changed,
            "jobs_fte": follow_up.jobs_fte,
            "turnover_trend": follow_up.turnover_trend,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            plan=self.plan, follow_up=getattr(self.plan, "follow_up", None), **kwargs
        )

    def perform(self, form):
        follow_up_record(plan=self.plan, actor=self.request.user, **form.cleaned_data)
        return self.plan
