"""Reads of notifications: always the user's own, in one company."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from comptoir.core.notifications.models import Notification, Preference

# The kinds a user may set preferences for, with the label shown.
KINDS: dict[str, str] = {
    "rates": "Exchange rates imported",
    "general": "General",
}


def notification_list(*, user: Any, company: Any) -> QuerySet[Notification]:
    if company is None or not getattr(user, "pk", None):
        return Notification.objects.none()
    return Notification.objects.filter(user=user, company=company).order_by("-id")


def unread_count(*, user: Any, company: Any) -> int:
    return notification_list(user=user, company=company).filter(read_at__isnull=True).count()


def preference_list(*, user: Any) -> list[dict[str, Any]]:
    """Every known kind with the user's choice (defaults when never set)."""
    from comptoir.core.notifications.services import DEFAULT_EMAIL, DEFAULT_IN_APP

    chosen = {p.kind: p for p in Preference.objects.filter(user=user)}
    kinds = list(dict.fromkeys([*KINDS, *chosen]))
    out = []
    for kind in kinds:
        pref = chosen.get(kind)
        out.append(
            {
                "kind": kind,
                "label": KINDS.get(kind, kind),
                "in_app": pref.in_app if pref else DEFAULT_IN_APP,
                "email": pref.email if pref else DEFAULT_EMAIL,
            }
        )
    return out
