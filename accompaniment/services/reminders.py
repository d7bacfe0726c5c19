"""The accompaniment's reminders, run by Celery beat (one entry per rule in the settings).

Each rule selects what is due in one query, with the recipients in one more, and
reminds through ``remind_many``: never twice for the same object, rule and deadline,
in a number of queries that does not grow with the volume.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from applicants.models import Dossier
from applicants.people import (
    coordinators,
    instructors_by_dossier,
    members_by_structure,
    provider_consultants_by_object,
)
from ccr_portal.formatting import format_date
from ccr_portal.notifications.services import Reminder, remind_many

from ..models import DevelopmentPlan, FollowUp, PlanStatus, Session, SessionStatus

SESSION_NOTES_DAYS = 2
AGREEMENT_DAYS = 7

RULE_SESSION_NOTES = "accompaniment-session-notes"
RULE_PLAN_AGREEMENT = "accompaniment-plan-agreement"
RULE_FOLLOW_UP_DUE = "accompaniment-follow-up-due"


def remind_session_notes(*, today: datetime.date | None = None) -> int:
    """The provider, when a planned session still has no notes two days after its date."""
    today = today or timezone.localdate()
    sessions = list(
        Session.objects.filter(
            status=SessionStatus.PLANNED,
            date__lte=today - datetime.timedelta(days=SESSION_NOTES_DAYS),
        ).select_related("provider", "consultant")
    )
    consultants = provider_consultants_by_object(sessions)
    return remind_many(
        rule=RULE_SESSION_NOTES,
        reminders=(
            Reminder(
                about=session,
                deadline=session.date + datetime.timedelta(days=SESSION_NOTES_DAYS),
                recipients=consultants[session.pk],
                subject=f"Compte rendu attendu : séance du {format_date(session.date)}",
                template="accompaniment_reminder_session_notes",
                context={
                    "theme": session.theme,
                    "date": session.date.isoformat(),
                    "provider": str(session.provider),
                },
                url=reverse("accompaniment:session-update", kwargs={"pk": session.pk}),
            )
            for session in sessions
        ),
    )


def remind_plan_agreement(*, today: datetime.date | None = None) -> int:
    """The structure's editors, when a plan has awaited their agreement for seven days."""
    today = today or timezone.localdate()
    plans = list(
        DevelopmentPlan.objects.filter(
            status=PlanStatus.PROPOSED,
            proposed_at__date__lte=today - datetime.timedelta(days=AGREEMENT_DAYS),
        ).select_related("structure", "campaign")
    )
    editors = members_by_structure({plan.structure_id for plan in plans}, editors_only=True)
    return remind_many(
        rule=RULE_PLAN_AGREEMENT,
        reminders=(
            Reminder(
                about=plan,
                deadline=timezone.localdate(plan.proposed_at)
                + datetime.timedelta(days=AGREEMENT_DAYS),
                recipients=editors[plan.structure_id],
                subject=f"Votre plan de développement attend votre accord ({plan.structure})",
                template="accompaniment_reminder_plan_agreement",
                context={
                    "structure": plan.structure.name,
                    "campaign": plan.campaign.title,
                    "proposed_on": timezone.localdate(plan.proposed_at).isoformat(),
                },
                url=reverse("accompaniment:plan-detail", kwargs={"pk": plan.pk}),
            )
            for plan in plans
        ),
    )


def remind_follow_up_due(*, today: datetime.date | None = None) -> int:
    """The coordination, when a follow-up point falls due (six months after completion)."""
    today = today or timezone.localdate()
    follow_ups = list(
        FollowUp.objects.filter(recorded_at__isnull=True, due_on__lte=today).select_related(
            "plan__structure", "plan__campaign"
        )
    )
    # Each plan's dossier (same structure and call), read together with its instructor.
    pairs = {(f.plan.structure_id, f.plan.campaign_id) for f in follow_ups}
    dossiers = {
        (d.structure_id, d.campaign_id): d
        for d in Dossier.objects.filter(
            structure_id__in={structure for structure, _campaign in pairs},
            campaign_id__in={campaign for _structure, campaign in pairs},
        ).select_related("instructor")
    }
    by_dossier = instructors_by_dossier(dossiers.values())
    everyone = None

    def recipients(plan):
        nonlocal everyone
        dossier = dossiers.get((plan.structure_id, plan.campaign_id))
        if dossier is not None:
            return by_dossier[dossier.pk]
        everyone = coordinators() if everyone is None else everyone
        return everyone

    return remind_many(
        rule=RULE_FOLLOW_UP_DUE,
        reminders=(
            Reminder(
                about=follow_up,
                deadline=follow_up.due_on,
                recipients=recipients(follow_up.plan),
                subject=f"Point de suivi à faire : {follow_up.plan.structure}",
                template="accompaniment_reminder_follow_up",
                context={
                    "structure": follow_up.plan.structure.name,
                    "due_on": follow_up.due_on.isoformat(),
                    "completed_on": timezone.localdate(follow_up.plan.completed_at).isoformat()
                    if follow_up.plan.completed_at
                    else "",
                },
                url=reverse("accompaniment:follow-up", kwargs={"pk": follow_up.plan.pk}),
            )
            for follow_up in follow_ups
        ),
    )
