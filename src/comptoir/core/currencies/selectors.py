"""Reads of currencies and rates. Rates are shared reference data: no company scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.translation import gettext as _

from comptoir.core.currencies.models import Currency, Rate
from comptoir.core.kernel.errors import NotFound
from comptoir.core.kernel.money import round_money

ONE = Decimal(1)
PIVOTS = ("EUR", "RON")
# On one date, a manual rate beats the central banks'; BNR beats ECB (the legal rate in Romania).
_PRIORITY = Case(
    When(source="manual", then=Value(0)),
    When(source="bnr", then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def currency_list(*, filters: Any = None) -> QuerySet[Currency]:
    qs = Currency.objects.all()
    return filters.filter(qs) if filters is not None else qs


def currency_exists(code: str) -> bool:
    return Currency.objects.filter(code=(code or "").upper(), active=True).exists()


def rate_list(*, filters: Any = None) -> QuerySet[Rate]:
    qs = Rate.objects.all()
    return filters.filter(qs) if filters is not None else qs


def _latest(base: str, quote: str, date: dt.date) -> Rate | None:
    return (
        Rate.objects.filter(base=base, quote=quote, date__lte=date)
        .annotate(priority=_PRIORITY)
        .order_by("-date", "priority")
        .first()
    )


def _pair(base: str, quote: str, date: dt.date) -> tuple[Decimal, dt.date] | None:
    """The most recent direct or inverse rate of the pair, with its date."""
    direct = _latest(base, quote, date)
    inverse = _latest(quote, base, date)
    if direct is not None and (inverse is None or direct.date >= inverse.date):
        return direct.rate, direct.date
    if inverse is not None:
        return ONE / inverse.rate, inverse.date
    return None


def rate_on(*, base: str, quote: str, date: dt.date) -> Decimal:
    """How many ``quote`` one ``base`` is worth on ``date`` (latest rate on or before it).

    Direct rate, else the inverse, else crossed through EUR then RON.
    """
    base, quote = base.upper(), quote.upper()
    if base == quote:
        return ONE
    found = _pair(base, quote, date)
    if found is not None:
        return found[0]
    for pivot in PIVOTS:
        if pivot in (base, quote):
            continue
        first = _pair(base, pivot, date)
        if first is None:
            continue
        second = _pair(pivot, quote, date)
        if second is not None:
            return first[0] * second[0]
    raise NotFound(
        _("No %(base)s/%(quote)s rate on or before %(date)s.")
        % {"base": base, "quote": quote, "date": date.isoformat()},
        code="rate_missing",
        fields={"date": _("No rate known on or before this date.")},
    )


def convert(amount: Decimal, from_currency: str, to_currency: str, date: dt.date) -> Decimal:
    """``amount`` of ``from_currency`` in ``to_currency`` on ``date``, rounded to its minor unit."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    rate = rate_on(base=from_currency, quote=to_currency, date=date)
    return round_money(amount * rate, to_currency.upper())
