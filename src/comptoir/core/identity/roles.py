"""The permission catalogue and the 15 seeded roles.

A permission is ``<area>.<view|change>`` (``parties.view``). A role is a
named set of permissions; a user may hold several and gets their union.
API tokens narrow this further with scopes: ``parties:read`` lets a token
use what needs ``parties.view``; ``parties:write`` what needs
``parties.change``.

Later apps add their areas here (``ledger``, ``invoicing``…) and extend the
role sets; the permission matrix test then tells which routes change.
"""

from __future__ import annotations

from dataclasses import dataclass

AREAS: dict[str, str] = {
    "companies": "Companies",
    "identity": "Users, roles and access",
    "parties": "Customers, suppliers and contacts",
    "products": "Products and units",
    "currencies": "Currencies and exchange rates",
    "timeline": "Notes and attachments",
    "audit": "Audit trail",
    "events": "Domain event feed",
    "ledger": "Accounts, journals, entries and financial reports",
    "closing": "Periods, lock dates, year-end close and VAT returns",
}

PERMISSIONS: tuple[str, ...] = tuple(
    f"{area}.{verb}" for area in AREAS for verb in ("view", "change")
)


def scope_for(permission: str) -> str:
    """The token scope that grants ``permission`` (``parties.view`` → ``parties:read``)."""
    area, verb = permission.split(".")
    return f"{area}:{'read' if verb == 'view' else 'write'}"


SCOPES: tuple[str, ...] = tuple(scope_for(p) for p in PERMISSIONS)

_EVERYONE = {"companies.view", "timeline.view", "timeline.change"}
_READ_ALL = {p for p in PERMISSIONS if p.endswith(".view")}
_SELLING = {"parties.view", "parties.change", "products.view", "currencies.view"}
_DESK = {"parties.view", "products.view", "currencies.view"}
_BOOKS = {"ledger.view", "closing.view"}


@dataclass(frozen=True)
class RoleSpec:
    code: str
    name: str
    permissions: frozenset[str]


def _role(code: str, name: str, *perms: set[str] | str) -> RoleSpec:
    granted: set[str] = set(_EVERYONE)
    for p in perms:
        granted |= {p} if isinstance(p, str) else p
    unknown = granted - set(PERMISSIONS)
    assert not unknown, f"unknown permissions {unknown}"
    return RoleSpec(code, name, frozenset(granted))


ROLES: tuple[RoleSpec, ...] = (
    _role("admin", "Administrator", set(PERMISSIONS)),
    _role("sales", "Sales representative", _SELLING),
    _role("sales-manager", "Sales manager", _SELLING),
    _role("marketing", "Marketing", "parties.view", "products.view"),
    _role("support", "Support agent", "parties.view", "parties.change", "products.view"),
    _role("trader", "Trader", _DESK),
    _role("risk", "Middle-office analyst", _DESK),
    _role(
        "accountant",
        "Accountant",
        _DESK,
        _BOOKS,
        "parties.change",
        "currencies.change",
        "ledger.change",
        "closing.change",
    ),
    _role("settlement", "Settlement officer", _DESK, "ledger.view"),
    _role("warehouse", "Warehouse clerk", "parties.view", "products.view", "products.change"),
    _role("buyer", "Buyer", _SELLING, "products.change"),
    _role("hr", "HR officer"),
    _role("projects", "Project manager", "parties.view", "products.view"),
    _role("dpo", "Data protection officer", "parties.view", "parties.change", "audit.view"),
    _role("auditor", "Auditor (read-only)", _READ_ALL),
)

ROLE_CODES: tuple[str, ...] = tuple(r.code for r in ROLES)
