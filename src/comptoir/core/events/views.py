"""Pages: the event feed and the schedule table (enable, disable, run now)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from comptoir.core.events.schemas import EventFilter
from comptoir.core.events.selectors import event_list as event_list_query
from comptoir.core.events.selectors import schedule_list as schedule_list_query
from comptoir.core.events.services import schedule_run_now, schedule_set_enabled
from comptoir.core.identity.access import page_access
from comptoir.core.kernel.errors import NotFound
from comptoir.core.web.lists import Column, FilterField, ListSpec, list_page

EVENT_LIST = ListSpec(
    title=_l("Domain events"),
    columns=(
        Column("id", "#", sortable=True),
        Column("name", _l("Event"), sortable=True),
        Column("created_at", _l("Created")),
        Column("payload", _l("Payload")),
        Column("dispatched_at", _l("Delivered")),
        Column("attempts", _l("Attempts")),
        Column("last_error", _l("Last error")),
    ),
    filter_schema=EventFilter,
    filters=(
        FilterField("name", _l("Event")),
        FilterField(
            "pending", _l("Not delivered"), choices=(("true", _l("Yes")), ("false", _l("No")))
        ),
    ),
    orderings=("pk", "id", "name"),
    default_ordering="-pk",
    export_name="events",
)


@page_access("events.view")
def event_list(request: HttpRequest) -> HttpResponse:
    return list_page(
        request,
        EVENT_LIST,
        event_list_query(company=request.company),  # type: ignore[attr-defined]
        template="events/event_list.html",
    )


@page_access("events.view")
def schedule_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "events/schedule_list.html",
        {
            "schedules": list(schedule_list_query()),
            "can_change": request.user.has_perm("events.change"),
        },
    )


@page_access("events.change")
@require_POST
def schedule_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    enabled = request.POST.get("enabled") == "1"
    try:
        schedule = schedule_set_enabled(
            actor=request.user,
            company=request.company,  # type: ignore[attr-defined]
            schedule_id=pk,
            enabled=enabled,
        )
    except NotFound:
        raise Http404 from None
    if enabled:
        messages.success(request, _("%(name)s is enabled.") % {"name": schedule.name})
    else:
        messages.success(request, _("%(name)s is disabled.") % {"name": schedule.name})
    return redirect("events:schedule_list")


@page_access("events.change")
@require_POST
def schedule_run(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        schedule = schedule_run_now(
            actor=request.user,
            company=request.company,  # type: ignore[attr-defined]
            schedule_id=pk,
        )
    except NotFound:
        raise Http404 from None
    messages.success(
        request, _("%(name)s will run at the worker's next round.") % {"name": schedule.name}
    )
    return redirect("events:schedule_list")
