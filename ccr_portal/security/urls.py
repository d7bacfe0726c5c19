from django.urls import path

from . import views

app_name = "security"

urlpatterns = [
    path(
        "audit/<str:app_label>/<str:model>/<int:pk>/",
        views.object_audit_view,
        name="object-audit",
    ),
]
