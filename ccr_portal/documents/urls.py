from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("demander/<str:kind>/<int:object_id>/", views.document_request_view, name="request"),
    path("<int:pk>/etat/", views.document_status_view, name="status"),
    path("<int:pk>/telecharger/", views.document_download_view, name="download"),
    path("exports/<int:pk>/", views.export_status_view, name="export-status"),
    path("exports/<int:pk>/telecharger/", views.export_download_view, name="export-download"),
]
