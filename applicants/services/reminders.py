"""The dossier reminders, run by Celery beat (one entry per rule in the settings)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from applicants.models import Dossier, DossierStatus
from applicants.people import structure_editors
from ccr_portal.formatting import format_date
from ccr_portal.notifications.services import remind_once

CLOSING_SOON_DAYS = 7
CHANGES_PENDING_DAYS = 7

RULE_CLOSING_SOON = "dossier-closing-soon"
RULE_CHANGES_PENDING = "dossier-changes-pending"


def remind_campaign_closing(*, today: datetime.date | None = None) -> int:
    """Editors of an unsubmitted dossier, once, a week before the call closes."""
    today = today or timezone.localdate()
    dossiers = Dossier.objects.filter(
        status__in=[DossierStatus.DRAFT, DossierStatus.CHANGES_REQUESTED],
        campaign__closes_on__gte=today,
        campaign__closes_on__lte=today + datetime.timedelta(days=CLOSING_SOON_DAYS),
    ).select_related("structure", "campaign")
    sent = 0
    for dossier in dossiers:
        editors = structure_editors(dossier)
        if editors and remind_once(
            rule=RULE_CLOSING_SOON,
            about=dossier,
            deadline=dossier.campaign.closes_on,
            recipients=editors,
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
        ):
            sent += 1
    return sent


def remind_changes_pending(*, today: datetime.date | None = None) -> int:
    """Editors of a dossier sent back for changes a week ago and not resubmitted."""
    today = today or timezone.localdate()
    dossiers = Dossier.objects.filter(status=DossierStatus.CHANGES_REQUESTED).select_related(
        "structure", "campaign"
    )
    sent = 0
    for dossier in dossiers:
        requested = (
            dossier.transitions.filter(to_status=DossierStatus.CHANGES_REQUESTED)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        if requested is None:
            continue
        due = timezone.localdate(requested) + datetime.timedelta(days=CHANGES_PENDING_DAYS)
        if due > today:
            continue
        editors = structure_editors(dossier)
        if editors and remind_once(
            rule=RULE_CHANGES_PENDING,
            about=dossier,
            deadline=due,
            recipients=editors,
            subject=f"Compléments attendus : dossier {dossier.structure}",
            template="dossier_reminder_changes",
            context={
                "structure": dossier.structure.name,
                "campaign": dossier.campaign.title,
                "requested_on": timezone.localdate(requested).isoformat(),
            },
            url=reverse("applicants:dossier-detail", kwargs={"pk": dossier.pk}),
        ):
            sent += 1
    return sent
