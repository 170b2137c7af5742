"""Audit trail pages: the list and one entry with before/after side by side."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir.core.audit.schemas import AuditFilter
from comptoir.core.audit.selectors import audit_diff, audit_get, audit_list
from comptoir.core.identity.access import page_access
from comptoir.core.kernel.errors import NotFound
from comptoir.core.web.lists import Column, FilterField, ListSpec, list_page

ENTRY_LIST = ListSpec(
    title=_("Audit trail"),
    columns=(
        Column("at", _("At"), sortable=True, link=True),
        Column("actor", _("Actor")),
        Column("action", _("Action"), sortable=True),
        Column("object_type", _("Object type")),
        Column("object_repr", _("Object")),
    ),
    filter_schema=AuditFilter,
    filters=(
        FilterField("actor", _("Actor")),
        FilterField("action", _("Action")),
        FilterField("object_type", _("Object type")),
        FilterField("object_id", _("Object id")),
        FilterField("date_from", _("From (YYYY-MM-DD)")),
        FilterField("date_to", _("To (YYYY-MM-DD)")),
    ),
    orderings=("pk", "at", "action"),
    default_ordering="-pk",
    detail_url=lambda e: reverse("audit:entry_detail", args=[e.pk]),
    export_name="audit",
)


@page_access("audit.view")
def entry_list(request: HttpRequest) -> HttpResponse:
    return list_page(request, ENTRY_LIST, audit_list(company=request.company))  # type: ignore[attr-defined]


@page_access("audit.view")
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        entry = audit_get(company=request.company, entry_id=pk)  # type: ignore[attr-defined]
    except NotFound:
        raise Http404 from None
    return render(request, "audit/entry_detail.html", {"entry": entry, "diff": audit_diff(entry)})
