"""Members of a structure: invitations by e-mail, roles, at least one editor always."""

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from applicants.models import Invitation, Membership, Structure
from ccr_portal.notifications.services import email_address, notify
from ccr_portal.users.models import Role, User


def forget_memberships(user: User) -> None:
    """Drop the per-request cache of the permission predicates."""
    user.__dict__.pop("_membership_roles", None)


@transaction.atomic
def invitation_create(*, structure: Structure, actor: User, email: str, role: str) -> Invitation:
    if not actor.has_perm("applicants.manage_members", structure):
        raise PermissionDenied("Seul un éditeur de la structure peut inviter des membres.")
    email = (email or "").strip().lower()
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choisissez éditeur ou lecteur."})
    if Membership.objects.filter(structure=structure, user__email__iexact=email).exists():
        raise ValidationError({"email": "Cette personne est déjà membre de la structure."})
    pending = Invitation.objects.filter(
        structure=structure,
        email__iexact=email,
        accepted_at__isnull=True,
        cancelled_at__isnull=True,
    )
    if pending.exists():
        raise ValidationError({"email": "Une invitation est déjà en attente pour cette adresse."})
    invitation = Invitation(structure=structure, email=email, role=role, invited_by=actor)
    invitation.full_clean()
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        raise ValidationError(
            {"email": "Une invitation est déjà en attente pour cette adresse."}
        ) from None
    accept_url = reverse("applicants:invitation-accept", kwargs={"token": invitation.token})
    existing = User.objects.filter(email__iexact=email).first()
    context = {
        "structure": structure.name,
        "invited_by": actor.display_name,
        "role": invitation.get_role_display(),
        "has_account": existing is not None,
    }
    if existing:
        notify(
            recipient=existing,
            subject=f"Invitation à rejoindre {structure}",
            template="structure_invitation",
            context=context,
            url=accept_url,
        )
    else:
        email_address(
            to=email,
            subject=f"Invitation à rejoindre {structure}",
            template="structure_invitation",
            context=context,
            url=accept_url,
        )
    return invitation


def _verified_emails(user: User) -> set[str]:
    emails = {
        address.lower()
        for address in EmailAddress.objects.filter(user=user, verified=True).values_list(
            "email", flat=True
        )
    }
    return emails


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Join the structure: the invitation's address must be one of the person's verified ones."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ValidationError("Cette invitation n'est plus valable.")
    if invitation.email.lower() not in _verified_emails(user):
        raise PermissionDenied(
            f"Cette invitation a été envoyée à {invitation.email} : connectez-vous avec cette "
            "adresse (vérifiée) pour l'accepter."
        )
    if not user.has_role(Role.APPLICANT):
        from ccr_portal.users.services import user_grant_role

        user_grant_role(user=user, role=Role.APPLICANT, granted_by=invitation.invited_by)
    membership, _created = Membership.objects.get_or_create(
        structure=invitation.structure, user=user, defaults={"role": invitation.role}
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    forget_memberships(user)
    return membership


@transaction.atomic
def invitation_cancel(*, invitation: Invitation, actor: User) -> None:
    if not actor.has_perm("applicants.manage_members", invitation.structure):
        raise PermissionDenied("Seul un éditeur de la structure peut annuler une invitation.")
    if invitation.is_pending:
        invitation.cancelled_at = timezone.now()
        invitation.save(update_fields=["cancelled_at"])


def _check_an_editor_remains(structure: Structure, *, without: Membership) -> None:
    others = Membership.objects.filter(structure=structure, role=Membership.Role.EDITOR).exclude(
        pk=without.pk
    )
    if not others.exists():
        raise ValidationError(
            "La structure doit toujours garder au moins un éditeur : nommez d'abord un autre "
            "éditeur."
        )


@transaction.atomic
def membership_change_role(*, membership: Membership, actor: User, role: str) -> Membership:
    if not actor.has_perm("applicants.manage_members", membership.structure):
        raise PermissionDenied("Seul un éditeur de la structure peut changer les rôles.")
    if role not in Membership.Role.values:
        raise ValidationError({"role": "Choisissez éditeur ou lecteur."})
    Membership.objects.select_for_update().filter(structure=membership.structure).count()
    if membership.role == Membership.Role.EDITOR and role != Membership.Role.EDITOR:
        _check_an_editor_remains(membership.structure, without=membership)
    membership.role = role
    membership.save(update_fields=["role"])
    forget_memberships(membership.user)
    forget_memberships(actor)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, actor: User) -> None:
    is_self = membership.user_id == actor.pk
    if not is_self and not actor.has_perm("applicants.manage_members", membership.structure):
        raise PermissionDenied("Seul un éditeur de la structure peut retirer un membre.")
    # Lock the structure's memberships so two removals cannot leave it without editor.
    list(Membership.objects.select_for_update().filter(structure=membership.structure))
    if membership.role == Membership.Role.EDITOR:
        _check_an_editor_remains(membership.structure, without=membership)
    membership.delete()
    forget_memberships(membership.user)
    forget_memberships(actor)


def erasure_obstacles(user: User) -> list[str]:
    """The last editor of a structure with other members hands over before leaving."""
    reasons = []
    for membership in Membership.objects.filter(
        user=user, role=Membership.Role.EDITOR
    ).select_related("structure"):
        others = Membership.objects.filter(structure=membership.structure).exclude(user=user)
        if others.exists() and not others.filter(role=Membership.Role.EDITOR).exists():
            reasons.append(
                f"Vous êtes le seul éditeur de « {membership.structure} » : donnez le rôle "
                "d'éditeur à un autre membre avant de supprimer votre compte."
            )
    return reasons


def erase_memberships(user: User) -> None:
    """The person leaves their structures (which keep their records) and their invitations."""
    from ccr_portal.users.erasure import erased_email

    Membership.objects.filter(user=user).delete()
    invitations = Invitation.objects.filter(email__iexact=user.email)
    invitations.filter(accepted_at__isnull=True).delete()
    invitations.update(email=erased_email(user))
    forget_memberships(user)
