from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView
from rules.contrib.views import PermissionRequiredMixin

from applicants.models import Dossier, Membership, Site, Structure
from ccr_portal.formatting import format_date, format_number
from ccr_portal.users.models import Provider
from ccr_portal.views import ServiceFormView
from ccr_portal.workflow import TransitionRefused

from . import forms
from .models import Diagnostic, DiagnosticStatus
from .report import grid_lines, report_context
from .selectors import (
    annotate_rows,
    awaiting_sign_off,
    capacity_plan,
    capacity_warnings,
    diagnostic_queue,
    latest_comment,
    member_diagnostics,
    possible_duplicates,
    provider_assignments,
)
from .services.capacity import provider_capacity_declare
from .services.diagnostics import (
    ACTION_LABELS,
    check_grid_editable,
    diagnostic_assign,
    diagnostic_deliver,
    diagnostic_mark_covered,
    diagnostic_order_assessment,
    diagnostic_request,
    diagnostic_save_grid,
    diagnostic_transition,
)
from .services.sharing import (
    check_sign_off_open,
    committee_consent_grant,
    committee_consent_revoke,
    diagnostic_sign_off,
)
from .workflows import DIAGNOSTIC_WORKFLOW, NEXT_STEP, REASON_LABELS, SIMPLE_ACTIONS

PAGE_SIZE = 25


class AnnotatedPageMixin:
    """A list paginated on its plain rows, the page's rows then annotated (one query)."""

    def paginate_queryset(self, queryset, page_size):
        # Sorting the bare keys rather than whole rows: the text columns stay on disk.
        paginator, page, rows, is_paginated = super().paginate_queryset(
            queryset.only("pk"), page_size
        )
        page.object_list = annotate_rows(rows)
        return paginator, page, page.object_list, is_paginated


class DiagnosticObjectMixin:
    """The diagnostic of the URL, read once; the view's permission is checked on it."""

    @cached_property
    def diagnostic(self) -> Diagnostic:
        return get_object_or_404(
            Diagnostic.objects.select_related(
                "structure", "dossier__campaign", "provider", "consultant", "signed_off_by"
            ),
            pk=self.kwargs["pk"],
        )

    def get_object(self, queryset=None):
        return self.diagnostic

    def get_permission_object(self):
        return self.diagnostic


