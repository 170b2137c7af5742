"""Financial reports: selectors that read the books and return dataclasses.

Every report reads posted figures only and is scoped by company. They work
within one fiscal year: a balance at a date sums the periods from the start
of that date's fiscal year (the opening journal carries the balance-sheet
accounts into each new year at the year-end close).

- ``trial_balance``, ``balance_sheet`` and ``income_statement`` read the
  per-account per-period ``Balance`` rows kept at posting, never the lines:
  one grouped query whatever the size of the books;
- ``general_ledger``, ``journal_report`` and ``partner_ledger`` read lines
  through their indexes (account and date; company, party and account;
  entries by journal and date).

The balance sheet and the income statement follow the chart's official
presentation, read from ``data/statements/<chart>_<statement>.csv``: each
line names account prefixes; an account lands on the line of its longest
matching prefix (and, where the line depends on it, on the side of its
balance: a bank account in credit is a debt, not cash).

``report_download`` turns any report into a CSV, XLSX or PDF answer.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.back.ledger.domain import ZERO
from comptoir.back.ledger.models import (
    Account,
    Balance,
    Entry,
    FiscalYear,
    Journal,
    LedgerSettings,
    Line,
    Period,
)
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import Conflict, NotFound, ValidationFailed

STATEMENTS = Path(__file__).resolve().parent / "data" / "statements"
PARTNER_TYPES = (Account.Type.RECEIVABLE.value, Account.Type.PAYABLE.value)
MAX_CODES = 500
_PREFIX_FORM = re.compile(r"^[0-9A-Za-z.\-_]{1,20}$")


# --------------------------------------------------------------------------- scope


def _settings(company: Company) -> LedgerSettings:
    settings = LedgerSettings.objects.filter(company=company).first()
    if settings is None:
        raise Conflict(_("This company has no ledger yet."), code="ledger_not_set_up", fields={})
    return settings


def _fiscal_years(company: Company) -> list[FiscalYear]:
    years = list(FiscalYear.objects.filter(company=company).order_by("start"))
    if not years:
        _settings(company)
        raise Conflict(_("This company has no fiscal year yet."), code="no_fiscal_year", fields={})
    return years


def current_fiscal_year(*, company: Company, today: dt.date | None = None) -> FiscalYear:
    """The fiscal year holding today, else the last one started, else the first."""
    today = today or timezone.localdate()
    years = _fiscal_years(company)
    started = [fy for fy in years if fy.start <= today]
    for fy in started:
        if fy.end >= today:
            return fy
    return started[-1] if started else years[0]


def fiscal_year_get(*, company: Company, fiscal_year_id: int | None) -> FiscalYear:
    """The company's fiscal year ``fiscal_year_id`` (404 when not the company's), or the
    current one."""
    if fiscal_year_id is None:
        return current_fiscal_year(company=company)
    fy = FiscalYear.objects.filter(company=company, pk=fiscal_year_id).first()
    if fy is None:
        raise NotFound(_("No such fiscal year."), code="fiscal_year_not_found")
    return fy


def previous_fiscal_year(fiscal_year: FiscalYear) -> FiscalYear | None:
    return (
        FiscalYear.objects.filter(company_id=fiscal_year.company_id, end__lt=fiscal_year.start)
        .order_by("-start")
        .first()
    )


def _periods(fiscal_year: FiscalYear) -> list[Period]:
    return list(Period.objects.filter(fiscal_year=fiscal_year).order_by("start"))


def _to_date_index(periods: Sequence[Period], today: dt.date | None = None) -> int:
    """The index of the period holding today, or the last one when today is outside."""
    today = today or timezone.localdate()
    for index, period in enumerate(periods):
        if period.start <= today <= period.end:
            return index
    return len(periods) - 1


@dataclass(frozen=True)
class PeriodRange:
    """Consecutive periods ``first`` to ``last`` of one fiscal year."""

    fiscal_year: FiscalYear
    periods: tuple[Period, ...]  # every period of the fiscal year, in order
    first_index: int
    last_index: int

    @property
    def first(self) -> Period:
        return self.periods[self.first_index]

    @property
    def last(self) -> Period:
        return self.periods[self.last_index]

    @property
    def before_ids(self) -> list[int]:
        return [p.pk for p in self.periods[: self.first_index]]

    @property
    def range_ids(self) -> list[int]:
        return [p.pk for p in self.periods[self.first_index : self.last_index + 1]]

    @property
    def start(self) -> dt.date:
        return self.first.start

    @property
    def end(self) -> dt.date:
        return self.last.end

    def same_range_in(self, fiscal_year: FiscalYear | None) -> PeriodRange | None:
        """The periods at the same positions in ``fiscal_year`` (its last when shorter)."""
        if fiscal_year is None:
            return None
        periods = tuple(_periods(fiscal_year))
        if not periods:
            return None
        last = len(periods) - 1
        return PeriodRange(
            fiscal_year, periods, min(self.first_index, last), min(self.last_index, last)
        )


def _period_index(
    company: Company, periods: Sequence[Period], period_id: int, fiscal_year: FiscalYear, name: str
) -> int:
    for index, period in enumerate(periods):
        if period.pk == period_id:
            return index
    if not Period.objects.filter(company=company, pk=period_id).exists():
        raise NotFound(_("No such period."), code="period_not_found")
    raise ValidationFailed(
        _("The period is not in the fiscal year %(name)s.") % {"name": fiscal_year.name},
        code="period_outside_fiscal_year",
        fields={name: _("Not a period of %(name)s.") % {"name": fiscal_year.name}},
    )


def period_range(
    *,
    company: Company,
    fiscal_year_id: int | None = None,
    period_from_id: int | None = None,
    period_to_id: int | None = None,
) -> PeriodRange:
    """Validated periods of one fiscal year; by default its start to today's period.

    Without a fiscal year, the periods' own fiscal year, else the current one.
    """
    anchor_id = period_to_id or period_from_id
    if fiscal_year_id is None and anchor_id is not None:
        anchor = Period.objects.filter(company=company, pk=anchor_id).first()
        if anchor is None:
            raise NotFound(_("No such period."), code="period_not_found")
        fiscal_year_id = anchor.fiscal_year_id
    fiscal_year = fiscal_year_get(company=company, fiscal_year_id=fiscal_year_id)
    periods = tuple(_periods(fiscal_year))
    if not periods:
        raise Conflict(
            _("The fiscal year %(name)s has no period.") % {"name": fiscal_year.name},
            code="no_period",
            fields={"fiscal_year": _("No period.")},
        )
    first = 0
    if period_from_id is not None:
        first = _period_index(company, periods, period_from_id, fiscal_year, "period_from")
    if period_to_id is not None:
        last = _period_index(company, periods, period_to_id, fiscal_year, "period_to")
    else:
        last = max(first, _to_date_index(periods))
    if last < first:
        raise ValidationFailed(
            _("The last period comes before the first."),
            code="period_order",
            fields={"period_to": _("Must not come before the first period.")},
        )
    return PeriodRange(fiscal_year, periods, first, last)


@dataclass(frozen=True)
class DateRange:
    """Dates ``start`` to ``end`` inside one fiscal year."""

    fiscal_year: FiscalYear
    periods: tuple[Period, ...]
    start: dt.date
    end: dt.date

    @property
    def before_ids(self) -> list[int]:
        """The periods of the fiscal year wholly before ``start``."""
        return [p.pk for p in self.periods if p.end < self.start]

    @property
    def partial_start(self) -> dt.date:
        """The first day not covered by ``before_ids``: the start of ``start``'s period."""
        for period in self.periods:
            if period.end >= self.start:
                return max(period.start, self.fiscal_year.start)
        return self.start


