from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from ccr_portal.notifications.services import notify
from ccr_portal.security.models import SecurityEvent
from ccr_portal.security.services import security_event_record

from .models import STAFF_ROLES, Funder, Provider, Role, RoleAssignment, RoleChange, User


@transaction.atomic
def user_grant_role(*, user: User, role: Role, granted_by: User | None) -> bool:
    """Give ``role`` to ``user``; returns False when the person already held it."""
    _, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, defaults={"granted_by": granted_by}
    )
    if created:
        RoleChange.objects.create(
            user=user, role=role, action=RoleChange.Action.GRANTED, changed_by=granted_by
        )
        security_event_record(
            kind=SecurityEvent.Kind.ROLE_GRANTED,
            actor=granted_by,
            target=user,
            details={"role": Role(role).label},
        )
        user.forget_roles()
    return created


@transaction.atomic
def user_revoke_role(*, user: User, role: Role, revoked_by: User | None) -> bool:
    deleted, _ = RoleAssignment.objects.filter(user=user, role=role).delete()
    if deleted:
        RoleChange.objects.create(
            user=user, role=role, action=RoleChange.Action.REVOKED, changed_by=revoked_by
        )
        security_event_record(
            kind=SecurityEvent.Kind.ROLE_REVOKED,
            actor=revoked_by,
            target=user,
            details={"role": Role(role).label},
        )
        user.forget_roles()
    return bool(deleted)


def user_register_applicant(*, user: User) -> None:
    """A person who signs up on the portal becomes a candidate structure's member."""
    user_grant_role(user=user, role=Role.APPLICANT, granted_by=None)


@transaction.atomic
def user_set_staff_roles(
    *,
    actor: User,
    user: User,
    roles: Iterable[str],
    providers: Iterable[Provider] = (),
    funders: Iterable[Funder] = (),
) -> None:
    """Set the staff roles and organisations of ``user``, as a coordinator does.

    Refused unless ``actor`` may manage roles; a provider needs a provider
    organisation, a funder a fund; a coordinator cannot drop their own
    coordinator role (nobody would be left to give it back).
    """
    if not actor.has_perm("users.manage_roles"):
        raise PermissionDenied("Seule la coordination peut attribuer des rôles.")
    wanted = {Role(role) for role in roles}
    if not wanted <= set(STAFF_ROLES):
        raise ValidationError("Seuls les rôles d'équipe peuvent être attribués ici.")
    providers, funders = list(providers), list(funders)
    errors = {}
    if Role.PROVIDER in wanted and not providers:
        errors["providers"] = "Un prestataire doit être rattaché à une structure d'accompagnement."
    if Role.FUNDER in wanted and not funders:
        errors["funders"] = "Un financeur doit être rattaché à un fonds."
    if user == actor and Role.COORDINATOR not in wanted:
        errors["roles"] = "Vous ne pouvez pas retirer votre propre rôle de coordination."
    if errors:
        raise ValidationError(errors)

    changed = False
    for role in STAFF_ROLES:
        if role in wanted:
            changed |= user_grant_role(user=user, role=role, granted_by=actor)
        else:
            changed |= user_revoke_role(user=user, role=role, revoked_by=actor)
    user.provider_organisations.set(providers if Role.PROVIDER in wanted else [])
    user.funder_organisations.set(funders if Role.FUNDER in wanted else [])
    if changed:
        notify(
            recipient=user,
            subject="Vos rôles sur le portail CCR ont changé",
            template="role_changed",
            context={"roles": [role.label for role in user.ordered_roles]},
            url=reverse("root"),
        )
