"""The dossier reminders, run by Celery beat (one entry per rule in the settings).

Each rule selects what is due in one query, with the recipients in one more, and
reminds once per (rule, dossier, deadline) through ``remind_many``: the number of
queries does not grow with the number of dossiers.
"""

import datetime

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from applicants.models import Dossier, DossierStatus
from applicants.people import members_by_structure
from ccr_portal.formatting import format_date
from ccr_portal.notifications.services import Reminder, remind_many

CLOSING_SOON_DAYS = 7
CHANGES_PENDING_DAYS = 7

RULE_CLOSING_SOON = "dossier-closing-soon"
RULE_CHANGES_PENDING = "dossier-changes-pending"


def remind_campaign_closing(*, today: datetime.date | None = None) -> int:
    """Editors of an unsubmitted dossier, once, a week before the call closes."""
    today = today or timezone.localdate()
    dossiers = list(
        Dossier.objects.filter(
            status__in=[DossierStatus.DRAFT, DossierStatus.CHANGES_REQUESTED],
            campaign__closes_on__gte=today,
            campaign__closes_on__lte=today + datetime.timedelta(days=CLOSING_SOON_DAYS),
        ).select_related("structure", "campaign")
    )
    editors = members_by_structure({d.structure_id for d in dossiers}, editors_only=True)
    return remind_many(
        rule=RULE_CLOSING_SOON,
        reminders=(
            Reminder(
                about=dossier,
                deadline=dossier.campaign.closes_on,
                recipients=editors[dossier.structure_id],
                subject=f"L'appel « {dossier.campaign} » se termine le "
                f"{format_date(dossier.campaign.closes_on)}",
                template="dossier_reminder_closing",
                context={
                    "structure": dossier.structure.name,
                    "campaign": dossier.campaign.title,
                    "closes_on": dossier.campaign.closes_on.isoformat(),
                    "status": dossier.get_status_display(),
                },
                url=reverse("applicants:dossier-detail", kwargs={"pk": dossier.pk}),
            )
            for dossier in dossiers
        ),
    )


def remind_changes_pending(*, today: datetime.date | None = None) -> int:
    """Editors of a dossier sent back for changes a week ago and not resubmitted."""
    today = today or timezone.localdate()
    dossiers = list(
        Dossier.objects.filter(status=DossierStatus.CHANGES_REQUESTED)
        .annotate(
            requested=Max(
                "transitions__created_at",
                filter=Q(transitions__to_status=DossierStatus.CHANGES_REQUESTED),
            )
        )
        .filter(requested__isnull=False)
        .select_related("structure", "campaign")
    )
    due = {}
    for dossier in dossiers:
        deadline = timezone.localdate(dossier.requested) + datetime.timedelta(
            days=CHANGES_PENDING_DAYS
        )
        if deadline <= today:
            due[dossier] = deadline
    editors = members_by_structure({d.structure_id for d in due}, editors_only=True)
    return remind_many(
        rule=RULE_CHANGES_PENDING,
        reminders=(
            Reminder(
                about=dossier,
                deadline=deadline,
                recipients=editors[dossier.structure_id],
                subject=f"Compléments attendus : dossier {dossier.structure}",
                template="dossier_reminder_changes",
                context={
                    "structure": dossier.structure.name,
                    "campaign": dossier.campaign.title,
                    "requested_on": timezone.localdate(dossier.requested).isoformat(),
                },
                url=reverse("applicants:dossier-detail", kwargs={"pk": dossier.pk}),
            )
            for dossier, deadline in due.items()
        ),
    )
