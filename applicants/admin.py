from django.contrib import admin

from .models import Campaign, Dossier, Membership, Site, Structure


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Structure)
class StructureAdmin(admin.ModelAdmin):
    list_display = ["name", "legal_form", "sector", "city", "siret", "rna"]
    list_filter = ["legal_form", "sector"]
    search_fields = ["name", "siret", "rna", "city"]
    inlines = [MembershipInline]


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "opens_on", "closes_on"]
    filter_horizontal = ["sites"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["structure", "campaign", "status", "submitted_at", "updated_at"]
    list_filter = ["status", "campaign"]
    list_select_related = ["structure", "campaign"]
    search_fields = ["structure__name"]
    raw_id_fields = ["structure", "instructor", "created_by"]
