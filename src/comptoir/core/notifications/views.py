"""Pages: my notifications, the bell badge, the home feed, preferences."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from comptoir.core.identity.access import page_access
from comptoir.core.kernel.errors import NotFound
from comptoir.core.notifications.schemas import NotificationFilter
from comptoir.core.notifications.selectors import (
    notification_list as notification_query,
)
from comptoir.core.notifications.selectors import preference_list, unread_count
from comptoir.core.notifications.services import mark_all_read, mark_read, preference_set
from comptoir.core.web.lists import Column, FilterField, ListSpec, list_page

NOTIFICATION_LIST = ListSpec(
    title=_l("Notifications"),
    columns=(
        Column("created_at", _l("When"), sortable=True),
        Column("kind", _l("Kind")),
        Column("title", _l("Title")),
        Column("body", _l("Text")),
        Column("read_at", _l("Read")),
    ),
    filter_schema=NotificationFilter,
    filters=(
        FilterField("kind", _l("Kind")),
        FilterField("unread", _l("Unread"), choices=(("true", _l("Yes")), ("false", _l("No")))),
    ),
    orderings=("pk", "created_at"),
    default_ordering="-pk",
    export_name="notifications",
    detail_url=lambda n: reverse("notifications:notification_read", args=[n.pk]),
)

BELL_ICON = (
    '<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">'
    '<path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 2'
    "2zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h1"
    '8v-1z"/></svg>'
)


def _mine(request: HttpRequest):  # type: ignore[no-untyped-def]
    return notification_query(user=request.user, company=request.company)  # type: ignore[attr-defined]


@page_access(None)
def notification_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        NOTIFICATION_LIST,
        _mine(request),
        template="notifications/notification_list.html",
        extra={"preferences": preference_list(user=request.user)},
    )


@page_access(None)
def bell(request: HttpRequest) -> HttpResponse:
    count = unread_count(user=request.user, company=request.company)  # type: ignore[attr-defined]
    return HttpResponse(format_html(BELL_ICON + ' <span class="badge">{}</span>', count))


@page_access(None)
def feed(request: HttpRequest) -> HttpResponse:
    items = list(_mine(request)[:10])
    return render(request, "notifications/partials/feed.html", {"items": items})


@page_access(None)
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notification = mark_read(
            actor=request.user,
            company=request.company,  # type: ignore[attr-defined]
            notification_id=pk,
        )
    except NotFound:
        raise Http404 from None
    if (
        request.POST.get("follow")
        and notification.url.startswith("/")
        and not notification.url.startswith("//")
    ):
        return redirect(notification.url)
    if getattr(request, "htmx", False):
        return render(
            request, "notifications/partials/feed.html", {"items": list(_mine(request)[:10])}
        )
    return redirect("notifications:notification_list")


@page_access(None)
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    mark_all_read(actor=request.user, company=request.company)  # type: ignore[attr-defined]
    return redirect("notifications:notification_list")


@page_access(None)
@require_POST
def preference_edit(request: HttpRequest) -> HttpResponse:
    from django.contrib import messages

    for pref in preference_list(user=request.user):
        kind = pref["kind"]
        preference_set(
            actor=request.user,
            company=request.company,  # type: ignore[attr-defined]
            kind=kind,
            in_app=request.POST.get(f"{kind}-in_app") == "on",
            email=request.POST.get(f"{kind}-email") == "on",
        )
    messages.success(request, _("Your preferences are saved."))
    return redirect("notifications:notification_list")
