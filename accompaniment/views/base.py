"""A POST-only action handed to a service (forms use ``ccr_portal.views.ServiceFormView``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views import View
from rules.contrib.views import PermissionRequiredMixin

from ccr_portal.workflow import TransitionRefused


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
