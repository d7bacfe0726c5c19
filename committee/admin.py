from django.contrib import admin

from . import models


@admin.register(models.CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation"]


class MeetingMemberInline(admin.TabularInline):
    model = models.MeetingMember
    extra = 0


@admin.register(models.Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "campaign", "status", "quorum"]
    list_filter = ["status", "campaign"]
    inlines = [MeetingMemberInline]
    # The status moves through the workflow only.
    readonly_fields = ["status", "held_at", "closed_at", "cancelled_at", "sequence"]


@admin.register(models.ConflictOfInterest)
class ConflictAdmin(admin.ModelAdmin):
    list_display = ["member", "structure", "kind", "source", "declared_on", "withdrawn_at"]
    list_filter = ["kind", "source"]


@admin.register(models.Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outcome", "status", "recorded_at"]
    list_filter = ["outcome", "status"]
    readonly_fields = ["status"]


@admin.register(models.LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    list_display = ["outcome", "subject", "updated_at"]
