from django.contrib import admin

from comptoir.core.numbering.models import Sequence


@admin.register(Sequence)
class SequenceAdmin(admin.ModelAdmin):
    list_display = ("company", "code", "fiscal_year", "pattern", "next_value")
    list_filter = ("company", "code", "fiscal_year")
    search_fields = ("code",)
