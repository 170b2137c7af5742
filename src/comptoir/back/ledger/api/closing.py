"""REST operations on fiscal years, periods, lock dates and VAT returns.

Mounted under ``/api/v1/ledger``. Reading needs ``closing.view`` (token scope
``closing:read``); writing needs ``closing.change`` (``closing:write``).

Posting into a closed period or on or before a lock date answers 409
``period_locked``; closing a period or a year that still holds drafts answers
409 ``drafts_in_period`` with the drafts in ``fields.drafts``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Prefetch
from django.http import HttpRequest
from ninja import Field, FilterSchema, Query, Router, Schema, Status

from comptoir.back.ledger import closing, services, vat
from comptoir.back.ledger.models import FiscalYear, Period, VatReturn
from comptoir.back.ledger.schemas import LineOut
from comptoir.core.identity.access import access, api_company
from comptoir.core.kernel.api import ERRORS, PageOut, idempotent
from comptoir.core.kernel.pagination import keyset_page

router = Router()

VIEW = "closing.view"
CHANGE = "closing.change"


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """An attribute of a model, or a key of an answer replayed by ``@idempotent``."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


# --------------------------------------------------------------------------- schemas


class PeriodOut(Schema):
    id: int
    name: str
    start: dt.date
    end: dt.date
    state: str


class FiscalYearOut(Schema):
    id: int
    name: str
    start: dt.date
    end: dt.date
    state: str
    closing_entry_id: int | None = Field(None, description="The result entry, once closed")
    periods: list[PeriodOut]


class FiscalYearPage(PageOut):
    items: list[FiscalYearOut]


FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)


class FiscalYearIn(Schema):
    year: int | None = Field(None, ge=1900, le=2999, description="A calendar year")
    start: dt.date | None = Field(
        None, ge=FIRST_DAY, le=LAST_DAY, description="With end: a year that is not calendar"
    )
    end: dt.date | None = Field(None, ge=FIRST_DAY, le=LAST_DAY)
    name: str = Field("", max_length=20)


class LockDatesOut(Schema):
    hard_lock_date: dt.date | None = Field(None, description="Nobody posts on or before it")
    soft_lock_date: dt.date | None = Field(
        None, description="Only holders of closing.change post on or before it"
    )


class LockDatesIn(Schema):
    hard_lock_date: dt.date | None = Field(
        None, description="Only moves forward; left out: unchanged"
    )
    soft_lock_date: dt.date | None = Field(None, description="null removes it; left out: unchanged")


class VatReturnIn(Schema):
    start: dt.date
    end: dt.date


class VatBoxOut(Schema):
    box: str
    label: str
    kind: str
    formula: str
    amount: Decimal


class VatReturnSummaryOut(Schema):
    id: int
    form: str
    start: dt.date
    end: dt.date
    state: str
    net_due: Decimal = Field(..., description="VAT payable for the period")
    credit_carried: Decimal = Field(..., description="VAT credit carried to the next return")
    credit_used: Decimal = Field(..., description="Credit of the previous return used")
    settlement_entry_id: int | None
    settlement_entry_number: str | None
    computed_at: dt.datetime | None
    posted_at: dt.datetime | None

    @staticmethod
    def resolve_settlement_entry_number(obj: Any) -> str | None:
        if isinstance(obj, dict):
            return obj.get("settlement_entry_number")
        entry = obj.settlement_entry
        return entry.number if entry is not None else None


class VatReturnOut(VatReturnSummaryOut):
    boxes: list[VatBoxOut]
    mismatch: Decimal = Field(
        ...,
        description="Form's net minus the settlement's: not zero when VAT accounts "
        "moved without a tax",
    )

    @staticmethod
    def resolve_boxes(obj: Any) -> list[Any]:
        if isinstance(obj, dict):
            return list(obj.get("boxes", []))
        return [row.__dict__ for row in vat.vat_return_boxes(obj)]

    @staticmethod
    def resolve_mismatch(obj: Any) -> Decimal:
        if isinstance(obj, dict):
            return Decimal(str(obj.get("mismatch", "0")))
        return vat.vat_return_mismatch(obj)


class VatReturnFilter(FilterSchema):
    """The filter of the VAT return list, shared by the API and the page."""

    state: Literal["draft", "posted"] | None = None
    form: Literal["ca3", "d300"] | None = None


class VatReturnPage(PageOut):
    items: list[VatReturnSummaryOut]


