from django.urls import path

from . import views

app_name = "applicants"

urlpatterns = [
    path("", views.StructureListView.as_view(), name="structure-list"),
    path("nouvelle/", views.StructureCreateView.as_view(), name="structure-create"),
    path("<int:pk>/", views.StructureDetailView.as_view(), name="structure-detail"),
    path("<int:pk>/modifier/", views.StructureUpdateView.as_view(), name="structure-update"),
]
