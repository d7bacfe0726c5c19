from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from rules.contrib.views import PermissionRequiredMixin

from ccr_portal.forms import TransitionForm
from ccr_portal.panels import PUBLIC, rendered_panels
from ccr_portal.roles import active_role, set_active_role
from ccr_portal.users.models import Role
from ccr_portal.workflow import TransitionRefused


def root(request):
    """The public home page for visitors; a person's dashboard once signed in."""
    if not request.user.is_authenticated:
        return render(request, "home.html", {"panels": rendered_panels(PUBLIC, request)})
    role = active_role(request)
    if role is None:
        if request.user.is_superuser:
            return redirect("admin:index")
        return render(request, "no_role.html")
    return redirect("dashboard", role=role)


@login_required
def dashboard(request, role: str):
    if role not in Role.values:
        raise Http404("Ce tableau de bord n'existe pas.")
    if not request.user.has_role(role):
        raise PermissionDenied("Vous n'avez pas ce rôle.")
    set_active_role(request, role)
    return render(
        request,
        "dashboard.html",
        {
            "role": Role(role),
            "active_role": role,
            "panels": rendered_panels(role, request),
        },
    )


@login_required
@require_POST
def switch_role(request):
    role = request.POST.get("role", "")
    if not request.user.has_role(role):
        raise PermissionDenied("Vous n'avez pas ce rôle.")
    set_active_role(request, role)
    return redirect("dashboard", role=role)


class AccessibilityStatementView(TemplateView):
    """The accessibility statement (déclaration d'accessibilité), in the RGAA's form."""

    template_name = "accessibility.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(contact=settings.ACCESSIBILITY_CONTACT_EMAIL, **kwargs)


class PrivacyView(TemplateView):
    """The privacy page (politique de confidentialité): who processes what, why, how long."""

    template_name = "privacy.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            contact=settings.PRIVACY_CONTACT_EMAIL,
            dossier_years=round(settings.RETENTION_DOSSIER_DAYS / 365, 1),
            notice_days=settings.RETENTION_NOTICE_DAYS,
            log_days=settings.SECURITY_LOG_RETENTION_DAYS,
            idle_hours=round(settings.STAFF_SESSION_IDLE_TIMEOUT / 3600, 1),
            session_days=round(settings.SESSION_COOKIE_AGE / 86400),
            **kwargs,
        )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def posted(request, *, files: bool = False) -> tuple:
    """The form data of a POST (even an empty one), nothing on a GET.

    ``request.POST or None`` would leave a form unbound when everything was
    unticked, and silently ignore the submission.
    """
    if request.method != "POST":
        return (None, None) if files else (None,)
    return (request.POST, request.FILES) if files else (request.POST,)


class ServiceFormView(PermissionRequiredMixin, FormView):
    """A form handed to one service through ``perform(form)``; the view stays thin.

    The service's ``ValidationError`` shows next to the fields it names and a
    ``TransitionRefused`` above the form: nothing typed is lost. ``perform``
    returns the response, or the object whose page comes next.
    """

    success_message = ""

    def perform(self, form):
        raise NotImplementedError

    def get_result_url(self, result) -> str:
        return result.get_absolute_url()

    def form_valid(self, form):
        try:
            result = self.perform(form)
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        except TransitionRefused as refused:
            form.add_error(None, refused.message)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message)
        if isinstance(result, HttpResponseBase):
            return result
        return HttpResponseRedirect(self.get_result_url(result))


class TransitionView(ServiceFormView):
    """Confirm and perform one step of a workflow, for every workflow of the portal.

    A subclass names its ``workflow``, loads the object of the URL in ``get_subject`` and
    calls its service in ``run``. The viewer must read the object and hold the row's
    permission (403 otherwise); a step the object's state rules out goes back to its
    page with the French reason, and so does a refusal that names no field (what a
    dossier lacks, why a plan cannot be proposed). Missing reasons stay on the form.
    """

    workflow = None
    template_name = "workflow/transition.html"
    form_class = TransitionForm

    def get_subject(self):
        raise NotImplementedError

    def run(self, form):
        """Call the service; return a response, or nothing to go back to the object."""
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        try:
            self.transition = self.workflow.get(kwargs["action"])
        except TransitionRefused:
            raise Http404("Cette action n'existe pas.") from None
        self.subject = self.get_subject()
        return super().dispatch(request, *args, **kwargs)

    def get_permission_required(self):
        return [self.workflow.view_permission, self.transition.permission]

    def get_permission_object(self):
        return self.subject

    def get(self, request, *args, **kwargs):
        try:
            self.workflow.check(self.transition.action, request.user, self.subject)
        except TransitionRefused as refusal:
            messages.error(request, refusal.message)
            return redirect(self.subject)
        return super().get(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "workflow": self.workflow,
            "transition": self.transition,
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            subject=self.subject,
            transition=self.transition,
            current_label=self.workflow.label_of(getattr(self.subject, self.workflow.status_field)),
            target_label=self.workflow.label_of(
                self.transition.target_from(getattr(self.subject, self.workflow.status_field))
            ),
            **kwargs,
        )

    def form_valid(self, form):
        if self.transition.confirm and self.request.POST.get("confirmed") != "yes":
            # A step that cannot be undone is performed from its confirmation page only.
            return self.render_to_response(self.get_context_data(form=form))
        try:
            response = self.run(form)
        except TransitionRefused as refusal:
            messages.error(self.request, refusal.message)
            return redirect(self.subject)
        except ValidationError as error:
            fields = getattr(error, "error_dict", {})
            if fields and all(form.field_for_error(key) for key in fields):
                form.add_service_error(error)
                return self.form_invalid(form)
            for text in error.messages:
                messages.error(self.request, text)
            return redirect(self.subject)
        messages.success(self.request, self.transition.description)
        return response or redirect(self.subject)


class ServiceActionView(PermissionRequiredMixin, View):
    """A button: POST, call ``perform``, say what happened, go back to ``get_next_url``.

    With a ``form_class`` (a note, a choice), the form is read first: an invalid one is
    said in French (``invalid_message``, or its errors) and nothing is performed.
    """

    http_method_names = ["post"]
    success_message = ""
    form_class = None
    invalid_message = ""

    def perform(self, form=None):
        raise NotImplementedError

    def get_next_url(self) -> str:
        return self.get_permission_object().get_absolute_url()

    def post(self, request, *args, **kwargs):
        form = None
        if self.form_class is not None:
            form = self.form_class(request.POST, request.FILES, **self.get_form_kwargs())
            if not form.is_valid():
                self.form_invalid(form)
                return HttpResponseRedirect(self.get_next_url())
        try:
            result = self.perform(form) if form is not None else self.perform()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
            if isinstance(result, HttpResponseBase):
                return result
            if self.success_message:
                messages.success(request, self.success_message)
        return HttpResponseRedirect(self.get_next_url())

    def get_form_kwargs(self) -> dict:
        return {}

    def form_invalid(self, form) -> None:
        """Say in French why nothing was done."""
        if self.invalid_message:
            messages.error(self.request, self.invalid_message)
            return
        for errors in form.errors.values():
            for text in errors:
                messages.error(self.request, text)
