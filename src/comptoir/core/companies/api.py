"""Companies API: the legal entities the caller works for.

No ``from __future__ import annotations`` here: ``@idempotent`` wraps the views
and ninja resolves string annotations in the wrapper's module, not this one.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Status

from comptoir.core.companies import selectors, services
from comptoir.core.companies.models import Company
from comptoir.core.companies.schemas import (
    CompanyFilter,
    CompanyIn,
    CompanyListOut,
    CompanyOut,
    CompanyPatch,
)
from comptoir.core.identity.access import access
from comptoir.core.kernel.api import ERRORS, idempotent
from comptoir.core.kernel.pagination import keyset_page

router = Router()

ORDERINGS = ("code", "name", "created_at")


@router.get(
    "/",
    auth=access("companies.view"),
    response={200: CompanyListOut, **ERRORS},
    operation_id="companies_company_list",
    summary="List my companies",
)
def company_list(
    request: HttpRequest,
    filters: Query[CompanyFilter],
    cursor: str | None = None,
    limit: int = 50,
    ordering: str = "code",
) -> dict[str, Any]:
    companies = filters.filter(selectors.company_list(request.user))  # type: ignore[arg-type]
    page = keyset_page(companies, ordering=ordering, allowed=ORDERINGS, cursor=cursor, limit=limit)
    return page.as_answer()


@router.get(
    "/{company_id}",
    auth=access("companies.view"),
    response={200: CompanyOut, **ERRORS},
    operation_id="companies_company_read",
    summary="Read a company",
)
def company_read(request: HttpRequest, company_id: int) -> Company:
    return selectors.company_get(request.user, company_id)  # type: ignore[arg-type]


@router.post(
    "/",
    auth=access("companies.change"),
    response={201: CompanyOut, **ERRORS},
    operation_id="companies_company_create",
    summary="Create a company",
)
@idempotent
def company_create(request: HttpRequest, payload: CompanyIn) -> Status[Any]:
    """Create a company; the caller is given access to it."""
    company = services.company_create(actor=request.user, **payload.dict())  # type: ignore[arg-type]
    return Status(201, CompanyOut.from_orm(company).model_dump(mode="json"))


@router.patch(
    "/{company_id}",
    auth=access("companies.change"),
    response={200: CompanyOut, **ERRORS},
    operation_id="companies_company_update",
    summary="Change a company",
)
def company_update(request: HttpRequest, company_id: int, payload: CompanyPatch) -> Company:
    return services.company_update(
        actor=request.user,  # type: ignore[arg-type]
        company_id=company_id,
        **payload.dict(exclude_unset=True),
    )
