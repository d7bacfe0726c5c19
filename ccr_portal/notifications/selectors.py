from .models import Notification, OutgoingEmail


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(user):
    return Notification.objects.filter(recipient=user)


def pending_emails():
    return OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).order_by(
        "created_at", "pk"
    )
