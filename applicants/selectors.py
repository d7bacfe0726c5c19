"""Reads of the applicants app that several pages share, always scoped by the viewer."""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value

from .models import (
    Dossier,
    DossierStatus,
    Membership,
    Message,
    MessageAttachment,
    Structure,
    ThreadRead,
)


def unread_messages_count(*, dossier: Dossier, user) -> int:
    """Messages of the thread written by others since the person last read it (the
    automatic status lines are not messages anyone wrote: they are not counted)."""
    read = ThreadRead.objects.filter(dossier=dossier, user=user).values_list("read_at", flat=True)
    last_read = read.first()
    messages = Message.objects.filter(dossier=dossier, is_automatic=False).exclude(author=user)
    if last_read:
        messages = messages.filter(created_at__gt=last_read)
    return messages.count()


def with_unread_counts(dossiers, user):
    """Annotate ``unread`` on a dossier queryset for ``user`` in one query."""
    last_read = ThreadRead.objects.filter(dossier=OuterRef("pk"), user=user).values("read_at")[:1]
    return dossiers.annotate(_last_read=Subquery(last_read)).annotate(
        unread=Count(
            "messages",
            filter=~Q(messages__author=user)
            & Q(messages__is_automatic=False)
            & (Q(_last_read__isnull=True) | Q(messages__created_at__gt=F("_last_read"))),
            distinct=True,
        )
    )


def dossiers_of_member(user):
    """The dossiers of the structures a person belongs to, with their unread messages."""
    member = Membership.objects.filter(structure=OuterRef("structure"), user=user)
    dossiers = (
        Dossier.objects.filter(Exists(member))
        .select_related("structure", "campaign")
        .order_by("campaign__closes_on", "structure__name")
    )
    return with_unread_counts(dossiers, user)


def thread_for(*, dossier: Dossier, user) -> list[Message]:
    """The thread, each message flagged ``is_new`` if written by another since last read."""
    last_read = (
        ThreadRead.objects.filter(dossier=dossier, user=user)
        .values_list("read_at", flat=True)
        .first()
    )
    thread = list(
        Message.objects.filter(dossier=dossier)
        .select_related("author")
        .prefetch_related(Prefetch("attachments", MessageAttachment.objects.order_by("pk")))
    )
    for message in thread:
        message.is_new = (
            not message.is_automatic
            and message.author_id != user.pk
            and (last_read is None or message.created_at > last_read)
        )
    return thread


def _dashboard_counts(request) -> dict[str, dict[str, int]]:
    """Every dossier by status and every structure by sector, counted once per request and
    in one query (the two groupings side by side, UNION ALL): the coordinator's dashboard
    shows both in two panels, and other apps' panels read the statuses."""
    if not hasattr(request, "_applicants_counts"):
        by_status = (
            Dossier.objects.order_by()
            .values_list(Value("status"), "status")
            .annotate(total=Count("pk"))
        )
        by_sector = (
            Structure.objects.order_by()
            .values_list(Value("sector"), "sector")
            .annotate(total=Count("pk"))
        )
        counts = {"status": {}, "sector": {}}
        for grouping, code, total in by_status.union(by_sector, all=True):
            counts[grouping][code] = total
        request._applicants_counts = counts
    return request._applicants_counts


def all_dossier_status_counts(request) -> list[tuple[str, str, int]]:
    """``dossier_status_counts`` of every dossier, counted once per request (the
    dashboard's panels of several apps read it)."""
    totals = _dashboard_counts(request)["status"]
    return [(code, label, totals.get(code, 0)) for code, label in DossierStatus.choices]


def all_structure_sector_counts(request) -> list[tuple[str, int]]:
    """Every structure by sector, the largest first (then by code), counted with the
    dossiers' statuses (``all_dossier_status_counts``)."""
    totals = _dashboard_counts(request)["sector"]
    return sorted(totals.items(), key=lambda row: (-row[1], row[0]))


def dossier_status_counts(queryset) -> list[tuple[str, str, int]]:
    """(code, label, count) for every status, zeros included, in workflow order."""
    totals = dict(queryset.order_by().values_list("status").annotate(total=Count("pk")))
    return [(code, label, totals.get(code, 0)) for code, label in DossierStatus.choices]
