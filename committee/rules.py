"""Who may do what with the selection committee: one permission per action.

Pages, file downloads, the meeting pack, the minutes and the letters (documents
pipeline) all ask these permissions; lists use ``Meeting.objects.visible_to``.

- Coordinators prepare and minute the meetings: they read everything.
- A committee member reads the meetings they are invited to, and the file of each
  dossier on their agendas, except where they have a conflict of interest: then
  neither the file, its documents, its PDF, its diagnostics nor the opinion form.
- Opinions are confidential: a member reads the others' on a file once they gave their
  own; the coordination and the chair read them all. Applicants never read them.
- A structure's members read the decision on their dossier (never the opinions) and,
  once sent, its letter.
"""

import rules

from applicants.rules import is_structure_member
from ccr_portal.permissions import is_applicant, is_committee, is_coordinator

from .models import (
    AgendaItem,
    Decision,
    DecisionStatus,
    Meeting,
    MeetingMember,
    MeetingStatus,
)
from .selectors import conflicted_structure_ids, invited_meeting_ids, opinion_given_item_ids


def _meeting(obj) -> Meeting | None:
    if isinstance(obj, Meeting):
        return obj
    if isinstance(obj, AgendaItem | MeetingMember):
        return obj.meeting
    if isinstance(obj, Decision):
        return obj.item.meeting
    return None


def _item(obj) -> AgendaItem | None:
    if isinstance(obj, AgendaItem):
        return obj
    if isinstance(obj, Decision):
        return obj.item
    return None


@rules.predicate
def is_invited(user, obj) -> bool:
    meeting = _meeting(obj)
    return meeting is not None and meeting.pk in invited_meeting_ids(user)


@rules.predicate
def is_chair(user, obj) -> bool:
    meeting = _meeting(obj)
    return meeting is not None and meeting.chair_id == user.pk


@rules.predicate
def has_conflict(user, obj) -> bool:
    item = _item(obj)
    return item is not None and item.dossier.structure_id in conflicted_structure_ids(user)


@rules.predicate
def meeting_is_live(user, obj) -> bool:
    """Not cancelled: a cancelled meeting's files are closed to its members."""
    meeting = _meeting(obj)
    return meeting is not None and meeting.status != MeetingStatus.CANCELLED


@rules.predicate
def meeting_is_scheduled(user, obj) -> bool:
    meeting = _meeting(obj)
    return meeting is not None and meeting.status == MeetingStatus.SCHEDULED


@rules.predicate
def meeting_has_taken_place(user, obj) -> bool:
    meeting = _meeting(obj)
    return meeting is not None and meeting.status in (MeetingStatus.HELD, MeetingStatus.CLOSED)


@rules.predicate
def meeting_is_closed(user, obj) -> bool:
    meeting = _meeting(obj)
    return meeting is not None and meeting.status == MeetingStatus.CLOSED


@rules.predicate
def gave_own_opinion(user, item) -> bool:
    item = _item(item)
    return item is not None and item.pk in opinion_given_item_ids(user, item.meeting_id)


@rules.predicate
def is_own_pack(user, invitation) -> bool:
    return isinstance(invitation, MeetingMember) and invitation.user_id == user.pk


@rules.predicate
def is_decided_structure_member(user, decision) -> bool:
    return (
        isinstance(decision, Decision)
        and decision.is_recorded
        and is_structure_member.test(user, decision.item.dossier.structure)
    )


@rules.predicate
def letter_is_sent(user, decision) -> bool:
    return isinstance(decision, Decision) and decision.status == DecisionStatus.NOTIFIED


member = is_committee & is_invited
# A member who may read this file: invited, no conflict, the meeting not cancelled.
file_reader = member & meeting_is_live & ~has_conflict

# Members and meetings, prepared by the coordination.
rules.add_perm("committee.manage_members", is_coordinator)
rules.add_perm("committee.list_meetings", is_coordinator | is_committee)
rules.add_perm("committee.schedule_meeting", is_coordinator)
rules.add_perm("committee.view_meeting", is_coordinator | member)
rules.add_perm("committee.change_meeting", is_coordinator & meeting_is_scheduled)
rules.add_perm("committee.set_agenda", is_coordinator & meeting_is_scheduled)
rules.add_perm("committee.record_attendance", is_coordinator | (member & is_chair))
rules.add_perm("committee.hold_meeting", is_coordinator | (member & is_chair))
rules.add_perm("committee.close_meeting", is_coordinator)
rules.add_perm("committee.cancel_meeting", is_coordinator)
rules.add_perm("committee.prepare_packs", is_coordinator & meeting_is_live)
# The .ics invitation of a meeting: whoever reads the meeting.
rules.add_perm("committee.download_invitation", is_coordinator | member)

# The assessment file, its documents and the instruction note.
rules.add_perm("committee.view_file", is_coordinator | file_reader)
rules.add_perm("committee.write_instruction_note", is_coordinator)
# One member's meeting pack (a ``MeetingMember``): the member, or the coordination.
rules.add_perm(
    "committee.view_pack", is_coordinator | (is_committee & is_own_pack & meeting_is_live)
)

# Conflicts of interest.
rules.add_perm("committee.declare_conflicts", member & meeting_is_live)
rules.add_perm("committee.record_conflict", is_coordinator)

# Opinions: given before the meeting is held, read once one's own is given.
rules.add_perm("committee.give_opinion", file_reader & meeting_is_scheduled)
rules.add_perm(
    "committee.view_opinions", is_coordinator | (file_reader & (gave_own_opinion | is_chair))
)

# Decisions: the coordination as secretary, or the chair (without a conflict on the file).
rules.add_perm("committee.record_decision", is_coordinator | (file_reader & is_chair))
rules.add_perm(
    "committee.view_decision",
    is_coordinator | member | (is_applicant & is_decided_structure_member),
)
rules.add_perm("committee.send_letter", is_coordinator)
rules.add_perm(
    "committee.view_letter",
    is_coordinator | (is_applicant & is_decided_structure_member & letter_is_sent),
)
rules.add_perm("committee.edit_letter_templates", is_coordinator)

# Minutes: the coordination once the meeting took place, its members once published.
rules.add_perm(
    "committee.view_minutes",
    (is_coordinator & meeting_has_taken_place) | (member & meeting_is_closed),
)
rules.add_perm("committee.view_summary", is_coordinator | is_committee)
