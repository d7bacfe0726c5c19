"""The financing reminders, run by Celery beat (one entry per rule in the settings).

- the fund's officers, when a forwarded request has had no decision for 21 days, then
  every week while it waits;
- the structure's members, 7 days after Regain asked for changes.

Each rule selects what is due in one query and reminds through ``remind_many``: never
twice for the same request, rule and deadline (a unique sent-record).
"""

import datetime

from django.urls import reverse
from django.utils import timezone

from applicants.people import members_by_structure
from ccr_portal.formatting import format_date
from ccr_portal.notifications.services import Reminder, remind_many
from ccr_portal.users.models import Funder

from ..models import FinancingRequest, RequestStatus

DECISION_AFTER_DAYS = 21
DECISION_EVERY_DAYS = 7
CHANGES_AFTER_DAYS = 7

RULE_DECISION_OVERDUE = "financing-decision-overdue"
RULE_CHANGES_PENDING = "financing-changes-pending"


def decision_deadline(forwarded_on: datetime.date, today: datetime.date) -> datetime.date | None:
    """The deadline a reminder is due for today: 21 days after forwarding, then each week;
    None before the first one."""
    first = forwarded_on + datetime.timedelta(days=DECISION_AFTER_DAYS)
    if today < first:
        return None
    weeks = (today - first).days // DECISION_EVERY_DAYS
    return first + datetime.timedelta(days=weeks * DECISION_EVERY_DAYS)


def remind_decisions_overdue(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=DECISION_AFTER_DAYS)
    requests = list(
        FinancingRequest.objects.filter(
            status=RequestStatus.FORWARDED, forwarded_at__date__lte=limit
        ).select_related("structure", "product__funder")
    )
    officers = {
        funder.pk: list(funder.officers())
        for funder in Funder.objects.filter(pk__in={r.product.funder_id for r in requests})
    }
    reminders = []
    for request in requests:
        forwarded_on = timezone.localdate(request.forwarded_at)
        waited = (today - forwarded_on).days
        reminders.append(
            Reminder(
                about=request,
                deadline=decision_deadline(forwarded_on, today),
                recipients=officers.get(request.product.funder_id, []),
                subject=f"Demande en attente de décision depuis {waited} jours : "
                f"{request.structure.name} ({request.product.name})",
                template="financing_reminder_decision",
                context={
                    "structure": request.structure.name,
                    "product": request.product.name,
                    "forwarded_on": format_date(forwarded_on),
                    "days": waited,
                },
                url=reverse("financing:request-detail", kwargs={"pk": request.pk}),
            )
        )
    return remind_many(rule=RULE_DECISION_OVERDUE, reminders=reminders)


def remind_changes_pending(*, today: datetime.date | None = None) -> int:
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=CHANGES_AFTER_DAYS)
    requests = list(
        FinancingRequest.objects.filter(
            status=RequestStatus.CHANGES_REQUESTED, changes_requested_at__date__lte=limit
        ).select_related("structure", "product")
    )
    members = members_by_structure({r.structure_id for r in requests})
    reminders = [
        Reminder(
            about=request,
            deadline=timezone.localdate(request.changes_requested_at)
            + datetime.timedelta(days=CHANGES_AFTER_DAYS),
            recipients=members[request.structure_id],
            subject=f"Votre demande de financement attend vos compléments ({request.product.name})",
            template="financing_reminder_changes",
            context={
                "structure": request.structure.name,
                "product": request.product.name,
                "asked_on": format_date(timezone.localdate(request.changes_requested_at)),
            },
            url=reverse("financing:request-detail", kwargs={"pk": request.pk}),
        )
        for request in requests
    ]
    return remind_many(rule=RULE_CHANGES_PENDING, reminders=reminders)
