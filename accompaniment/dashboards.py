"""What the accompaniment adds to dashboards and object pages."""

from django.db.models import Count
from django.utils import timezone

from ccr_portal.axes import Axis
from ccr_portal.panels import (
    CAMPAIGN_PUBLIC,
    DOSSIER_DETAIL,
    STRUCTURE_DETAIL,
    Panel,
    register_panel,
)
from ccr_portal.permissions import provider_ids
from ccr_portal.users.models import Role

from .models import (
    DevelopmentPlan,
    Event,
    EventKind,
    FollowUp,
    PlanStatus,
    Session,
    SessionStatus,
)
from .start_rules import START_RULES, start_context


def _coordinator_plans(request) -> dict:
    totals = dict(
        DevelopmentPlan.objects.order_by().values_list("status").annotate(total=Count("pk"))
    )
    return {
        "counts": [(code, label, totals.get(code, 0)) for code, label in PlanStatus.choices],
        "follow_ups_due": FollowUp.objects.filter(
            recorded_at__isnull=True, due_on__lte=timezone.localdate()
        )
        .select_related("plan__structure")
        .order_by("due_on")[:10],
    }


def _upcoming_events(request) -> dict:
    return {
        "events": Event.objects.filter(date__gte=timezone.localdate()).order_by("date", "title")[:5]
    }


def _campaign_information_days(request, campaign) -> dict | None:
    """The call's information days: anyone may register, with or without an account."""
    days = list(
        Event.objects.filter(
            campaign=campaign, kind=EventKind.INFORMATION_DAY, date__gte=timezone.localdate()
        ).order_by("date", "start_time", "title")
    )
    return {"events": days} if days else None


def _provider_sessions(request) -> dict:
    mine = Session.objects.filter(provider_id__in=provider_ids(request.user))
    today = timezone.localdate()
    return {
        "awaiting_notes": mine.filter(status=SessionStatus.PLANNED, date__lte=today)
        .select_related("provider")
        .order_by("date")[:10],
        "upcoming": mine.filter(date__gt=today).order_by("date")[:5],
    }


def _my_plans(request) -> dict | None:
    plans = (
        DevelopmentPlan.objects.visible_to(request.user)
        .select_related("structure", "campaign")
        .order_by("structure__name")
    )
    return {"plans": plans, **_upcoming_events(request)}


def _structure_accompaniment(request, structure) -> dict | None:
    user = request.user
    plans = [
        plan
        for plan in structure.development_plans.select_related("campaign")
        if user.has_perm("accompaniment.view_plan", plan)
    ]
    links = {
        "gpec": user.has_perm("accompaniment.view_professionalisation", structure),
        "qades": user.has_perm("accompaniment.view_qades", structure),
    }
    can_add = user.has_perm("accompaniment.add_plan")
    dossiers = [
        dossier
        for dossier in structure.dossiers.select_related("campaign")
        if user.has_perm("accompaniment.view_committee_recommendations", dossier)
    ]
    if not (plans or any(links.values()) or can_add or dossiers):
        return None
    return {
        "structure": structure,
        "plans": plans,
        "links": links,
        "can_add": can_add,
        "dossiers": dossiers,
    }


def _dossier_axes(request, dossier) -> dict | None:
    """The six axes' start rules for this dossier, and the committee's recommendations."""
    user = request.user
    if not (
        user.has_perm("accompaniment.view_committee_recommendations", dossier)
        or user.has_perm("applicants.view_dossier", dossier)
    ):
        return None
    # Read once, with their actions: the start rules and the panel's list.
    recommendations = list(dossier.committee_recommendations.select_related("action"))
    context = start_context(
        dossier.structure, dossier.campaign, dossier=dossier, recommendations=recommendations
    )
    return {
        "dossier": dossier,
        "rules": [(Axis(axis).label, rule(context)) for axis, rule in START_RULES.items()],
        "recommendations": recommendations,
        "can_read_details": user.has_perm("accompaniment.view_committee_recommendations", dossier),
    }


register_panel(
    Role.COORDINATOR, Panel("accompaniment/panels/coordinator_plans.html", _coordinator_plans, 30)
)
register_panel(
    Role.COORDINATOR, Panel("accompaniment/panels/upcoming_events.html", _upcoming_events, 40)
)
register_panel(
    Role.PROVIDER, Panel("accompaniment/panels/provider_sessions.html", _provider_sessions, 20)
)
register_panel(Role.APPLICANT, Panel("accompaniment/panels/my_plans.html", _my_plans, 30))
register_panel(
    STRUCTURE_DETAIL,
    Panel("accompaniment/panels/structure_accompaniment.html", _structure_accompaniment, 30),
)
register_panel(DOSSIER_DETAIL, Panel("accompaniment/panels/dossier_axes.html", _dossier_axes, 30))
register_panel(
    CAMPAIGN_PUBLIC,
    Panel("accompaniment/panels/campaign_information_days.html", _campaign_information_days, 20),
)
