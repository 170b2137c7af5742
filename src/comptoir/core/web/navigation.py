"""The menu, by office. Each entry names the permission that shows it.

Later apps append their entries with ``register``; the menu shows a user
only the entries their roles allow, and hides an office left empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OFFICES: tuple[tuple[str, Promise], ...] = (
    ("front", _("Front office")),
    ("middle", _("Middle office")),
    ("back", _("Back office")),
    ("settings", _("Settings")),
)


@dataclass(frozen=True)
class NavEntry:
    office: str
    label: Promise | str
    url_name: str
    permission: str | None
    query: str = ""


ENTRIES: list[NavEntry] = [
    NavEntry("front", _("Customers"), "parties:party_list", "parties.view", "?role=customer"),
    NavEntry("front", _("Contacts"), "parties:party_list", "parties.view", "?kind=person"),
    NavEntry("back", _("Suppliers"), "parties:party_list", "parties.view", "?role=supplier"),
    NavEntry("back", _("Products"), "products:product_list", "products.view"),
    NavEntry("back", _("Units of measure"), "products:unit_list", "products.view"),
    NavEntry("back", _("Currencies and rates"), "currencies:rate_list", "currencies.view"),
    NavEntry("settings", _("Companies"), "companies:company_list", "companies.view"),
    NavEntry("settings", _("Users"), "identity:user_list", "identity.view"),
    NavEntry("settings", _("Roles"), "identity:role_list", "identity.view"),
    NavEntry("settings", _("Audit trail"), "audit:entry_list", "audit.view"),
    NavEntry("settings", _("Events and schedules"), "events:event_list", "events.view"),
]


def register(entry: NavEntry) -> None:
    if entry not in ENTRIES:
        ENTRIES.append(entry)
