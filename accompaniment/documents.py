"""The plan's PDF, rendered by the documents pipeline (kind ``development_plan``).

The context carries no clock: the same content gives the same fingerprint,
so only a changed plan makes a new version, and every version stays listed.
"""

from django.utils.text import slugify

from ccr_portal.documents.registry import DocumentKind, register

from .selectors import plan_overview

DEVELOPMENT_PLAN = "development_plan"


def _development_plan_context(plan) -> dict:
    return {
        "plan": plan,
        "overview": plan_overview(plan),
        "diagnostics": plan.diagnostics.select_related("provider").order_by("validated_at", "pk"),
    }


register(
    DocumentKind(
        code=DEVELOPMENT_PLAN,
        label="Version imprimable du plan stratégique de développement",
        model="accompaniment.DevelopmentPlan",
        template_name="pdf/development_plan.html",
        permission="accompaniment.view_plan",
        get_context=_development_plan_context,
        get_filename=lambda plan: (
            f"plan-strategique-{slugify(plan.structure.name)}-{plan.first_year}.pdf"
        ),
    )
)