class VatLineOut(LineOut):
    entry_id: int
    entry_number: str
    journal_id: int
    date: dt.date

    @staticmethod
    def resolve_entry_number(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj.get("entry_number", ""))
        return str(obj.entry.number)


class VatBoxLinesOut(PageOut):
    box: str
    label: str
    kind: str
    amount: Decimal
    items: list[VatLineOut]


# --------------------------------------------------------------------------- fiscal years


def _years(company: Any) -> Any:
    return closing.fiscal_year_list(company=company).prefetch_related(
        Prefetch("periods", queryset=Period.objects.order_by("start"))
    )


def _year(company: Any, fiscal_year_id: int) -> FiscalYear:
    closing.fiscal_year_get(company=company, fiscal_year_id=fiscal_year_id)
    return _years(company).get(pk=fiscal_year_id)


@router.get(
    "/fiscal-years",
    response={200: FiscalYearPage, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_fiscal_year_list",
    summary="List fiscal years",
)
def fiscal_year_list(
    request: HttpRequest, cursor: str | None = None, limit: int = 50
) -> dict[str, Any]:
    """The company's fiscal years, by start date, each with its periods and their states."""
    page = keyset_page(
        _years(api_company(request)),
        ordering="start",
        allowed=("start",),
        cursor=cursor,
        limit=limit,
    )
    return page.as_answer()


@router.post(
    "/fiscal-years",
    response={201: FiscalYearOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_fiscal_year_create",
    summary="Create a fiscal year",
)
@idempotent
def fiscal_year_create(request: HttpRequest, payload: FiscalYearIn) -> Status[FiscalYearOut]:
    """A fiscal year with one period per month: a calendar ``year``, or ``start`` and
    ``end``. 409 ``fiscal_year_overlap`` when it overlaps another."""
    company = api_company(request)
    fy = services.fiscal_year_create(
        actor=request.user,
        company=company,
        year=payload.year,
        start=payload.start,
        end=payload.end,
        name=payload.name,
    )
    return Status(201, FiscalYearOut.from_orm(_year(company, fy.pk)))


@router.get(
    "/fiscal-years/{fiscal_year_id}",
    response={200: FiscalYearOut, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_fiscal_year_read",
    summary="Read a fiscal year",
)
def fiscal_year_read(request: HttpRequest, fiscal_year_id: int) -> Any:
    return _year(api_company(request), fiscal_year_id)


@router.post(
    "/fiscal-years/{fiscal_year_id}/close",
    response={200: FiscalYearOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_fiscal_year_close",
    summary="Close a fiscal year",
)
def fiscal_year_close(request: HttpRequest, fiscal_year_id: int) -> Any:
    """Post the result entry (OD, last day) and the opening entry of the next year (AN,
    first day, next year created if missing), then close every period and the year.
    409 ``drafts_in_period``, ``previous_year_open`` or ``fiscal_year_closed``."""
    company = api_company(request)
    fy = closing.fiscal_year_get(company=company, fiscal_year_id=fiscal_year_id)
    closing.fiscal_year_close(actor=request.user, company=company, fiscal_year=fy)
    return _year(company, fiscal_year_id)


# --------------------------------------------------------------------------- periods


@router.post(
    "/periods/{period_id}/close",
    response={200: PeriodOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_period_close",
    summary="Close a period",
)
def period_close(request: HttpRequest, period_id: int) -> Any:
    """No posting into the period any more. 409 ``drafts_in_period`` while drafts wait."""
    company = api_company(request)
    period = closing.period_get(company=company, period_id=period_id)
    return closing.period_close(actor=request.user, company=company, period=period)


@router.post(
    "/periods/{period_id}/reopen",
    response={200: PeriodOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_period_reopen",
    summary="Reopen a period",
)
def period_reopen(request: HttpRequest, period_id: int) -> Any:
    """409 ``fiscal_year_closed`` for a period of a closed year, ``period_locked`` for one
    on or before the hard lock date."""
    company = api_company(request)
    period = closing.period_get(company=company, period_id=period_id)
    return closing.period_reopen(actor=request.user, company=company, period=period)


# --------------------------------------------------------------------------- lock dates


@router.get(
    "/lock-dates",
    response={200: LockDatesOut, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_lock_dates_read",
    summary="Read the lock dates",
)
def lock_dates_read(request: HttpRequest) -> Any:
    return closing.lock_dates_get(company=api_company(request))


@router.patch(
    "/lock-dates",
    response={200: LockDatesOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_lock_dates_update",
    summary="Change the lock dates",
)
def lock_dates_update(request: HttpRequest, payload: LockDatesIn) -> Any:
    """A date left out of the body keeps its value. The hard lock date only moves
    forward (409 ``lock_date_backwards``); a date outside every fiscal year is 422."""
    changes = payload.dict(exclude_unset=True)
    return closing.lock_dates_set(actor=request.user, company=api_company(request), **changes)


# --------------------------------------------------------------------------- VAT returns


@router.get(
    "/vat-returns",
    response={200: VatReturnPage, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_vat_return_list",
    summary="List VAT returns",
)
def vat_return_list(
    request: HttpRequest,
    filters: Query[VatReturnFilter],
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """The company's VAT returns, latest first."""
    page = keyset_page(
        filters.filter(vat.vat_return_list(company=api_company(request))),
        ordering="-start",
        allowed=("start",),
        cursor=cursor,
        limit=limit,
    )
    return page.as_answer()


@router.post(
    "/vat-returns",
    response={201: VatReturnOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_vat_return_create",
    summary="Create a VAT return",
)
@idempotent
def vat_return_create(request: HttpRequest, payload: VatReturnIn) -> Status[VatReturnOut]:
    """A draft return (CA3 in France, D300 in Romania) computed from the posted tax lines
    of the dates. 422 when no fiscal year covers them, 409 ``vat_return_overlap``."""
    company = api_company(request)
    created = vat.vat_return_create(
        actor=request.user, company=company, start=payload.start, end=payload.end
    )
    return Status(201, VatReturnOut.from_orm(created))


@router.get(
    "/vat-returns/{vat_return_id}",
    response={200: VatReturnOut, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_vat_return_read",
    summary="Read a VAT return",
)
def vat_return_read(request: HttpRequest, vat_return_id: int) -> Any:
    """The return with its boxes in the form's order."""
    return vat.vat_return_get(company=api_company(request), vat_return_id=vat_return_id)


@router.post(
    "/vat-returns/{vat_return_id}/refresh",
    response={200: VatReturnOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_vat_return_refresh",
    summary="Compute a draft VAT return again",
)
def vat_return_refresh(request: HttpRequest, vat_return_id: int) -> Any:
    company = api_company(request)
    found = vat.vat_return_get(company=company, vat_return_id=vat_return_id)
    vat.vat_return_refresh(actor=request.user, company=company, vat_return=found)
    return vat.vat_return_get(company=company, vat_return_id=vat_return_id)


@router.post(
    "/vat-returns/{vat_return_id}/post",
    response={200: VatReturnOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_vat_return_post",
    summary="Post a VAT return and its settlement entry",
)
def vat_return_post(request: HttpRequest, vat_return_id: int) -> Any:
    """Compute the return again, post the settlement entry (OD, last day of the period:
    VAT accounts to zero, the net to VAT payable or to the credit carried forward), then
    the return. 409 ``period_locked``, ``vat_return_posted`` or ``vat_return_order``."""
    company = api_company(request)
    found = vat.vat_return_get(company=company, vat_return_id=vat_return_id)
    vat.vat_return_post(actor=request.user, company=company, vat_return=found)
    return vat.vat_return_get(company=company, vat_return_id=vat_return_id)


@router.delete(
    "/vat-returns/{vat_return_id}",
    response={204: None, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_vat_return_delete",
    summary="Delete a draft VAT return",
)
def vat_return_delete(request: HttpRequest, vat_return_id: int) -> Status[None]:
    company = api_company(request)
    found = vat.vat_return_get(company=company, vat_return_id=vat_return_id)
    vat.vat_return_delete(actor=request.user, company=company, vat_return=found)
    return Status(204, None)


@router.get(
    "/vat-returns/{vat_return_id}/boxes/{box}",
    response={200: VatBoxLinesOut, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_vat_return_box_read",
    summary="Read the lines behind a box of a VAT return",
)
def vat_return_box_read(
    request: HttpRequest, vat_return_id: int, box: str, cursor: str | None = None, limit: int = 100
) -> dict[str, Any]:
    """The posted lines that make up the box (for a total: those of its terms)."""
    company = api_company(request)
    found: VatReturn = vat.vat_return_get(company=company, vat_return_id=vat_return_id)
    lines = vat.vat_return_box_lines(company=company, vat_return=found, box=box)
    row = next(r for r in vat.vat_return_boxes(found) if r.box == box)
    page = keyset_page(lines, ordering="pk", allowed=("pk",), cursor=cursor, limit=limit)
    return {
        "box": row.box,
        "label": row.label,
        "kind": row.kind,
        "amount": row.amount,
        **page.as_answer(),
    }
