from django.contrib import admin

from .models import GeneratedDocument


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(admin.ModelAdmin):
    list_display = ["kind", "content_type", "object_id", "status", "created_at", "ready_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["fingerprint", "checksum", "attempts", "error", "file"]
    exclude = ["source_html"]
