from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView
from rules.contrib.views import PermissionRequiredMixin

from .selectors import notifications_for, pending_emails
from .services import notifications_mark_read


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 30

    def get_queryset(self):
        return notifications_for(self.request.user)


class NotificationOpenView(LoginRequiredMixin, View):
    """Mark one notification read and follow its link."""

    def post(self, request, pk):
        notification = get_object_or_404(notifications_for(request.user), pk=pk)
        notifications_mark_read(user=request.user, ids=[notification.pk])
        if notification.url and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}
        ):
            return redirect(notification.url)
        return redirect("notifications:list")


class NotificationMarkAllReadView(LoginRequiredMixin, View):
    def post(self, request):
        notifications_mark_read(user=request.user)
        return redirect("notifications:list")


class PendingEmailListView(PermissionRequiredMixin, ListView):
    """The e-mails not sent yet (SMTP refusing, broker away), for the coordination."""

    permission_required = "notifications.view_outgoing_emails"
    template_name = "notifications/pending_emails.html"
    context_object_name = "emails"
    paginate_by = 50

    def get_queryset(self):
        return pending_emails()
