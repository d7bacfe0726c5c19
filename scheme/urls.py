from django.urls import path

from . import views

app_name = "scheme"

urlpatterns = [
    path("", views.QuantificationView.as_view(), name="quantification"),
    path("structures/", views.StructuresBehindView.as_view(), name="structures"),
    path("export.xlsx", views.QuantificationExportView.as_view(), name="quantification-export"),
    path("scenarios/", views.ScenarioView.as_view(), name="scenario"),
    path("scenarios/enregistrer/", views.ScenarioSaveView.as_view(), name="scenario-save"),
    path("scenarios/<int:pk>/", views.ScenarioDetailView.as_view(), name="scenario-detail"),
    path(
        "scenarios/<int:pk>/export.xlsx",
        views.ScenarioExportView.as_view(),
        name="scenario-export",
    ),
    path("offre-existante/", views.OfferSchemeListView.as_view(), name="offer-list"),
    path("offre-existante/ajouter/", views.OfferSchemeCreateView.as_view(), name="offer-create"),
    path(
        "offre-existante/<int:pk>/modifier/",
        views.OfferSchemeUpdateView.as_view(),
        name="offer-update",
    ),
    path(
        "offre-existante/<int:pk>/retirer/",
        views.OfferSchemeDeleteView.as_view(),
        name="offer-delete",
    ),
    path("note-de-calibrage/", views.BriefView.as_view(), name="brief"),
    path("note-de-calibrage/export.xlsx", views.BriefExportView.as_view(), name="brief-export"),
    path("bilan/", views.ReportView.as_view(), name="report"),
    path("bilan/export.xlsx", views.ReportExportView.as_view(), name="report-export"),
    path(
        "documents/<str:kind>/demander/",
        views.SchemeDocumentRequestView.as_view(),
        name="document-request",
    ),
    path("documents/<int:pk>/", views.SchemeDocumentView.as_view(), name="report-document"),
]
