from django.urls import path

from .views import conflicts, decisions, files, meetings, opinions, settings_pages

app_name = "committee"

urlpatterns = [
    # Meetings.
    path("", meetings.MeetingListView.as_view(), name="meeting-list"),
    path("seances/programmer/", meetings.MeetingCreateView.as_view(), name="meeting-create"),
    path("seances/<int:pk>/", meetings.MeetingDetailView.as_view(), name="meeting-detail"),
    path("seances/<int:pk>/modifier/", meetings.MeetingUpdateView.as_view(), name="meeting-update"),
    path(
        "seances/<int:pk>/etape/<str:action>/",
        meetings.MeetingTransitionView.as_view(),
        name="meeting-transition",
    ),
    path(
        "seances/<int:pk>/invitation.ics",
        meetings.MeetingCalendarView.as_view(),
        name="meeting-ics",
    ),
    path("seances/<int:pk>/ordre-du-jour/", meetings.AgendaView.as_view(), name="agenda"),
    path(
        "ordre-du-jour/<int:pk>/retirer/",
        meetings.AgendaRemoveView.as_view(),
        name="agenda-remove",
    ),
    path("seances/<int:pk>/presences/", meetings.AttendanceView.as_view(), name="attendance"),
    path(
        "seances/<int:pk>/dossiers-de-seance/",
        meetings.PacksPrepareView.as_view(),
        name="packs-prepare",
    ),
    path("dossiers-de-seance/<int:pk>/", meetings.PackView.as_view(), name="pack"),
    # The files, their documents, the opinions.
    path("dossiers/<int:pk>/", files.FileView.as_view(), name="file"),
    path(
        "dossiers/<int:pk>/pieces/<int:attachment_pk>/",
        files.FileAttachmentView.as_view(),
        name="file-attachment",
    ),
    path(
        "instruction/<int:pk>/note/",
        files.InstructionNoteView.as_view(),
        name="instruction-note",
    ),
    path("seances/<int:pk>/avis/", opinions.OpinionsView.as_view(), name="opinions"),
    # Conflicts of interest.
    path(
        "seances/<int:pk>/liens-d-interets/",
        conflicts.ConflictDeclareView.as_view(),
        name="conflict-declare",
    ),
    path("liens-d-interets/", conflicts.ConflictListView.as_view(), name="conflict-list"),
    path(
        "liens-d-interets/enregistrer/",
        conflicts.ConflictRecordView.as_view(),
        name="conflict-record",
    ),
    path(
        "liens-d-interets/<int:pk>/lever/",
        conflicts.ConflictWithdrawView.as_view(),
        name="conflict-withdraw",
    ),
    # Decisions and letters.
    path("seances/<int:pk>/decisions/", decisions.DecisionsView.as_view(), name="decisions"),
    path("decisions/<int:pk>/", decisions.DecisionDetailView.as_view(), name="decision-detail"),
    path(
        "decisions/<int:pk>/lettre/",
        decisions.LetterPreviewView.as_view(),
        name="letter-preview",
    ),
    path(
        "decisions/<int:pk>/lettre/envoyer/",
        decisions.LetterSendView.as_view(),
        name="letter-send",
    ),
    path("seances/<int:pk>/lettres/", decisions.LettersView.as_view(), name="letters"),
    path(
        "seances/<int:pk>/lettres/envoyer/",
        decisions.LettersSendView.as_view(),
        name="letters-send",
    ),
    # The coordination's settings and the summaries.
    path("membres/", settings_pages.MemberListView.as_view(), name="member-list"),
    path("membres/<int:pk>/", settings_pages.MemberUpdateView.as_view(), name="member-update"),
    path(
        "modeles-de-lettre/",
        settings_pages.LetterTemplateListView.as_view(),
        name="letter-templates",
    ),
    path(
        "modeles-de-lettre/<str:outcome>/",
        settings_pages.LetterTemplateUpdateView.as_view(),
        name="letter-template",
    ),
    path("bilan/<int:pk>/", settings_pages.SummaryView.as_view(), name="summary"),
]
