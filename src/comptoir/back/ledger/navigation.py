"""The ledger's entries in the back-office menu."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from comptoir.core.web.navigation import NavEntry, register

MENU: tuple[NavEntry, ...] = (
    NavEntry("back", _("Journal entries"), "ledger:entry_list", "ledger.view"),
    NavEntry("back", _("Financial reports"), "ledger:report_index", "ledger.view"),
    NavEntry("back", _("VAT returns"), "ledger:vat_return_list", "closing.view"),
    NavEntry("back", _("Fiscal years and closing"), "ledger:fiscal_year_list", "closing.view"),
    NavEntry("back", _("Exports and integrity"), "ledger:export_index", "ledger.view"),
    NavEntry("settings", _("Chart of accounts"), "ledger:account_list", "ledger.view"),
    NavEntry("settings", _("Journals"), "ledger:journal_list", "ledger.view"),
    NavEntry("settings", _("Taxes"), "ledger:tax_list", "ledger.view"),
)


def register_menu() -> None:
    for entry in MENU:
        register(entry)
