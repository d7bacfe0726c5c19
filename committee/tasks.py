"""The committee's background work: the members' packs, and the beat reminders."""

from celery import shared_task

from ccr_portal.documents.services import document_request
from ccr_portal.users.models import User

from .documents import MEETING_PACK
from .models import Meeting
from .services.reminders import remind_minutes_overdue, remind_opinions_due, remind_packs_ready


@shared_task(soft_time_limit=600, time_limit=660)
def prepare_meeting_packs(meeting_id: int, actor_id: int) -> int:
    """Ask for each member's pack: its HTML is assembled here, in the worker, and each PDF
    is rendered by the documents task; the member is told when theirs is ready."""
    meeting = Meeting.objects.get(pk=meeting_id)
    actor = User.objects.get(pk=actor_id)
    count = 0
    for invitation in meeting.invitations.select_related("user", "meeting"):
        document_request(kind=MEETING_PACK, subject=invitation, requested_by=actor)
        count += 1
    return count


@shared_task(soft_time_limit=300, time_limit=360)
def send_opinions_due_reminders() -> int:
    return remind_opinions_due()


@shared_task(soft_time_limit=300, time_limit=360)
def send_pack_ready_reminders() -> int:
    return remind_packs_ready()


@shared_task(soft_time_limit=300, time_limit=360)
def send_minutes_overdue_reminders() -> int:
    return remind_minutes_overdue()
