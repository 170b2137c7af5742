"""Write side of currencies: manual rates and the central banks' rate files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from comptoir.core.audit.services import audit_record, snapshot
from comptoir.core.currencies.domain import RATE_PLACES, parse_rates
from comptoir.core.currencies.models import Rate, RateSource
from comptoir.core.currencies.selectors import currency_exists
from comptoir.core.events.bus import publish
from comptoir.core.kernel.errors import ValidationFailed
from comptoir.core.kernel.money import to_decimal


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    dates: list[dt.date] = field(default_factory=list)
    source: str = ""


@transaction.atomic
def rate_set(
    *,
    actor: Any,
    base: str,
    quote: str,
    date: dt.date,
    rate: Decimal | str,
    source: str = RateSource.MANUAL,
) -> Rate:
    """Record (or correct) the rate of one pair on one date."""
    base, quote = (base or "").strip().upper(), (quote or "").strip().upper()
    errors: dict[str, str] = {}
    for name, code in (("base", base), ("quote", quote)):
        if not currency_exists(code):
            errors[name] = _("Not an active ISO 4217 currency.")
    if not errors and base == quote:
        errors["quote"] = _("Choose another currency than the base.")
    value = to_decimal(rate, field="rate")
    if value <= 0:
        errors["rate"] = _("Must be greater than zero.")
    # The size first: quantizing a number too large for the context raises InvalidOperation.
    elif value >= Decimal("1e10") or value.quantize(RATE_PLACES) != value:
        errors["rate"] = _("At most 10 digits before and 10 after the decimal point.")
    if source not in RateSource.values:
        errors["source"] = _("Unknown source.")
    if errors:
        raise ValidationFailed(_("The rate is not valid."), fields=errors)
    existing = (
        Rate.objects.select_for_update()
        .filter(base=base, quote=quote, date=date, source=source)
        .first()
    )
    if existing is None:
        obj = Rate.objects.create(base=base, quote=quote, date=date, rate=value, source=source)
        audit_record(actor=actor, action="rate.create", obj=obj)
        return obj
    before = snapshot(existing)
    existing.rate = value
    existing.save(update_fields=["rate", "updated_at"])
    audit_record(actor=actor, action="rate.update", obj=existing, before=before)
    return existing


@transaction.atomic
def rates_import(
    *, actor: Any, content: bytes, source: str | None = None, company: Any = None
) -> ImportResult:
    """Import an ECB or BNR rates file; all or nothing.

    ``source`` (``"ecb"``/``"bnr"``) must match the file; ``None`` detects it.
    Rates already known with the same value are left alone; changed ones are updated.
    ``company`` is the one the importer works in (rates are shared; it only says whose
    administrators the ``RatesImported`` event notifies; ``None`` from the drop folder).
    """
    if source is not None and source not in ("ecb", "bnr"):
        raise ValidationFailed(
            _("Rates files come from the ECB or the BNR."), fields={"source": _("ecb or bnr.")}
        )
    source, parsed = parse_rates(content, source)
    dates = sorted({r.date for r in parsed})
    existing = {
        (r.base, r.quote, r.date): r
        for r in Rate.objects.filter(source=source, date__gte=dates[0], date__lte=dates[-1])
    }
    new: dict[tuple[str, str, dt.date], Rate] = {}
    changed: list[Rate] = []
    for p in parsed:
        key = (p.base, p.quote, p.date)
        row = existing.get(key)
        if row is None:
            new[key] = Rate(base=p.base, quote=p.quote, date=p.date, rate=p.rate, source=source)
        elif row.rate != p.rate:
            row.rate = p.rate
            changed.append(row)
    Rate.objects.bulk_create(list(new.values()), batch_size=1000)
    Rate.objects.bulk_update(changed, ["rate"], batch_size=1000)
    result = ImportResult(created=len(new), updated=len(changed), dates=dates, source=source)
    if new or changed:
        anchor = Rate.objects.filter(source=source, date=dates[-1]).order_by("pk").first()
        if anchor is not None:
            audit_record(
                actor=actor,
                action="rate.import",
                obj=anchor,
                after={
                    "source": source,
                    "created": result.created,
                    "updated": result.updated,
                    "from": dates[0].isoformat(),
                    "to": dates[-1].isoformat(),
                },
            )
        publish(
            "RatesImported",
            company=company,
            source=source,
            date=dates[-1].isoformat(),
            date_from=dates[0].isoformat(),
            count=result.created + result.updated,
            created=result.created,
            updated=result.updated,
        )
    return result
