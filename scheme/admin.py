from django.contrib import admin

from .models import OfferScheme, Scenario, SchemeReport


@admin.register(OfferScheme)
class OfferSchemeAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "axis",
        "payer",
        "places",
        "days_per_place",
        "starts_on",
        "ends_on",
    ]
    list_filter = ["kind", "axis", "payer"]


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "created_by", "created_at"]
    readonly_fields = ["parameters"]


@admin.register(SchemeReport)
class SchemeReportAdmin(admin.ModelAdmin):
    list_display = ["kind", "period_start", "period_end", "payer", "requested_by", "requested_at"]
