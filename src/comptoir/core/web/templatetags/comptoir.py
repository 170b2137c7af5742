"""Display helpers: locale-aware money, numbers and dates for any value."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from django import template
from django.utils import timezone
from django.utils.translation import get_language, gettext

register = template.Library()


def _locale() -> str:
    return (get_language() or "en").replace("-", "_")


@register.filter
def show(value: Any) -> str:
    """A value as the reader's language writes it; an em dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, Decimal):
        # At least two decimals (prices, amounts), up to six (rates, factors), never rounded
        # away: the book value is what the reader sees.
        return str(format_decimal(value, format="#,##0.00####", locale=_locale()))
    if isinstance(value, dt.datetime):
        return str(format_datetime(timezone.localtime(value), "short", locale=_locale()))
    if isinstance(value, dt.date):
        return str(format_date(value, "medium", locale=_locale()))
    return str(value)


@register.simple_tag
def money(amount: Decimal | None, currency: str) -> str:
    from comptoir.core.kernel.money import format_money

    if amount is None:
        return "—"
    return format_money(amount, currency, _locale())
