"""The providers' monthly capacity, in consultant days."""

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ccr_portal.users.models import Provider, User

from ..models import ProviderCapacity


@transaction.atomic
def provider_capacity_set(
    *, provider: Provider, actor: User, month: datetime.date, days: Decimal | None
) -> ProviderCapacity | None:
    """Declare the consultant days of one month; ``None`` falls back to the usual capacity."""
    if not actor.has_perm("diagnostics.declare_capacity", provider):
        raise PermissionDenied("Seuls le prestataire et la coordination déclarent sa capacité.")
    month = month.replace(day=1)
    if days is None:
        ProviderCapacity.objects.filter(provider=provider, month=month).delete()
        return None
    if days < 0:
        raise ValidationError({"consultant_days": "La capacité ne peut pas être négative."})
    capacity = ProviderCapacity.objects.filter(provider=provider, month=month).first()
    capacity = capacity or ProviderCapacity(provider=provider, month=month)
    capacity.consultant_days = days
    capacity.full_clean()
    capacity.save()
    return capacity


@transaction.atomic
def provider_usual_capacity_set(*, provider: Provider, actor: User, days: Decimal) -> Provider:
    """The consultant days a provider usually gives each month."""
    if not actor.has_perm("diagnostics.declare_capacity", provider):
        raise PermissionDenied("Seuls le prestataire et la coordination déclarent sa capacité.")
    provider.monthly_capacity_days = days
    provider.full_clean()
    provider.save(update_fields=["monthly_capacity_days"])
    return provider


@transaction.atomic
def provider_capacity_declare(
    *,
    provider: Provider,
    actor: User,
    usual_days: Decimal,
    months: Mapping[datetime.date, Decimal | None],
) -> Provider:
    """The whole capacity form at once: the usual days and each month that differs."""
    provider_usual_capacity_set(provider=provider, actor=actor, days=usual_days)
    for month, days in months.items():
        provider_capacity_set(provider=provider, actor=actor, month=month, days=days)
    return provider
