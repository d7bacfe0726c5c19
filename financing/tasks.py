"""The financing beat reminders."""

from celery import shared_task

from .services.reminders import remind_changes_pending, remind_decisions_overdue


@shared_task(soft_time_limit=300, time_limit=360)
def send_decision_overdue_reminders() -> int:
    return remind_decisions_overdue()


@shared_task(soft_time_limit=300, time_limit=360)
def send_changes_pending_reminders() -> int:
    return remind_changes_pending()
