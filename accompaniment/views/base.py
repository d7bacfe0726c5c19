"""Two shapes of view used everywhere: a form handed to a service, and a POST-only action."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views import View
from django.views.generic import FormView
from rules.contrib.views import PermissionRequiredMixin

from ccr_portal.workflow import TransitionRefused


class ServiceFormView(PermissionRequiredMixin, FormView):
    """Validate the form, call ``perform``; the service's refusals land next to the fields."""

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
        return HttpResponseRedirect(self.get_result_url(result))


class ServiceActionView(PermissionRequiredMixin, View):
    """A button: POST, call ``perform``, say what happened, go back to ``get_next_url``."""

    http_method_names = ["post"]
    success_message = ""

    def perform(self):
        raise NotImplementedError

    def get_next_url(self) -> str:
        return self.get_permission_object().get_absolute_url()

    def post(self, request, *args, **kwargs):
        try:
            self.perform()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        except TransitionRefused as refused:
            messages.error(request, refused.message)
        else:
            if self.success_message:
                messages.success(request, self.success_message)
        return HttpResponseRedirect(self.get_next_url())
