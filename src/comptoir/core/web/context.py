"""Template context every page gets: the menu, the company switcher."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from comptoir.core.web.navigation import ENTRIES, OFFICES


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    menu = []
    for code, label in OFFICES:
        items = [
            {"label": e.label, "url": reverse(e.url_name) + e.query}
            for e in ENTRIES
            if e.office == code and (e.permission is None or user.has_perm(e.permission))
        ]
        if items:
            menu.append({"code": code, "label": label, "items": items})
    from comptoir.core.identity.access import allowed_companies

    return {
        "menu": menu,
        "companies": allowed_companies(user),  # type: ignore[arg-type]
        "company": getattr(request, "company", None),
    }
