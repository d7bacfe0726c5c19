import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import cached_property
from django.views.decorators.http import require_POST
from django.views.generic import DetailView, ListView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from applicants.models import Dossier, Membership, Site, Structure
from ccr_portal.collation import french
from ccr_portal.downloads import scanned_file_response
from ccr_portal.formatting import format_date, format_number, with_preposition
from ccr_portal.pagination import tell_count
from ccr_portal.users.models import Provider
from ccr_portal.views import ServiceFormView, TransitionView
from ccr_portal.workflow import TransitionRefused

from . import forms
from .effects import grid_problems
from .models import Diagnostic, DiagnosticStatus
from .report import grid_lines, report_context
from .selectors import (
    annotate_rows,
    assignment_preview,
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
    check_grid_editable,
    diagnostic_assign,
    diagnostic_deliver,
    diagnostic_mark_covered,
    diagnostic_move_due_date,
    diagnostic_order_assessment,
    diagnostic_reassign,
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
from .services.thread import diagnostic_message_post
from .workflows import DIAGNOSTIC_WORKFLOW, NEXT_STEP, SIMPLE_ACTIONS

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
        self.filterset = forms.DiagnosticFilter(
            self.request.GET or None, queryset=diagnostic_queue(), late=self.plan.late
        )
        return self.filterset.qs

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # Unfiltered, or filtered on a status only, the list's total is one of the counts
        # per status the plan read already: no COUNT of its own.
        filters = self.filterset.form.cleaned_data if self.filterset.is_bound else {}
        used = {name for name, value in filters.items() if value not in (None, "", False)}
        if not self.filterset.is_bound or (self.filterset.form.is_valid() and used <= {"status"}):
            totals = self.plan.status_totals
            status = filters.get("status")
            tell_count(paginator, totals.get(status, 0) if status else sum(totals.values()))
        return paginator

    def get_context_data(self, **kwargs):
        plan = self.plan
        context = super().get_context_data(
            filter=self.filterset,
            plan=plan,
            warnings=capacity_warnings(plan),
            days_per_kind=forms.days_per_kind_text(),
            providers=Provider.objects.order_by(french("name")),
            **kwargs,
        )
        # Which of the page's rows the projection finds late (one query).
        # Only committed work can be late: a page of requests asks nothing.
        committed = [row.pk for row in context["object_list"] if row.is_committed]
        context["late_ids"] = set(plan.late.among(committed))
        return context


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
            .order_by(french("structure__name"))
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
            "can_view_dossier": diagnostic.dossier_id is not None
            and user.has_perm("applicants.view_dossier", diagnostic.dossier),
            "actions": [t for action, t in available.items() if action in SIMPLE_ACTIONS],
            "can_cover": "cover" in available,
            "can_assign": "assign" in available,
            "can_reassign": "reassign" in available,
            "can_move_due": "move_due_date" in available,
            "can_view_thread": has("diagnostics.view_diagnostic_thread"),
            "thread_count": diagnostic.messages.count(),
            "late_warning": late_warning(diagnostic) if "reassign" in available else "",
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
            "history": DIAGNOSTIC_WORKFLOW.history_of(diagnostic) if coordinator else [],
        }
        return super().get_context_data(**context, **kwargs)