def _fiscal_year_of(company: Company, day: dt.date, name: str) -> FiscalYear:
    fy = FiscalYear.objects.filter(company=company, start__lte=day, end__gte=day).first()
    if fy is None:
        _settings(company)
        raise ValidationFailed(
            _("No fiscal year covers %(date)s.") % {"date": day.isoformat()},
            code="no_fiscal_year",
            fields={name: _("No fiscal year covers this date.")},
        )
    return fy


def date_range(
    *, company: Company, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> DateRange:
    """Validated dates within one fiscal year; by default the current year to date."""
    if date_from is not None:
        fiscal_year = _fiscal_year_of(company, date_from, "date_from")
    elif date_to is not None:
        fiscal_year = _fiscal_year_of(company, date_to, "date_to")
    else:
        fiscal_year = current_fiscal_year(company=company)
    start = date_from or fiscal_year.start
    if date_to is None:
        today = timezone.localdate()
        date_to = today if start <= today <= fiscal_year.end else fiscal_year.end
    if date_to < start:
        raise ValidationFailed(
            _("The end date comes before the start date."),
            code="date_order",
            fields={"date_to": _("Must not come before the start date.")},
        )
    if date_to > fiscal_year.end:
        raise ValidationFailed(
            _("A report covers one fiscal year: %(name)s ends on %(end)s.")
            % {"name": fiscal_year.name, "end": fiscal_year.end.isoformat()},
            code="date_outside_fiscal_year",
            fields={"date_to": _("On or before %(end)s.") % {"end": fiscal_year.end.isoformat()}},
        )
    return DateRange(fiscal_year, tuple(_periods(fiscal_year)), start, date_to)


def _clean_prefixes(value: str | Sequence[str] | None, name: str) -> tuple[str, ...]:
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    cleaned = tuple(dict.fromkeys(item.strip() for item in items if item.strip()))
    if len(cleaned) > MAX_CODES:
        raise ValidationFailed(
            _("Too many account codes."),
            code="too_many_accounts",
            fields={name: _("At most %(count)d.") % {"count": MAX_CODES}},
        )
    for item in cleaned:
        if not _PREFIX_FORM.match(item):
            raise ValidationFailed(
                _("Not an account code: %(code)s.") % {"code": item[:30]},
                code="invalid_account_code",
                fields={name: _("Not an account code: %(code)s.") % {"code": item[:30]}},
            )
    return cleaned


def _account_q(
    prefixes: Sequence[str], codes: Sequence[str], path: str = "account__code"
) -> Q | None:
    """Accounts whose code starts with one of ``prefixes`` and is one of ``codes``."""
    condition: Q | None = None
    if prefixes:
        condition = Q()
        for prefix in prefixes:
            condition |= Q(**{f"{path}__startswith": prefix})
    if codes:
        by_code = Q(**{f"{path}__in": list(codes)})
        condition = by_code if condition is None else condition & by_code
    return condition


def _amount(value: Decimal | None) -> Decimal:
    return value if value is not None else ZERO


def _sides(balance: Decimal) -> tuple[Decimal, Decimal]:
    """A net balance as (debit, credit): one of them is zero."""
    return (balance, ZERO) if balance >= 0 else (ZERO, -balance)


# --------------------------------------------------------------------------- trial balance


@dataclass(frozen=True)
class TrialBalanceRow:
    account_id: int
    code: str
    name: str
    type: str
    opening_debit: Decimal
    opening_credit: Decimal
    debit: Decimal
    credit: Decimal
    closing_debit: Decimal
    closing_credit: Decimal
    # The closing balance (debit - credit) of the same range of the previous year.
    comparative: Decimal | None = None

    @property
    def balance(self) -> Decimal:
        return self.closing_debit - self.closing_credit


@dataclass(frozen=True)
class TrialBalanceTotals:
    opening_debit: Decimal = ZERO
    opening_credit: Decimal = ZERO
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    closing_debit: Decimal = ZERO
    closing_credit: Decimal = ZERO
    comparative: Decimal | None = None

    @property
    def balanced(self) -> bool:
        return (
            self.opening_debit == self.opening_credit
            and self.debit == self.credit
            and self.closing_debit == self.closing_credit
        )


@dataclass(frozen=True)
class TrialBalance:
    company: Company
    fiscal_year: FiscalYear
    period_from: Period
    period_to: Period
    rows: tuple[TrialBalanceRow, ...]
    totals: TrialBalanceTotals
    prefixes: tuple[str, ...] = ()
    accounts: tuple[str, ...] = ()
    comparative_fiscal_year: FiscalYear | None = None
    comparative_requested: bool = False


def _balance_sums(
    company: Company,
    *,
    before_ids: Sequence[int],
    range_ids: Sequence[int],
    condition: Q | None = None,
) -> list[dict[str, Any]]:
    """Per account, in code order: its sums on ``Balance`` before and within the range.

    Two queries: the sums grouped by account id (an integer group, no join
    unless ``condition`` needs one), then those accounts' code, name and type.
    """
    qs = Balance.objects.filter(company=company, period_id__in=[*before_ids, *range_ids])
    if condition is not None:
        qs = qs.filter(condition)
    before = Q(period_id__in=list(before_ids)) if before_ids else Q(pk__in=[])
    within = Q(period_id__in=list(range_ids))
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in qs.values("account_id")
        .annotate(
            before_debit=Sum("debit", filter=before),
            before_credit=Sum("credit", filter=before),
            debit_sum=Sum("debit", filter=within),
            credit_sum=Sum("credit", filter=within),
        )
        .order_by()
    ]
    if not rows:
        return rows
    accounts = {
        pk: (code, name, kind)
        for pk, code, name, kind in Account.objects.filter(
            company=company, pk__in=[r["account_id"] for r in rows]
        ).values_list("pk", "code", "name", "type")
    }
    for row in rows:
        row["account__code"], row["account__name"], row["account__type"] = accounts[
            row["account_id"]
        ]
    rows.sort(key=lambda r: r["account__code"])
    return rows


