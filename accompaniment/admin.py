from django.contrib import admin

from . import models


class PlanActionInline(admin.TabularInline):
    model = models.PlanAction
    extra = 0
    fields = ["axis", "title", "provider", "format", "planned_days", "daily_rate", "status"]


class PlanTransitionInline(admin.TabularInline):
    model = models.PlanTransition
    extra = 0
    readonly_fields = ["action", "from_status", "to_status", "actor", "comment", "created_at"]
    can_delete = False


@admin.register(models.DevelopmentPlan)
class DevelopmentPlanAdmin(admin.ModelAdmin):
    list_display = ["structure", "campaign", "status", "first_year", "updated_at"]
    list_filter = ["status", "campaign"]
    search_fields = ["structure__name"]
    inlines = [PlanActionInline, PlanTransitionInline]
    filter_horizontal = ["diagnostics"]


class AttendanceInline(admin.TabularInline):
    model = models.SessionAttendance
    extra = 0


@admin.register(models.Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["date", "theme", "provider", "format", "status", "duration_hours"]
    list_filter = ["status", "format", "axis", "provider"]
    inlines = [AttendanceInline]


class RegistrationInline(admin.TabularInline):
    model = models.EventRegistration
    extra = 0


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "date", "capacity", "audience", "organiser"]
    list_filter = ["kind", "audience"]
    inlines = [RegistrationInline]


@admin.register(models.CommitteeRecommendation)
class CommitteeRecommendationAdmin(admin.ModelAdmin):
    list_display = ["dossier", "axis", "recorded_by", "recorded_at"]


@admin.register(models.GpecSheet)
class GpecSheetAdmin(admin.ModelAdmin):
    list_display = ["structure", "updated_at"]


@admin.register(models.QualifyingTraining)
class QualifyingTrainingAdmin(admin.ModelAdmin):
    list_display = ["structure", "person_or_post", "training", "status", "starts_on"]
    list_filter = ["status"]


class QadesLineInline(admin.TabularInline):
    model = models.QadesLine
    extra = 0


@admin.register(models.QadesGrid)
class QadesGridAdmin(admin.ModelAdmin):
    list_display = ["structure", "year", "updated_at"]
    inlines = [QadesLineInline]


@admin.register(models.FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["plan", "due_on", "recorded_at"]


@admin.register(models.SatisfactionAnswer)
class SatisfactionAnswerAdmin(admin.ModelAdmin):
    list_display = ["action", "usefulness", "would_recommend", "answered_at"]
