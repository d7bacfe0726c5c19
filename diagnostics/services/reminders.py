"""The diagnostic reminders, run by Celery beat (one entry per rule in the settings).

Each rule selects what is due in one query, with the recipients in one more, and
reminds once per (rule, diagnostic, deadline) through ``remind_many`` (a new due date
is a new deadline): the number of queries does not grow with the volume.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from applicants.people import members_by_structure, provider_consultants_by_object
from ccr_portal.formatting import with_preposition
from ccr_portal.notifications.services import Reminder, remind_many

from ..models import (
    COMMITTED_STATUSES,
    FINISHED_STATUSES,
    Diagnostic,
    DiagnosticPurpose,
    DiagnosticStatus,
)

DUE_SOON_DAYS = 3
SIGN_OFF_PENDING_DAYS = 5

RULE_DUE_SOON = "diagnostic-due-soon"
RULE_OVERDUE = "diagnostic-overdue"
RULE_SIGN_OFF_PENDING = "diagnostic-sign-off-pending"


def _context(diagnostic: Diagnostic) -> dict:
    return {
        "structure": diagnostic.structure.name,
        "kind": diagnostic.get_kind_display(),
        "status": diagnostic.get_status_display(),
        "due_date": diagnostic.due_date.isoformat() if diagnostic.due_date else "",
    }


def _committed():
    return Diagnostic.objects.filter(
        status__in=COMMITTED_STATUSES, provider__isnull=False, due_date__isnull=False
    ).select_related("structure", "provider", "consultant")


def remind_due_soon(*, today: datetime.date | None = None) -> int:
    """The provider, three days before the due date of a diagnostic not yet delivered."""
    today = today or timezone.localdate()
    due = _committed().filter(
        due_date__gte=today, due_date__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
    )
    return _remind_providers(
        due, rule=RULE_DUE_SOON, subject="Échéance proche", template="diagnostic_reminder_due_soon"
    )


def remind_overdue(*, today: datetime.date | None = None) -> int:
    """The provider, the day after the due date of a diagnostic still not delivered."""
    today = today or timezone.localdate()
    return _remind_providers(
        _committed().filter(due_date__lt=today),
        rule=RULE_OVERDUE,
        subject="Échéance dépassée",
        template="diagnostic_reminder_overdue",
    )


def _remind_providers(diagnostics, *, rule: str, subject: str, template: str) -> int:
    """Once per due date: a new due date is a new deadline."""
    diagnostics = list(diagnostics)
    people = provider_consultants_by_object(diagnostics)
    return remind_many(
        rule=rule,
        reminders=(
            Reminder(
                about=diagnostic,
                deadline=diagnostic.due_date,
                recipients=people[diagnostic.pk],
                subject=f"{subject} : diagnostic {with_preposition('de', diagnostic.structure)}",
                template=template,
                context=_context(diagnostic),
                url=diagnostic.get_absolute_url(),
            )
            for diagnostic in diagnostics
        ),
    )


def sign_off_opened_on(diagnostic: Diagnostic) -> datetime.date | None:
    """When the structure could first read the conclusions (an assessment: once validated)."""
    moment = diagnostic.delivered_at if diagnostic.is_support else diagnostic.validated_at
    return timezone.localdate(moment) if moment else None


def remind_sign_off_pending(*, today: datetime.date | None = None) -> int:
    """The structure's editors (never its readers), five days after it could sign off."""
    today = today or timezone.localdate()
    limit = timezone.make_aware(
        datetime.datetime.combine(
            today - datetime.timedelta(days=SIGN_OFF_PENDING_DAYS - 1), datetime.time.min
        )
    )
    pending = Diagnostic.objects.filter(signed_off_at__isnull=True).filter(
        Q(
            purpose=DiagnosticPurpose.SUPPORT,
            status__in=FINISHED_STATUSES,
            delivered_at__lt=limit,
        )
        | Q(
            purpose=DiagnosticPurpose.ASSESSMENT,
            status=DiagnosticStatus.VALIDATED,
            validated_at__lt=limit,
        )
    )
    due = {}
    for diagnostic in pending.select_related("structure"):
        opened_on = sign_off_opened_on(diagnostic)
        deadline = opened_on + datetime.timedelta(days=SIGN_OFF_PENDING_DAYS)
        if deadline <= today:
            due[diagnostic] = (opened_on, deadline)
    editors = members_by_structure({d.structure_id for d in due}, editors_only=True)
    return remind_many(
        rule=RULE_SIGN_OFF_PENDING,
        reminders=(
            Reminder(
                about=diagnostic,
                deadline=deadline,
                recipients=editors[diagnostic.structure_id],
                subject="Conclusions à confirmer : diagnostic "
                f"{with_preposition('de', diagnostic.structure)}",
                template="diagnostic_reminder_sign_off",
                context={**_context(diagnostic), "opened_on": opened_on.isoformat()},
                url=diagnostic.get_absolute_url(),
            )
            for diagnostic, (opened_on, deadline) in due.items()
        ),
    )