class DiagnosticTransitionView(TransitionView):
    """Accept, decline, answer an assignment, validate, return: a button or a short form."""

    workflow = DIAGNOSTIC_WORKFLOW

    def dispatch(self, request, *args, **kwargs):
        if kwargs["action"] not in (*SIMPLE_ACTIONS, "deliver"):
            raise Http404("Cette action n'existe pas.")
        return super().dispatch(request, *args, **kwargs)

    def get_subject(self):
        return get_object_or_404(
            Diagnostic.objects.select_related("structure", "provider", "consultant"),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs):
        diagnostic = self.subject
        return super().get_context_data(
            subject_label=(
                f"{diagnostic.get_kind_display()} "
                f"{with_preposition('de', diagnostic.structure.name)}"
            ),
            **kwargs,
        )

    def run(self, form):
        if self.transition.action == "deliver":
            diagnostic_deliver(
                diagnostic=self.subject, actor=self.request.user, comment=form.comment
            )
            return None
        diagnostic_transition(
            diagnostic=self.subject,
            actor=self.request.user,
            action=self.transition.action,
            comment=form.comment,
        )
        if self.transition.action == "decline_assignment":
            return redirect("diagnostics:assignments")
        return None


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
    """Assign a diagnostic waiting in the queue, or re-assign one already given, with why."""

    permission_required = "diagnostics.assign_diagnostic"
    template_name = "diagnostics/assign_form.html"
    form_class = forms.AssignForm

    @property
    def action(self) -> str:
        committed = self.diagnostic.status in (
            DiagnosticStatus.ASSIGNED,
            DiagnosticStatus.IN_PROGRESS,
        )
        return "reassign" if committed else "assign"

    def get_initial(self):
        diagnostic = self.diagnostic
        if self.action == "assign":
            return {}
        return {
            "provider": diagnostic.provider,
            "consultant": diagnostic.consultant_id,
            "due_date": diagnostic.due_date,
        }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "reassigning": self.action == "reassign"}

    def get_context_data(self, **kwargs):
        plan = capacity_plan()
        form = kwargs.get("form") or self.get_form()
        return super().get_context_data(
            plan=plan,
            warnings=capacity_warnings(plan),
            days_per_kind=forms.days_per_kind_text(),
            transition=DIAGNOSTIC_WORKFLOW.get(self.action),
            preview=assignment_preview(
                self.diagnostic, form.chosen_provider(), _typed_date(form, "due_date"), plan=plan
            ),
            **kwargs,
        )

    def perform(self, form):
        data = form.cleaned_data
        if self.action == "reassign":
            diagnostic = diagnostic_reassign(
                diagnostic=self.diagnostic,
                actor=self.request.user,
                provider=data["provider"],
                consultant=data["consultant"],
                due_date=data["due_date"],
                reason=data["reason"],
            )
        else:
            diagnostic = diagnostic_assign(
                diagnostic=self.diagnostic,
                actor=self.request.user,
                provider=data["provider"],
                consultant=data["consultant"],
                due_date=data["due_date"],
            )
        messages.success(
            self.request,
            f"Le diagnostic est confié {with_preposition('à', diagnostic.provider)}, échéance le "
            f"{format_date(diagnostic.due_date)}.",
        )
        for warning in assignment_warnings(diagnostic):
            messages.warning(self.request, warning)
        return redirect(diagnostic)


class AssignmentOptionsView(DiagnosticObjectMixin, PermissionRequiredMixin, TemplateView):
    """The consultants of the chosen provider and what the assignment does to its month:
    the part of the assignment form that htmx refreshes when the provider or the date
    changes (the form works the same without it)."""

    permission_required = "diagnostics.assign_diagnostic"
    template_name = "diagnostics/_assignment_options.html"

    def get_context_data(self, **kwargs):
        form = forms.AssignForm(self.request.GET or None)
        return super().get_context_data(
            form=form,
            preview=assignment_preview(
                self.diagnostic, form.chosen_provider(), _typed_date(form, "due_date")
            ),
            **kwargs,
        )


def _typed_date(form, name: str) -> datetime.date | None:
    """A date of the form as typed, valid or not yet (for the live preview)."""
    value = form.data.get(name) if form.is_bound else form.initial.get(name)
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


