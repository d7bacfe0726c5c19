from celery import shared_task

from applicants.services.reminders import remind_campaign_closing, remind_changes_pending


@shared_task(soft_time_limit=300, time_limit=360)
def send_dossier_reminders() -> dict:
    return {
        "closing_soon": remind_campaign_closing(),
        "changes_pending": remind_changes_pending(),
    }


@shared_task(soft_time_limit=600, time_limit=660)
def apply_dossier_retention() -> dict:
    """Daily: the notices 30 days before, then the anonymisations due (idempotent)."""
    from applicants.services.retention import anonymise_expired_dossiers, notify_retention

    return {"notified": notify_retention(), "anonymised": anonymise_expired_dossiers()}
