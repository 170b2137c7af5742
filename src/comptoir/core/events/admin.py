from django.contrib import admin

from comptoir.core.events.models import HandlerRun, OutboxEvent, Schedule


@admin.register(OutboxEvent)
class OutboxEventAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "company", "created_at", "dispatched_at", "attempts")
    list_filter = ("name", "company")
    search_fields = ("name",)
    readonly_fields = (
        "name",
        "company",
        "payload",
        "created_at",
        "dispatched_at",
        "attempts",
        "last_error",
    )

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(HandlerRun)
class HandlerRunAdmin(admin.ModelAdmin):
    list_display = ("event", "handler", "at")
    search_fields = ("handler",)
    raw_id_fields = ("event",)


@admin.register(Schedule)
class ScheduleAdmin(admin.ModelAdmin):
    list_display = ("name", "task", "every_seconds", "enabled", "next_run_at", "last_run_at")
    list_editable = ("enabled", "every_seconds")
