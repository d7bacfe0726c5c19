from django.contrib import admin

from .models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The whole security log, for the administrator: read only."""

    list_display = ["at", "kind", "actor_email", "ip_address", "method", "path", "target_repr"]
    list_filter = ["kind", "at"]
    search_fields = ["actor_email", "ip_address", "path", "target_repr"]
    date_hierarchy = "at"
    list_select_related = ["actor"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
