from django.contrib import admin

from comptoir.core.notifications.models import Notification, Preference


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "company", "user", "kind", "title", "read_at")
    list_filter = ("kind", "company")
    search_fields = ("title", "user__username")
    raw_id_fields = ("user",)


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "in_app", "email")
    list_filter = ("kind", "in_app", "email")
    raw_id_fields = ("user",)
