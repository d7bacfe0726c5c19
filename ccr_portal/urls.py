from django.contrib import admin
from django.urls import include, path

from ccr_portal import views

admin.site.site_header = "Portail CCR : administration technique"
admin.site.site_title = "Portail CCR"

urlpatterns = [
    path("", views.root, name="root"),
    path("tableau-de-bord/<str:role>/", views.dashboard, name="dashboard"),
    path("changer-de-role/", views.switch_role, name="switch-role"),
    path("healthz/", views.healthz, name="healthz"),
    path("compte/", include("allauth.urls")),
    path("equipe/", include("ccr_portal.users.urls")),
    path("documents/", include("ccr_portal.documents.urls")),
    path("notifications/", include("ccr_portal.notifications.urls")),
    path("diagnostics/", include("diagnostics.urls")),
    path("accompagnement/", include("accompaniment.urls")),
    path("comite/", include("committee.urls")),
    path("", include("applicants.urls")),
    path("admin/", admin.site.urls),
]
