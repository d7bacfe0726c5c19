"""Celery tasks of the diagnostics: one task per reminder rule, each a beat entry."""

from celery import shared_task

from .services.reminders import remind_due_soon, remind_overdue, remind_sign_off_pending


@shared_task(soft_time_limit=300, time_limit=360)
def send_due_soon_reminders() -> int:
    return remind_due_soon()


@shared_task(soft_time_limit=300, time_limit=360)
def send_overdue_reminders() -> int:
    return remind_overdue()


@shared_task(soft_time_limit=300, time_limit=360)
def send_sign_off_reminders() -> int:
    return remind_sign_off_pending()
