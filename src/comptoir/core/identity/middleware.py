"""Puts the user's current company on every page request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from comptoir.core.identity.access import current_company


class CurrentCompanyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            request.company = current_company(request.user)  # type: ignore[attr-defined, arg-type]
        else:
            request.company = None  # type: ignore[attr-defined]
        return self.get_response(request)
