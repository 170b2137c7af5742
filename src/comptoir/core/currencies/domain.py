"""Reading the central banks' rate files: pure parsing, no database.

ECB ``eurofxref`` (daily, 90-day and historic files)::

    <gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01"
                     xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
      <Cube><Cube time="2026-11-20"><Cube currency="USD" rate="1.0812"/>…

gives ``1 EUR = rate <currency>``.

BNR ``nbrfxrates.xml`` (and the yearly ``nbrfxratesYYYY.xml``)::

    <DataSet xmlns="http://www.bnr.ro/xsd"><Header>…</Header>
      <Body><OrigCurrency>RON</OrigCurrency><Cube date="2026-11-20">
            <Rate currency="EUR">4.9765</Rate>
            <Rate currency="HUF" multiplier="100">1.2790</Rate>…

gives ``multiplier <currency> = value RON``; stored as ``1 <currency> = value /
multiplier RON`` (base the foreign currency, quote RON) so the published figure
is kept exactly.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.utils.translation import gettext as _

from comptoir.core.kernel.errors import ValidationFailed

ECB_NS = "http://www.ecb.int/vocabulary/2002-08-01/eurofxref"
GESMES_NS = "http://www.gesmes.org/xml/2002-08-01"
BNR_NS = "http://www.bnr.ro/xsd"
RATE_PLACES = Decimal("0.0000000001")
_CODE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class ParsedRate:
    base: str
    quote: str
    date: dt.date
    rate: Decimal


def _bad(message: str) -> ValidationFailed:
    return ValidationFailed(
        _("The rates file cannot be read: %(why)s") % {"why": message},
        code="rates_file_invalid",
        fields={"file": message},
    )


def _root(content: bytes) -> Element:
    if not content or not content.strip():
        raise _bad(_("the file is empty."))
    try:
        return fromstring(content, forbid_dtd=True)
    except DefusedXmlException:
        raise _bad(_("the file declares entities or a DTD, which are refused.")) from None
    except (ParseError, ValueError) as exc:
        raise _bad(_("it is not well-formed XML (%(error)s).") % {"error": exc}) from None


def detect_source(content: bytes) -> str:
    """``"ecb"`` or ``"bnr"`` from the file's root element; 422 on anything else."""
    return _source_of(_root(content))


def _source_of(root: Element) -> str:
    if root.tag == f"{{{GESMES_NS}}}Envelope":
        return "ecb"
    if root.tag == f"{{{BNR_NS}}}DataSet":
        return "bnr"
    raise _bad(_("it is neither an ECB eurofxref file nor a BNR nbrfxrates file."))


def _date(value: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        raise _bad(_("the date %(value)r is not YYYY-MM-DD.") % {"value": value}) from None


def _decimal(value: str | None, what: str) -> Decimal:
    try:
        number = Decimal((value or "").strip())
    except InvalidOperation:
        raise _bad(
            _("the %(what)s %(value)r is not a number.") % {"what": what, "value": value}
        ) from None
    if not number.is_finite() or number <= 0:
        raise _bad(_("the %(what)s %(value)r is not positive.") % {"what": what, "value": value})
    return number


def _code(value: str | None) -> str:
    code = (value or "").strip().upper()
    if not _CODE.match(code):
        raise _bad(_("%(value)r is not a currency code.") % {"value": value})
    return code


def _quantize(rate: Decimal) -> Decimal:
    # The size first: quantizing a number too large for the context raises InvalidOperation.
    if rate <= 0 or rate >= Decimal("1e10"):
        raise _bad(_("the rate %(value)s is out of range.") % {"value": rate})
    result = rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    if result <= 0 or result >= Decimal("1e10"):
        raise _bad(_("the rate %(value)s is out of range.") % {"value": rate})
    return result


def parse_rates(content: bytes, source: str | None = None) -> tuple[str, list[ParsedRate]]:
    """The file's source and every rate in it; ``source`` must match the file when given."""
    root = _root(content)
    found = _source_of(root)
    if source is not None and source != found:
        raise _bad(
            _("a %(expected)s file was expected but this is a %(found)s file.")
            % {"expected": source.upper(), "found": found.upper()}
        )
    rates = _parse_ecb(root) if found == "ecb" else _parse_bnr(root)
    if not rates:
        raise _bad(_("it holds no rate."))
    return found, rates


def _parse_ecb(root: Element) -> list[ParsedRate]:
    outer = root.find(f"{{{ECB_NS}}}Cube")
    if outer is None:
        raise _bad(_("the ECB Cube element is missing."))
    rates: list[ParsedRate] = []
    for day in outer.findall(f"{{{ECB_NS}}}Cube"):
        date = _date(day.get("time"))
        for cube in day.findall(f"{{{ECB_NS}}}Cube"):
            quote = _code(cube.get("currency"))
            if quote == "EUR":
                continue
            rates.append(
                ParsedRate("EUR", quote, date, _quantize(_decimal(cube.get("rate"), "rate")))
            )
    return rates


def _parse_bnr(root: Element) -> list[ParsedRate]:
    body = root.find(f"{{{BNR_NS}}}Body")
    if body is None:
        raise _bad(_("the BNR Body element is missing."))
    orig = body.findtext(f"{{{BNR_NS}}}OrigCurrency") or root.findtext(
        f"{{{BNR_NS}}}Header/{{{BNR_NS}}}OrigCurrency"
    )
    quote = _code(orig) if orig else "RON"
    rates: list[ParsedRate] = []
    for cube in body.findall(f"{{{BNR_NS}}}Cube"):
        date = _date(cube.get("date"))
        for rate in cube.findall(f"{{{BNR_NS}}}Rate"):
            base = _code(rate.get("currency"))
            if base == quote:
                continue
            multiplier = _decimal(rate.get("multiplier") or "1", "multiplier")
            value = _decimal(rate.text, "rate")
            rates.append(ParsedRate(base, quote, date, _quantize(value / multiplier)))
    return rates
