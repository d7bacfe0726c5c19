"""Sessions: the provider logs them and writes the notes; the structures read theirs."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import DetailView, ListView
from rules.contrib.views import PermissionRequiredMixin

from ccr_portal.axes import Axis
from ccr_portal.downloads import scanned_file_response
from ccr_portal.permissions import provider_ids
from ccr_portal.users.models import Provider, Role
from ccr_portal.views import ServiceFormView

from ..forms import DocumentForm, SessionForm, SessionUpdateForm, open_actions_for
from ..models import Format, Session, SessionDocument, SessionStatus
from ..selectors import attendances_visible_to, provider_figures, sessions_for
from ..services.sessions import session_document_add, session_log, session_update
from .base import ServiceActionView


class SessionListView(LoginRequiredMixin, ListView):
    template_name = "accompaniment/session_list.html"
    context_object_name = "sessions"
    paginate_by = 25

    def get_queryset(self):
        sessions = sessions_for(self.request.user)
        self.status = self.request.GET.get("etat", "")
        if self.status in SessionStatus.values:
            sessions = sessions.filter(status=self.status)
        return sessions

    def get_context_data(self, **kwargs):
        user = self.request.user
        figures = []
        if user.has_role(Role.PROVIDER) and provider_ids(user):
            figures = list(
                provider_figures(Provider.objects.filter(pk__in=provider_ids(user))).values()
            )
        return super().get_context_data(
            statuses=SessionStatus.choices,
            status=self.status,
            figures=figures,
            can_log=bool(provider_ids(user)) or user.has_role(Role.COORDINATOR),
            **kwargs,
        )


class SessionCreateView(LoginRequiredMixin, ServiceFormView):
    template_name = "accompaniment/session_form.html"
    form_class = SessionForm
    success_message = "La séance a été enregistrée."

    def has_permission(self):
        user = self.request.user
        return user.has_role(Role.COORDINATOR) or (
            user.has_role(Role.PROVIDER) and bool(provider_ids(user))
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_initial(self):
        initial = {
            **super().get_initial(),
            "date": timezone.localdate(),
            "axis": Axis.SECURING,
            "format": Format.INDIVIDUAL,
        }
        raw = self.request.GET.get("action", "")
        action = (
            open_actions_for(self.request.user).filter(pk=int(raw)).first()
            if raw.isdigit()
            else None
        )
        if action is not None:
            initial.update(actions=[action.pk], axis=action.axis, format=action.format)
        return initial

    def perform(self, form):
        data = form.cleaned_data
        return session_log(
            actor=self.request.user,
            provider=data["provider"],
            date=data["date"],
            duration_hours=data["duration_hours"],
            axis=data["axis"],
            theme=data["theme"],
            format=data["format"],
            actions=data["actions"],
            participants=data["participants"],
            summary=data["summary"],
            next_steps=data["next_steps"],
        )


class SessionMixin:
    def dispatch(self, request, *args, **kwargs):
        self.session = get_object_or_404(
            Session.objects.select_related("provider", "consultant", "event"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.session


class SessionDetailView(SessionMixin, PermissionRequiredMixin, DetailView):
    permission_required = "accompaniment.view_session"
    template_name = "accompaniment/session_detail.html"
    context_object_name = "session"

    def get_object(self, queryset=None):
        return self.session

    def get_context_data(self, **kwargs):
        user = self.request.user
        can_change = user.has_perm("accompaniment.change_session", self.session)
        # A structure's member sees its own line of a collective session, not the others'.
        attendances = attendances_visible_to(user).filter(session=self.session)
        attendances = attendances.select_related("structure", "action__plan")
        return super().get_context_data(
            attendances=attendances,
            documents=self.session.documents.all(),
            can_change=can_change,
            document_form=DocumentForm() if can_change else None,
            **kwargs,
        )


class SessionUpdateView(SessionMixin, ServiceFormView):
    permission_required = "accompaniment.change_session"
    template_name = "accompaniment/session_update.html"
    form_class = SessionUpdateForm
    success_message = "La séance a été enregistrée."

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "session": self.session}

    def get_context_data(self, **kwargs):
        return super().get_context_data(session=self.session, **kwargs)

    def perform(self, form):
        data = form.cleaned_data
        return session_update(
            session=self.session,
            actor=self.request.user,
            date=data["date"],
            duration_hours=data["duration_hours"],
            theme=data["theme"],
            participants=data["participants"],
            summary=data["summary"],
            next_steps=data["next_steps"],
            present_structure_ids=form.present_ids(),
        )


class SessionDocumentAddView(SessionMixin, ServiceActionView):
    permission_required = "accompaniment.change_session"

    def post(self, request, *args, **kwargs):
        form = DocumentForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return HttpResponseRedirect(self.session.get_absolute_url())
        try:
            document = session_document_add(
                session=self.session, actor=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Le document « {document.original_name} » a été ajouté.")
        return HttpResponseRedirect(self.session.get_absolute_url())


class SessionDocumentDownloadView(PermissionRequiredMixin, DetailView):
    """Served only through the session's own permission."""

    permission_required = "accompaniment.view_session"

    def dispatch(self, request, *args, **kwargs):
        self.document = get_object_or_404(
            SessionDocument.objects.select_related("session"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_permission_object(self):
        return self.document.session

    def get(self, request, *args, **kwargs):
        return scanned_file_response(
            request, self.document, back_url=self.document.session.get_absolute_url()
        )