def trial_balance(
    *,
    company: Company,
    fiscal_year_id: int | None = None,
    period_from_id: int | None = None,
    period_to_id: int | None = None,
    prefix: str | Sequence[str] | None = None,
    accounts: str | Sequence[str] | None = None,
    comparative: bool = False,
    hide_zero: bool = True,
) -> TrialBalance:
    """Opening, movements and closing of every account over a range of periods.

    ``prefix`` keeps the accounts whose code starts with one of the given
    prefixes (a class: ``6``; several: ``401,411``); ``accounts`` keeps the
    exact codes given. ``comparative`` adds the closing balance of the same
    range of the previous fiscal year.
    """
    prefixes = _clean_prefixes(prefix, "prefix")
    codes = _clean_prefixes(accounts, "accounts")
    scope = period_range(
        company=company,
        fiscal_year_id=fiscal_year_id,
        period_from_id=period_from_id,
        period_to_id=period_to_id,
    )
    condition = _account_q(prefixes, codes)
    current = list(
        _balance_sums(
            company,
            before_ids=scope.before_ids,
            range_ids=scope.range_ids,
            condition=condition,
        )
    )
    previous_year = previous_fiscal_year(scope.fiscal_year) if comparative else None
    previous_scope = scope.same_range_in(previous_year) if comparative else None
    compared: dict[int, dict[str, Any]] = {}
    if previous_scope is not None:
        for row in _balance_sums(
            company,
            before_ids=previous_scope.before_ids,
            range_ids=previous_scope.range_ids,
            condition=condition,
        ):
            compared[row["account_id"]] = row
    by_account = {row["account_id"]: row for row in current}
    for account_id, row in compared.items():
        by_account.setdefault(
            account_id,
            {
                **row,
                "before_debit": None,
                "before_credit": None,
                "debit_sum": None,
                "credit_sum": None,
            },
        )
    rows: list[TrialBalanceRow] = []
    for row in sorted(by_account.values(), key=lambda r: r["account__code"]):
        opening = _amount(row["before_debit"]) - _amount(row["before_credit"])
        debit, credit = _amount(row["debit_sum"]), _amount(row["credit_sum"])
        closing = opening + debit - credit
        previous: Decimal | None = None
        if previous_scope is not None:
            old = compared.get(row["account_id"])
            previous = ZERO
            if old is not None:
                previous = (
                    _amount(old["before_debit"])
                    - _amount(old["before_credit"])
                    + _amount(old["debit_sum"])
                    - _amount(old["credit_sum"])
                )
        if hide_zero and not (opening or debit or credit or previous):
            continue
        opening_debit, opening_credit = _sides(opening)
        closing_debit, closing_credit = _sides(closing)
        rows.append(
            TrialBalanceRow(
                account_id=row["account_id"],
                code=row["account__code"],
                name=row["account__name"],
                type=row["account__type"],
                opening_debit=opening_debit,
                opening_credit=opening_credit,
                debit=debit,
                credit=credit,
                closing_debit=closing_debit,
                closing_credit=closing_credit,
                comparative=previous,
            )
        )
    totals = TrialBalanceTotals(
        opening_debit=sum((r.opening_debit for r in rows), ZERO),
        opening_credit=sum((r.opening_credit for r in rows), ZERO),
        debit=sum((r.debit for r in rows), ZERO),
        credit=sum((r.credit for r in rows), ZERO),
        closing_debit=sum((r.closing_debit for r in rows), ZERO),
        closing_credit=sum((r.closing_credit for r in rows), ZERO),
        comparative=(
            sum((r.comparative or ZERO for r in rows), ZERO) if previous_scope is not None else None
        ),
    )
    return TrialBalance(
        company=company,
        fiscal_year=scope.fiscal_year,
        period_from=scope.first,
        period_to=scope.last,
        rows=tuple(rows),
        totals=totals,
        prefixes=prefixes,
        accounts=codes,
        comparative_fiscal_year=previous_scope.fiscal_year if previous_scope else None,
        comparative_requested=comparative,
    )


# --------------------------------------------------------------------------- general ledger


@dataclass(frozen=True)
class LedgerLine:
    line_id: int
    date: dt.date
    entry_id: int
    entry_number: str
    journal_code: str
    label: str
    party_id: int | None
    party_name: str
    debit: Decimal
    credit: Decimal
    balance: Decimal  # running: the account's balance after this line
    reconcile_ref: str = ""


@dataclass(frozen=True)
class AccountLedger:
    account_id: int
    code: str
    name: str
    opening: Decimal
    debit: Decimal
    credit: Decimal
    lines: tuple[LedgerLine, ...]

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit


@dataclass(frozen=True)
class GeneralLedger:
    company: Company
    fiscal_year: FiscalYear
    date_from: dt.date
    date_to: dt.date
    accounts: tuple[AccountLedger, ...]
    account: str = ""
    account_to: str = ""
    prefixes: tuple[str, ...] = ()
    # Lines were cut at ``max_lines``: the totals still cover every line.
    truncated: bool = False

    @property
    def debit(self) -> Decimal:
        return sum((a.debit for a in self.accounts), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((a.credit for a in self.accounts), ZERO)

    @property
    def opening(self) -> Decimal:
        return sum((a.opening for a in self.accounts), ZERO)

    @property
    def closing(self) -> Decimal:
        return sum((a.closing for a in self.accounts), ZERO)


def _account_by_code(company: Company, code: str, name: str = "account") -> Account:
    account = Account.objects.filter(company=company, code=code.strip()).first()
    if account is None:
        raise ValidationFailed(
            _("No account %(code)s in this chart.") % {"code": code[:30]},
            code="account_unknown",
            fields={name: _("No account %(code)s in this chart.") % {"code": code[:30]}},
        )
    return account


def _line_sums(qs: QuerySet[Any], *keys: str) -> dict[Any, tuple[Decimal, Decimal]]:
    totals: dict[Any, tuple[Decimal, Decimal]] = {}
    for row in qs.values(*keys).annotate(d=Sum("debit"), c=Sum("credit")).order_by():
        key = row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)
        totals[key] = (_amount(row["d"]), _amount(row["c"]))
    return totals


