"""Keyset pagination: stable pages over large tables, a cursor for the next one.

The cursor carries the ordering value and primary key of the last row
seen; the next page starts strictly after it. No OFFSET, so page 2,000 is
as fast as page 1.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import models

from comptoir.core.kernel.errors import BadRequest

M = TypeVar("M", bound=models.Model)


@dataclass
class Page(Generic[M]):
    items: list[M]
    next: str | None

    def as_answer(self) -> dict[str, Any]:
        """The body every list operation answers: ``{"items": [...], "next": cursor}``."""
        return {"items": self.items, "next": self.next}


def _encode(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def _decode(cursor: str) -> list[Any]:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        raise BadRequest(
            "The cursor is not one this API gave.", fields={"cursor": "Invalid."}
        ) from None
    if not isinstance(values, list) or len(values) != 2:
        raise BadRequest("The cursor is not one this API gave.", fields={"cursor": "Invalid."})
    return values


def keyset_page(
    queryset: models.QuerySet[M],
    *,
    ordering: str = "pk",
    allowed: tuple[str, ...] = ("pk",),
    cursor: str | None = None,
    limit: int = 50,
) -> Page[M]:
    """One page of ``queryset`` ordered by ``ordering`` (``-name`` for descending)."""
    field = ordering.lstrip("-")
    if field not in allowed and field != "pk":
        raise BadRequest(
            f"Cannot order by {field}.", fields={"ordering": f"One of: {', '.join(allowed)}."}
        )
    descending = ordering.startswith("-")
    limit = max(1, min(limit, 500))
    op = "lt" if descending else "gt"
    if cursor:
        last_value, last_pk = _decode(cursor)
        if field == "pk":
            queryset = queryset.filter(**{f"pk__{op}": last_pk})
        else:
            queryset = queryset.filter(
                models.Q(**{f"{field}__{op}": last_value})
                | models.Q(**{field: last_value, f"pk__{op}": last_pk})
            )
    order = [ordering, "-pk" if descending else "pk"] if field != "pk" else [ordering]
    rows = list(queryset.order_by(*order)[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if has_more and rows:
        last = rows[-1]
        value = last.pk if field == "pk" else getattr(last, field)
        next_cursor = _encode([value, last.pk])
    return Page(items=rows, next=next_cursor)
