from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("demander/<str:kind>/<int:object_id>/", views.document_request_view, name="request"),
    path("<int:pk>/etat/", views.document_status_view, name="status"),
    path("<int:pk>/telecharger/", views.document_download_view, name="download"),
]
