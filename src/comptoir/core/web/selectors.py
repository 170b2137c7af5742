"""Reads for the home page and the global search."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from comptoir.core.companies.models import Company
from comptoir.core.identity.models import User


def home_cards(*, user: User, company: Company | None) -> list[dict[str, Any]]:
    """Counts and links for what the user works on. Later apps add their cards."""
    from comptoir.core.notifications.selectors import unread_count
    from comptoir.core.parties.models import Party
    from comptoir.core.products.models import Product

    cards: list[dict[str, Any]] = []
    if company is None:
        return cards
    cards.append(
        {
            "title": _("Unread notifications"),
            "count": unread_count(user=user, company=company),
            "url": reverse("notifications:notification_list"),
        }
    )
    if user.has_perm("parties.view"):
        parties = Party.objects.filter(company=company)
        cards.append(
            {
                "title": _("Customers"),
                "count": parties.filter(is_customer=True).count(),
                "url": reverse("parties:party_list") + "?role=customer",
            }
        )
        cards.append(
            {
                "title": _("Suppliers"),
                "count": parties.filter(is_supplier=True).count(),
                "url": reverse("parties:party_list") + "?role=supplier",
            }
        )
    if user.has_perm("products.view"):
        cards.append(
            {
                "title": _("Products"),
                "count": Product.objects.filter(company=company).count(),
                "url": reverse("products:product_list"),
            }
        )
    return cards


def global_search(*, user: User, company: Company | None, q: str) -> list[dict[str, Any]]:
    """Parties and products matching ``q``, each with a link, best first."""
    from comptoir.core.parties.selectors import party_search
    from comptoir.core.products.selectors import product_search

    if company is None:
        return []
    results: list[dict[str, Any]] = []
    if user.has_perm("parties.view"):
        for party in party_search(company=company, q=q, limit=20):
            results.append(
                {"kind": _("Party"), "title": str(party), "url": party.get_absolute_url()}
            )
    if user.has_perm("products.view"):
        for product in product_search(company=company, q=q, limit=20):
            results.append(
                {"kind": _("Product"), "title": str(product), "url": product.get_absolute_url()}
            )
    return results


def recent_activity(*, user: User, company: Company | None, limit: int = 10) -> list[Any]:
    """The user's own latest changes in the company (from the audit trail)."""
    from comptoir.core.audit.models import AuditEntry

    if company is None:
        return []
    return list(AuditEntry.objects.filter(company=company, actor=user).order_by("-id")[:limit])
