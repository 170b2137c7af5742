from django.contrib import admin

from comptoir.core.timeline.models import Attachment, TimelineEntry


@admin.register(TimelineEntry)
class TimelineEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "company", "kind", "title", "target_type", "target_id", "author")
    list_filter = ("kind", "company", "target_type")
    search_fields = ("title", "body", "target_id")
    raw_id_fields = ("author", "attachment")


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = (
        "filename",
        "company",
        "content_type",
        "size",
        "target_type",
        "target_id",
        "created_at",
    )
    list_filter = ("content_type", "company")
    search_fields = ("filename", "sha256")
    readonly_fields = ("size", "content_type", "sha256", "path")
    raw_id_fields = ("uploaded_by",)