class DiagnosticFormView(DiagnosticObjectMixin, ServiceFormView):
    """A form on the diagnostic of the URL (403 for a signed-in person without the permission).

    A step the diagnostic's state rules out, whether the form is shown or sent, goes back
    to the diagnostic's page with the French reason.
    """

    # The workflow action the form performs, if any: possible now, or refused with why.
    action: str | None = None

    def check_state(self) -> None:
        """Raise ``TransitionRefused`` when the diagnostic's state rules the form out."""
        if self.action is not None:
            DIAGNOSTIC_WORKFLOW.check(self.action, self.request.user, self.diagnostic)

    def get(self, request, *args, **kwargs):
        return self._unless_refused(super().get, request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self._unless_refused(super().post, request, *args, **kwargs)

    def _unless_refused(self, handler, *args, **kwargs):
        try:
            self.check_state()
            return handler(*args, **kwargs)
        except TransitionRefused as refusal:
            messages.error(self.request, refusal.message)
            return redirect(self.diagnostic)

    def get_context_data(self, **kwargs):
        kwargs.setdefault("diagnostic", self.diagnostic)
        return super().get_context_data(**kwargs)


# --- Workspaces --------------------------------------------------------------


class QueueView(PermissionRequiredMixin, AnnotatedPageMixin, ListView):
    """The coordinators' triage queue, its filters and the capacity panel."""

    permission_required = "diagnostics.list_all_diagnostics"
    template_name = "diagnostics/queue.html"
    context_object_name = "diagnostics"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.plan = capacity_plan()
        self.late_ids = {item.diagnostic_id for item in self.plan.late}
        self.filterset = forms.DiagnosticFilter(
            self.request.GET or None, queryset=diagnostic_queue(), late_ids=self.late_ids
        )
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        plan = self.plan
        return super().get_context_data(
            filter=self.filterset,
            plan=plan,
            warnings=capacity_warnings(plan),
            days_per_kind=forms.days_per_kind_text(),
            late_ids=self.late_ids,
            providers=Provider.objects.order_by("name"),
            **kwargs,
        )


class AssignmentListView(PermissionRequiredMixin, AnnotatedPageMixin, ListView):
    """A provider's assignments: due dates, drafts, what was returned."""

    permission_required = "diagnostics.list_assignments"
    template_name = "diagnostics/assignments.html"
    context_object_name = "diagnostics"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return provider_assignments(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organisations=list(self.request.user.provider_organisations.all()), **kwargs
        )


class MyDiagnosticsView(PermissionRequiredMixin, AnnotatedPageMixin, ListView):
    """An applicant's diagnostics across its structures, with what awaits its sign-off."""

    permission_required = "diagnostics.list_my_diagnostics"
    template_name = "diagnostics/mine.html"
    context_object_name = "diagnostics"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return member_diagnostics(self.request.user).order_by(
            "structure__name", "-requested_at", "pk"
        )

    def get_context_data(self, **kwargs):
        memberships = (
            Membership.objects.filter(user=self.request.user)
            .select_related("structure")
            .order_by("structure__name")
        )
        return super().get_context_data(
            memberships=memberships,
            editor_of={m.structure_id for m in memberships if m.role == Membership.Role.EDITOR},
            awaiting=list(awaiting_sign_off(self.request.user)),
            **kwargs,
        )


# --- One diagnostic ----------------------------------------------------------


class DiagnosticDetailView(DiagnosticObjectMixin, PermissionRequiredMixin, DetailView):
    permission_required = "diagnostics.view_diagnostic"
    template_name = "diagnostics/diagnostic_detail.html"
    context_object_name = "diagnostic"

    def get_context_data(self, **kwargs):
        diagnostic = self.object
        user = self.request.user
        has = lambda perm: user.has_perm(perm, diagnostic)  # noqa: E731
        coordinator = user.has_perm("diagnostics.list_all_diagnostics")
        available = {t.action: t for t in DIAGNOSTIC_WORKFLOW.available(user, diagnostic)}
        # The draft grid is the provider's work in progress: the structure reads it delivered.
        shows_grid = diagnostic.is_finished or (
            diagnostic.status == DiagnosticStatus.IN_PROGRESS and has("diagnostics.view_draft_grid")
        )
        context = {
            **report_context(diagnostic),
            "grid": grid_lines(diagnostic) if shows_grid else [],
            "shows_grid": shows_grid,
            "next_step": NEXT_STEP[diagnostic.status],
            "can_view_structure": user.has_perm("applicants.view_structure", diagnostic.structure),
            "actions": [t for action, t in available.items() if action in SIMPLE_ACTIONS],
            "can_cover": "cover" in available,
            "can_assign": "assign" in available,
            "can_fill": has("diagnostics.fill_grid")
            and diagnostic.status == DiagnosticStatus.IN_PROGRESS,
            "can_sign_off": has("diagnostics.sign_off_diagnostic")
            and diagnostic.is_finished
            and not diagnostic.is_signed_off,
            "can_manage_consent": has("diagnostics.manage_consent"),
            "returned": (
                latest_comment(diagnostic, "return")
                if diagnostic.status == DiagnosticStatus.IN_PROGRESS
                and (coordinator or has("diagnostics.fill_grid"))
                else None
            ),
            "duplicates": list(possible_duplicates(diagnostic)) if coordinator else [],
            "history": (
                [
                    (step, ACTION_LABELS.get(step.action, step.action))
                    for step in diagnostic.transitions.select_related("actor")
                ]
                if coordinator
                else []
            ),
        }
        return super().get_context_data(**context, **kwargs)


class DiagnosticTransitionView(DiagnosticFormView):
    """Accept, decline, answer an assignment, validate, return: a button or a short form."""

    template_name = "diagnostics/transition_form.html"
    form_class = forms.TransitionCommentForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in SIMPLE_ACTIONS:
            raise Http404("Cette action n'existe pas.")
        self.action = kwargs["action"]
        self.transition = DIAGNOSTIC_WORKFLOW.get(self.action)
        return super().dispatch(request, *args, **kwargs)

    def has_permission(self):
        user = self.request.user
        return user.has_perm("diagnostics.view_diagnostic", self.diagnostic) and user.has_perm(
            self.transition.permission, self.diagnostic
        )

    def get_form_kwargs(self):
        label = REASON_LABELS.get(self.transition.action, "Commentaire (facultatif)")
        return {
            **super().get_form_kwargs(),
            "label": label,
            "required": self.transition.needs_reason,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(transition=self.transition, **kwargs)

    def perform(self, form):
        diagnostic_transition(
            diagnostic=self.diagnostic,
            actor=self.request.user,
            action=self.transition.action,
            comment=form.cleaned_data["comment"],
        )
        messages.success(self.request, self.transition.description)
        if self.transition.action == "decline_assignment":
            return redirect("diagnostics:assignments")
        return redirect(self.diagnostic)


class CoverView(DiagnosticFormView):
    permission_required = "diagnostics.triage_diagnostic"
    template_name = "diagnostics/cover_form.html"
    form_class = forms.CoverForm
    action = "cover"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            duplicates=list(possible_duplicates(self.diagnostic)), **kwargs
        )

    def perform(self, form):
        data = form.cleaned_data
        diagnostic_mark_covered(
            diagnostic=self.diagnostic,
            actor=self.request.user,
            source=data["source"],
            source_name=data["source_name"],
            covered_on=data["covered_on"],
            upload=data["document"],
        )
        messages.success(self.request, "La demande est couverte par le diagnostic existant.")
        return redirect(self.diagnostic)


class AssignView(DiagnosticFormView):
    permission_required = "diagnostics.assign_diagnostic"
    template_name = "diagnostics/assign_form.html"
    form_class = forms.AssignForm
    action = "assign"

    def get_context_data(self, **kwargs):
        plan = capacity_plan()
        return super().get_context_data(
            plan=plan,
            warnings=capacity_warnings(plan),
            days_per_kind=forms.days_per_kind_text(),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        diagnostic = diagnostic_assign(
            diagnostic=self.diagnostic,
            actor=self.request.user,
            provider=data["provider"],
            consultant=data["consultant"],
            due_date=data["due_date"],
        )
        messages.success(
            self.request,
            f"Le diagnostic est confié à {diagnostic.provider}, échéance le "
            f"{format_date(diagnostic.due_date)}.",
        )
        for warning in assignment_warnings(diagnostic):
            messages.warning(self.request, warning)
        return redirect(diagnostic)


def assignment_warnings(diagnostic: Diagnostic) -> list[str]:
    """What the capacity plan says about a new assignment: over capacity, late."""
    plan = capacity_plan()
    warnings = [
        f"Attention : {overload.name} dépasse sa capacité en {forms.month_label(overload.month)} "
        f"({_days(overload.load)} prévus pour {_days(overload.capacity)} disponibles)."
        for overload in plan.overloads
        if overload.provider_id == diagnostic.provider_id
    ]
    if any(item.diagnostic_id == diagnostic.pk for item in plan.late):
        warnings.append(
            f"Attention : au rythme de sa capacité, {diagnostic.provider} ne pourra pas tenir "
            f"l'échéance du {format_date(diagnostic.due_date)}."
        )
    return warnings


def _days(value) -> str:
    return f"{format_number(value, 1)} j"


class GridView(DiagnosticFormView):
    """The provider's grid, saved as a draft until delivered."""

    permission_required = "diagnostics.fill_grid"
    template_name = "diagnostics/grid_form.html"
    form_class = forms.GridForm

    def check_state(self):
        check_grid_editable(self.diagnostic)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "diagnostic": self.diagnostic,
            "site_risks": site_risks_text(self.diagnostic),
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            returned=latest_comment(self.diagnostic, "return"), **kwargs
        )

    def perform(self, form):
        diagnostic = self.diagnostic
        diagnostic_save_grid(
            diagnostic=diagnostic,
            actor=self.request.user,
            scores=form.scores(),
            conclusions=form.conclusions(),
            axes=form.axes(),
        )
        if "deliver" not in self.request.POST:
            messages.success(
                self.request, "Brouillon enregistré. Vous pourrez le reprendre plus tard."
            )
            return redirect("diagnostics:grid", pk=diagnostic.pk)
        try:
            diagnostic_deliver(diagnostic=diagnostic, actor=self.request.user)
        except ValidationError:
            # The draft is saved; what is missing shows next to each field.
            messages.warning(
                self.request,
                "Brouillon enregistré, mais le diagnostic n'a pas été remis : "
                "complétez les champs signalés.",
            )
            raise
        messages.success(
            self.request, "Le diagnostic est remis à la coordination et à la structure."
        )
        return redirect(diagnostic)


def site_risks_text(diagnostic: Diagnostic) -> str:
    """The risk of each site the structure wishes (or of every site), to guide the provider."""
    sites = []
    if diagnostic.dossier_id:
        sites = [p.site for p in diagnostic.dossier.site_preferences.select_related("site")]
    sites = sites or list(Site.objects.order_by("name"))
    return " ".join(f"{site.name} : {site.risk}" for site in sites if site.risk)


class SignOffView(DiagnosticFormView):
    """The « diagnostic partagé »: the structure confirms the conclusions, with its comments."""

    permission_required = "diagnostics.sign_off_diagnostic"
    template_name = "diagnostics/sign_off_form.html"
    form_class = forms.SignOffForm

    def check_state(self):
        # Before delivery the conclusions are the provider's draft: not for the structure.
        check_sign_off_open(self.diagnostic)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**report_context(self.diagnostic), **kwargs)

    def perform(self, form):
        diagnostic_sign_off(
            diagnostic=self.diagnostic,
            actor=self.request.user,
            comment=form.cleaned_data["comment"],
        )
        messages.success(self.request, "Merci : les conclusions du diagnostic sont partagées.")
        return redirect(self.diagnostic)


