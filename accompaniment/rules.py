"""Who may do what in the accompaniment: one permission per action.

Pages, file downloads, the plan's PDF and the services all ask these
permissions; lists use the ``visible_to`` querysets of the models, which
follow the same scopes: the coordination sees everything, a provider its own
actions and sessions, a structure's members their own plan (once proposed),
sessions and events.
"""

import rules

from applicants.access import register_structure_access
from applicants.models import Membership
from applicants.rules import (
    is_structure_editor,
    is_structure_member,
    structure_editor,
    structure_member,
)
from ccr_portal.axes import Axis
from ccr_portal.permissions import is_applicant, is_coordinator, is_provider, provider_ids

from .models import ActionStatus, PlanAction, PlanStatus


@rules.predicate
def is_provider_member(user, provider) -> bool:
    return provider is not None and provider.pk in provider_ids(user)


@rules.predicate
def plan_is_shared(user, plan) -> bool:
    """A draft is the coordination's working copy; the structure reads it once proposed."""
    return plan is not None and plan.status != PlanStatus.DRAFT


@rules.predicate
def is_plan_member(user, plan) -> bool:
    return plan is not None and is_structure_member.test(user, plan.structure)


@rules.predicate
def is_plan_editor(user, plan) -> bool:
    return plan is not None and is_structure_editor.test(user, plan.structure)


@rules.predicate
def is_action_provider(user, action) -> bool:
    return action is not None and action.provider_id in provider_ids(user)


@rules.predicate
def action_plan_is_shared(user, action) -> bool:
    return action is not None and action.plan.status != PlanStatus.DRAFT


@rules.predicate
def is_action_member(user, action) -> bool:
    return action is not None and is_structure_member.test(user, action.plan.structure)


@rules.predicate
def is_action_editor(user, action) -> bool:
    return action is not None and is_structure_editor.test(user, action.plan.structure)


@rules.predicate
def is_session_provider(user, session) -> bool:
    return session is not None and session.provider_id in provider_ids(user)


@rules.predicate
def is_session_attendee(user, session) -> bool:
    """A member of one of the structures at the session."""
    if session is None or not user.is_authenticated:
        return False
    cache = user.__dict__.setdefault("_attended_sessions", {})
    if session.pk not in cache:
        cache[session.pk] = Membership.objects.filter(
            user=user, structure__session_attendances__session_id=session.pk
        ).exists()
    return cache[session.pk]


@rules.predicate
def is_event_organiser(user, event) -> bool:
    return event is not None and event.organiser_id in provider_ids(user)


@rules.predicate
def is_registration_editor(user, registration) -> bool:
    return registration is not None and is_structure_editor.test(user, registration.structure)


def _provider_on_axis(axis: str):
    """A consultant of a provider holding a shared plan's action on ``axis`` for the structure."""

    @rules.predicate(name=f"is_provider_on_{axis}")
    def predicate(user, structure) -> bool:
        if structure is None or not provider_ids(user):
            return False
        return (
            PlanAction.objects.filter(
                plan__structure_id=structure.pk, axis=axis, provider_id__in=provider_ids(user)
            )
            .exclude(plan__status=PlanStatus.DRAFT)
            .exists()
        )

    return predicate


provider_on_professionalisation = is_provider & _provider_on_axis(Axis.PROFESSIONALISATION)
provider_on_responsibility = is_provider & _provider_on_axis(Axis.RESPONSIBILITY)

# Providers (coordinators' pages).
rules.add_perm("accompaniment.manage_providers", is_coordinator)
rules.add_perm(
    "accompaniment.view_provider_summary", is_coordinator | (is_provider & is_provider_member)
)

# The axes of a dossier and the committee's recommendations (written by its decisions).
rules.add_perm("accompaniment.view_committee_recommendations", is_coordinator)

# Plans: the coordination drafts and steers, the structure's editors agree.
rules.add_perm("accompaniment.list_all_plans", is_coordinator)
rules.add_perm("accompaniment.add_plan", is_coordinator)
rules.add_perm(
    "accompaniment.view_plan", is_coordinator | (is_applicant & is_plan_member & plan_is_shared)
)
rules.add_perm("accompaniment.change_plan", is_coordinator)
rules.add_perm("accompaniment.propose_plan", is_coordinator)
rules.add_perm("accompaniment.withdraw_plan", is_coordinator)
rules.add_perm("accompaniment.agree_plan", is_applicant & is_plan_editor)
rules.add_perm("accompaniment.request_plan_changes", is_applicant & is_plan_editor)
rules.add_perm("accompaniment.start_plan", is_coordinator)
rules.add_perm("accompaniment.complete_plan", is_coordinator)
rules.add_perm("accompaniment.record_follow_up", is_coordinator)

# Actions of a plan.
rules.add_perm(
    "accompaniment.view_action",
    is_coordinator
    | (is_provider & is_action_provider & action_plan_is_shared)
    | (is_applicant & is_action_member & action_plan_is_shared),
)
rules.add_perm("accompaniment.complete_action", is_coordinator | (is_provider & is_action_provider))
rules.add_perm("accompaniment.rate_action", is_applicant & is_action_editor)
rules.add_perm("accompaniment.view_satisfaction_answers", is_coordinator)

# Sessions: the provider logs them; the structures at a session read it.
rules.add_perm("accompaniment.log_session", is_coordinator | (is_provider & is_provider_member))
rules.add_perm(
    "accompaniment.view_session",
    is_coordinator | (is_provider & is_session_provider) | (is_applicant & is_session_attendee),
)
rules.add_perm("accompaniment.change_session", is_coordinator | (is_provider & is_session_provider))

# Events: the coordination publishes, structures register, the organiser takes attendance.
rules.add_perm("accompaniment.view_events", rules.is_authenticated)
rules.add_perm("accompaniment.manage_events", is_coordinator)
rules.add_perm("accompaniment.register_structure", is_coordinator | structure_editor)
rules.add_perm(
    "accompaniment.cancel_registration", is_coordinator | (is_applicant & is_registration_editor)
)
rules.add_perm(
    "accompaniment.record_attendance", is_coordinator | (is_provider & is_event_organiser)
)

# Professionalisation (D): GPEC sheet and qualifying trainings of a structure.
rules.add_perm(
    "accompaniment.view_professionalisation",
    is_coordinator | structure_member | provider_on_professionalisation,
)
rules.add_perm(
    "accompaniment.change_professionalisation",
    is_coordinator | structure_editor | provider_on_professionalisation,
)

# Responsibility (E): QADES grids; publishing is the resident's own consent.
rules.add_perm(
    "accompaniment.view_qades", is_coordinator | structure_member | provider_on_responsibility
)
rules.add_perm(
    "accompaniment.change_qades", is_coordinator | structure_editor | provider_on_responsibility
)
rules.add_perm("accompaniment.publish_qades", structure_editor)


# A consultant reads the structure and its dossier while it holds an open action of its
# shared plan (proposed, agreed or under way).
OPEN_PLAN_STATUSES = (PlanStatus.PROPOSED, PlanStatus.AGREED, PlanStatus.IN_PROGRESS)


@register_structure_access
def structures_of_open_actions(user):
    if not provider_ids(user):
        return None
    return PlanAction.objects.filter(
        provider_id__in=provider_ids(user),
        status=ActionStatus.PLANNED,
        plan__status__in=OPEN_PLAN_STATUSES,
    ).values_list("plan__structure_id", flat=True)