def general_ledger(
    *,
    company: Company,
    account: str = "",
    account_to: str = "",
    prefix: str | Sequence[str] | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    max_lines: int | None = None,
) -> GeneralLedger:
    """Every posted line of an account (or of a range of accounts, ``account`` to
    ``account_to`` with their sub-accounts, or of the accounts under prefixes) over dates.

    Each account starts from its balance on the eve of ``date_from`` within
    the fiscal year; each line carries the running balance after it.
    """
    prefixes = _clean_prefixes(prefix, "prefix")
    first, last = account.strip(), account_to.strip()
    _clean_prefixes(first, "account")
    _clean_prefixes(last, "account_to")
    if first and last and last < first:
        raise ValidationFailed(
            _("The last account comes before the first."),
            code="account_order",
            fields={"account_to": _("Must not come before the first account.")},
        )
    scope = date_range(company=company, date_from=date_from, date_to=date_to)
    accounts_qs = Account.objects.filter(company=company)
    if last:
        accounts_qs = accounts_qs.filter(Q(code__lte=last) | Q(code__startswith=last))
        if first:
            accounts_qs = accounts_qs.filter(code__gte=first)
    elif first:
        accounts_qs = accounts_qs.filter(pk=_account_by_code(company, first).pk)
    if prefixes:
        accounts_qs = accounts_qs.filter(_account_q(prefixes, (), path="code") or Q())
    chosen = bool(first or last or prefixes)
    names: dict[int, tuple[str, str]] = {}
    if chosen:
        names = {a.pk: (a.code, a.name) for a in accounts_qs.only("pk", "code", "name")}
    account_filter: dict[str, Any] = {"account_id__in": list(names)} if chosen else {}
    lines_qs = Line.objects.filter(company=company, posted=True, **account_filter)
    # Opening: the whole periods before, from the balances; the days before
    # ``date_from`` in its own period, from the lines.
    opening: dict[int, Decimal] = defaultdict(lambda: ZERO)
    if scope.before_ids:
        balance_qs = Balance.objects.filter(company=company, period_id__in=scope.before_ids)
        if chosen:
            balance_qs = balance_qs.filter(account_id__in=list(names))
        for account_id, (d, c) in _line_sums(balance_qs, "account_id").items():
            opening[account_id] += d - c
    if scope.partial_start < scope.start:
        partial = lines_qs.filter(date__gte=scope.partial_start, date__lt=scope.start)
        for account_id, (d, c) in _line_sums(partial, "account_id").items():
            opening[account_id] += d - c
    in_range = lines_qs.filter(date__gte=scope.start, date__lte=scope.end)
    movements = _line_sums(in_range, "account_id")
    wanted = {k for k, v in opening.items() if v} | set(movements)
    if not chosen:
        names = {
            a.pk: (a.code, a.name)
            for a in Account.objects.filter(company=company, pk__in=wanted).only(
                "pk", "code", "name"
            )
        }
    detail = (
        in_range.select_related("entry", "journal", "party")
        .only(
            "pk",
            "date",
            "label",
            "debit",
            "credit",
            "account_id",
            "reconcile_ref",
            "entry__id",
            "entry__number",
            "journal__code",
            "party__id",
            "party__name",
        )
        .order_by("account__code", "date", "entry_id", "pk")
    )
    truncated = False
    if max_lines is not None:
        fetched = list(detail[: max_lines + 1])
        truncated = len(fetched) > max_lines
        fetched = fetched[:max_lines]
    else:
        fetched = list(detail.iterator(chunk_size=5000))
    by_account: dict[int, list[Line]] = defaultdict(list)
    for line in fetched:
        by_account[line.account_id].append(line)
    result: list[AccountLedger] = []
    for account_id in sorted(wanted & set(names), key=lambda pk: names[pk][0]):
        code, name = names[account_id]
        running = opening.get(account_id, ZERO)
        rows: list[LedgerLine] = []
        for line in by_account.get(account_id, ()):
            running += line.debit - line.credit
            rows.append(
                LedgerLine(
                    line_id=line.pk,
                    date=line.date,
                    entry_id=line.entry_id,
                    entry_number=line.entry.number,
                    journal_code=line.journal.code,
                    label=line.label,
                    party_id=line.party_id,
                    party_name=line.party.name if line.party is not None else "",
                    debit=line.debit,
                    credit=line.credit,
                    balance=running,
                    reconcile_ref=line.reconcile_ref,
                )
            )
        debit, credit = movements.get(account_id, (ZERO, ZERO))
        result.append(
            AccountLedger(
                account_id=account_id,
                code=code,
                name=name,
                opening=opening.get(account_id, ZERO),
                debit=debit,
                credit=credit,
                lines=tuple(rows),
            )
        )
    return GeneralLedger(
        company=company,
        fiscal_year=scope.fiscal_year,
        date_from=scope.start,
        date_to=scope.end,
        accounts=tuple(result),
        account=first,
        account_to=last,
        prefixes=prefixes,
        truncated=truncated,
    )


# --------------------------------------------------------------------------- journal report


