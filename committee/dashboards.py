"""What the committee adds to dashboards and to the dossier page."""

from django.db.models import Count, Q

from applicants.models import Campaign, DossierStatus
from applicants.selectors import all_dossier_status_counts
from ccr_portal.documents.services import latest_document
from ccr_portal.panels import DOSSIER_DETAIL, Panel, register_panel
from ccr_portal.users.models import Role

from .documents import DECISION_LETTER
from .models import (
    AgendaItem,
    Decision,
    DecisionStatus,
    InstructionNote,
    Meeting,
    MeetingStatus,
)
from .selectors import campaign_summaries, conflicted_structure_ids


def _member_meetings(request) -> dict:
    """The member's coming meetings: files to read, opinions to give, links to declare."""
    user = request.user
    meetings = list(
        Meeting.objects.visible_to(user)
        .filter(status=MeetingStatus.SCHEDULED)
        .select_related("campaign")
        .order_by("starts_at")[:5]
    )
    closed = conflicted_structure_ids(user)
    files = (
        AgendaItem.objects.filter(meeting__in=meetings)
        .exclude(dossier__structure_id__in=closed)
        .values("meeting_id")
        .annotate(
            total=Count("pk", distinct=True),
            given=Count("opinions", filter=Q(opinions__member=user), distinct=True),
        )
    )
    counts = {row["meeting_id"]: row for row in files}
    declared = dict(
        user.committee_invitations.filter(meeting__in=meetings).values_list(
            "meeting_id", "links_declared_at"
        )
    )
    rows = []
    for meeting in meetings:
        row = counts.get(meeting.pk, {"total": 0, "given": 0})
        rows.append(
            {
                "meeting": meeting,
                "files": row["total"],
                "to_give": row["total"] - row["given"],
                "links_declared": declared.get(meeting.pk) is not None,
            }
        )
    return {"rows": rows, "to_give": sum(row["to_give"] for row in rows)}


def _past_decisions(request) -> dict:
    decisions = (
        Decision.objects.filter(
            item__meeting__in=Meeting.objects.visible_to(request.user),
            status__in=(DecisionStatus.RECORDED, DecisionStatus.NOTIFIED),
        )
        .select_related("item__dossier__structure", "item__meeting", "site")
        .order_by("-item__meeting__starts_at", "item__position")[:10]
    )
    return {"decisions": decisions}


def _campaign_summaries(request) -> dict | None:
    campaigns = Campaign.objects.filter(committee_meetings__isnull=False).distinct()[:3]
    summaries = campaign_summaries(campaigns)
    return {"summaries": summaries} if summaries else None


def _coordinator_committee(request) -> dict:
    # The coming meetings and those held without minutes yet: one query, few rows.
    meetings = list(
        Meeting.objects.filter(status__in=[MeetingStatus.SCHEDULED, MeetingStatus.HELD])
        .select_related("campaign")
        .annotate(
            agenda_count=Count("agenda", distinct=True),
            opinion_count=Count("agenda__opinions", distinct=True),
        )
        .order_by("starts_at")
    )
    counts = {code: total for code, _label, total in all_dossier_status_counts(request)}
    return {
        "upcoming": [m for m in meetings if m.status == MeetingStatus.SCHEDULED][:5],
        "awaiting_minutes": [m for m in meetings if m.status == MeetingStatus.HELD],
        "to_schedule": counts[DossierStatus.UNDER_REVIEW],
    }


def _dossier_committee(request, dossier) -> dict | None:
    """On the dossier page: for the coordination, its meetings, note and decision; for the
    structure, the decision and its letter, never the opinions. Two queries."""
    user = request.user
    recorded = (DecisionStatus.RECORDED, DecisionStatus.NOTIFIED)
    if user.has_perm("committee.write_instruction_note", dossier):
        items = list(
            dossier.agenda_items.select_related("meeting", "decision__site").order_by(
                "-meeting__starts_at"
            )
        )
        decisions = [
            item.decision
            for item in items
            if hasattr(item, "decision") and item.decision.status in recorded
        ]
        return {
            "dossier": dossier,
            "coordinator": True,
            "items": items,
            "decision": decisions[0] if decisions else None,
            "note": InstructionNote.objects.filter(dossier=dossier).first(),
        }
    decision = (
        Decision.objects.filter(item__dossier=dossier, status__in=recorded)
        .select_related("item__meeting", "site")
        .order_by("-item__meeting__starts_at")
        .first()
    )
    if decision is None or not user.has_perm("committee.view_decision", decision):
        return None
    letter = (
        latest_document(kind=DECISION_LETTER, subject=decision)
        if user.has_perm("committee.view_letter", decision)
        else None
    )
    return {"dossier": dossier, "coordinator": False, "decision": decision, "letter": letter}


register_panel(Role.COMMITTEE, Panel("committee/panels/member_meetings.html", _member_meetings, 10))
register_panel(Role.COMMITTEE, Panel("committee/panels/past_decisions.html", _past_decisions, 20))
register_panel(
    Role.COMMITTEE, Panel("committee/panels/campaign_summaries.html", _campaign_summaries, 30)
)
register_panel(
    Role.COORDINATOR,
    Panel("committee/panels/coordinator_committee.html", _coordinator_committee, 35),
)
register_panel(
    DOSSIER_DETAIL, Panel("committee/panels/dossier_committee.html", _dossier_committee, 25)
)
