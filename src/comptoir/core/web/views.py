"""Home, global search, company switch and the health check."""

from __future__ import annotations

import contextlib

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from comptoir.core.identity.access import page_access
from comptoir.core.identity.services import user_switch_company
from comptoir.core.kernel.errors import DomainError


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@page_access(None)
def home(request: HttpRequest) -> HttpResponse:
    from comptoir.core.web.selectors import home_cards, recent_activity

    company = request.company  # type: ignore[attr-defined]
    user = request.user
    return render(
        request,
        "web/home.html",
        {
            "cards": home_cards(user=user, company=company),  # type: ignore[arg-type]
            "activity": recent_activity(user=user, company=company),  # type: ignore[arg-type]
        },
    )


@page_access(None)
def search(request: HttpRequest) -> HttpResponse:
    from comptoir.core.web.selectors import global_search

    q = request.GET.get("q", "").strip()
    company = request.company  # type: ignore[attr-defined]
    results = global_search(user=request.user, company=company, q=q) if q else []  # type: ignore[arg-type]
    return render(request, "web/search.html", {"q": q, "results": results})


@require_POST
@page_access(None)
def company_switch(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("company", "")
    with contextlib.suppress(DomainError):  # an unknown company leaves things as they are
        user_switch_company(actor=request.user, code=code)  # type: ignore[arg-type]
    nxt = request.POST.get("next") or "/"
    return redirect(nxt if nxt.startswith("/") and not nxt.startswith("//") else "/")


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "web/403.html", status=403)
