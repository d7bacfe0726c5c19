"""Retention of personal data (RGPD): rejected or withdrawn dossiers do not stay forever.

``settings.RETENTION_DOSSIER_DAYS`` (two years by default) after its campaign closed, a
rejected or withdrawn dossier is anonymised: its free texts, economic data, needs, messages,
private notes, documents and PDFs go; the dossier (its number, status, campaign and history
of statuses) and its structure stay, for the scheme's statistics. The structure's editors
are told ``settings.RETENTION_NOTICE_DAYS`` before, once per dossier; a dossier is never
anonymised less than that after its notice (the ones already past their date when the rule
came are told first, and kept 30 days more).

The apps above add what they hold about a dossier with ``register_dossier_anonymiser(fn)``
(the committee: its instruction note's and opinions' texts); ``fn(dossier)`` runs in the
same transaction.

Both run from one beat task (``applicants.tasks.apply_dossier_retention``), each in one
query for what is due; running it twice does nothing more.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from applicants.models import Dossier, DossierStatus, PrivateNote
from applicants.people import members_by_structure
from ccr_portal.documents.models import GeneratedDocument
from ccr_portal.formatting import format_date
from ccr_portal.notifications.models import SentReminder
from ccr_portal.notifications.services import Reminder, remind_many

RULE_RETENTION_NOTICE = "dossier-retention-notice"
RETAINED_STATUSES = (DossierStatus.REJECTED, DossierStatus.WITHDRAWN)
ERASED_MESSAGE = "[Message effacé au terme de la durée de conservation]"


_anonymisers: list = []


def register_dossier_anonymiser(anonymiser) -> None:
    if anonymiser not in _anonymisers:
        _anonymisers.append(anonymiser)


def retention_days() -> datetime.timedelta:
    return datetime.timedelta(days=settings.RETENTION_DOSSIER_DAYS)


def anonymisation_date(dossier: Dossier) -> datetime.date:
    """The day a rejected or withdrawn dossier is anonymised."""
    return dossier.campaign.closes_on + retention_days()


def _expiring(until: datetime.date):
    """Rejected or withdrawn dossiers, not yet anonymised, whose date falls on or before."""
    return Dossier.objects.filter(
        status__in=RETAINED_STATUSES,
        anonymised_at__isnull=True,
        campaign__closes_on__lte=until - retention_days(),
    )


def _noticed(today: datetime.date):
    """The ids of dossiers whose notice went out at least RETENTION_NOTICE_DAYS ago."""
    limit = today - datetime.timedelta(days=settings.RETENTION_NOTICE_DAYS)
    return SentReminder.objects.filter(
        rule=RULE_RETENTION_NOTICE,
        content_type=ContentType.objects.get_for_model(Dossier),
        sent_at__date__lte=limit,
    ).values("object_id")


def notify_retention(*, today: datetime.date | None = None) -> int:
    """The structure's editors, once per dossier, ``RETENTION_NOTICE_DAYS`` before."""
    today = today or timezone.localdate()
    notice = datetime.timedelta(days=settings.RETENTION_NOTICE_DAYS)
    dossiers = list(_expiring(today + notice).select_related("structure", "campaign"))
    editors = members_by_structure({d.structure_id for d in dossiers}, editors_only=True)
    return remind_many(
        rule=RULE_RETENTION_NOTICE,
        reminders=(
            Reminder(
                about=dossier,
                # One notice per dossier: its date by the rule, fixed (never today's).
                deadline=anonymisation_date(dossier),
                recipients=editors[dossier.structure_id],
                subject=f"Votre dossier « {dossier.campaign} » sera anonymisé le "
                f"{format_date(max(anonymisation_date(dossier), today + notice))}",
                template="dossier_retention_notice",
                context={
                    "structure": dossier.structure.name,
                    "campaign": dossier.campaign.title,
                    "status": dossier.get_status_display(),
                    "on": max(anonymisation_date(dossier), today + notice).isoformat(),
                    "years": round(settings.RETENTION_DOSSIER_DAYS / 365, 1),
                },
                url=reverse("applicants:dossier-detail", kwargs={"pk": dossier.pk}),
            )
            for dossier in dossiers
        ),
    )


def anonymise_expired_dossiers(*, today: datetime.date | None = None) -> int:
    """Anonymise every dossier whose date has come; returns how many."""
    today = today or timezone.localdate()
    done = 0
    due = _expiring(today).filter(pk__in=_noticed(today))
    for dossier_id in list(due.values_list("pk", flat=True)):
        done += dossier_anonymise(dossier_id=dossier_id)
    return done


@transaction.atomic
def dossier_anonymise(*, dossier_id: int) -> int:
    """Empty one dossier of its personal data and documents; 0 if already done."""
    dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
    if dossier is None or dossier.anonymised_at is not None:
        return 0
    files = [attachment.file for attachment in dossier.attachments.all()]
    files += [
        attachment.file
        for message in dossier.messages.prefetch_related("attachments")
        for attachment in message.attachments.all()
    ]
    documents = GeneratedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(Dossier), object_id=dossier.pk
    )
    files += [document.file for document in documents if document.file]
    dossier.attachments.all().delete()
    documents.delete()
    for message in dossier.messages.all():
        message.attachments.all().delete()
    dossier.messages.update(body=ERASED_MESSAGE)
    PrivateNote.objects.filter(dossier=dossier).delete()
    dossier.economic_years.all().delete()
    dossier.financing_needs.all().delete()
    dossier.axis_wishes.update(reason="")
    dossier.transitions.update(comment="")
    for anonymiser in _anonymisers:
        anonymiser(dossier)
    Dossier.objects.filter(pk=dossier.pk).update(
        current_premises="",
        expected_effect="",
        wished_surface_m2=None,
        expected_move_in=None,
        anonymised_at=timezone.now(),
    )
    # The files go once the rows are gone for good.
    transaction.on_commit(lambda: [file.storage.delete(file.name) for file in files if file])
    return 1
