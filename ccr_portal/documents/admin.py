from django.contrib import admin

from .models import BackgroundExport, GeneratedDocument


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ["kind", "content_type", "object_id", "status", "created_at", "ready_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["fingerprint", "checksum", "attempts", "error", "file"]
    exclude = ["source_html"]


@admin.register(BackgroundExport)
class BackgroundExportAdmin(admin.ModelAdmin):
    list_display = ["kind", "requested_by", "status", "rows_done", "rows_total", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["params", "rows_done", "rows_total", "checksum", "attempts", "error", "file"]
