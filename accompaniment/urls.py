from django.urls import path

from .views import events, plans, providers, sessions, structures

app_name = "accompaniment"

urlpatterns = [
    # Providers.
    path("prestataires/", providers.ProviderListView.as_view(), name="provider-list"),
    path("prestataires/nouveau/", providers.ProviderCreateView.as_view(), name="provider-create"),
    path("prestataires/<int:pk>/", providers.ProviderDetailView.as_view(), name="provider-detail"),
    path(
        "prestataires/<int:pk>/modifier/",
        providers.ProviderUpdateView.as_view(),
        name="provider-update",
    ),
    # Development plans and their actions.
    path("plans/", plans.PlanListView.as_view(), name="plan-list"),
    path("plans/nouveau/", plans.PlanCreateView.as_view(), name="plan-create"),
    path("plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/modifier/", plans.PlanUpdateView.as_view(), name="plan-update"),
    path("plans/<int:pk>/themes/", plans.PlanThemesView.as_view(), name="plan-themes"),
    path(
        "plans/<int:pk>/budget/",
        plans.PlanAmountsView.as_view(kind="budget"),
        name="plan-budget",
    ),
    path(
        "plans/<int:pk>/plan-de-financement/",
        plans.PlanAmountsView.as_view(kind="financing"),
        name="plan-financing",
    ),
    path("plans/<int:pk>/actions/ajouter/", plans.ActionCreateView.as_view(), name="action-create"),
    path(
        "plans/<int:pk>/etape/<str:action>/",
        plans.PlanTransitionView.as_view(),
        name="plan-transition",
    ),
    path("plans/<int:pk>/suivi/", plans.FollowUpView.as_view(), name="follow-up"),
    path("actions/", plans.ActionListView.as_view(), name="action-list"),
    path("actions/<int:pk>/", plans.ActionDetailView.as_view(), name="action-detail"),
    path("actions/<int:pk>/modifier/", plans.ActionUpdateView.as_view(), name="action-update"),
    path("actions/<int:pk>/retirer/", plans.ActionDeleteView.as_view(), name="action-delete"),
    path("actions/<int:pk>/realisee/", plans.ActionCompleteView.as_view(), name="action-complete"),
    path("actions/<int:pk>/avis/", plans.ActionRateView.as_view(), name="action-rate"),
    # Sessions.
    path("seances/", sessions.SessionListView.as_view(), name="session-list"),
    path("seances/nouvelle/", sessions.SessionCreateView.as_view(), name="session-create"),
    path("seances/<int:pk>/", sessions.SessionDetailView.as_view(), name="session-detail"),
    path("seances/<int:pk>/modifier/", sessions.SessionUpdateView.as_view(), name="session-update"),
    path(
        "seances/<int:pk>/documents/",
        sessions.SessionDocumentAddView.as_view(),
        name="session-document-add",
    ),
    path(
        "seances/documents/<int:pk>/",
        sessions.SessionDocumentDownloadView.as_view(),
        name="session-document",
    ),
    # Events.
    path("evenements/", events.EventListView.as_view(), name="event-list"),
    path("evenements/nouveau/", events.EventCreateView.as_view(), name="event-create"),
    path("evenements/<int:pk>/", events.EventDetailView.as_view(), name="event-detail"),
    path("evenements/<int:pk>/modifier/", events.EventUpdateView.as_view(), name="event-update"),
    path(
        "evenements/<int:pk>/inscription/",
        events.EventRegisterView.as_view(),
        name="event-register",
    ),
    path(
        "evenements/<int:pk>/presences/",
        events.EventAttendanceView.as_view(),
        name="event-attendance",
    ),
    # An information day, public: a visitor without an account registers by e-mail.
    path("journees/<int:pk>/", events.EventPublicView.as_view(), name="event-public"),
    path(
        "journees/confirmer/<str:token>/",
        events.GuestConfirmView.as_view(),
        name="event-guest-confirm",
    ),
    path(
        "journees/annuler/<str:token>/",
        events.GuestCancelView.as_view(),
        name="event-guest-cancel",
    ),
    path(
        "inscriptions/<int:pk>/annuler/",
        events.RegistrationCancelView.as_view(),
        name="registration-cancel",
    ),
    # A structure's professionalisation (D) and responsibility (E).
    path("structures/<int:pk>/gpec/", structures.GpecView.as_view(), name="gpec"),
    path(
        "structures/<int:pk>/gpec/modifier/",
        structures.GpecUpdateView.as_view(),
        name="gpec-update",
    ),
    path(
        "structures/<int:pk>/formations/ajouter/",
        structures.TrainingCreateView.as_view(),
        name="training-create",
    ),
    path(
        "formations/<int:pk>/modifier/",
        structures.TrainingUpdateView.as_view(),
        name="training-update",
    ),
    path(
        "formations/<int:pk>/retirer/",
        structures.TrainingDeleteView.as_view(),
        name="training-delete",
    ),
    path("structures/<int:pk>/qades/", structures.QadesView.as_view(), name="qades"),
    path(
        "structures/<int:pk>/qades/ouvrir/",
        structures.QadesOpenView.as_view(),
        name="qades-open",
    ),
    path("qades/<int:pk>/modifier/", structures.QadesUpdateView.as_view(), name="qades-update"),
    path("qades/synthese/", structures.QadesSummaryView.as_view(), name="qades-summary"),
    # The axes of a dossier and what the selection committee recommended (read only).
    path(
        "dossiers/<int:pk>/recommandations/",
        structures.CommitteeRecommendationView.as_view(),
        name="committee-recommendations",
    ),
]
