"""Currencies API: the ISO list, exchange rates, rate files and conversions."""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from comptoir.core.currencies import selectors, services
from comptoir.core.currencies.schemas import (
    ConvertOut,
    CurrencyFilter,
    CurrencyPageOut,
    ImportOut,
    RateFilter,
    RateIn,
    RateOut,
    RatePageOut,
)
from comptoir.core.identity.access import access
from comptoir.core.kernel.api import ERRORS, idempotent
from comptoir.core.kernel.errors import TooLarge, ValidationFailed
from comptoir.core.kernel.pagination import keyset_page

router = Router()


@router.get(
    "/currencies",
    response={200: CurrencyPageOut, **ERRORS},
    auth=access("currencies.view"),
    operation_id="currencies_currency_list",
    summary="List currencies",
)
def currency_list(
    request: HttpRequest,
    filters: Query[CurrencyFilter],
    cursor: str | None = None,
    ordering: str = "code",
    limit: int = 200,
) -> dict[str, Any]:
    page = keyset_page(
        selectors.currency_list(filters=filters),
        ordering=ordering,
        allowed=("code", "name"),
        cursor=cursor,
        limit=limit,
    )
    return page.as_answer()


@router.get(
    "/rates",
    response={200: RatePageOut, **ERRORS},
    auth=access("currencies.view"),
    operation_id="currencies_rate_list",
    summary="List exchange rates",
)
def rate_list(
    request: HttpRequest,
    filters: Query[RateFilter],
    cursor: str | None = None,
    ordering: str = "-date",
    limit: int = 50,
) -> dict[str, Any]:
    page = keyset_page(
        selectors.rate_list(filters=filters),
        ordering=ordering,
        allowed=("date", "base", "quote"),
        cursor=cursor,
        limit=limit,
    )
    return page.as_answer()


@router.post(
    "/rates",
    response={201: RateOut, **ERRORS},
    auth=access("currencies.change"),
    operation_id="currencies_rate_create",
    summary="Record a manual exchange rate",
)
@idempotent
def rate_create(request: HttpRequest, payload: RateIn) -> Status[Any]:
    rate = services.rate_set(actor=request.user, **payload.dict())
    return Status(201, RateOut.from_orm(rate))


@router.post(
    "/rates/import",
    response={200: ImportOut, **ERRORS},
    auth=access("currencies.change"),
    operation_id="currencies_rate_import",
    summary="Import an ECB or BNR rates file",
)
def rate_import(
    request: HttpRequest,
    file: File[UploadedFile],
    source: Form[Literal["ecb", "bnr"] | None] = None,
) -> Any:
    if file.size and file.size > settings.COMPTOIR_MAX_UPLOAD_BYTES:
        raise TooLarge(_("The file is too large."), fields={"file": _("Too large.")})
    return services.rates_import(
        actor=request.user,
        content=file.read(),
        source=source,
        company=getattr(request, "company", None),
    )


@router.get(
    "/rates/convert",
    response={200: ConvertOut, **ERRORS},
    auth=access("currencies.view"),
    operation_id="currencies_rate_convert",
    summary="Convert an amount between two currencies",
)
def rate_convert(
    request: HttpRequest,
    amount: Decimal,
    to: str,
    from_: str = Query(..., alias="from"),
    date: dt.date | None = None,
) -> dict[str, Any]:
    if not amount.is_finite() or abs(amount) >= Decimal(10) ** 18:
        raise ValidationFailed(
            _("Not an amount."), fields={"amount": _("A finite number below 10^18.")}
        )
    on = date or timezone.localdate()
    base, quote = from_.upper(), to.upper()
    for field, code in (("from", base), ("to", quote)):
        if not (len(code) == 3 and code.isascii() and code.isalpha()):
            raise ValidationFailed(
                _("Not a currency code."), fields={field: _("Three letters, such as EUR.")}
            )
    return {
        "amount": amount,
        "from_currency": base,
        "to_currency": quote,
        "date": on,
        "rate": selectors.rate_on(base=base, quote=quote, date=on),
        "result": selectors.convert(amount, base, quote, on),
    }
