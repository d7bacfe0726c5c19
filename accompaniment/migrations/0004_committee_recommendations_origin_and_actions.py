"""The recommendations the coordination typed for the committee, before its decisions did.

They keep their dossier, axis, note, author and date; their origin now says where they
come from, and each is linked to the plan action on its axis when the structure's plan
already has one, so that no second action is ever created for it.
"""

from django.db import migrations

ORIGIN = "Saisie par la coordination pour le comité"
NO_PLAN_YET = (
    "La structure n'a pas encore de plan de développement : l'action y sera ajoutée quand la "
    "coordination le rédigera."
)


def forwards(apps, schema_editor):
    CommitteeRecommendation = apps.get_model("accompaniment", "CommitteeRecommendation")
    PlanAction = apps.get_model("accompaniment", "PlanAction")
    taken = set(
        CommitteeRecommendation.objects.exclude(action=None).values_list("action_id", flat=True)
    )
    for recommendation in CommitteeRecommendation.objects.select_related("dossier"):
        recommendation.origin = recommendation.origin or ORIGIN
        if recommendation.action_id is None:
            action = (
                PlanAction.objects.filter(
                    plan__structure_id=recommendation.dossier.structure_id,
                    plan__campaign_id=recommendation.dossier.campaign_id,
                    axis=recommendation.axis,
                )
                .exclude(pk__in=taken)
                .order_by("position", "pk")
                .first()
            )
            if action is not None:
                recommendation.action = action
                taken.add(action.pk)
            else:
                recommendation.pending_reason = NO_PLAN_YET
        recommendation.save(update_fields=["origin", "action", "pending_reason"])


def backwards(apps, schema_editor):
    CommitteeRecommendation = apps.get_model("accompaniment", "CommitteeRecommendation")
    CommitteeRecommendation.objects.update(action=None, pending_reason="")


class Migration(migrations.Migration):
    dependencies = [("accompaniment", "0003_committee_recommendation_actions")]

    operations = [migrations.RunPython(forwards, backwards)]
