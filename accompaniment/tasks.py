"""Beat tasks of the accompaniment: one per reminder rule, idempotent through ``remind_once``,
and the purge of the visitors' requests never confirmed."""

from celery import shared_task

from .services.guests import guest_requests_purge
from .services.reminders import remind_follow_up_due, remind_plan_agreement, remind_session_notes


@shared_task(soft_time_limit=300, time_limit=360)
def send_session_notes_reminders() -> int:
    return remind_session_notes()


@shared_task(soft_time_limit=300, time_limit=360)
def send_plan_agreement_reminders() -> int:
    return remind_plan_agreement()


@shared_task(soft_time_limit=300, time_limit=360)
def send_follow_up_reminders() -> int:
    return remind_follow_up_due()


@shared_task(soft_time_limit=300, time_limit=360)
def purge_unconfirmed_guest_requests() -> int:
    return guest_requests_purge()
