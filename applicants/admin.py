from django.contrib import admin

from .models import Campaign, Membership, Site, Structure


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
