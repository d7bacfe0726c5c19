"""Dossier services: creation, the sections of the online form, the workflow."""

from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from applicants.checks import decision_warnings
from applicants.models import (
    AxisWish,
    Campaign,
    CharterCommitment,
    Dossier,
    DossierStatus,
    DossierTransition,
    EconomicYear,
    FinancingNeed,
    Site,
    SitePreference,
    Structure,
)
from applicants.workflows import DOSSIER_WORKFLOW
from ccr_portal.formatting import format_date
from ccr_portal.users.models import Role, User
from ccr_portal.workflow import TransitionRefused


@transaction.atomic
def dossier_create(*, structure: Structure, campaign: Campaign, actor: User) -> Dossier:
    """Open the dossier of ``structure`` for ``campaign`` (one per pair)."""
    if not actor.has_perm("applicants.add_dossier", structure):
        raise PermissionDenied("Seul un éditeur de la structure peut ouvrir un dossier.")
    if not campaign.is_open():
        raise ValidationError(
            f"L'appel « {campaign} » n'est pas ouvert : les candidatures sont reçues du "
            f"{format_date(campaign.opens_on)} au {format_date(campaign.closes_on)}."
        )
    existing = Dossier.objects.filter(structure=structure, campaign=campaign).first()
    if existing:
        return existing
    dossier = Dossier(structure=structure, campaign=campaign, created_by=actor)
    dossier.full_clean()
    dossier.save()
    return dossier


def _check_editable(dossier: Dossier, actor: User) -> None:
    """May ``actor`` change the dossier now? Its state is read again under a lock, the one
    a submission takes, so nothing changes in a dossier while it is being submitted."""
    if not actor.has_perm("applicants.change_dossier", dossier):
        raise PermissionDenied("Seul un éditeur de la structure peut modifier ce dossier.")
    status = Dossier.objects.select_for_update().values_list("status", flat=True).get(pk=dossier.pk)
    if status not in Dossier.EDITABLE_STATUSES:
        raise TransitionRefused(
            f"Le dossier ne peut plus être modifié : il est « {DossierStatus(status).label} »."
        )


@transaction.atomic
def dossier_update_project(
    *,
    dossier: Dossier,
    actor: User,
    sites: Iterable[Site],
    wished_surface_m2: int | None,
    activity_type: str,
    expected_move_in,
    current_premises: str,
    expected_effect: str,
) -> Dossier:
    """Save the installation project; ``sites`` in order of preference."""
    _check_editable(dossier, actor)
    sites = list(sites)
    offered = set(dossier.campaign.sites.values_list("pk", flat=True))
    if any(site.pk not in offered for site in sites):
        raise ValidationError({"sites": "Choisissez parmi les sites proposés par l'appel."})
    if len({site.pk for site in sites}) != len(sites):
        raise ValidationError({"sites": "Chaque site ne peut être choisi qu'une fois."})
    dossier.wished_surface_m2 = wished_surface_m2
    dossier.activity_type = activity_type or ""
    dossier.expected_move_in = expected_move_in
    dossier.current_premises = current_premises or ""
    dossier.expected_effect = expected_effect or ""
    dossier.full_clean()
    dossier.save()
    dossier.site_preferences.all().delete()
    SitePreference.objects.bulk_create(
        SitePreference(dossier=dossier, site=site, rank=rank)
        for rank, site in enumerate(sites, start=1)
    )
    return dossier


@transaction.atomic
def dossier_update_charter(
    *, dossier: Dossier, actor: User, commitments: Iterable[CharterCommitment]
) -> Dossier:
    _check_editable(dossier, actor)
    commitments = list(commitments)
    if any(commitment.campaign_id != dossier.campaign_id for commitment in commitments):
        raise ValidationError("Ces engagements ne sont pas ceux de l'appel.")
    dossier.charter_commitments.set(commitments)
    dossier.save(update_fields=["updated_at"])
    return dossier


@transaction.atomic
def dossier_update_economy(*, dossier: Dossier, actor: User, years: Iterable[Mapping]) -> Dossier:
    """Save the economic data; each mapping has year, turnover, result, equity, staff_fte."""
    _check_editable(dossier, actor)
    kept = []
    for values in years:
        if values.get("year") is None:
            continue
        row, _ = EconomicYear.objects.get_or_create(dossier=dossier, year=values["year"])
        for name in ("turnover", "result", "equity", "staff_fte"):
            setattr(row, name, values.get(name))
        row.full_clean()
        row.save()
        kept.append(row.pk)
    dossier.economic_years.exclude(pk__in=kept).delete()
    dossier.save(update_fields=["updated_at"])
    return dossier


@transaction.atomic
def dossier_update_needs(
    *,
    dossier: Dossier,
    actor: User,
    axes: Mapping[str, str],
    financing: Mapping[str, tuple[Decimal | None, str]],
) -> Dossier:
    """Save the wished axes ({axis: why}) and financing needs ({category: (amount, note)})."""
    _check_editable(dossier, actor)
    dossier.axis_wishes.exclude(axis__in=list(axes)).delete()
    for axis, reason in axes.items():
        wish, _ = AxisWish.objects.get_or_create(dossier=dossier, axis=axis)
        wish.reason = reason or ""
        wish.full_clean()
        wish.save()
    wanted = {category for category, (amount, _note) in financing.items() if amount}
    dossier.financing_needs.exclude(category__in=wanted).delete()
    for category in wanted:
        amount, note = financing[category]
        need, _ = FinancingNeed.objects.get_or_create(
            dossier=dossier, category=category, defaults={"amount": amount}
        )
        need.amount, need.note = amount, note or ""
        need.full_clean()
        need.save()
    dossier.save(update_fields=["updated_at"])
    return dossier


def dossier_transition(
    *,
    dossier: Dossier,
    actor: User,
    action: str,
    reason: str = "",
    message: str = "",
    assessment_override: str = "",
) -> DossierTransition:
    """Move the dossier along its workflow: the table's row says what else happens. A
    committee step taken without the ordered assessment keeps the coordinator's reason
    in the step's comment."""
    override = assessment_override.strip()
    if override and decision_warnings(dossier):
        note = f"Sans diagnostic d'instruction validé : {override}"
        message = f"{message.strip()}\n{note}" if message.strip() else note
    return DOSSIER_WORKFLOW.perform(
        dossier,
        actor=actor,
        action=action,
        reason=reason,
        comment=message,
        assessment_override=override,
    )


@transaction.atomic
def dossier_assign_instructor(*, dossier: Dossier, actor: User, instructor: User | None) -> Dossier:
    if not actor.has_perm("applicants.instruct_dossier", dossier):
        raise PermissionDenied("Seule la coordination instruit les dossiers.")
    if instructor is not None and not instructor.has_role(Role.COORDINATOR):
        raise ValidationError({"instructor": "Choisissez une personne de la coordination."})
    dossier.instructor = instructor
    dossier.save(update_fields=["instructor", "updated_at"])
    return dossier
