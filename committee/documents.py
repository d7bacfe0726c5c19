"""The committee's PDFs, rendered by the documents pipeline.

- the meeting pack, one per member (subject: the ``MeetingMember``): the agenda, then each
  file the member may read, in order; a file the member has a conflict on is left out;
- the minutes of the meeting (procès-verbal);
- the decision letter of one structure.

None of their contexts carries a clock, so unchanged content keeps its document.
"""

from django.urls import reverse
from django.utils.text import slugify

from ccr_portal.documents.registry import DocumentKind, register
from ccr_portal.notifications.services import remind_once

MEETING_PACK = "committee_pack"
MEETING_MINUTES = "committee_minutes"
DECISION_LETTER = "committee_letter"

PACK_READY_RULE = "committee-pack-ready"


def pack_context(invitation) -> dict:
    from .selectors import assessment_files, conflicted_structure_ids, organisation_of

    meeting = invitation.meeting
    member = invitation.user
    items = list(
        meeting.agenda.select_related("dossier__structure", "meeting").order_by("position", "pk")
    )
    closed = conflicted_structure_ids(member)
    readable = [item for item in items if item.dossier.structure_id not in closed]
    return {
        "meeting": meeting,
        "member": member,
        "organisation": organisation_of(member),
        "files": assessment_files(readable),
        "omitted": len(items) - len(readable),
    }


def minutes_context(meeting) -> dict:
    from .selectors import minutes_overview

    return {"meeting": meeting, **minutes_overview(meeting)}


def letter_context(decision) -> dict:
    from .letters import render_letter

    return {
        "decision": decision,
        "structure": decision.item.dossier.structure,
        "meeting": decision.item.meeting,
        "letter": render_letter(decision),
    }


def tell_member_pack_ready(document) -> bool:
    """Once per member and meeting: « votre dossier de séance est prêt »."""
    invitation = document.subject
    if invitation is None:
        return False
    meeting = invitation.meeting
    return remind_once(
        rule=PACK_READY_RULE,
        about=invitation,
        deadline=meeting.day,
        recipient=invitation.user,
        subject=f"Votre dossier de séance est prêt : {meeting}",
        template="committee_pack_ready",
        context={"meeting": str(meeting), "campaign": meeting.campaign.title},
        url=reverse("committee:pack", kwargs={"pk": invitation.pk}),
    )


register(
    DocumentKind(
        code=MEETING_PACK,
        label="Dossier de séance",
        model="committee.MeetingMember",
        template_name="pdf/committee_pack.html",
        permission="committee.view_pack",
        get_context=pack_context,
        get_filename=lambda invitation: (
            f"dossier-seance-{invitation.meeting.day.isoformat()}-"
            f"{slugify(invitation.user.display_name)}.pdf"
        ),
        feminine=False,
        on_ready=tell_member_pack_ready,
    )
)

register(
    DocumentKind(
        code=MEETING_MINUTES,
        label="Procès-verbal de la séance",
        model="committee.Meeting",
        template_name="pdf/committee_minutes.html",
        permission="committee.view_minutes",
        get_context=minutes_context,
        get_filename=lambda meeting: f"proces-verbal-comite-{meeting.day.isoformat()}.pdf",
        feminine=False,
    )
)

register(
    DocumentKind(
        code=DECISION_LETTER,
        label="Lettre de décision",
        model="committee.Decision",
        template_name="pdf/committee_letter.html",
        permission="committee.view_letter",
        get_context=letter_context,
        get_filename=lambda decision: (
            f"lettre-decision-{slugify(decision.item.dossier.structure.name)}.pdf"
        ),
    )
)
