from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from ccr_portal import views
from ccr_portal.users.views import AccountEraseView

admin.site.site_header = "Portail CCR : administration technique"
admin.site.site_title = "Portail CCR"
# The admin has no login form of its own: it sends to the portal's, with its
# throttling (allauth, django-axes) and its MFA.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.root, name="root"),
    path("tableau-de-bord/<str:role>/", views.dashboard, name="dashboard"),
    path("changer-de-role/", views.switch_role, name="switch-role"),
    path("healthz/", views.healthz, name="healthz"),
    path("accessibilite/", views.AccessibilityStatementView.as_view(), name="accessibility"),
    path("confidentialite/", views.PrivacyView.as_view(), name="privacy"),
    path("mon-compte/supprimer/", AccountEraseView.as_view(), name="account-erase"),
    path("compte/", include("allauth.urls")),
    path("equipe/", include("ccr_portal.users.urls")),
    path("documents/", include("ccr_portal.documents.urls")),
    path("notifications/", include("ccr_portal.notifications.urls")),
    path("securite/", include("ccr_portal.security.urls")),
    path("diagnostics/", include("diagnostics.urls")),
    path("accompagnement/", include("accompaniment.urls")),
    path("comite/", include("committee.urls")),
    path("financement/", include("financing.urls")),
    path("besoins-et-offre/", include("scheme.urls")),
    path("", include("applicants.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
