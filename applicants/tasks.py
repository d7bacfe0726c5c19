from celery import shared_task

from applicants.services.reminders import remind_campaign_closing, remind_changes_pending


@shared_task(soft_time_limit=300, time_limit=360)
def send_dossier_reminders() -> dict:
    return {
        "closing_soon": remind_campaign_closing(),
        "changes_pending": remind_changes_pending(),
    }
