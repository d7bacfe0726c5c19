"""Members of a structure: invitations, roles, departures."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View

from applicants.forms import InvitationForm, MembershipRoleForm
from applicants.models import Invitation, Membership, Structure
from applicants.services.members import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    membership_change_role,
    membership_remove,
)
from ccr_portal.views import ServiceActionView, ServiceFormView


class MembersView(ServiceFormView):
    """The structure's members and pending invitations; an editor invites."""

    permission_required = "applicants.manage_members"
    template_name = "applicants/structure_members.html"
    form_class = InvitationForm

    @cached_property
    def structure(self) -> Structure:
        return get_object_or_404(Structure, pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.structure

    def get_context_data(self, **kwargs):
        structure = self.structure
        memberships = structure.memberships.select_related("user").order_by(
            "user__last_name", "user__email"
        )
        return super().get_context_data(
            structure=structure,
            memberships=[(m, MembershipRoleForm(initial={"role": m.role})) for m in memberships],
            invitations=structure.invitations.filter(
                accepted_at__isnull=True, cancelled_at__isnull=True
            ),
            **kwargs,
        )

    def perform(self, form):
        invitation = invitation_create(
            structure=self.structure,
            actor=self.request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        )
        messages.success(self.request, f"Invitation envoyée à {invitation.email}.")
        return redirect("applicants:structure-members", pk=self.structure.pk)


class MembershipMixin:
    @cached_property
    def membership(self) -> Membership:
        return get_object_or_404(
            Membership.objects.select_related("structure", "user"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.membership.structure

    def get_next_url(self) -> str:
        return reverse("applicants:structure-members", kwargs={"pk": self.membership.structure_id})


class MembershipRoleView(MembershipMixin, ServiceActionView):
    """An editor makes a member editor or reader (at least one editor always remains)."""

    permission_required = "applicants.manage_members"
    form_class = MembershipRoleForm

    def perform(self, form):
        membership = membership_change_role(
            membership=self.membership, actor=self.request.user, role=form.cleaned_data["role"]
        )
        messages.success(
            self.request,
            f"{membership.user} est maintenant {membership.get_role_display().lower()}.",
        )


class MembershipRemoveView(MembershipMixin, ServiceActionView):
    """An editor removes a member, or a member leaves: the service says who may."""

    def has_permission(self) -> bool:
        return self.request.user.is_authenticated

    def perform(self):
        membership = self.membership
        leaving_self = membership.user_id == self.request.user.pk
        membership_remove(membership=membership, actor=self.request.user)
        if leaving_self:
            messages.success(self.request, f"Vous avez quitté {membership.structure}.")
            return redirect("root")
        messages.success(self.request, f"{membership.user} ne fait plus partie de la structure.")
        return None


class InvitationCancelView(ServiceActionView):
    permission_required = "applicants.manage_members"

    @cached_property
    def invitation(self) -> Invitation:
        return get_object_or_404(
            Invitation.objects.select_related("structure"), pk=self.kwargs["pk"]
        )

    def get_permission_object(self):
        return self.invitation.structure

    def get_next_url(self) -> str:
        return reverse("applicants:structure-members", kwargs={"pk": self.invitation.structure_id})

    def perform(self):
        invitation_cancel(invitation=self.invitation, actor=self.request.user)
        messages.success(self.request, f"Invitation de {self.invitation.email} annulée.")


class InvitationAcceptView(View):
    """The link of an invitation e-mail: sign in (or up), then join the structure."""

    @cached_property
    def invitation(self) -> Invitation:
        return get_object_or_404(
            Invitation.objects.select_related("structure"), token=self.kwargs["token"]
        )

    def dispatch(self, request, *args, **kwargs):
        invitation = self.invitation
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.invitation = invitation
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        return render(request, "applicants/invitation_accept.html", {"invitation": self.invitation})

    def post(self, request, *args, **kwargs):
        try:
            membership = invitation_accept(invitation=self.invitation, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            text = error.messages[0] if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
            return self.get(request, *args, **kwargs)
        messages.success(request, f"Vous avez rejoint {membership.structure}.")
        return redirect(membership.structure)
