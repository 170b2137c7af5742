"""Pure ledger calculations: no ORM, only ``Decimal`` and dataclasses.

- ``LineDraft`` is one line as a service receives it;
- ``imbalance`` tells how far a set of lines is from balanced;
- ``tax_amounts`` splits a price into base and tax for a rate;
- ``entry_hash`` is the inalterability fingerprint chained per journal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from comptoir.core.kernel.money import round_money

ZERO = Decimal("0")
HUNDRED = Decimal("100")


@dataclass(frozen=True)
class LineDraft:
    """A line before it is written: ``account`` is an account code or id."""

    account: int | str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    label: str = ""
    party: int | None = None
    currency: str = ""
    amount_currency: Decimal | None = None
    tax: int | str | None = None
    tax_role: str = ""


def imbalance(lines: Iterable[LineDraft]) -> Decimal:
    """Debits minus credits: zero for a balanced entry."""
    total = ZERO
    for line in lines:
        total += line.debit - line.credit
    return total


@dataclass(frozen=True)
class TaxSplit:
    base: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.base + self.tax


def tax_amounts(amount: Decimal, rate: Decimal, currency: str, *, price_included: bool) -> TaxSplit:
    """Base and tax of ``amount`` at ``rate`` percent, each rounded for ``currency``.

    With ``price_included`` the amount is the total and the base is what is
    left once the tax is taken out, so base + tax always equals the amount.
    """
    if price_included:
        total = round_money(amount, currency)
        base = round_money(total * HUNDRED / (HUNDRED + rate), currency)
        return TaxSplit(base=base, tax=total - base)
    base = round_money(amount, currency)
    return TaxSplit(base=base, tax=round_money(base * rate / HUNDRED, currency))


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


@dataclass(frozen=True)
class HashedLine:
    account_code: str
    party_id: int | None
    label: str
    debit: Decimal
    credit: Decimal
    currency: str = ""
    amount_currency: Decimal | None = None


@dataclass(frozen=True)
class HashedEntry:
    company_id: int
    journal_code: str
    number: str
    date: dt.date
    currency: str
    label: str
    ref: str
    lines: Sequence[HashedLine] = field(default_factory=tuple)


def entry_hash(previous_hash: str, entry: HashedEntry) -> str:
    """SHA-256 of the previous hash and every accounting field of the entry.

    Changing any amount, account, date, number or label of a posted entry,
    or removing one, changes this hash and every hash after it in the journal.
    """
    parts = [
        previous_hash,
        str(entry.company_id),
        entry.journal_code,
        entry.number,
        entry.date.isoformat(),
        entry.currency,
        entry.label,
        entry.ref,
    ]
    for line in entry.lines:
        parts.append(
            "\x1f".join(
                (
                    line.account_code,
                    "" if line.party_id is None else str(line.party_id),
                    line.label,
                    _amount(line.debit),
                    _amount(line.credit),
                    line.currency,
                    _amount(line.amount_currency),
                )
            )
        )
    return hashlib.sha256("\x1e".join(parts).encode()).hexdigest()


def month_ranges(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar months from ``start`` to ``end`` (the first and last may be partial)."""
    ranges: list[tuple[dt.date, dt.date]] = []
    cursor = start
    while cursor <= end:
        nxt = dt.date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
        last = min(nxt - dt.timedelta(days=1), end)
        ranges.append((cursor, last))
        cursor = nxt
    return ranges
