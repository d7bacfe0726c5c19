"""The coordination edits the providers: axes, daily rate, funding, capacity, consultants."""

from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ccr_portal.axes import Axis
from ccr_portal.users.models import Provider, Role, User


def _check(actor: User) -> None:
    if not actor.has_perm("accompaniment.manage_providers"):
        raise PermissionDenied("Seule la coordination gère les prestataires.")


def _apply(
    provider: Provider,
    *,
    axes: Iterable[str],
    daily_rate: Decimal | None,
    funding_scheme: str,
    monthly_capacity_days: Decimal,
    consultants: Iterable[User],
) -> Provider:
    axes = [axis for axis in Axis.values if axis in set(axes)]
    consultants = list(consultants)
    # Someone already attached (a coordinator of Regain, say) may stay; newcomers need the role.
    current = set(provider.members.values_list("pk", flat=True)) if provider.pk else set()
    without_role = [
        person
        for person in consultants
        if person.pk not in current and not person.has_role(Role.PROVIDER)
    ]
    if without_role:
        names = ", ".join(person.display_name for person in without_role)
        raise ValidationError(
            {
                "consultants": f"{names} n'a pas le rôle « prestataire » : attribuez-le d'abord "
                "depuis « Équipe et rôles »."
            }
        )
    provider.axes = axes
    provider.daily_rate = daily_rate
    provider.funding_scheme = funding_scheme or ""
    provider.monthly_capacity_days = monthly_capacity_days
    provider.full_clean()
    provider.save()
    provider.members.set(consultants)
    return provider


@transaction.atomic
def provider_create(
    *,
    actor: User,
    name: str,
    short_name: str = "",
    axes: Iterable[str] = (),
    daily_rate: Decimal | None = None,
    funding_scheme: str = "",
    monthly_capacity_days: Decimal = Decimal("0"),
    consultants: Iterable[User] = (),
) -> Provider:
    _check(actor)
    provider = Provider(name=name, short_name=short_name or "")
    return _apply(
        provider,
        axes=axes,
        daily_rate=daily_rate,
        funding_scheme=funding_scheme,
        monthly_capacity_days=monthly_capacity_days,
        consultants=consultants,
    )


@transaction.atomic
def provider_update(
    *,
    provider: Provider,
    actor: User,
    axes: Iterable[str],
    daily_rate: Decimal | None,
    funding_scheme: str,
    monthly_capacity_days: Decimal,
    consultants: Iterable[User],
) -> Provider:
    """Save what the accompaniment needs of a provider; a new rate applies to new actions only."""
    _check(actor)
    return _apply(
        provider,
        axes=axes,
        daily_rate=daily_rate,
        funding_scheme=funding_scheme,
        monthly_capacity_days=monthly_capacity_days,
        consultants=consultants,
    )
