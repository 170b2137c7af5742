"""Audit trail API: read-only."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from comptoir.core.audit.schemas import AuditEntryOut, AuditEntryPageOut, AuditFilter
from comptoir.core.audit.selectors import audit_get, audit_list
from comptoir.core.identity.access import access
from comptoir.core.kernel.api import ERRORS
from comptoir.core.kernel.pagination import keyset_page

router = Router()


@router.get(
    "/entries",
    auth=access("audit.view"),
    response={200: AuditEntryPageOut, **ERRORS},
    operation_id="audit_entry_list",
    summary="List audit entries",
)
def entry_list(
    request: HttpRequest,
    filters: Query[AuditFilter],
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """The company's audit trail, newest first."""
    qs = filters.filter(audit_list(company=request.company))  # type: ignore[attr-defined]
    page = keyset_page(qs, ordering="-pk", cursor=cursor, limit=limit)
    return page.as_answer()


@router.get(
    "/entries/{entry_id}",
    auth=access("audit.view"),
    response={200: AuditEntryOut, **ERRORS},
    operation_id="audit_entry_read",
    summary="Read one audit entry",
)
def entry_read(request: HttpRequest, entry_id: int) -> Any:
    return audit_get(company=request.company, entry_id=entry_id)  # type: ignore[attr-defined]
