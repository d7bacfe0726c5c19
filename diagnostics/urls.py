from django.urls import path

from . import views

app_name = "diagnostics"

urlpatterns = [
    # Workspaces.
    path("", views.QueueView.as_view(), name="queue"),
    path("mes-affectations/", views.AssignmentListView.as_view(), name="assignments"),
    path("mes-diagnostics/", views.MyDiagnosticsView.as_view(), name="mine"),
    # Requests.
    path("demander/<int:structure_pk>/", views.DiagnosticRequestView.as_view(), name="request"),
    path(
        "instruction/<int:dossier_pk>/",
        views.AssessmentOrderView.as_view(),
        name="order-assessment",
    ),
    # One diagnostic.
    path("<int:pk>/", views.DiagnosticDetailView.as_view(), name="diagnostic-detail"),
    path(
        "<int:pk>/action/<str:action>/",
        views.DiagnosticTransitionView.as_view(),
        name="transition",
    ),
    path("<int:pk>/couvert/", views.CoverView.as_view(), name="cover"),
    path("<int:pk>/affecter/", views.AssignView.as_view(), name="assign"),
    path(
        "<int:pk>/affecter/options/",
        views.AssignmentOptionsView.as_view(),
        name="assign-options",
    ),
    path("<int:pk>/echeance/", views.DueDateView.as_view(), name="due-date"),
    path("<int:pk>/grille/", views.GridView.as_view(), name="grid"),
    path("<int:pk>/partager/", views.SignOffView.as_view(), name="sign-off"),
    path("<int:pk>/comite/", views.consent_view, name="consent"),
    path("<int:pk>/echanges/", views.DiagnosticThreadView.as_view(), name="thread"),
    path("<int:pk>/diagnostic-existant/", views.covered_document_view, name="covered-document"),
    # Capacity.
    path("capacite/<int:provider_pk>/", views.CapacityView.as_view(), name="capacity"),
]
