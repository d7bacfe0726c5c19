from django.contrib import admin

from . import models


@admin.register(models.FundingProduct)
class FundingProductAdmin(admin.ModelAdmin):
    list_display = ["name", "funder", "kind", "min_amount", "max_amount", "is_active"]
    list_filter = ["funder", "kind", "is_active"]


@admin.register(models.CreditLine)
class CreditLineAdmin(admin.ModelAdmin):
    list_display = ["name", "funder", "amount", "starts_on", "ends_on"]


class RequestUseInline(admin.TabularInline):
    model = models.RequestUse
    extra = 0


class DisbursementInline(admin.TabularInline):
    model = models.Disbursement
    extra = 0


@admin.register(models.FinancingRequest)
class FinancingRequestAdmin(admin.ModelAdmin):
    list_display = ["structure", "product", "status", "amount", "granted_amount"]
    list_filter = ["status", "product__funder", "product"]
    inlines = [RequestUseInline, DisbursementInline]
    # The status moves through the workflow only.
    readonly_fields = ["status", "submitted_at", "forwarded_at", "decided_at"]


@admin.register(models.FinancingResponse)
class FinancingResponseAdmin(admin.ModelAdmin):
    list_display = ["structure", "campaign", "updated_at"]


@admin.register(models.FinancingNeed)
class FinancingNeedAdmin(admin.ModelAdmin):
    list_display = ["structure", "campaign", "category", "amount", "needed_on", "source"]
    list_filter = ["category", "source"]
