from django.contrib import admin

from comptoir.core.currencies.models import Currency, Rate


@admin.register(Currency)
class CurrencyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "minor_units", "active")
    list_filter = ("active",)
    search_fields = ("code", "name")


@admin.register(Rate)
class RateAdmin(admin.ModelAdmin):
    list_display = ("date", "base", "quote", "rate", "source")
    list_filter = ("source", "base", "quote")
    date_hierarchy = "date"
    search_fields = ("base", "quote")
