"""The committee's members: who each one sits for."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from ccr_portal.users.models import Role, User

from ..models import CommitteeMember, SiteCapacity


@transaction.atomic
def committee_member_save(*, actor: User, user: User, organisation: str) -> CommitteeMember:
    if not actor.has_perm("committee.manage_members"):
        raise PermissionDenied("Seule la coordination tient la liste des membres du comité.")
    if not user.has_role(Role.COMMITTEE):
        raise ValidationError(f"{user} n'a pas le rôle « comité de sélection ».")
    profile = CommitteeMember.objects.filter(user=user).first() or CommitteeMember(user=user)
    profile.organisation = organisation.strip()
    profile.full_clean()
    profile.save()
    return profile


@transaction.atomic
def site_capacity_save(*, actor: User, campaign, site, places: int) -> SiteCapacity:
    if not actor.has_perm("committee.manage_members"):
        raise PermissionDenied("Seule la coordination renseigne la capacité des sites.")
    if not campaign.sites.filter(pk=site.pk).exists():
        raise ValidationError(f"Le site « {site} » n'est pas proposé par « {campaign} ».")
    capacity, _ = SiteCapacity.objects.update_or_create(
        campaign=campaign, site=site, defaults={"places": places}
    )
    return capacity
