from allauth.account.decorators import reauthentication_required
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, redirect
from django.utils.decorators import method_decorator
from django.views.generic import FormView, ListView
from rules.contrib.views import PermissionRequiredMixin

from ccr_portal.collation import french

from .erasure import account_erase, erasure_obstacles
from .forms import StaffRolesForm, UserSearchForm
from .models import RoleAssignment, RoleChange, User
from .services import user_set_staff_roles


class UserListView(PermissionRequiredMixin, ListView):
    permission_required = "users.manage_roles"
    template_name = "users/user_list.html"
    paginate_by = 25
    context_object_name = "people"

    def get_queryset(self):
        self.search_form = UserSearchForm(self.request.GET or None)
        people = User.objects.prefetch_related(
            Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role")),
            "provider_organisations",
            "funder_organisations",
        ).order_by(french("last_name"), french("first_name"), "email")
        if self.search_form.is_valid():
            query = self.search_form.cleaned_data["q"].strip()
            role = self.search_form.cleaned_data["role"]
            if query:
                people = people.filter(
                    Q(email__icontains=query)
                    | Q(first_name__icontains=query)
                    | Q(last_name__icontains=query)
                )
            if role:
                people = people.filter(role_assignments__role=role)
        return people

    def get_context_data(self, **kwargs):
        return super().get_context_data(search_form=self.search_form, **kwargs)


# Granting a role asks for a recent authentication (ACCOUNT_REAUTHENTICATION_TIMEOUT).
@method_decorator(reauthentication_required(allow_get=True), name="post")
class UserRolesView(PermissionRequiredMixin, FormView):
    permission_required = "users.manage_roles"
    template_name = "users/user_roles.html"
    form_class = StaffRolesForm

    def dispatch(self, request, *args, **kwargs):
        self.person = get_object_or_404(User, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.person}

    def get_context_data(self, **kwargs):
        history = RoleChange.objects.filter(user=self.person).select_related("changed_by")[:20]
        return super().get_context_data(person=self.person, history=history, **kwargs)

    def form_valid(self, form):
        try:
            user_set_staff_roles(
                actor=self.request.user,
                user=self.person,
                roles=form.cleaned_data["roles"],
                providers=form.cleaned_data["providers"],
                funders=form.cleaned_data["funders"],
            )
        except ValidationError as error:
            form.add_service_error(error)
            return self.form_invalid(form)
        messages.success(self.request, f"Les rôles de {self.person} ont été mis à jour.")
        return redirect("users:user-list")


class AccountEraseForm(forms.Form):
    confirm = forms.BooleanField(
        label="Je comprends que mon compte sera supprimé et mes données personnelles anonymisées.",
        error_messages={"required": "Cochez la case pour confirmer la suppression."},
    )


# Erasing asks for a fresh authentication, like granting roles.
@method_decorator(reauthentication_required(allow_get=True), name="post")
class AccountEraseView(LoginRequiredMixin, FormView):
    """A person erases their own account (RGPD): anonymised, the structures' records kept."""

    template_name = "users/account_erase.html"
    form_class = AccountEraseForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(obstacles=erasure_obstacles(self.request.user), **kwargs)

    def form_valid(self, form):
        try:
            account_erase(user=self.request.user, actor=self.request.user)
        except ValidationError as refusal:
            for message in refusal.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        logout(self.request)
        messages.success(
            self.request,
            "Votre compte est supprimé : vos données personnelles sont anonymisées.",
        )
        return redirect("root")
