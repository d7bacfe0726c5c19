"""The accompaniment's reminders, run by Celery beat (one entry per rule in the settings).

Each rule selects what is due in one query and reminds through ``remind_once``:
never twice for the same object, rule and deadline.
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from applicants.people import instructors, provider_consultants, structure_editors
from ccr_portal.formatting import format_date
from ccr_portal.notifications.services import remind_once

from ..models import DevelopmentPlan, FollowUp, PlanStatus, Session, SessionStatus

SESSION_NOTES_DAYS = 2
AGREEMENT_DAYS = 7

RULE_SESSION_NOTES = "accompaniment-session-notes"
RULE_PLAN_AGREEMENT = "accompaniment-plan-agreement"
RULE_FOLLOW_UP_DUE = "accompaniment-follow-up-due"


def remind_session_notes(*, today: datetime.date | None = None) -> int:
    """The provider, when a planned session still has no notes two days after its date."""
    today = today or timezone.localdate()
    sessions = Session.objects.filter(
        status=SessionStatus.PLANNED,
        date__lte=today - datetime.timedelta(days=SESSION_NOTES_DAYS),
    ).select_related("provider", "consultant")
    sent = 0
    for session in sessions:
        recipients = provider_consultants(session)
        if recipients and remind_once(
            rule=RULE_SESSION_NOTES,
            about=session,
            deadline=session.date + datetime.timedelta(days=SESSION_NOTES_DAYS),
            recipients=recipients,
            subject=f"Compte rendu attendu : séance du {format_date(session.date)}",
            template="accompaniment_reminder_session_notes",
            context={
                "theme": session.theme,
                "date": session.date.isoformat(),
                "provider": str(session.provider),
            },
            url=reverse("accompaniment:session-update", kwargs={"pk": session.pk}),
        ):
            sent += 1
    return sent


def remind_plan_agreement(*, today: datetime.date | None = None) -> int:
    """The structure's editors, when a plan has awaited their agreement for seven days."""
    today = today or timezone.localdate()
    plans = DevelopmentPlan.objects.filter(
        status=PlanStatus.PROPOSED,
        proposed_at__date__lte=today - datetime.timedelta(days=AGREEMENT_DAYS),
    ).select_related("structure", "campaign")
    sent = 0
    for plan in plans:
        due = timezone.localdate(plan.proposed_at) + datetime.timedelta(days=AGREEMENT_DAYS)
        editors = structure_editors(plan)
        if editors and remind_once(
            rule=RULE_PLAN_AGREEMENT,
            about=plan,
            deadline=due,
            recipients=editors,
            subject=f"Votre plan de développement attend votre accord ({plan.structure})",
            template="accompaniment_reminder_plan_agreement",
            context={
                "structure": plan.structure.name,
                "campaign": plan.campaign.title,
                "proposed_on": timezone.localdate(plan.proposed_at).isoformat(),
            },
            url=reverse("accompaniment:plan-detail", kwargs={"pk": plan.pk}),
        ):
            sent += 1
    return sent


def remind_follow_up_due(*, today: datetime.date | None = None) -> int:
    """The coordination, when a follow-up point falls due (six months after completion)."""
    today = today or timezone.localdate()
    follow_ups = FollowUp.objects.filter(
        recorded_at__isnull=True, due_on__lte=today
    ).select_related("plan__structure", "plan__campaign")
    sent = 0
    for follow_up in follow_ups:
        plan = follow_up.plan
        recipients = instructors(plan)
        if recipients and remind_once(
            rule=RULE_FOLLOW_UP_DUE,
            about=follow_up,
            deadline=follow_up.due_on,
            recipients=recipients,
            subject=f"Point de suivi à faire : {plan.structure}",
            template="accompaniment_reminder_follow_up",
            context={
                "structure": plan.structure.name,
                "due_on": follow_up.due_on.isoformat(),
                "completed_on": timezone.localdate(plan.completed_at).isoformat()
                if plan.completed_at
                else "",
            },
            url=reverse("accompaniment:follow-up", kwargs={"pk": plan.pk}),
        ):
            sent += 1
    return sent