@login_required
@require_POST
def consent_view(request, pk: int):
    """The structure's switch: the committee may read this support diagnostic, or no longer."""
    diagnostic = get_object_or_404(Diagnostic.objects.select_related("structure"), pk=pk)
    if not request.user.has_perm("diagnostics.manage_consent", diagnostic):
        raise PermissionDenied("Seul un éditeur de la structure décide de ce partage.")
    try:
        if request.POST.get("share") == "yes":
            committee_consent_grant(diagnostic=diagnostic, actor=request.user)
            messages.success(request, "Le comité de sélection peut désormais lire ce diagnostic.")
        else:
            committee_consent_revoke(diagnostic=diagnostic, actor=request.user)
            messages.success(request, "Le comité de sélection ne peut plus lire ce diagnostic.")
    except (TransitionRefused, ValidationError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    if request.POST.get("next") == "mine":
        return redirect("diagnostics:mine")
    return redirect(diagnostic)


@login_required
def covered_document_view(request, pk: int):
    """The existing diagnostic's document, under the reading rule of the diagnostic."""
    diagnostic = get_object_or_404(Diagnostic.objects.select_related("structure"), pk=pk)
    if not request.user.has_perm("diagnostics.view_diagnostic", diagnostic):
        raise PermissionDenied("Vous n'avez pas accès à ce document.")
    if not diagnostic.covered_document:
        raise Http404("Aucun document n'est joint à ce diagnostic.")
    response = FileResponse(
        diagnostic.covered_document.open("rb"),
        as_attachment=True,
        filename=diagnostic.covered_document_name or "diagnostic-existant",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Requests ----------------------------------------------------------------


class DiagnosticRequestView(ServiceFormView):
    """A structure asks for a support diagnostic (light: no dossier needed)."""

    permission_required = "diagnostics.request_diagnostic"
    template_name = "diagnostics/request_form.html"
    form_class = forms.DiagnosticRequestForm

    @cached_property
    def structure(self) -> Structure:
        return get_object_or_404(Structure, pk=self.kwargs["structure_pk"])

    def get_permission_object(self):
        return self.structure

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "structure": self.structure}

    def get_context_data(self, **kwargs):
        existing = list(
            Diagnostic.objects.visible_to(self.request.user)
            .filter(structure=self.structure)
            .exclude(status=DiagnosticStatus.DECLINED)
        )
        return super().get_context_data(structure=self.structure, existing=existing, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        diagnostic = diagnostic_request(
            structure=self.structure,
            actor=self.request.user,
            kind=data["kind"],
            note=data["note"],
            dossier=data.get("dossier"),
        )
        messages.success(
            self.request,
            f"Votre demande de {diagnostic.get_kind_display().lower()} est envoyée à la "
            "coordination.",
        )
        return redirect(diagnostic)


class AssessmentOrderView(ServiceFormView):
    """The coordination orders an assessment diagnostic on a dossier being instructed."""

    permission_required = "diagnostics.order_assessment"
    template_name = "diagnostics/order_form.html"
    form_class = forms.AssessmentOrderForm

    @cached_property
    def dossier(self) -> Dossier:
        return get_object_or_404(
            Dossier.objects.select_related("structure", "campaign"), pk=self.kwargs["dossier_pk"]
        )

    def get_permission_object(self):
        return self.dossier

    def get_context_data(self, **kwargs):
        existing = self.dossier.structure.diagnostics.exclude(status=DiagnosticStatus.DECLINED)
        return super().get_context_data(dossier=self.dossier, existing=list(existing), **kwargs)

    def perform(self, form):
        diagnostic = diagnostic_order_assessment(
            dossier=self.dossier,
            actor=self.request.user,
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            self.request, "Le diagnostic d'instruction est commandé : affectez-le à un prestataire."
        )
        return redirect(diagnostic)


# --- Capacity ----------------------------------------------------------------


class CapacityView(ServiceFormView):
    """A provider's capacity: its usual days per month and the months that differ."""

    permission_required = "diagnostics.declare_capacity"
    template_name = "diagnostics/capacity_form.html"
    form_class = forms.CapacityForm

    @cached_property
    def provider(self) -> Provider:
        return get_object_or_404(Provider, pk=self.kwargs["provider_pk"])

    def get_permission_object(self):
        return self.provider

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "provider": self.provider}

    def get_context_data(self, **kwargs):
        return super().get_context_data(provider=self.provider, **kwargs)

    def perform(self, form):
        provider_capacity_declare(
            provider=self.provider,
            actor=self.request.user,
            usual_days=form.cleaned_data["usual_days"],
            months=form.monthly(),
        )
        messages.success(self.request, f"La capacité de {self.provider} est enregistrée.")
        if self.request.user.has_perm("diagnostics.list_all_diagnostics"):
            return redirect("diagnostics:queue")
        return redirect("diagnostics:assignments")
