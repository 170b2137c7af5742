from django.contrib import admin

from comptoir.core.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail is never edited, not even by an administrator."""

    list_display = ("at", "company", "actor", "action", "object_type", "object_id", "object_repr")
    list_filter = ("action", "object_type", "company")
    search_fields = ("object_repr", "object_id", "actor__username")
    date_hierarchy = "at"

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
