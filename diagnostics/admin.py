from django.contrib import admin

from .models import (
    AxisRecommendation,
    CommitteeConsent,
    Diagnostic,
    DiagnosticTransition,
    ProviderCapacity,
    ThemeScore,
)


class ThemeScoreInline(admin.TabularInline):
    model = ThemeScore
    extra = 0


class AxisRecommendationInline(admin.TabularInline):
    model = AxisRecommendation
    extra = 0


class TransitionInline(admin.TabularInline):
    # The history is written by the services only.
    model = DiagnosticTransition
    extra = 0
    can_delete = False
    readonly_fields = ["action", "from_status", "to_status", "actor", "comment", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Diagnostic)
class DiagnosticAdmin(admin.ModelAdmin):
    list_display = ["structure", "kind", "purpose", "status", "provider", "due_date"]
    list_filter = ["status", "kind", "purpose", "provider"]
    search_fields = ["structure__name"]
    raw_id_fields = ["structure", "dossier", "requested_by", "consultant", "signed_off_by"]
    list_select_related = ["structure", "provider"]
    inlines = [ThemeScoreInline, AxisRecommendationInline, TransitionInline]


@admin.register(CommitteeConsent)
class CommitteeConsentAdmin(admin.ModelAdmin):
    list_display = ["diagnostic", "granted_by", "granted_at", "revoked_at"]
    raw_id_fields = ["diagnostic", "granted_by", "revoked_by"]


@admin.register(ProviderCapacity)
class ProviderCapacityAdmin(admin.ModelAdmin):
    list_display = ["provider", "month", "consultant_days"]
    list_filter = ["provider"]
