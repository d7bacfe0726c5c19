"""Members of a structure: invitations, roles, departures."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from applicants.forms import InvitationForm, MembershipRoleForm
from applicants.models import Invitation, Membership, Structure
from applicants.services.members import (
    invitation_accept,
    invitation_cancel,
    invitation_create,
    membership_change_role,
    membership_remove,
)
from ccr_portal.views import posted


def _structure_for_managers(request, pk: int) -> Structure:
    structure = get_object_or_404(Structure, pk=pk)
    if not request.user.has_perm("applicants.manage_members", structure):
        raise PermissionDenied("Seul un éditeur de la structure gère ses membres.")
    return structure


@login_required
def members_view(request, pk: int):
    structure = _structure_for_managers(request, pk)
    form = InvitationForm(*posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitation_create(
                structure=structure,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, f"Invitation envoyée à {invitation.email}.")
            return redirect("applicants:structure-members", pk=structure.pk)
    memberships = structure.memberships.select_related("user").order_by(
        "user__last_name", "user__email"
    )
    return render(
        request,
        "applicants/structure_members.html",
        {
            "structure": structure,
            "memberships": [(m, MembershipRoleForm(initial={"role": m.role})) for m in memberships],
            "invitations": structure.invitations.filter(
                accepted_at__isnull=True, cancelled_at__isnull=True
            ),
            "form": form,
        },
    )


@login_required
@require_POST
def membership_role_view(request, pk: int):
    membership = get_object_or_404(Membership.objects.select_related("structure", "user"), pk=pk)
    form = MembershipRoleForm(request.POST)
    if form.is_valid():
        try:
            membership_change_role(
                membership=membership, actor=request.user, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
        else:
            messages.success(
                request,
                f"{membership.user} est maintenant {membership.get_role_display().lower()}.",
            )
    return redirect("applicants:structure-members", pk=membership.structure_id)


@login_required
@require_POST
def membership_remove_view(request, pk: int):
    membership = get_object_or_404(Membership.objects.select_related("structure", "user"), pk=pk)
    leaving_self = membership.user_id == request.user.pk
    try:
        membership_remove(membership=membership, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return redirect("applicants:structure-members", pk=membership.structure_id)
    if leaving_self:
        messages.success(request, f"Vous avez quitté {membership.structure}.")
        return redirect("root")
    messages.success(request, f"{membership.user} ne fait plus partie de la structure.")
    return redirect("applicants:structure-members", pk=membership.structure_id)


@login_required
@require_POST
def invitation_cancel_view(request, pk: int):
    invitation = get_object_or_404(Invitation.objects.select_related("structure"), pk=pk)
    invitation_cancel(invitation=invitation, actor=request.user)
    messages.success(request, f"Invitation de {invitation.email} annulée.")
    return redirect("applicants:structure-members", pk=invitation.structure_id)


def invitation_accept_view(request, token: str):
    invitation = get_object_or_404(Invitation.objects.select_related("structure"), token=token)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if request.method == "POST":
        try:
            membership = invitation_accept(invitation=invitation, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            text = error.messages[0] if isinstance(error, ValidationError) else str(error)
            messages.error(request, text)
        else:
            messages.success(request, f"Vous avez rejoint {membership.structure}.")
            return redirect(membership.structure)
    return render(request, "applicants/invitation_accept.html", {"invitation": invitation})
