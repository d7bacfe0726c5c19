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
    path("structures/<int:pk>/membres/", members.MembersView.as_view(), name="structure-members"),
    path(
        "structures/<int:pk>/donnees/",
        structures.StructureDataExportView.as_view(),
        name="structure-data",
    ),
    path("membres/<int:pk>/role/", members.MembershipRoleView.as_view(), name="membership-role"),
    path(
        "membres/<int:pk>/retirer/",
        members.MembershipRemoveView.as_view(),
        name="membership-remove",
    ),
    path(
        "invitations/<int:pk>/annuler/",
        members.InvitationCancelView.as_view(),
        name="invitation-cancel",
    ),
    path(
        "invitations/<str:token>/", members.InvitationAcceptView.as_view(), name="invitation-accept"
    ),
    # Dossiers.
    path(
        "structures/<int:structure_pk>/candidater/<int:campaign_pk>/",
        dossiers.DossierCreateView.as_view(),
        name="dossier-create",
    ),
    path("dossiers/", workspace.DossierListView.as_view(), name="dossier-list"),
    path(
        "dossiers/export.<str:file_format>",
        workspace.DossierExportView.as_view(),
        name="dossier-export",
    ),
    path("dossiers/<int:pk>/", dossiers.DossierDetailView.as_view(), name="dossier-detail"),
    path(
        "dossiers/<int:pk>/rubrique/<slug:section>/",
        dossiers.DossierSectionView.as_view(),
        name="dossier-section",
    ),
    path(
        "dossiers/<int:pk>/action/<slug:action>/",
        dossiers.DossierTransitionView.as_view(),
        name="dossier-transition",
    ),
    path("dossiers/<int:pk>/pieces/", dossiers.AttachmentAddView.as_view(), name="attachment-add"),
    path("pieces/<int:pk>/", dossiers.AttachmentDownloadView.as_view(), name="attachment-download"),
    path(
        "pieces/<int:pk>/retirer/",
        dossiers.AttachmentDeleteView.as_view(),
        name="attachment-delete",
    ),
    path(
        "dossiers/<int:pk>/messages/",
        exchanges.DossierMessagesView.as_view(),
        name="dossier-messages",
    ),
    path(
        "pieces-jointes/<int:pk>/",
        exchanges.MessageAttachmentDownloadView.as_view(),
        name="message-attachment-download",
    ),
    path(
        "dossiers/<int:pk>/notes/", dossiers.PrivateNoteAddView.as_view(), name="private-note-add"
    ),
    path(
        "dossiers/<int:pk>/instruction/",
        dossiers.InstructorAssignView.as_view(),
        name="dossier-instructor",
    ),
    path("dossiers/<int:pk>/zip/", workspace.DossierZipView.as_view(), name="dossier-zip"),
    # Calls for applications.
    path("appels/", campaigns.CampaignListView.as_view(), name="campaign-list"),
    path("appels/nouveau/", campaigns.CampaignEditView.as_view(), name="campaign-create"),
    path("appels/<int:pk>/", campaigns.CampaignPublicView.as_view(), name="campaign-public"),
    path("appels/<int:pk>/modifier/", campaigns.CampaignEditView.as_view(), name="campaign-update"),
    path(
        "appels/<int:pk>/documents/",
        campaigns.CampaignDocumentAddView.as_view(),
        name="campaign-document-add",
    ),
    path(
        "porte-documents/<int:pk>/",
        campaigns.CampaignDocumentDownloadView.as_view(),
        name="campaign-document",
    ),
    path(
        "porte-documents/<int:pk>/retirer/",
        campaigns.CampaignDocumentDeleteView.as_view(),
        name="campaign-document-delete",
    ),
    path(
        "types-de-pieces/nouveau/",
        campaigns.DocumentTypeCreateView.as_view(),
        name="document-type-create",
    ),
]
