"""Django admin: the ledger, to look at and never to write.

Every write goes through the services (audited, checked, numbered, hashed);
the admin would skip all of that, and the database refuses changes to posted
entries anyway. So each ledger model is registered read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from comptoir.back.ledger.models import (
    Account,
    Balance,
    Entry,
    FiscalYear,
    Journal,
    LedgerSettings,
    Line,
    Period,
    Tax,
    VatReturn,
)


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(LedgerSettings)
class LedgerSettingsAdmin(ReadOnlyAdmin):
    list_display = ("company", "chart", "hard_lock_date", "soft_lock_date")


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "type", "reconcilable", "deprecated", "role", "company")
    list_filter = ("company", "type", "deprecated", "reconcilable")
    search_fields = ("code", "name")


@admin.register(Journal)
class JournalAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "account", "active", "company")
    list_filter = ("company", "kind", "active")
    search_fields = ("code", "name")
    list_select_related = ("account", "company")


@admin.register(Tax)
class TaxAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "rate", "scope", "kind", "valid_from", "valid_to", "company")
    list_filter = ("company", "scope", "kind", "active")
    search_fields = ("code", "name")


class PeriodInline(ReadOnlyInline):
    model = Period
    fields = ("name", "start", "end", "state")


@admin.register(FiscalYear)
class FiscalYearAdmin(ReadOnlyAdmin):
    list_display = ("name", "start", "end", "state", "company")
    list_filter = ("company", "state")
    inlines = (PeriodInline,)


class LineInline(ReadOnlyInline):
    model = Line
    fields = ("account", "party", "label", "debit", "credit", "tax", "tax_role", "reconcile_ref")
    raw_id_fields = ("account", "party", "tax")


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "journal", "date", "state", "label", "ref", "company")
    list_filter = ("company", "state", "journal__code", "source")
    search_fields = ("number", "label", "ref")
    date_hierarchy = "date"
    list_select_related = ("journal", "company")
    raw_id_fields = ("reversal_of",)
    inlines = (LineInline,)


@admin.register(Balance)
class BalanceAdmin(ReadOnlyAdmin):
    list_display = ("account", "period", "debit", "credit", "company")
    list_filter = ("company",)
    list_select_related = ("account", "period", "company")


@admin.register(VatReturn)
class VatReturnAdmin(ReadOnlyAdmin):
    list_display = ("form", "start", "end", "state", "net_due", "credit_carried", "company")
    list_filter = ("company", "form", "state")