@dataclass(frozen=True)
class JournalLine:
    line_id: int
    account_code: str
    account_name: str
    party_name: str
    label: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class JournalEntry:
    entry_id: int
    number: str
    date: dt.date
    label: str
    ref: str
    lines: tuple[JournalLine, ...]

    @property
    def debit(self) -> Decimal:
        return sum((ln.debit for ln in self.lines), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((ln.credit for ln in self.lines), ZERO)


@dataclass(frozen=True)
class JournalSection:
    journal_id: int
    code: str
    name: str
    debit: Decimal
    credit: Decimal
    entries: tuple[JournalEntry, ...]


@dataclass(frozen=True)
class JournalReport:
    company: Company
    fiscal_year: FiscalYear
    date_from: dt.date
    date_to: dt.date
    journals: tuple[JournalSection, ...]
    journal: str = ""
    truncated: bool = False

    @property
    def debit(self) -> Decimal:
        return sum((j.debit for j in self.journals), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((j.credit for j in self.journals), ZERO)


def _journal_by_code(company: Company, code: str) -> Journal:
    journal = Journal.objects.filter(company=company, code=code.strip().upper()).first()
    if journal is None:
        raise ValidationFailed(
            _("No journal %(code)s.") % {"code": code[:10]},
            code="journal_unknown",
            fields={"journal": _("No journal %(code)s.") % {"code": code[:10]}},
        )
    return journal


def journal_report(
    *,
    company: Company,
    journal: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    max_lines: int | None = None,
) -> JournalReport:
    """The posted entries of one journal (or of all) over dates, with their lines,
    in number order, and the totals of each journal."""
    scope = date_range(company=company, date_from=date_from, date_to=date_to)
    journals = Journal.objects.filter(company=company)
    if journal:
        journals = journals.filter(pk=_journal_by_code(company, journal).pk)
    known = {j.pk: j for j in journals.only("pk", "code", "name")}
    lines_qs = Line.objects.filter(
        entry__company=company,
        entry__state=Entry.State.POSTED,
        entry__date__gte=scope.start,
        entry__date__lte=scope.end,
        entry__journal_id__in=list(known),
    )
    totals = _line_sums(lines_qs, "journal_id")
    detail = (
        lines_qs.select_related("entry", "account", "party")
        .only(
            "pk",
            "label",
            "debit",
            "credit",
            "journal_id",
            "entry__id",
            "entry__number",
            "entry__date",
            "entry__label",
            "entry__ref",
            "entry__sequence_no",
            "account__code",
            "account__name",
            "party__name",
        )
        .order_by("journal_id", "entry__date", "entry__sequence_no", "entry_id", "pk")
    )
    truncated = False
    if max_lines is not None:
        fetched = list(detail[: max_lines + 1])
        truncated = len(fetched) > max_lines
        fetched = fetched[:max_lines]
    else:
        fetched = list(detail.iterator(chunk_size=5000))
    entries: dict[int, dict[int, tuple[Entry, list[JournalLine]]]] = defaultdict(dict)
    for line in fetched:
        bucket = entries[line.journal_id].setdefault(line.entry_id, (line.entry, []))
        bucket[1].append(
            JournalLine(
                line_id=line.pk,
                account_code=line.account.code,
                account_name=line.account.name,
                party_name=line.party.name if line.party is not None else "",
                label=line.label,
                debit=line.debit,
                credit=line.credit,
            )
        )
    sections: list[JournalSection] = []
    for journal_id in sorted(totals, key=lambda pk: known[pk].code):
        debit, credit = totals[journal_id]
        sections.append(
            JournalSection(
                journal_id=journal_id,
                code=known[journal_id].code,
                name=known[journal_id].name,
                debit=debit,
                credit=credit,
                entries=tuple(
                    JournalEntry(
                        entry_id=entry.pk,
                        number=entry.number,
                        date=entry.date,
                        label=entry.label,
                        ref=entry.ref,
                        lines=tuple(lines),
                    )
                    for entry, lines in entries.get(journal_id, {}).values()
                ),
            )
        )
    return JournalReport(
        company=company,
        fiscal_year=scope.fiscal_year,
        date_from=scope.start,
        date_to=scope.end,
        journals=tuple(sections),
        journal=journal.strip().upper() if journal else "",
        truncated=truncated,
    )


# --------------------------------------------------------------------------- partner ledger


@dataclass(frozen=True)
class PartnerLine:
    line_id: int
    date: dt.date
    entry_id: int
    entry_number: str
    journal_code: str
    account_code: str
    label: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    reconcile_ref: str = ""


@dataclass(frozen=True)
class PartnerSection:
    party_id: int | None
    party_name: str
    account_type: str
    opening: Decimal
    debit: Decimal
    credit: Decimal
    lines: tuple[PartnerLine, ...]

    @property
    def closing(self) -> Decimal:
        return self.opening + self.debit - self.credit


@dataclass(frozen=True)
class PartnerLedger:
    company: Company
    fiscal_year: FiscalYear
    date_from: dt.date
    date_to: dt.date
    account_types: tuple[str, ...]
    sections: tuple[PartnerSection, ...]
    party_id: int | None = None
    truncated: bool = False

    @property
    def debit(self) -> Decimal:
        return sum((s.debit for s in self.sections), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((s.credit for s in self.sections), ZERO)


def partner_ledger(
    *,
    company: Company,
    party_id: int | None = None,
    account_type: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    max_lines: int | None = None,
) -> PartnerLedger:
    """Receivable and payable lines per party over dates, each party from its opening
    balance in the fiscal year, with a running balance."""
    from comptoir.core.parties.models import Party

    if account_type and account_type not in PARTNER_TYPES:
        raise ValidationFailed(
            _("Choose receivable or payable."),
            code="invalid_account_type",
            fields={"account_type": _("Choose receivable or payable.")},
        )
    types = (account_type,) if account_type else PARTNER_TYPES
    party_name = ""
    if party_id is not None:
        party = Party.objects.filter(company=company, pk=party_id).only("pk", "name").first()
        if party is None:
            raise NotFound(_("No such party."), code="party_not_found")
        party_name = party.name
    scope = date_range(company=company, date_from=date_from, date_to=date_to)
    base = Line.objects.filter(company=company, posted=True, account__type__in=types)
    if party_id is not None:
        base = base.filter(party_id=party_id)
    keys = ("party_id", "account__type")
    opening: dict[Any, tuple[Decimal, Decimal]] = {}
    if scope.start > scope.fiscal_year.start:
        opening = _line_sums(
            base.filter(date__gte=scope.fiscal_year.start, date__lt=scope.start), *keys
        )
    in_range = base.filter(date__gte=scope.start, date__lte=scope.end)
    movements = _line_sums(in_range, *keys)
    wanted = {k for k, (d, c) in opening.items() if d - c} | set(movements)
    names: dict[int | None, str] = {None: _("(no party)")}
    party_ids = {k[0] for k in wanted if k[0] is not None}
    if party_id is not None:
        names[party_id] = party_name
    elif party_ids:
        names.update(Party.objects.filter(pk__in=party_ids).values_list("pk", "name"))
    detail = (
        in_range.select_related("entry", "journal", "account")
        .only(
            "pk",
            "date",
            "label",
            "debit",
            "credit",
            "party_id",
            "reconcile_ref",
            "entry__id",
            "entry__number",
            "journal__code",
            "account__code",
            "account__type",
        )
        .order_by("party_id", "account__type", "date", "entry_id", "pk")
    )
    truncated = False
    if max_lines is not None:
        fetched = list(detail[: max_lines + 1])
        truncated = len(fetched) > max_lines
        fetched = fetched[:max_lines]
    else:
        fetched = list(detail.iterator(chunk_size=5000))
    grouped: dict[tuple[int | None, str], list[Line]] = defaultdict(list)
    for line in fetched:
        grouped[(line.party_id, line.account.type)].append(line)
    type_order = {t: i for i, t in enumerate(PARTNER_TYPES)}
    sections: list[PartnerSection] = []
    for key in sorted(
        wanted,
        key=lambda k: (type_order.get(k[1], 9), k[0] is None, names.get(k[0], "").lower(), k[0]),
    ):
        before_d, before_c = opening.get(key, (ZERO, ZERO))
        running = before_d - before_c
        start = running
        rows: list[PartnerLine] = []
        for line in grouped.get(key, ()):
            running += line.debit - line.credit
            rows.append(
                PartnerLine(
                    line_id=line.pk,
                    date=line.date,
                    entry_id=line.entry_id,
                    entry_number=line.entry.number,
                    journal_code=line.journal.code,
                    account_code=line.account.code,
                    label=line.label,
                    debit=line.debit,
                    credit=line.credit,
                    balance=running,
                    reconcile_ref=line.reconcile_ref,
                )
            )
        debit, credit = movements.get(key, (ZERO, ZERO))
        sections.append(
            PartnerSection(
                party_id=key[0],
                party_name=names.get(key[0], ""),
                account_type=key[1],
                opening=start,
                debit=debit,
                credit=credit,
                lines=tuple(rows),
            )
        )
    return PartnerLedger(
        company=company,
        fiscal_year=scope.fiscal_year,
        date_from=scope.start,
        date_to=scope.end,
        account_types=tuple(types),
        sections=tuple(sections),
        party_id=party_id,
        truncated=truncated,
    )


# --------------------------------------------------------------------------- statements


@dataclass(frozen=True)
class MappingLine:
    """One line of a statement as the CSV describes it."""

    statement: str  # balance_sheet | income_statement
    code: str
    label: str
    section: str  # asset | liability (balance sheet); revenue | expense (income statement)
    group: str
    prefixes: tuple[str, ...]
    when: str  # any | debit | credit: the side the account's balance must be on
    result: bool  # the balance-sheet line that receives the result of the year

    def accepts(self, balance: Decimal) -> bool:
        if self.when == "debit":
            return balance >= 0
        if self.when == "credit":
            return balance < 0
        return True

    def amount(self, balance: Decimal) -> Decimal:
        """The account's balance (debit - credit) as this line shows it."""
        return balance if self.section in ("asset", "expense") else -balance


SECTIONS = {
    "balance_sheet": ("asset", "liability"),
    "income_statement": ("revenue", "expense"),
}
STATEMENT_KINDS = tuple(SECTIONS)
SECTION_LABELS = {
    "asset": lambda: _("Assets"),
    "liability": lambda: _("Equity and liabilities"),
    "revenue": lambda: _("Revenue"),
    "expense": lambda: _("Expenses"),
}


@lru_cache(maxsize=16)
def statement_mapping(chart: str, statement: str) -> tuple[MappingLine, ...]:
    """The lines of ``statement`` for ``chart``, in the order of presentation."""
    path = STATEMENTS / f"{chart}_{statement}.csv"
    lines: list[MappingLine] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            row = {k: (v or "").strip() for k, v in row.items()}
            section = row["section"]
            if section not in SECTIONS[statement]:
                raise ValueError(f"{path.name}: {row['code']}: section {section!r}")
            when = row.get("when") or "any"
            if when not in ("any", "debit", "credit"):
                raise ValueError(f"{path.name}: {row['code']}: when {when!r}")
            lines.append(
                MappingLine(
                    statement=statement,
                    code=row["code"],
                    label=row["label"],
                    section=section,
                    group=row["group"],
                    prefixes=tuple(row["prefixes"].split()),
                    when=when,
                    result=row.get("result") == "1",
                )
            )
    return tuple(lines)


@lru_cache(maxsize=8)
def _prefix_index(chart: str) -> dict[str, tuple[MappingLine, ...]]:
    index: dict[str, list[MappingLine]] = defaultdict(list)
    for statement in STATEMENT_KINDS:
        for line in statement_mapping(chart, statement):
            for prefix in line.prefixes:
                index[prefix].append(line)
    return {k: tuple(v) for k, v in index.items()}


def mapping_lines(chart: str, code: str, balance: Decimal) -> tuple[MappingLine, ...]:
    """The lines that take account ``code`` with ``balance``: those of its longest prefix
    that accept the side of the balance (a well-made mapping gives exactly one)."""
    index = _prefix_index(chart)
    for length in range(len(code), 0, -1):
        found = tuple(line for line in index.get(code[:length], ()) if line.accepts(balance))
        if found:
            return found
    return ()


def mapping_line(chart: str, code: str, balance: Decimal) -> MappingLine | None:
    """The statement line the account ``code`` with ``balance`` lands on."""
    found = mapping_lines(chart, code, balance)
    return found[0] if found else None


@dataclass(frozen=True)
class StatementLine:
    code: str
    label: str
    section: str
    group: str
    amount: Decimal
    comparative: Decimal | None
    accounts: tuple[str, ...]  # the codes of the accounts behind the amount
    result: bool = False


@dataclass(frozen=True)
class StatementGroup:
    label: str
    section: str
    lines: tuple[StatementLine, ...]

    @property
    def section_label(self) -> str:
        return str(SECTION_LABELS[self.section]())

    @property
    def is_empty(self) -> bool:
        return not any(ln.amount or ln.comparative for ln in self.lines)

    @property
    def total(self) -> Decimal:
        return sum((ln.amount for ln in self.lines), ZERO)

    @property
    def comparative(self) -> Decimal | None:
        if not self.lines or self.lines[0].comparative is None:
            return None
        return sum((ln.comparative or ZERO for ln in self.lines), ZERO)


@dataclass(frozen=True)
class Statement:
    """A balance sheet or an income statement."""

    kind: str
    company: Company
    chart: str
    fiscal_year: FiscalYear
    period_from: Period
    period_to: Period
    groups: tuple[StatementGroup, ...]
    result: Decimal  # revenue - expense over the range
    comparative_result: Decimal | None = None
    comparative_fiscal_year: FiscalYear | None = None
    comparative_requested: bool = False
    # Accounts with a balance the mapping does not place (off-balance accounts).
    unmapped: tuple[str, ...] = ()

    def total(self, section: str) -> Decimal:
        return sum((g.total for g in self.groups if g.section == section), ZERO)

    def comparative_total(self, section: str) -> Decimal | None:
        if self.comparative_fiscal_year is None:
            return None
        return sum(
            (g.comparative or ZERO for g in self.groups if g.section == section),
            ZERO,
        )

    @property
    def sections(self) -> tuple[str, ...]:
        return SECTIONS[self.kind]

    @property
    def balanced(self) -> bool:
        """Assets equal liabilities and equity (the balance sheet); always for the other."""
        if self.kind != "balance_sheet":
            return True
        return self.total("asset") == self.total("liability")

    @property
    def blocks(self) -> list[StatementBlock]:
        """The balance sheet by section (assets, then equity and liabilities); the income
        statement by group (operating, financial…), each with its revenue and expense."""
        compare = self.comparative_fiscal_year is not None
        blocks: dict[str, list[StatementGroup]] = {}
        for group in self.groups:
            key = group.section if self.kind == "balance_sheet" else group.label
            blocks.setdefault(key, []).append(group)
        answer: list[StatementBlock] = []
        for key, groups in blocks.items():
            if self.kind == "balance_sheet":
                total = sum((g.total for g in groups), ZERO)
                before = sum((g.comparative or ZERO for g in groups), ZERO)
                label = str(SECTION_LABELS[key]())
            else:
                total = sum((g.total if g.section == "revenue" else -g.total for g in groups), ZERO)
                before = sum(
                    (
                        (g.comparative or ZERO) * (1 if g.section == "revenue" else -1)
                        for g in groups
                    ),
                    ZERO,
                )
                label = key
            answer.append(
                StatementBlock(
                    key=key,
                    label=label,
                    groups=tuple(groups),
                    total=total,
                    comparative=before if compare else None,
                )
            )
        return answer


@dataclass(frozen=True)
class StatementBlock:
    key: str
    label: str
    groups: tuple[StatementGroup, ...]
    # Balance sheet: the section's total; income statement: revenue - expense of the group.
    total: Decimal
    comparative: Decimal | None


def _closing_correction(
    company: Company, scope: PeriodRange
) -> dict[int, Decimal]:  # account id → debit - credit to take away
    """The year-end result entry moves revenue and expense to the result account; the
    statements show the year as it was, so they leave that entry out."""
    entry_id = scope.fiscal_year.closing_entry_id
    if not entry_id:
        return {}
    qs = Line.objects.filter(
        company=company, entry_id=entry_id, entry__period_id__in=scope.range_ids + scope.before_ids
    )
    return {k: d - c for k, (d, c) in _line_sums(qs, "account_id").items()}


def _account_balances(company: Company, scope: PeriodRange) -> dict[str, tuple[Decimal, Decimal]]:
    """Account code → (balance before the range, movement within it), debit - credit."""
    correction = _closing_correction(company, scope)
    balances: dict[str, tuple[Decimal, Decimal]] = {}
    for row in _balance_sums(company, before_ids=scope.before_ids, range_ids=scope.range_ids):
        before = _amount(row["before_debit"]) - _amount(row["before_credit"])
        within = (
            _amount(row["debit_sum"])
            - _amount(row["credit_sum"])
            - correction.get(row["account_id"], ZERO)
        )
        balances[row["account__code"]] = (before, within)
    return balances


def _place(
    chart: str, statement: str, balances: dict[str, Decimal]
) -> tuple[dict[str, Decimal], dict[str, list[str]], Decimal, list[str]]:
    """Amounts per line code of ``statement``, their accounts, the result, the unplaced."""
    amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    accounts: dict[str, list[str]] = defaultdict(list)
    result = ZERO
    unplaced: list[str] = []
    for code, balance in sorted(balances.items()):
        if not balance:
            continue
        line = mapping_line(chart, code, balance)
        if line is None:
            unplaced.append(code)
            continue
        if line.statement == "income_statement":
            result -= balance
        if line.statement == statement:
            amounts[line.code] += line.amount(balance)
            accounts[line.code].append(code)
    return amounts, accounts, result, unplaced


def _statement_balances(company: Company, scope: PeriodRange, statement: str) -> dict[str, Decimal]:
    """The balance sheet: from the start of the year to the range's end; the income
    statement: over the range only."""
    balances = _account_balances(company, scope)
    if statement == "income_statement":
        return {code: within for code, (_before, within) in balances.items()}
    return {code: before + within for code, (before, within) in balances.items()}


def _statement(
    *,
    company: Company,
    statement: str,
    scope: PeriodRange,
    comparative: bool,
) -> Statement:
    chart = _settings(company).chart
    mapping = statement_mapping(chart, statement)
    amounts, accounts, result, unplaced = _place(
        chart, statement, _statement_balances(company, scope, statement)
    )
    previous_scope = (
        scope.same_range_in(previous_fiscal_year(scope.fiscal_year)) if comparative else None
    )
    before: dict[str, Decimal] = {}
    before_result: Decimal | None = None
    if previous_scope is not None:
        before, _accounts, before_result, _unplaced = _place(
            chart, statement, _statement_balances(company, previous_scope, statement)
        )
    if statement == "balance_sheet":
        # The result of the year to date belongs to equity until it is closed.
        for line in mapping:
            if line.result:
                amounts[line.code] += result
                if before_result is not None:
                    before[line.code] = before.get(line.code, ZERO) + before_result
                break
    # Rows sharing a code make one line (a line may take some accounts whatever their
    # balance and others only on one side); it stands where its code first appears.
    groups: list[StatementGroup] = []
    current: list[StatementLine] = []
    key: tuple[str, str] | None = None
    seen: set[str] = set()
    for line in mapping:
        if line.code in seen:
            continue
        seen.add(line.code)
        if key is not None and key != (line.group, line.section):
            groups.append(StatementGroup(label=key[0], section=key[1], lines=tuple(current)))
            current = []
        key = (line.group, line.section)
        current.append(
            StatementLine(
                code=line.code,
                label=line.label,
                section=line.section,
                group=line.group,
                amount=amounts.get(line.code, ZERO),
                comparative=before.get(line.code, ZERO) if previous_scope is not None else None,
                accounts=tuple(accounts.get(line.code, ())),
                result=any(row.result for row in mapping if row.code == line.code),
            )
        )
    if key is not None:
        groups.append(StatementGroup(label=key[0], section=key[1], lines=tuple(current)))
    return Statement(
        kind=statement,
        company=company,
        chart=chart,
        fiscal_year=scope.fiscal_year,
        period_from=scope.first,
        period_to=scope.last,
        groups=tuple(groups),
        result=result,
        comparative_result=before_result,
        comparative_fiscal_year=previous_scope.fiscal_year if previous_scope else None,
        comparative_requested=comparative,
        unmapped=tuple(unplaced),
    )


def balance_sheet(
    *, company: Company, period_id: int | None = None, comparative: bool = False
) -> Statement:
    """Assets against equity and liabilities at the end of ``period`` (default: today's),
    the result of the year to date included in equity. ``comparative`` adds the same date
    of the previous fiscal year."""
    if period_id is not None:
        scope = period_range(company=company, period_from_id=period_id, period_to_id=period_id)
    else:
        scope = period_range(company=company)
    scope = PeriodRange(scope.fiscal_year, scope.periods, scope.last_index, scope.last_index)
    return _statement(
        company=company, statement="balance_sheet", scope=scope, comparative=comparative
    )


def income_statement(
    *,
    company: Company,
    fiscal_year_id: int | None = None,
    period_from_id: int | None = None,
    period_to_id: int | None = None,
    comparative: bool = False,
) -> Statement:
    """Revenue and expense over a range of periods of one fiscal year, by the chart's
    groups (operating, financial, exceptional, tax), and the result."""
    scope = period_range(
        company=company,
        fiscal_year_id=fiscal_year_id,
        period_from_id=period_from_id,
        period_to_id=period_to_id,
    )
    return _statement(
        company=company, statement="income_statement", scope=scope, comparative=comparative
    )


# --------------------------------------------------------------------------- tables


@dataclass
class ReportTable:
    """A report flattened for a file: rows of cells, each row with a style."""

    title: str
    subtitle: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)  # "" | "head" | "total"
    filename: str = "report"
    # The columns a PDF prints (all when empty): the head rows already name what
    # a file repeats on every row for sorting (the account, the party, the section).
    pdf_columns: tuple[int, ...] = ()

    def add(self, row: Iterable[Any], style: str = "") -> None:
        cells = list(row)
        self.rows.append(cells + [""] * (len(self.headers) - len(cells)))
        self.styles.append(style)


def _blank(value: Decimal | None) -> Decimal | str:
    return value if value else ""


def trial_balance_table(report: TrialBalance) -> ReportTable:
    headers = [
        _("Account"),
        _("Name"),
        _("Opening debit"),
        _("Opening credit"),
        _("Debit"),
        _("Credit"),
        _("Closing debit"),
        _("Closing credit"),
    ]
    previous = report.comparative_fiscal_year
    compare = previous is not None
    if previous is not None:
        headers.append(_("Balance %(year)s") % {"year": previous.name})
    table = ReportTable(
        title=_("Trial balance"),
        subtitle=_("%(year)s, %(first)s to %(last)s")
        % {
            "year": report.fiscal_year.name,
            "first": report.period_from.name,
            "last": report.period_to.name,
        },
        headers=headers,
        filename=f"trial-balance-{report.period_from.name}-{report.period_to.name}",
    )
    for r in report.rows:
        cells: list[Any] = [
            r.code,
            r.name,
            _blank(r.opening_debit),
            _blank(r.opening_credit),
            _blank(r.debit),
            _blank(r.credit),
            _blank(r.closing_debit),
            _blank(r.closing_credit),
        ]
        if compare:
            cells.append(r.comparative)
        table.add(cells)
    t = report.totals
    totals: list[Any] = [
        _("Total"),
        "",
        t.opening_debit,
        t.opening_credit,
        t.debit,
        t.credit,
        t.closing_debit,
        t.closing_credit,
    ]
    if compare:
        totals.append(t.comparative)
    table.add(totals, "total")
    return table


def general_ledger_table(report: GeneralLedger) -> ReportTable:
    table = ReportTable(
        title=_("General ledger"),
        subtitle=_("%(start)s to %(end)s")
        % {"start": report.date_from.isoformat(), "end": report.date_to.isoformat()},
        headers=[
            _("Account"),
            _("Date"),
            _("Entry"),
            _("Journal"),
            _("Label"),
            _("Party"),
            _("Debit"),
            _("Credit"),
            _("Balance"),
        ],
        filename=f"general-ledger-{report.date_from.isoformat()}-{report.date_to.isoformat()}",
        pdf_columns=(1, 2, 3, 4, 5, 6, 7, 8),
    )
    for account in report.accounts:
        table.add(
            [
                account.code,
                report.date_from,
                "",
                "",
                f"{account.code} {account.name} · {_('Opening balance')}",
                "",
                "",
                "",
                account.opening,
            ],
            "head",
        )
        for ln in account.lines:
            table.add(
                [
                    account.code,
                    ln.date,
                    ln.entry_number,
                    ln.journal_code,
                    ln.label,
                    ln.party_name,
                    _blank(ln.debit),
                    _blank(ln.credit),
                    ln.balance,
                ]
            )
        table.add(
            [
                account.code,
                report.date_to,
                "",
                "",
                _("Total %(code)s") % {"code": account.code},
                "",
                account.debit,
                account.credit,
                account.closing,
            ],
            "total",
        )
    table.add(
        [_("Total"), "", "", "", "", "", report.debit, report.credit, report.closing], "total"
    )
    return table


def journal_report_table(report: JournalReport) -> ReportTable:
    table = ReportTable(
        title=_("Journal report"),
        subtitle=_("%(start)s to %(end)s")
        % {"start": report.date_from.isoformat(), "end": report.date_to.isoformat()},
        headers=[
            _("Journal"),
            _("Date"),
            _("Entry"),
            _("Account"),
            _("Label"),
            _("Party"),
            _("Debit"),
            _("Credit"),
        ],
        filename=f"journal-{report.journal or 'all'}-{report.date_from.isoformat()}-"
        f"{report.date_to.isoformat()}",
        pdf_columns=(1, 2, 3, 4, 5, 6, 7),
    )
    for section in report.journals:
        table.add(
            [section.code, "", "", "", f"{section.code} · {section.name}", "", "", ""], "head"
        )
        for entry in section.entries:
            for ln in entry.lines:
                table.add(
                    [
                        section.code,
                        entry.date,
                        entry.number,
                        ln.account_code,
                        ln.label or entry.label,
                        ln.party_name,
                        _blank(ln.debit),
                        _blank(ln.credit),
                    ]
                )
        table.add(
            [
                section.code,
                "",
                "",
                "",
                _("Total %(code)s") % {"code": section.code},
                "",
                section.debit,
                section.credit,
            ],
            "total",
        )
    table.add([_("Total"), "", "", "", "", "", report.debit, report.credit], "total")
    return table


def partner_ledger_table(report: PartnerLedger) -> ReportTable:
    table = ReportTable(
        title=_("Partner ledger"),
        subtitle=_("%(start)s to %(end)s")
        % {"start": report.date_from.isoformat(), "end": report.date_to.isoformat()},
        headers=[
            _("Party"),
            _("Type"),
            _("Date"),
            _("Entry"),
            _("Journal"),
            _("Account"),
            _("Label"),
            _("Debit"),
            _("Credit"),
            _("Balance"),
        ],
        filename=f"partner-ledger-{report.date_from.isoformat()}-{report.date_to.isoformat()}",
        pdf_columns=(2, 3, 4, 5, 6, 7, 8, 9),
    )
    type_names = dict(Account.Type.choices)
    for s in report.sections:
        kind = str(type_names.get(s.account_type, s.account_type))
        table.add(
            [
                s.party_name,
                kind,
                report.date_from,
                "",
                "",
                "",
                f"{s.party_name} ({kind}) · {_('Opening balance')}",
                "",
                "",
                s.opening,
            ],
            "head",
        )
        for ln in s.lines:
            table.add(
                [
                    s.party_name,
                    kind,
                    ln.date,
                    ln.entry_number,
                    ln.journal_code,
                    ln.account_code,
                    ln.label,
                    _blank(ln.debit),
                    _blank(ln.credit),
                    ln.balance,
                ]
            )
        table.add(
            [
                s.party_name,
                kind,
                report.date_to,
                "",
                "",
                "",
                _("Total"),
                s.debit,
                s.credit,
                s.closing,
            ],
            "total",
        )
    table.add([_("Total"), "", "", "", "", "", "", report.debit, report.credit, ""], "total")
    return table


def statement_table(report: Statement, *, all_lines: bool = False) -> ReportTable:
    """The statement as rows; lines without an amount only with ``all_lines``."""
    compare = report.comparative_fiscal_year is not None
    headers = [_("Section"), _("Group"), _("Code"), _("Line"), report.fiscal_year.name]
    if compare:
        headers.append(report.comparative_fiscal_year.name)  # type: ignore[union-attr]
    is_bs = report.kind == "balance_sheet"
    title = _("Balance sheet") if is_bs else _("Income statement")
    subtitle = (
        _("At the end of %(period)s") % {"period": report.period_to.name}
        if is_bs
        else _("%(first)s to %(last)s")
        % {"first": report.period_from.name, "last": report.period_to.name}
    )
    table = ReportTable(
        title=title,
        subtitle=subtitle,
        headers=headers,
        filename=f"{'balance-sheet' if is_bs else 'income-statement'}-{report.period_to.name}",
        pdf_columns=tuple(range(2, len(headers))),
    )

    def extra(value: Decimal | None) -> list[Any]:
        return [value] if compare else []

    for section in report.sections:
        section_label = str(SECTION_LABELS[section]())
        if is_bs:
            table.add([section_label, "", "", section_label.upper(), ""], "head")
        for group in report.groups:
            if group.section != section or (group.is_empty and not all_lines):
                continue
            table.add([section_label, group.label, "", group.label, ""], "head")
            for ln in group.lines:
                if not (all_lines or ln.amount or ln.comparative):
                    continue
                table.add(
                    [
                        section_label,
                        group.label,
                        ln.code,
                        ln.label,
                        ln.amount,
                        *extra(ln.comparative),
                    ]
                )
            table.add(
                [
                    section_label,
                    group.label,
                    "",
                    _("Total"),
                    group.total,
                    *extra(group.comparative),
                ],
                "total",
            )
        table.add(
            [
                section_label,
                "",
                "",
                _("Total %(section)s") % {"section": section_label},
                report.total(section),
                *extra(report.comparative_total(section)),
            ],
            "total",
        )
    if not is_bs:
        for block in report.blocks:
            label = _("Result: %(group)s") % {"group": block.label}
            table.add(["", block.label, "", label, block.total, *extra(block.comparative)])
        table.add(
            [
                "",
                "",
                "",
                _("Result of the period"),
                report.result,
                *extra(report.comparative_result),
            ],
            "total",
        )
    return table


# --------------------------------------------------------------------------- downloads

DOWNLOAD_FORMATS = ("csv", "xlsx", "pdf")
# A PDF is for reading: past this many rows, CSV or XLSX are the formats to use.
PDF_MAX_ROWS = 5000


def _pdf_cell(value: Any, currency: str, locale: str) -> str:
    from babel.numbers import format_decimal

    if isinstance(value, Decimal):
        return str(format_decimal(value, format="#,##0.00", locale=locale))
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def report_download(
    *, table: ReportTable, company: Company, fmt: str
) -> HttpResponse | StreamingHttpResponse:
    """The report as a CSV, XLSX or PDF download."""
    from comptoir.core.kernel.exports import export_response

    if fmt in ("csv", "xlsx"):
        return export_response(
            headers=table.headers, rows=table.rows, fmt=fmt, filename=table.filename
        )
    if fmt != "pdf":
        raise ValidationFailed(
            _("Choose csv, xlsx or pdf."),
            code="invalid_format",
            fields={"format": _("Choose csv, xlsx or pdf.")},
        )
    if len(table.rows) > PDF_MAX_ROWS:
        raise ValidationFailed(
            _("The report has %(count)d rows: too many for a PDF, download it as CSV or XLSX.")
            % {"count": len(table.rows)},
            code="report_too_large_for_pdf",
            fields={"format": _("At most %(max)d rows in a PDF.") % {"max": PDF_MAX_ROWS}},
        )
    from django.utils.translation import get_language

    from comptoir.core.kernel.pdf import pdf_response

    locale = (get_language() or "en").replace("-", "_")
    columns = table.pdf_columns or tuple(range(len(table.headers)))
    numeric = {
        i: any(isinstance(row[i], Decimal) for row in table.rows if i < len(row)) for i in columns
    }
    rows = [
        (style, [(_pdf_cell(row[i], company.currency, locale), numeric[i]) for i in columns])
        for row, style in zip(table.rows, table.styles, strict=True)
    ]
    return pdf_response(
        "ledger/reports/pdf.html",
        {
            "table": table,
            "headers": [(table.headers[i], numeric[i]) for i in columns],
            "rows": rows,
            "company": company,
            "currency": company.currency,
            "printed_at": timezone.localtime(),
        },
        filename=f"{table.filename}.pdf",
    )
