"""The ledger's entries in the back-office menu."""

from __future__ import annotations

from comptoir.core.web.navigation import NavEntry, register

MENU: tuple[NavEntry, ...] = ()


def register_menu() -> None:
    for entry in MENU:
        register(entry)
