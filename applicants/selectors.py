"""Reads of the applicants app that several pages share, always scoped by the viewer."""

from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery

from ccr_portal.users.models import Role, User

from .models import Dossier, DossierStatus, Membership, Message, MessageAttachment, ThreadRead


def unread_messages_count(*, dossier: Dossier, user) -> int:
    """Messages of the thread written by others since the person last read it."""
    read = ThreadRead.objects.filter(dossier=dossier, user=user).values_list("read_at", flat=True)
    last_read = read.first()
    messages = Message.objects.filter(dossier=dossier).exclude(author=user)
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
        message.is_new = message.author_id != user.pk and (
            last_read is None or message.created_at > last_read
        )
    return thread


def dossier_members(dossier: Dossier, *, editors_only: bool = False) -> list[User]:
    """The active members of the dossier's structure (editors only, for reminders)."""
    return members_by_structure([dossier.structure_id], editors_only=editors_only)[
        dossier.structure_id
    ]


def members_by_structure(structure_ids, *, editors_only: bool = False) -> dict[int, list[User]]:
    """The active members of each structure, in one query: ``dossier_members`` in bulk."""
    memberships = Membership.objects.filter(
        structure_id__in=list(structure_ids), user__is_active=True
    ).select_related("user")
    if editors_only:
        memberships = memberships.filter(role=Membership.Role.EDITOR)
    people = defaultdict(list)
    for membership in memberships:
        people[membership.structure_id].append(membership.user)
    return people


def dossier_coordinators(dossier: Dossier) -> list[User]:
    """The dossier's instructor, or every coordinator when nobody instructs it yet."""
    if dossier.instructor_id and dossier.instructor.is_active:
        return [dossier.instructor]
    return all_coordinators()


def all_coordinators() -> list[User]:
    return list(
        User.objects.filter(role_assignments__role=Role.COORDINATOR, is_active=True).distinct()
    )


def coordinators_by_dossier(dossiers) -> dict[int, list[User]]:
    """``dossier_coordinators`` in bulk (the instructors selected with the dossiers)."""
    dossiers = list(dossiers)
    everyone = None
    people = {}
    for dossier in dossiers:
        if dossier.instructor_id and dossier.instructor.is_active:
            people[dossier.pk] = [dossier.instructor]
        else:
            everyone = all_coordinators() if everyone is None else everyone
            people[dossier.pk] = everyone
    return people


def dossier_status_counts(queryset) -> list[tuple[str, str, int]]:
    """(code, label, count) for every status, zeros included, in workflow order."""
    totals = dict(queryset.order_by().values_list("status").annotate(total=Count("pk")))
    return [(code, label, totals.get(code, 0)) for code, label in DossierStatus.choices]
