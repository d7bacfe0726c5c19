"""The committee's recommendation of an axis for a dossier (securing after the selection)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from applicants.models import Dossier
from ccr_portal.users.models import User

from ..models import CommitteeRecommendation, PlanAction, PlanStatus


@transaction.atomic
def committee_recommendation_record(
    *, dossier: Dossier, axis: str, actor: User, note: str = ""
) -> CommitteeRecommendation:
    """Record (or update) the committee's recommendation; a coordinator enters it."""
    if not actor.has_perm("accompaniment.record_committee_recommendation", dossier):
        raise PermissionDenied(
            "Seule la coordination enregistre les recommandations du comité de sélection."
        )
    recommendation, _ = CommitteeRecommendation.objects.get_or_create(
        dossier=dossier, axis=axis, defaults={"recorded_by": actor}
    )
    recommendation.note = note.strip()
    recommendation.recorded_by = actor
    recommendation.recorded_at = timezone.now()
    recommendation.full_clean()
    recommendation.save()
    return recommendation


@transaction.atomic
def committee_recommendation_withdraw(
    *, recommendation: CommitteeRecommendation, actor: User
) -> None:
    if not actor.has_perm("accompaniment.record_committee_recommendation", recommendation.dossier):
        raise PermissionDenied(
            "Seule la coordination enregistre les recommandations du comité de sélection."
        )
    dossier = recommendation.dossier
    relied_on = (
        PlanAction.objects.filter(
            plan__structure_id=dossier.structure_id,
            plan__campaign_id=dossier.campaign_id,
            axis=recommendation.axis,
        )
        .exclude(plan__status=PlanStatus.DRAFT)
        .exists()
    )
    if relied_on:
        raise ValidationError(
            "Le plan proposé à la structure comporte des actions sur cet axe : la "
            "recommandation ne peut plus être retirée."
        )
    recommendation.delete()
