from django.urls import path

from .views import catalogue, overview, requests, responses

app_name = "financing"

urlpatterns = [
    # The funds and their products.
    path("produits/", catalogue.ProductListView.as_view(), name="product-list"),
    path("produits/ajouter/", catalogue.ProductCreateView.as_view(), name="product-create"),
    path("produits/<int:pk>/", catalogue.ProductUpdateView.as_view(), name="product-update"),
    path("financeurs/<int:pk>/", catalogue.FunderUpdateView.as_view(), name="funder-update"),
    # The dedicated credit lines.
    path("lignes-de-credit/", catalogue.CreditLineListView.as_view(), name="credit-line-list"),
    path(
        "lignes-de-credit/ajouter/",
        catalogue.CreditLineFormView.as_view(),
        name="credit-line-create",
    ),
    path(
        "lignes-de-credit/<int:pk>/", catalogue.CreditLineDetailView.as_view(), name="credit-line"
    ),
    path(
        "lignes-de-credit/<int:pk>/modifier/",
        catalogue.CreditLineFormView.as_view(),
        name="credit-line-update",
    ),
    # Needs and responses.
    path("reponses/", responses.ResponseListView.as_view(), name="response-list"),
    path(
        "reponses/ouvrir/<int:structure_pk>/<int:campaign_pk>/",
        responses.ResponseOpenView.as_view(),
        name="response-open",
    ),
    path("reponses/<int:pk>/", responses.ResponseView.as_view(), name="response"),
    path("reponses/<int:pk>/besoins/", responses.NeedsSaveView.as_view(), name="needs-save"),
    path(
        "reponses/<int:pk>/besoins/reprendre/",
        responses.NeedsPrefillView.as_view(),
        name="needs-prefill",
    ),
    path("reponses/<int:pk>/bfr/", responses.WorkingCapitalView.as_view(), name="bfr"),
    path("reponses/<int:pk>/lignes/", responses.ResponseSaveView.as_view(), name="response-save"),
    path(
        "reponses/<int:pk>/verifier/",
        responses.ResponseCheckView.as_view(),
        name="response-check",
    ),
    path(
        "reponses/<int:pk>/demandes/",
        responses.RequestsCreateView.as_view(),
        name="requests-create",
    ),
    # Requests.
    path("demandes/", requests.RequestListView.as_view(), name="request-list"),
    path("demandes/export.xlsx", requests.RequestExportView.as_view(), name="request-export"),
    path("demandes/<int:pk>/", requests.RequestDetailView.as_view(), name="request-detail"),
    path(
        "demandes/<int:pk>/modifier/", requests.RequestUpdateView.as_view(), name="request-update"
    ),
    path(
        "demandes/<int:pk>/etape/<str:action>/",
        requests.RequestTransitionView.as_view(),
        name="request-transition",
    ),
    path(
        "demandes/<int:pk>/messages/", requests.RequestMessageView.as_view(), name="request-message"
    ),
    path(
        "demandes/<int:pk>/pieces/",
        requests.RequestDocumentAddView.as_view(),
        name="request-document-add",
    ),
    path("pieces/<int:pk>/", requests.RequestDocumentView.as_view(), name="request-document"),
    path(
        "demandes/<int:pk>/versements/",
        requests.DisbursementView.as_view(),
        name="disbursement-add",
    ),
    # The global response.
    path("reponse-globale/", overview.GlobalResponseView.as_view(), name="global-response"),
    path(
        "reponse-globale/export.xlsx",
        overview.GlobalResponseExportView.as_view(),
        name="global-response-export",
    ),
]
