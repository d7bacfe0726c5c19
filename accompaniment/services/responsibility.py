"""Axis E: the QADES grid of an installed resident, revised every year."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from applicants.models import Structure
from ccr_portal.axes import Axis
from ccr_portal.users.models import User

from ..models import QadesDimension, QadesGrid, QadesLine
from ..start_rules import check_can_start


def _check(structure: Structure, actor: User) -> None:
    if not actor.has_perm("accompaniment.change_qades", structure):
        raise PermissionDenied(
            "Seuls la structure, son prestataire de l'axe E et la coordination modifient la "
            "grille QADES."
        )
    check_can_start(Axis.RESPONSIBILITY, structure=structure)


@transaction.atomic
def qades_grid_open(*, structure: Structure, year: int, actor: User) -> QadesGrid:
    """Open the year's grid, its objectives and indicators taken from the year before."""
    _check(structure, actor)
    if QadesGrid.objects.filter(structure=structure, year=year).exists():
        raise ValidationError({"year": f"La grille QADES {year} existe déjà."})
    grid = QadesGrid(structure=structure, year=year, updated_by=actor)
    grid.full_clean()
    grid.save()
    previous = (
        QadesGrid.objects.filter(structure=structure, year__lt=year)
        .order_by("-year")
        .prefetch_related("lines")
        .first()
    )
    carried = {line.dimension: line for line in previous.lines.all()} if previous else {}
    QadesLine.objects.bulk_create(
        QadesLine(
            grid=grid,
            dimension=dimension,
            objectives=carried[dimension].objectives if dimension in carried else "",
            indicators=carried[dimension].indicators if dimension in carried else "",
        )
        for dimension in QadesDimension.values
    )
    return grid


@transaction.atomic
def qades_grid_update(*, grid: QadesGrid, actor: User, lines: Mapping[str, Mapping]) -> QadesGrid:
    """``lines``: {dimension: {objectives, indicators, review, review_comment, publish}}.

    Only the resident decides what is published in the common summary.
    """
    _check(grid.structure, actor)
    may_publish = actor.has_perm("accompaniment.publish_qades", grid.structure)
    for line in grid.lines.all():
        values = lines.get(line.dimension)
        if values is None:
            continue
        publish = values.get("publish", line.publish)
        if publish != line.publish and not may_publish:
            raise PermissionDenied(
                "Seule la structure décide de publier sa grille dans la synthèse commune."
            )
        line.objectives = values.get("objectives", "").strip()
        line.indicators = values.get("indicators", "").strip()
        line.review = values.get("review", "") or ""
        line.review_comment = values.get("review_comment", "").strip()
        line.publish = publish
        line.full_clean()
        line.save()
    grid.updated_by = actor
    grid.save(update_fields=["updated_by", "updated_at"])
    return grid
