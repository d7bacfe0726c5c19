from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("<int:pk>/ouvrir/", views.NotificationOpenView.as_view(), name="open"),
    path("envois-en-attente/", views.PendingEmailListView.as_view(), name="pending-emails"),
    path("tout-marquer-lu/", views.NotificationMarkAllReadView.as_view(), name="mark-all-read"),
]
