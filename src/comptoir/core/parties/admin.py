"""Django admin: parties with their addresses and bank accounts inline; tags."""

from __future__ import annotations

from django.contrib import admin

from comptoir.core.parties.models import Address, BankAccount, Party, Tag


class AddressInline(admin.TabularInline):
    model = Address
    extra = 0
    fields = ("kind", "street", "postal_code", "city", "country", "is_default")


class BankAccountInline(admin.TabularInline):
    model = BankAccount
    extra = 0
    fields = ("iban", "bic", "bank_name")


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "company",
        "is_customer",
        "is_supplier",
        "vat_number",
        "country",
        "active",
    )
    list_filter = ("company", "kind", "is_customer", "is_supplier", "active", "country")
    search_fields = ("name", "email", "vat_number", "national_id")
    raw_id_fields = ("parent",)
    filter_horizontal = ("tags",)
    readonly_fields = ("city", "created_at", "updated_at")
    inlines = (AddressInline, BankAccountInline)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "company")
    list_filter = ("company",)
    search_fields = ("name",)


@admin.register(Address)
class AddressAdmin(admin.ModelAdmin):
    list_display = ("party", "kind", "city", "country", "is_default")
    list_filter = ("kind", "country")
    search_fields = ("party__name", "city", "postal_code")
    raw_id_fields = ("party",)


@admin.register(BankAccount)
class BankAccountAdmin(admin.ModelAdmin):
    list_display = ("party", "iban", "bic", "bank_name")
    search_fields = ("party__name", "iban", "bic")
    raw_id_fields = ("party",)
