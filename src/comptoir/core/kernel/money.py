"""Money is ``Decimal``, rounded per currency in exactly one place.

The number of minor units of a currency comes from the ISO 4217 data that
Babel maintains (EUR 2, RON 2, JPY 0, KWD 3). Rounding is half-up, the
commercial rule used on invoices in France and Romania.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import format_currency, get_currency_precision
from django.db.models import DecimalField, Model
from django.utils.translation import gettext as _

from comptoir.core.kernel.errors import ValidationFailed

ZERO = Decimal("0")


@lru_cache(maxsize=512)
def minor_units(currency: str) -> int:
    """Digits after the decimal point for ``currency`` (ISO 4217)."""
    return int(get_currency_precision(currency.upper()))


@lru_cache(maxsize=16)
def _exponent(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` to the minor unit of ``currency``, half-up."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"money must be Decimal, not {type(amount).__name__}")
    return amount.quantize(_exponent(minor_units(currency)), rounding=ROUND_HALF_UP)


def to_decimal(value: object, *, field: str = "amount") -> Decimal:
    """Read a decimal from user input, refusing floats, NaN and infinities."""
    if isinstance(value, float):
        raise TypeError("floats are not money: pass a str or Decimal")
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            f"{field} is not a decimal number", fields={field: "Not a decimal number."}
        ) from None
    if not result.is_finite():
        raise ValidationFailed(f"{field} is not finite", fields={field: "Not a finite number."})
    return result


def check_digits(value: Decimal, *, model: type[Model], field: str) -> Decimal:
    """``value`` if it fits ``model``'s ``DecimalField`` ``field``, else 422 naming ``field``.

    Check before saving: PostgreSQL refuses an overflow with an error, SQLite stores
    the number and fails when reading it back.
    """
    model_field = model._meta.get_field(field)
    assert isinstance(model_field, DecimalField), field
    places = model_field.decimal_places
    before = model_field.max_digits - places
    if abs(value) >= Decimal(10) ** before or value != value.quantize(_exponent(places)):
        raise ValidationFailed(
            f"{field} has too many digits",
            fields={
                field: _("At most %(before)d digits before and %(after)d after the decimal point.")
                % {"before": before, "after": places}
            },
        )
    return value


def allocate(total: Decimal, weights: list[Decimal], currency: str) -> list[Decimal]:
    """Split ``total`` over ``weights`` so the parts sum exactly to ``total``.

    Each part is rounded to the currency; the remainder left by rounding goes,
    one minor unit at a time, to the parts with the largest fractional loss.
    """
    if not weights:
        return []
    total = round_money(total, currency)
    weight_sum = sum(weights, ZERO)
    if weight_sum == ZERO:
        raise ValueError("weights sum to zero")
    unit = _exponent(minor_units(currency))
    exact = [total * w / weight_sum for w in weights]
    parts = [e.quantize(unit, rounding="ROUND_DOWN") for e in exact]
    remainder = total - sum(parts, ZERO)
    order = sorted(range(len(parts)), key=lambda i: exact[i] - parts[i], reverse=True)
    step = unit if remainder >= 0 else -unit
    i = 0
    while remainder != ZERO:
        parts[order[i % len(parts)]] += step
        remainder -= step
        i += 1
    return parts


def format_money(amount: Decimal, currency: str, locale: str = "en") -> str:
    """Display ``amount`` as the locale writes it (``1 234,50 €`` in French)."""
    return str(format_currency(amount, currency.upper(), locale=locale))