class DueDateView(DiagnosticFormView):
    """Move the due date of an assigned or ongoing diagnostic, with why."""

    permission_required = "diagnostics.assign_diagnostic"
    template_name = "diagnostics/due_date_form.html"
    form_class = forms.DueDateForm
    action = "move_due_date"

    def get_initial(self):
        return {"due_date": self.diagnostic.due_date}

    def get_context_data(self, **kwargs):
        return super().get_context_data(transition=DIAGNOSTIC_WORKFLOW.get(self.action), **kwargs)

    def perform(self, form):
        diagnostic = diagnostic_move_due_date(
            diagnostic=self.diagnostic,
            actor=self.request.user,
            due_date=form.cleaned_data["due_date"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(
            self.request, f"La nouvelle échéance est le {format_date(diagnostic.due_date)}."
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
    if plan.late.get(diagnostic.pk) is not None:
        warnings.append(
            f"Attention : au rythme de sa capacité, {diagnostic.provider} ne pourra pas tenir "
            f"l'échéance du {format_date(diagnostic.due_date)}."
        )
    return warnings


def late_warning(diagnostic: Diagnostic) -> str:
    """Why the due date of a committed diagnostic cannot be met, or nothing."""
    if diagnostic.is_overdue:
        return f"L'échéance du {format_date(diagnostic.due_date)} est dépassée."
    late = capacity_plan().late.get(diagnostic.pk)
    if late is None:
        return ""
    if late.done_month is not None:
        return (
            f"Au rythme de sa capacité, {diagnostic.provider} ne pourra pas tenir l'échéance du "
            f"{format_date(diagnostic.due_date)} : fin prévue en "
            f"{forms.month_label(late.done_month)}."
        )
    return (
        f"{diagnostic.provider} ne pourra pas tenir l'échéance du "
        f"{format_date(diagnostic.due_date)} : sa capacité ne suffit pas."
    )


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
        diagnostic.refresh_from_db()
        problems = grid_problems(diagnostic)
        if problems:
            # The draft is saved: one message says so, and lists what delivery still needs,
            # each point a link to its field.
            form.add_service_error(ValidationError(problems))
            count = len(form.errors)
            return self.render_to_response(
                self.get_context_data(
                    form=form,
                    errors_heading=(
                        "Brouillon enregistré. Le diagnostic n'a pas été remis : "
                        f"{count} point{'s' if count > 1 else ''} à compléter."
                    ),
                )
            )
        # Complete: delivering cannot be undone, so it is confirmed on its own page.
        messages.success(self.request, "Brouillon enregistré. Confirmez la remise du diagnostic.")
        return redirect("diagnostics:transition", pk=diagnostic.pk, action="deliver")


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
        messages.success(self.request, "Merci : les conclusions du diagnostic sont confirmées.")
        return redirect(self.diagnostic)


class DiagnosticThreadView(DiagnosticObjectMixin, ServiceFormView):
    """The diagnostic's thread: the structure, the assigned consultant and the coordination."""

    permission_required = "diagnostics.view_diagnostic_thread"
    template_name = "diagnostics/thread.html"
    form_class = forms.DiagnosticMessageForm

    def get_context_data(self, **kwargs):
        diagnostic = self.diagnostic
        can_post = self.request.user.has_perm("diagnostics.post_diagnostic_message", diagnostic)
        return super().get_context_data(
            diagnostic=diagnostic,
            thread=diagnostic.messages.select_related("author"),
            can_post=can_post,
            can_view_diagnostic=self.request.user.has_perm(
                "diagnostics.view_diagnostic", diagnostic
            ),
            **kwargs,
        )

    def perform(self, form):
        diagnostic_message_post(
            diagnostic=self.diagnostic, author=self.request.user, body=form.cleaned_data["body"]
        )
        messages.success(self.request, "Message envoyé.")
        return redirect("diagnostics:thread", pk=self.diagnostic.pk)


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
    return scanned_file_response(request, diagnostic, back_url=diagnostic.get_absolute_url())


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
        messages.success(
            self.request, f"La capacité {with_preposition('de', self.provider)} est enregistrée."
        )
        if self.request.user.has_perm("diagnostics.list_all_diagnostics"):
            return redirect("diagnostics:queue")
        return redirect("diagnostics:assignments")
