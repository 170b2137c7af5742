"""Unit conversion and barcode checks: pure calculations, no database."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.utils.translation import gettext as _
from stdnum import ean
from stdnum.exceptions import ValidationError as StdnumError

from comptoir.core.kernel.errors import ValidationFailed


class UnitLike(Protocol):
    code: str
    category: str
    factor: Decimal
    rounding: Decimal


def round_step(quantity: Decimal, step: Decimal) -> Decimal:
    """``quantity`` rounded half-up to a multiple of ``step`` (0.01, 0.5, 1…)."""
    if step <= 0:
        return quantity
    step = step.normalize()
    result = (quantity / step).to_integral_value(rounding=ROUND_HALF_UP) * step
    exponent = step.as_tuple().exponent
    return result.quantize(step if isinstance(exponent, int) and exponent < 0 else Decimal(1))


def convert(
    quantity: Decimal, from_unit: UnitLike, to_unit: UnitLike, *, rounded: bool = True
) -> Decimal:
    """``quantity`` of ``from_unit`` expressed in ``to_unit`` (same category only).

    The result is rounded to ``to_unit.rounding`` unless ``rounded=False``.
    """
    if not isinstance(quantity, Decimal):
        raise TypeError(f"quantities must be Decimal, not {type(quantity).__name__}")
    if from_unit.category != to_unit.category:
        raise ValidationFailed(
            _("Cannot convert %(a)s (%(ca)s) into %(b)s (%(cb)s).")
            % {
                "a": from_unit.code,
                "ca": from_unit.category,
                "b": to_unit.code,
                "cb": to_unit.category,
            },
            code="unit_category_mismatch",
            fields={"to": _("Choose a unit of the same category.")},
        )
    result = quantity * Decimal(from_unit.factor) / Decimal(to_unit.factor)
    return round_step(result, Decimal(to_unit.rounding)) if rounded else result


def looks_like_ean(code: str) -> bool:
    return code.isdigit() and len(code) in (8, 12, 13, 14)


def check_barcode(code: str) -> str:
    """The barcode, compacted; EAN-8/UPC-A/EAN-13/GTIN-14 must carry a valid check digit."""
    code = code.strip()
    compact = ean.compact(code)
    if not looks_like_ean(compact):
        return code
    try:
        return str(ean.validate(compact))
    except StdnumError:
        raise ValidationFailed(
            _("The barcode %(code)s has a wrong check digit.") % {"code": code},
            code="barcode_invalid",
            fields={"barcode": _("Not a valid EAN/GTIN (check digit).")},
        ) from None


# The standard units every company gets: (code, name, category, factor, rounding).
STANDARD_UNITS: tuple[tuple[str, str, str, str, str], ...] = (
    ("unit", "Unit", "unit", "1", "1"),
    ("dozen", "Dozen", "unit", "12", "1"),
    ("kg", "Kilogram", "weight", "1", "0.001"),
    ("g", "Gram", "weight", "0.001", "0.01"),
    ("t", "Tonne", "weight", "1000", "0.001"),
    ("m", "Metre", "length", "1", "0.001"),
    ("cm", "Centimetre", "length", "0.01", "0.1"),
    ("km", "Kilometre", "length", "1000", "0.001"),
    ("l", "Litre", "volume", "1", "0.001"),
    ("ml", "Millilitre", "volume", "0.001", "1"),
    ("m3", "Cubic metre", "volume", "1000", "0.001"),
    ("h", "Hour", "time", "1", "0.01"),
    ("day", "Day (8 hours)", "time", "8", "0.01"),
    ("m2", "Square metre", "area", "1", "0.01"),
)
