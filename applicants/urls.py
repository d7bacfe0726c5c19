from django.urls import path

from .views import campaigns, dossiers, exchanges, members, search, structures, workspace

app_name = "applicants"

urlpatterns = [
    path("recherche/", search.SearchView.as_view(), name="search"),
    # Structures and their members.
    path("structures/", structures.StructureListView.as_view(), name="structure-list"),
    path("structures/nouvelle/", structures.StructureCreateView.as_view(), name="structure-create"),
    path("structures/<int:pk>/", structures.StructureDetailView.as_view(), name="structure-detail"),
    path(
        "structures/<int:pk>/modifier/",
        structures.StructureUpdateView.as_view(),
        name="structure-update",
    ),
    path("structures/<int:pk>/membres/", members.members_view, name="structure-members"),
    path("membres/<int:pk>/role/", members.membership_role_view, name="membership-role"),
    path("membres/<int:pk>/retirer/", members.membership_remove_view, name="membership-remove"),
    path(
        "invitations/<int:pk>/annuler/",
        members.invitation_cancel_view,
        name="invitation-cancel",
    ),
    path("invitations/<str:token>/", members.invitation_accept_view, name="invitation-accept"),
    # Dossiers.
    path(
        "structures/<int:structure_pk>/candidater/<int:campaign_pk>/",
        dossiers.dossier_create_view,
        name="dossier-create",
    ),
    path("dossiers/", workspace.dossier_list_view, name="dossier-list"),
    path(
        "dossiers/export.<str:file_format>",
        workspace.dossier_export_view,
        name="dossier-export",
    ),
    path("dossiers/<int:pk>/", dossiers.dossier_detail_view, name="dossier-detail"),
    path(
        "dossiers/<int:pk>/rubrique/<slug:section>/",
        dossiers.dossier_section_view,
        name="dossier-section",
    ),
    path(
        "dossiers/<int:pk>/action/<slug:action>/",
        dossiers.DossierTransitionView.as_view(),
        name="dossier-transition",
    ),
    path("dossiers/<int:pk>/pieces/", dossiers.attachment_add_view, name="attachment-add"),
    path("pieces/<int:pk>/", dossiers.attachment_download_view, name="attachment-download"),
    path(
        "pieces/<int:pk>/retirer/",
        dossiers.AttachmentDeleteView.as_view(),
        name="attachment-delete",
    ),
    path("dossiers/<int:pk>/messages/", exchanges.dossier_messages_view, name="dossier-messages"),
    path(
        "pieces-jointes/<int:pk>/",
        exchanges.message_attachment_download_view,
        name="message-attachment-download",
    ),
    path("dossiers/<int:pk>/notes/", dossiers.private_note_add_view, name="private-note-add"),
    path(
        "dossiers/<int:pk>/instruction/",
        dossiers.instructor_assign_view,
        name="dossier-instructor",
    ),
    path("dossiers/<int:pk>/zip/", workspace.dossier_zip_view, name="dossier-zip"),
    # Calls for applications.
    path("appels/", campaigns.campaign_list_view, name="campaign-list"),
    path("appels/nouveau/", campaigns.campaign_edit_view, name="campaign-create"),
    path("appels/<int:pk>/", campaigns.campaign_public_view, name="campaign-public"),
    path("appels/<int:pk>/modifier/", campaigns.campaign_edit_view, name="campaign-update"),
    path(
        "appels/<int:pk>/documents/",
        campaigns.campaign_document_add_view,
        name="campaign-document-add",
    ),
    path(
        "porte-documents/<int:pk>/",
        campaigns.campaign_document_download_view,
        name="campaign-document",
    ),
    path(
        "porte-documents/<int:pk>/retirer/",
        campaigns.campaign_document_delete_view,
        name="campaign-document-delete",
    ),
    path(
        "types-de-pieces/nouveau/",
        campaigns.document_type_create_view,
        name="document-type-create",
    ),
]
