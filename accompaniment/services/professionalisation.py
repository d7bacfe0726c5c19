"""Axis D: the GPEC sheet and the qualifying trainings of a selected structure."""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction

from applicants.models import Structure
from ccr_portal.axes import Axis
from ccr_portal.users.models import User

from ..models import GpecJob, GpecSheet, QualifyingTraining
from ..start_rules import check_can_start


def _check(structure: Structure, actor: User) -> None:
    if not actor.has_perm("accompaniment.change_professionalisation", structure):
        raise PermissionDenied(
            "Seuls la structure, son prestataire de l'axe D et la coordination modifient la GPEC."
        )
    check_can_start(Axis.PROFESSIONALISATION, structure=structure)


@transaction.atomic
def gpec_update(
    *,
    structure: Structure,
    actor: User,
    skills_to_build: str,
    recruitment_plan: str,
    jobs: Iterable[Mapping],
) -> GpecSheet:
    """Save the sheet; ``jobs`` are mappings with title, fte_today, fte_in_3_years, note."""
    _check(structure, actor)
    sheet, _ = GpecSheet.objects.get_or_create(structure=structure)
    sheet.skills_to_build = skills_to_build.strip()
    sheet.recruitment_plan = recruitment_plan.strip()
    sheet.updated_by = actor
    sheet.full_clean()
    sheet.save()
    sheet.jobs.all().delete()
    for values in jobs:
        job = GpecJob(
            sheet=sheet,
            title=values["title"].strip(),
            fte_today=values.get("fte_today") or 0,
            fte_in_3_years=values.get("fte_in_3_years") or 0,
            note=(values.get("note") or "").strip(),
        )
        job.full_clean()
        job.save()
    return sheet


@transaction.atomic
def training_save(
    *,
    structure: Structure,
    actor: User,
    person_or_post: str,
    training: str,
    organisation: str,
    starts_on: datetime.date,
    status: str,
    ends_on: datetime.date | None = None,
    funding: str = "",
    instance: QualifyingTraining | None = None,
) -> QualifyingTraining:
    """Add a qualifying training, or change ``instance``."""
    _check(structure, actor)
    if instance is not None and instance.structure_id != structure.pk:
        raise PermissionDenied("Cette formation appartient à une autre structure.")
    item = instance or QualifyingTraining(structure=structure, created_by=actor)
    item.person_or_post = person_or_post.strip()
    item.training = training.strip()
    item.organisation = organisation.strip()
    item.starts_on = starts_on
    item.ends_on = ends_on
    item.status = status
    item.funding = funding.strip()
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def training_delete(*, training: QualifyingTraining, actor: User) -> None:
    _check(training.structure, actor)
    training.delete()
