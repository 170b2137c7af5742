"""Generic list pages: search, filters, sorting, keyset pages, CSV/XLSX export.

An app describes a list once (``ListSpec``: columns, the ninja
``FilterSchema`` its API uses too, the orderings allowed) and its view calls
``list_page``. The same filter definition thus serves the page and the API.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from ninja import FilterSchema
from pydantic import ValidationError

from comptoir.core.kernel.exports import EXPORT_FORMATS, export_response
from comptoir.core.kernel.pagination import keyset_page


@dataclass(frozen=True)
class Column:
    name: str
    label: Any
    sortable: bool = False
    link: bool = False
    accessor: Callable[[Any], Any] | None = None

    def value(self, obj: Any) -> Any:
        if self.accessor is not None:
            return self.accessor(obj)
        display = getattr(obj, f"get_{self.name}_display", None)
        if callable(display):
            return display()
        value: Any = obj
        for part in self.name.split("__"):
            value = getattr(value, part, None)
            if value is None:
                return None
        return value


@dataclass(frozen=True)
class FilterField:
    """How a filter of the FilterSchema is offered on the page."""

    name: str
    label: Any
    choices: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class ListSpec:
    title: Any
    columns: tuple[Column, ...]
    filter_schema: type[FilterSchema]
    filters: tuple[FilterField, ...] = ()
    orderings: tuple[str, ...] = ("pk",)
    default_ordering: str = "pk"
    detail_url: Callable[[Any], str] | None = None
    create_url: str | None = None
    create_permission: str | None = None
    export_name: str = "export"
    search_placeholder: Any = field(default_factory=lambda: _("Search"))


def _filter_values(request: HttpRequest, spec: ListSpec) -> dict[str, str]:
    values = {name: request.GET.get(name, "") for name in spec.filter_schema.model_fields}
    return {name: value for name, value in values.items() if value}


def _export_rows(spec: ListSpec, queryset: models.QuerySet[Any]) -> Iterator[list[Any]]:
    for obj in queryset.iterator(chunk_size=2000):
        yield [c.value(obj) for c in spec.columns]


def list_page(
    request: HttpRequest,
    spec: ListSpec,
    queryset: models.QuerySet[Any],
    *,
    template: str = "web/list.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    values = _filter_values(request, spec)
    errors: list[str] = []
    try:
        filters = spec.filter_schema(**values)
        queryset = filters.filter(queryset)
    except ValidationError as exc:
        errors = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    ordering = request.GET.get("ordering") or spec.default_ordering
    if ordering.lstrip("-") not in spec.orderings:
        ordering = spec.default_ordering
    fmt = request.GET.get("format")
    if fmt in EXPORT_FORMATS:
        ordered = queryset.order_by(ordering, "pk")
        # A CSV download streams; pages treat it as any other response.
        return export_response(  # type: ignore[return-value]
            headers=[str(c.label) for c in spec.columns],
            rows=_export_rows(spec, ordered),
            fmt=fmt,
            filename=spec.export_name,
        )
    page = keyset_page(
        queryset,
        ordering=ordering,
        allowed=spec.orderings,
        cursor=request.GET.get("cursor") or None,
        limit=50,
    )
    base = {**values, "ordering": ordering}
    shown = {f.name for f in spec.filters}
    rows = [
        {
            "url": spec.detail_url(obj) if spec.detail_url else None,
            "cells": [(c, c.value(obj)) for c in spec.columns],
        }
        for obj in page.items
    ]
    headers = [
        {
            "column": c,
            "sort_url": "?" + urlencode({**values, "ordering": _toggle(ordering, c.name)})
            if c.sortable
            else None,
            "sorted": ordering.lstrip("-") == c.name,
            "descending": ordering.startswith("-"),
        }
        for c in spec.columns
    ]
    context = {
        "spec": spec,
        "rows": rows,
        "headers": headers,
        "filter_values": values,
        "filter_fields": spec.filters,
        # Filters set by a link (the menu's ?role=customer) but not offered on the
        # page are kept when the reader filters further.
        "hidden_filters": {k: v for k, v in values.items() if k not in shown},
        "errors": errors,
        "next_url": "?" + urlencode({**base, "cursor": page.next}) if page.next else None,
        "export_csv": "?" + urlencode({**base, "format": "csv"}),
        "export_xlsx": "?" + urlencode({**base, "format": "xlsx"}),
        "can_create": bool(
            spec.create_url
            and (spec.create_permission is None or request.user.has_perm(spec.create_permission))
        ),
        **(extra or {}),
    }
    if getattr(request, "htmx", False) and request.GET.get("cursor"):
        return render(request, "web/partials/list_rows.html", context)
    return render(request, template, context)


def _toggle(current: str, name: str) -> str:
    return f"-{name}" if current == name else name


def detail_fields(obj: Any, names: Iterable[str]) -> list[tuple[Any, Any]]:
    """(label, value) pairs for a detail page, labels from the model's verbose names."""
    out = []
    for name in names:
        model_field = obj._meta.get_field(name)
        display = getattr(obj, f"get_{name}_display", None)
        value = display() if callable(display) else getattr(obj, name)
        out.append((getattr(model_field, "verbose_name", name), value))
    return out
