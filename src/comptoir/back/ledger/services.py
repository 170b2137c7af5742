"""Every write on the ledger's core: set-up, fiscal years, entries.

One transaction per command, audited, events published inside. Closing,
VAT returns and imports live beside this module (``closing.py``,
``vat.py``, ``imports.py``) and post through ``entry_post`` here.

Posting an entry (``entry_post``) in order:

1. lock the journal row: postings to one journal queue up here, which makes
   the number and the hash chain safe under concurrency;
2. check the rules (balanced, open period, lock dates, accounts and taxes
   of the company, not deprecated, taxes valid on the date) and answer with
   the error code a caller can act on;
3. take the next gapless number of the journal and fiscal year;
4. mark the entry and its lines posted; the database triggers check the
   same rules again;
5. add the lines to the per-account per-period ``Balance`` rows in one
   upsert, in account order (no deadlock between journals);
6. chain the hash, audit, publish ``EntryPosted``.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.back.ledger import triggers
from comptoir.back.ledger.domain import (
    ZERO,
    HashedEntry,
    HashedLine,
    LineDraft,
    entry_hash,
    imbalance,
    month_ranges,
)
from comptoir.back.ledger.models import (
    Account,
    Chart,
    Entry,
    FiscalYear,
    Journal,
    LedgerSettings,
    Line,
    Period,
    Tax,
)
from comptoir.core.audit.services import audit_record, snapshot
from comptoir.core.companies.models import Company
from comptoir.core.events.bus import publish
from comptoir.core.kernel.errors import Conflict, NotFound, ValidationFailed
from comptoir.core.kernel.money import round_money
from comptoir.core.numbering.services import take_number

DATA = Path(__file__).resolve().parent / "data"
CLOSING_PERMISSION = "closing.change"
CHART_FOR_COUNTRY = {"FR": Chart.FR_PCG, "RO": Chart.RO_PCG}

# The journals every company starts with: (code, kind, French name, Romanian name, English name).
DEFAULT_JOURNALS: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("VE", "sale", {"fr": "Ventes", "ro": "Jurnal de vânzări", "en": "Sales"}),
    ("AC", "purchase", {"fr": "Achats", "ro": "Jurnal de cumpărări", "en": "Purchases"}),
    ("BQ", "bank", {"fr": "Banque", "ro": "Bancă", "en": "Bank"}),
    ("CA", "cash", {"fr": "Caisse", "ro": "Casă", "en": "Cash"}),
    ("OD", "misc", {"fr": "Opérations diverses", "ro": "Note contabile", "en": "Miscellaneous"}),
    ("AN", "opening", {"fr": "À-nouveaux", "ro": "Solduri inițiale", "en": "Opening"}),
)
_LANG_FOR_CHART = {Chart.FR_PCG: "fr", Chart.RO_PCG: "ro", Chart.GENERIC: "en"}


# --------------------------------------------------------------------------- shipped data


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@lru_cache(maxsize=8)
def chart_rows(chart: str) -> tuple[dict[str, str], ...]:
    return tuple(_read_csv(DATA / "charts" / f"{chart}.csv"))


@lru_cache(maxsize=8)
def chart_roles(chart: str) -> dict[str, str]:
    return {
        row["role"]: row["code"]
        for row in _read_csv(DATA / "charts" / "roles.csv")
        if row["chart"] == chart
    }


@lru_cache(maxsize=8)
def tax_rows(country: str) -> tuple[dict[str, str], ...]:
    path = DATA / "taxes" / f"{country.lower()}.csv"
    return tuple(_read_csv(path)) if path.exists() else ()


# --------------------------------------------------------------------------- set-up


@transaction.atomic
def ledger_setup(
    *, actor: Any, company: Company, chart: str | None = None, year: int | None = None
) -> LedgerSettings:
    """Give ``company`` its chart, journals, taxes and a fiscal year. Safe to run again.

    The chart follows the company's country (PCG for France, the Romanian
    general chart for Romania, the generic one elsewhere) unless named.
    """
    existing = LedgerSettings.objects.filter(company=company).first()
    if existing is not None:
        return existing
    chart = chart or CHART_FOR_COUNTRY.get(company.country, Chart.GENERIC)
    if chart not in Chart.values:
        raise ValidationFailed(
            _("Unknown chart of accounts."),
            code="invalid_chart",
            fields={"chart": _("Choose one of: %(charts)s.") % {"charts": ", ".join(Chart.values)}},
        )
    settings = LedgerSettings.objects.create(company=company, chart=chart)
    roles = {code: role for role, code in chart_roles(chart).items()}
    # A code may serve several roles (RO 121 is both profit and loss): keep the first.
    Account.objects.bulk_create(
        [
            Account(
                company=company,
                code=row["code"],
                name=row["name"],
                type=row["type"],
                reconcilable=row.get("reconcilable") == "1",
                role=roles.get(row["code"], ""),
            )
            for row in chart_rows(chart)
        ]
    )
    accounts = {a.code: a for a in Account.objects.filter(company=company)}
    lang = _LANG_FOR_CHART[Chart(chart)]
    role_codes = chart_roles(chart)
    for code, kind, names in DEFAULT_JOURNALS:
        account = None
        if kind == "bank":
            account = accounts.get(role_codes.get("bank", ""))
        elif kind == "cash":
            account = accounts.get(role_codes.get("cash", ""))
        Journal.objects.create(
            company=company, code=code, kind=kind, name=names[lang], account=account
        )
    country = {Chart.FR_PCG: "fr", Chart.RO_PCG: "ro"}.get(Chart(chart))
    if country:
        Tax.objects.bulk_create(
            [
                Tax(
                    company=company,
                    code=row["code"],
                    name=row["name"],
                    rate=Decimal(row["rate"]),
                    scope=row["scope"],
                    kind=row["kind"],
                    price_included=row.get("price_included") == "1",
                    account=accounts.get(row["account"]) if row.get("account") else None,
                    counterpart_account=accounts.get(row["counterpart_account"])
                    if row.get("counterpart_account")
                    else None,
                    valid_from=_as_date(row.get("valid_from")),
                    valid_to=_as_date(row.get("valid_to")),
                    base_box=row.get("base_box", ""),
                    tax_box=row.get("tax_box", ""),
                    deductible_box=row.get("deductible_box", ""),
                )
                for row in tax_rows(country)
            ]
        )
    fiscal_year_create(actor=actor, company=company, year=year or timezone.localdate().year)
    audit_record(actor=actor, action="ledger.setup", obj=settings, after={"chart": chart})
    publish("LedgerSetUp", company=company, chart=chart)
    return settings


def settings_for(company: Company) -> LedgerSettings:
    settings = LedgerSettings.objects.filter(company=company).first()
    if settings is None:
        raise Conflict(_("This company has no ledger yet."), code="ledger_not_set_up", fields={})
    return settings


def account_for_role(company: Company, role: str) -> Account:
    """The company's account playing ``role`` (``receivable``, ``vat_collected``…)."""
    settings = settings_for(company)
    code = chart_roles(settings.chart).get(role)
    account = Account.objects.filter(company=company, code=code).first() if code else None
    if account is None:
        raise Conflict(
            _("No account plays the role %(role)s in this chart.") % {"role": role},
            code="account_role_missing",
            fields={"account": role},
        )
    return account


# --------------------------------------------------------------------------- fiscal years


@transaction.atomic
def fiscal_year_create(
    *,
    actor: Any,
    company: Company,
    year: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    name: str = "",
) -> FiscalYear:
    """A fiscal year with one period per month; calendar ``year`` unless dates are given."""
    if start is None or end is None:
        if year is None:
            raise ValidationFailed(
                _("Give a year or a start and an end date."),
                code="fiscal_year_dates",
                fields={"year": _("Required.")},
            )
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if end <= start:
        raise ValidationFailed(
            _("A fiscal year ends after it starts."),
            code="fiscal_year_dates",
            fields={"end": _("Must be after the start.")},
        )
    if (end - start).days > 731:
        raise ValidationFailed(
            _("A fiscal year lasts at most 24 months."),
            code="fiscal_year_dates",
            fields={"end": _("At most 24 months after the start.")},
        )
    overlap = FiscalYear.objects.filter(company=company, start__lte=end, end__gte=start).first()
    if overlap is not None:
        raise Conflict(
            _("The dates overlap the fiscal year %(name)s.") % {"name": overlap.name},
            code="fiscal_year_overlap",
            fields={"start": _("Overlaps %(name)s.") % {"name": overlap.name}},
        )
    name = name or (str(end.year) if start.year == end.year else f"{start.year}-{end.year}")
    fy = FiscalYear.objects.create(company=company, name=name, start=start, end=end)
    Period.objects.bulk_create(
        [
            Period(
                company=company,
                fiscal_year=fy,
                name=f"{first:%Y-%m}",
                start=first,
                end=last,
            )
            for first, last in month_ranges(start, end)
        ]
    )
    audit_record(actor=actor, action="fiscal_year.create", obj=fy)
    publish("FiscalYearCreated", company=company, fiscal_year_id=fy.pk)
    return fy


def period_for(company: Company, date: dt.date, *, field: str = "date") -> Period:
    """The period holding ``date``; 422 naming ``field`` when no fiscal year covers it."""
    period = (
        Period.objects.select_related("fiscal_year")
        .filter(company=company, start__lte=date, end__gte=date)
        .first()
    )
    if period is None:
        raise ValidationFailed(
            _("No fiscal year covers %(date)s.") % {"date": date.isoformat()},
            code="no_fiscal_year",
            fields={field: _("No fiscal year covers this date.")},
        )
    return period


# --------------------------------------------------------------------------- checks


def _actor_may_pass_soft_lock(actor: Any) -> bool:
    has_perm = getattr(actor, "has_perm", None)
    return bool(has_perm and has_perm(CLOSING_PERMISSION))


def check_date_open(
    *,
    company: Company,
    date: dt.date,
    actor: Any,
    field: str = "date",
    period: Period | None = None,
    locks: tuple[dt.date | None, dt.date | None] | None = None,
) -> Period:
    """The open period of ``date``, or 409 ``period_locked``."""
    period = period if period is not None else period_for(company, date, field=field)
    if period.state != Period.State.OPEN or period.fiscal_year.state != FiscalYear.State.OPEN:
        raise Conflict(
            _("The period %(period)s is closed.") % {"period": period.name},
            code="period_locked",
            fields={field: _("The period %(period)s is closed.") % {"period": period.name}},
        )
    if locks is None:
        settings = settings_for(company)
        locks = (settings.hard_lock_date, settings.soft_lock_date)
    hard_lock_date, soft_lock_date = locks
    if hard_lock_date and date <= hard_lock_date:
        raise Conflict(
            _("The books are locked up to %(date)s.") % {"date": hard_lock_date},
            code="period_locked",
            fields={field: _("On or before the lock date %(date)s.") % {"date": hard_lock_date}},
        )
    if soft_lock_date and date <= soft_lock_date and not _actor_may_pass_soft_lock(actor):
        raise Conflict(
            _("The books are locked up to %(date)s except for closing accountants.")
            % {"date": soft_lock_date},
            code="period_locked",
            fields={field: _("On or before the lock date %(date)s.") % {"date": soft_lock_date}},
        )
    return period


def _clean_amount(value: Any, field: str) -> Decimal:
    if value is None or value == "":
        return ZERO
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationFailed(
            _("Not an amount."), code="invalid_amount", fields={field: _("Not an amount.")}
        ) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationFailed(
            _("Amounts are positive: use the other column."),
            code="invalid_amount",
            fields={field: _("Must be zero or more.")},
        )
    if abs(amount) >= Decimal("1e16"):
        raise ValidationFailed(
            _("The amount is too large."), code="invalid_amount", fields={field: _("Too large.")}
        )
    return amount


def _resolve_lines(
    *, company: Company, lines: Sequence[LineDraft], date: dt.date, currency: str
) -> list[Line]:
    """Lines checked and bound to the company's accounts, parties and taxes (not saved)."""
    if len(lines) < 2:
        raise ValidationFailed(
            _("An entry needs at least two lines."),
            code="entry_too_short",
            fields={"lines": _("At least two lines.")},
        )
    codes = {ln.account for ln in lines if isinstance(ln.account, str)}
    ids = {ln.account for ln in lines if isinstance(ln.account, int)}
    by_key: dict[int | str, Account] = {}
    for known_account in Account.objects.filter(company=company).filter(
        Q(pk__in=ids) | Q(code__in=codes)
    ):
        by_key[known_account.pk] = known_account
        by_key[known_account.code] = known_account
    tax_keys = {ln.tax for ln in lines if ln.tax is not None}
    taxes: dict[int | str, Tax] = {}
    if tax_keys:
        tax_ids = [k for k in tax_keys if isinstance(k, int)]
        tax_codes = [k for k in tax_keys if isinstance(k, str)]
        for known_tax in Tax.objects.filter(company=company).filter(
            Q(pk__in=tax_ids) | Q(code__in=tax_codes)
        ):
            taxes[known_tax.pk] = known_tax
            taxes[known_tax.code] = known_tax
    party_ids = {ln.party for ln in lines if ln.party is not None}
    if party_ids:
        from comptoir.core.parties.models import Party

        known = set(
            Party.objects.filter(company=company, pk__in=party_ids).values_list("pk", flat=True)
        )
    else:
        known = set()
    result: list[Line] = []
    for i, draft in enumerate(lines):
        prefix = f"lines.{i}"
        account = by_key.get(draft.account)
        if account is None:
            raise ValidationFailed(
                _("Line %(n)s: no such account in this company.") % {"n": i + 1},
                code="account_unknown",
                fields={f"{prefix}.account": _("No such account in this company.")},
            )
        if account.deprecated:
            raise ValidationFailed(
                _("Line %(n)s: the account %(code)s is deprecated.")
                % {"n": i + 1, "code": account.code},
                code="account_deprecated",
                fields={f"{prefix}.account": _("This account is deprecated.")},
            )
        debit = _clean_amount(draft.debit, f"{prefix}.debit")
        credit = _clean_amount(draft.credit, f"{prefix}.credit")
        if debit and credit:
            raise ValidationFailed(
                _("Line %(n)s has both a debit and a credit.") % {"n": i + 1},
                code="line_debit_and_credit",
                fields={f"{prefix}.credit": _("A line is a debit or a credit, not both.")},
            )
        if round_money(debit, currency) != debit or round_money(credit, currency) != credit:
            raise ValidationFailed(
                _("Line %(n)s: too many decimals for %(currency)s.")
                % {"n": i + 1, "currency": currency},
                code="invalid_amount",
                fields={f"{prefix}.debit": _("Too many decimals for the currency.")},
            )
        tax = None
        if draft.tax is not None:
            tax = taxes.get(draft.tax)
            if tax is None:
                raise ValidationFailed(
                    _("Line %(n)s: no such tax in this company.") % {"n": i + 1},
                    code="tax_unknown",
                    fields={f"{prefix}.tax": _("No such tax in this company.")},
                )
            if (tax.valid_from and date < tax.valid_from) or (tax.valid_to and date > tax.valid_to):
                raise ValidationFailed(
                    _("The tax %(tax)s does not apply on %(date)s.")
                    % {"tax": tax.name, "date": date},
                    code="tax_not_valid",
                    fields={f"{prefix}.tax": _("Not valid on the entry's date.")},
                )
            if draft.tax_role not in Line.TaxRole.values:
                raise ValidationFailed(
                    _("Line %(n)s: say whether it is the base or the tax.") % {"n": i + 1},
                    code="tax_role_invalid",
                    fields={f"{prefix}.tax_role": _("Choose base, tax or deductible.")},
                )
        if draft.party is not None and draft.party not in known:
            raise ValidationFailed(
                _("Line %(n)s: no such party in this company.") % {"n": i + 1},
                code="party_unknown",
                fields={f"{prefix}.party": _("No such party in this company.")},
            )
        if draft.currency and len(draft.currency) != 3:
            raise ValidationFailed(
                _("Line %(n)s: a currency is a three-letter code.") % {"n": i + 1},
                code="invalid_currency",
                fields={f"{prefix}.currency": _("Three letters, e.g. EUR.")},
            )
        foreign = (
            draft.currency.upper() if draft.currency and draft.currency.upper() != currency else ""
        )
        result.append(
            Line(
                company=company,
                account=account,
                party_id=draft.party,
                label=(draft.label or "")[:200],
                debit=debit,
                credit=credit,
                currency=foreign,
                amount_currency=draft.amount_currency if foreign else None,
                tax=tax,
                tax_role=draft.tax_role if tax else "",
            )
        )
    difference = imbalance(result)  # type: ignore[arg-type]
    if difference:
        raise ValidationFailed(
            _("The entry is unbalanced by %(diff)s.") % {"diff": difference},
            code="entry_unbalanced",
            fields={
                "lines": _("Debits and credits differ by %(diff)s.") % {"diff": difference},
                "difference": str(difference),
            },
        )
    if not any(line.debit or line.credit for line in result):
        raise ValidationFailed(
            _("An entry moves some amount."),
            code="entry_empty",
            fields={"lines": _("Every line is zero.")},
        )
    return result


def _journal(company: Company, journal: Journal | int | str, *, lock: bool = False) -> Journal:
    """The company's active journal; ``lock`` holds its row until the transaction ends."""
    if lock:
        key = journal.pk if isinstance(journal, Journal) else journal
        lookup = {"pk": key} if isinstance(key, int) else {"code": key}
        locked = Journal.objects.select_for_update().filter(company=company, **lookup).first()
        if locked is not None and locked.active:
            return locked
    if isinstance(journal, Journal):
        if journal.company_id != company.pk:
            raise ValidationFailed(
                _("No such journal in this company."),
                code="journal_unknown",
                fields={"journal": _("No such journal in this company.")},
            )
        return journal
    lookup = {"pk": journal} if isinstance(journal, int) else {"code": journal}
    found = Journal.objects.filter(company=company, **lookup).first()
    if found is None:
        raise ValidationFailed(
            _("No such journal in this company."),
            code="journal_unknown",
            fields={"journal": _("No such journal in this company.")},
        )
    if not found.active:
        raise ValidationFailed(
            _("The journal %(code)s is archived.") % {"code": found.code},
            code="journal_archived",
            fields={"journal": _("This journal is archived.")},
        )
    return found


def _database_refusal(exc: DatabaseError) -> Exception:
    code = triggers.refused_code(exc)
    if code is None:
        return exc
    messages = {
        "entry_posted": _("A posted entry cannot be changed or deleted; reverse it."),
        "entry_unbalanced": _("The entry is unbalanced."),
        "entry_number_gap": _("The entry number does not follow the previous one."),
        "period_locked": _("The period is closed or locked."),
    }
    kind = ValidationFailed if code == "entry_unbalanced" else Conflict
    return kind(messages[code], code=code, fields={})


def _as_date(value: Any) -> dt.date | None:
    """A date from the database or a data file: ``None`` (or empty), a date, or ISO text."""
    if not value:
        return None
    return _day(value)


def _day(value: Any) -> dt.date:
    """A date column that is never null, as a date (SQLite may hand back text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _posting_context(
    company: Company, journal: Journal | int | str, date: dt.date
) -> tuple[Journal, Period, tuple[dt.date | None, dt.date | None]] | None:
    """The journal (locked), the period of ``date`` with its fiscal year, and the lock dates.

    One statement where posting would otherwise take four; ``None`` when any
    of them is missing, and the caller takes the slow path for its errors.
    """
    key = journal.pk if isinstance(journal, Journal) else journal
    column = "id" if isinstance(key, int) else "code"
    lock = " FOR UPDATE OF j" if connection.features.has_select_for_update_of else ""
    sql = (
        "SELECT j.id, j.code, j.name, j.kind, j.account_id, j.active, j.last_hash, "  # noqa: S608
        'p.id, p.name, p.start, p."end", p.state, f.id, f.name, f.start, f."end", f.state, '
        "s.hard_lock_date, s.soft_lock_date "
        "FROM ledger_journal j "
        "JOIN ledger_period p ON p.company_id = j.company_id "
        "JOIN ledger_fiscalyear f ON f.id = p.fiscal_year_id "
        "JOIN ledger_ledgersettings s ON s.company_id = j.company_id "
        f'WHERE j.company_id = %s AND j.{column} = %s AND p.start <= %s AND p."end" >= %s'
        f"{lock}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [company.pk, key, date, date])
        row = cursor.fetchone()
    if row is None or not row[5]:
        return None
    fiscal_year = FiscalYear(
        id=row[12],
        company=company,
        name=row[13],
        start=_day(row[14]),
        end=_day(row[15]),
        state=row[16],
    )
    fiscal_year._state.adding = False
    period = Period(
        id=row[7],
        company=company,
        fiscal_year=fiscal_year,
        name=row[8],
        start=_day(row[9]),
        end=_day(row[10]),
        state=row[11],
    )
    period._state.adding = False
    found = Journal(
        id=row[0],
        company=company,
        code=row[1],
        name=row[2],
        kind=row[3],
        account_id=row[4],
        active=bool(row[5]),
        last_hash=row[6],
    )
    found._state.adding = False
    return found, period, (_as_date(row[17]), _as_date(row[18]))


# --------------------------------------------------------------------------- entries


_ENTRY_COLUMNS = (
    "created_at",
    "updated_at",
    "company_id",
    "journal_id",
    "date",
    "period_id",
    "fiscal_year_id",
    "state",
    "number",
    "ref",
    "label",
    "currency",
    "source",
    "source_id",
    "reversal_of_id",
    "created_by_id",
    "previous_hash",
    "hash",
)


def _insert_entry(entry: Entry) -> None:
    """Write a new draft entry in one plain statement and give it its id."""
    now = timezone.now()
    entry.created_at = entry.updated_at = now
    stamp = connection.ops.adapt_datetimefield_value(now)
    sql = (
        f"INSERT INTO ledger_entry ({', '.join(_ENTRY_COLUMNS)}) "  # noqa: S608 - constants
        f"VALUES ({', '.join(['%s'] * len(_ENTRY_COLUMNS))}) RETURNING id"
    )
    params = [
        stamp,
        stamp,
        entry.company_id,
        entry.journal_id,
        entry.date,
        entry.period_id,
        entry.fiscal_year_id,
        entry.state,
        entry.number,
        entry.ref,
        entry.label,
        entry.currency,
        entry.source,
        entry.source_id,
        entry.reversal_of_id,
        entry.created_by_id,
        entry.previous_hash,
        entry.hash,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False
    entry._state.db = connection.alias


_LINE_COLUMNS = (
    "entry_id",
    "company_id",
    "journal_id",
    "date",
    "posted",
    "account_id",
    "party_id",
    "label",
    "debit",
    "credit",
    "currency",
    "amount_currency",
    "tax_id",
    "tax_role",
    "reconcile_ref",
)


def _insert_lines(lines: Sequence[Line]) -> None:
    """Write new draft lines in one statement (the ORM's bulk insert, without its overhead)."""
    row = "(" + ", ".join(["%s"] * len(_LINE_COLUMNS)) + ")"
    sql = (
        f"INSERT INTO ledger_line ({', '.join(_LINE_COLUMNS)}) "  # noqa: S608 - constants
        f"VALUES {', '.join([row] * len(lines))}"
    )
    params: list[Any] = []
    for ln in lines:
        params += [
            ln.entry_id,
            ln.company_id,
            ln.journal_id,
            ln.date,
            False,
            ln.account_id,
            ln.party_id,
            ln.label,
            ln.debit,
            ln.credit,
            ln.currency,
            ln.amount_currency,
            ln.tax_id,
            ln.tax_role,
            ln.reconcile_ref,
        ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@transaction.atomic
def entry_create(
    *,
    actor: Any,
    company: Company,
    journal: Journal | int | str,
    date: dt.date,
    lines: Sequence[LineDraft],
    label: str = "",
    ref: str = "",
    currency: str | None = None,
    source: str = "manual",
    source_id: str = "",
    post: bool = False,
    reversal_of: Entry | None = None,
) -> Entry:
    """A new entry, draft unless ``post``; its lines must balance either way."""
    # Posting locks the journal first: its number and its hash chain are taken under that lock.
    context = _posting_context(company, journal, date) if post else None
    if context is not None:
        journal, period, locks = context
        check_date_open(company=company, date=date, actor=actor, period=period, locks=locks)
    else:
        journal = _journal(company, journal, lock=post)
        period = period_for(company, date)
        if post:
            check_date_open(company=company, date=date, actor=actor, period=period)
    currency = (currency or company.currency).upper()
    resolved = _resolve_lines(company=company, lines=lines, date=date, currency=currency)
    entry = Entry(
        company=company,
        journal=journal,
        date=date,
        period=period,
        fiscal_year_id=period.fiscal_year_id,
        label=(label or "")[:200],
        ref=(ref or "")[:100],
        currency=currency,
        source=source,
        source_id=source_id,
        reversal_of=reversal_of,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _insert_entry(entry)
    for line in resolved:
        line.entry = entry
        line.journal = journal
        line.date = date
    _insert_lines(resolved)
    if post:
        _post(
            actor=actor,
            company=company,
            entry=entry,
            lines=resolved,
            period=period,
            journal=journal,
        )
    else:
        audit_record(actor=actor, action="entry.create", obj=entry)
    return entry


@transaction.atomic
def entry_update(
    *,
    actor: Any,
    company: Company,
    entry: Entry,
    date: dt.date | None = None,
    lines: Sequence[LineDraft] | None = None,
    label: str | None = None,
    ref: str | None = None,
    journal: Journal | int | str | None = None,
) -> Entry:
    """Change a draft. A posted entry answers 409 ``entry_posted``."""
    entry = _locked_draft(company, entry)
    if journal is not None:
        entry.journal = _journal(company, journal)
    if date is not None:
        period = period_for(company, date)
        entry.date, entry.period, entry.fiscal_year_id = date, period, period.fiscal_year_id
    if label is not None:
        entry.label = label[:200]
    if ref is not None:
        entry.ref = ref[:100]
    if lines is not None:
        resolved = _resolve_lines(
            company=company, lines=lines, date=entry.date, currency=entry.currency
        )
        entry.lines.all().delete()
        for line in resolved:
            line.entry = entry
            line.journal = entry.journal
            line.date = entry.date
        Line.objects.bulk_create(resolved)
    entry.save()
    entry.lines.update(date=entry.date, journal=entry.journal)
    audit_record(actor=actor, action="entry.update", obj=entry)
    return entry


def _locked_draft(company: Company, entry: Entry | int) -> Entry:
    pk = entry.pk if isinstance(entry, Entry) else entry
    found = Entry.objects.select_for_update().filter(company=company, pk=pk).first()
    if found is None:
        raise NotFound(_("No such entry."), code="entry_not_found")
    if found.state == Entry.State.POSTED:
        raise Conflict(
            _("The entry %(number)s is posted: reverse it instead.") % {"number": found.number},
            code="entry_posted",
            fields={},
        )
    return found


@transaction.atomic
def entry_delete(*, actor: Any, company: Company, entry: Entry) -> None:
    """Delete a draft; a posted entry answers 409 ``entry_posted``."""
    entry = _locked_draft(company, entry)
    audit_record(actor=actor, action="entry.delete", obj=entry, before={"id": entry.pk})
    entry.lines.all().delete()
    entry.delete()


@transaction.atomic
def entry_post(*, actor: Any, company: Company, entry: Entry) -> Entry:
    """Post a draft: check it, number it, chain its hash, add it to the balances."""
    entry = _locked_draft(company, entry)
    period = check_date_open(company=company, date=entry.date, actor=actor)
    lines = list(entry.lines.select_related("account", "tax"))
    drafts = [
        LineDraft(
            account=ln.account_id,
            debit=ln.debit,
            credit=ln.credit,
            label=ln.label,
            party=ln.party_id,
            currency=ln.currency,
            amount_currency=ln.amount_currency,
            tax=ln.tax_id,
            tax_role=ln.tax_role,
        )
        for ln in lines
    ]
    _resolve_lines(company=company, lines=drafts, date=entry.date, currency=entry.currency)
    _post(actor=actor, company=company, entry=entry, lines=lines, period=period)
    return entry


def _post(
    *,
    actor: Any,
    company: Company,
    entry: Entry,
    lines: list[Line],
    period: Period,
    journal: Journal | None = None,
) -> None:
    """Number, hash, mark posted and add to the balances. ``journal``: already locked."""
    if journal is None:
        journal = Journal.objects.select_for_update().get(pk=entry.journal_id)
    fiscal_year = period.fiscal_year
    number, sequence_no = take_number(
        company=company,
        code=f"journal-{journal.code.lower()}",
        fiscal_year=fiscal_year.end.year,
        pattern=f"{journal.code}-{{year}}-{{seq:06d}}",
    )
    missing = {ln.account_id for ln in lines if not Line.account.is_cached(ln)}
    if missing:
        accounts = {a.pk: a for a in Account.objects.filter(pk__in=missing)}
        for ln in lines:
            if ln.account_id in accounts:
                ln.account = accounts[ln.account_id]
    previous = journal.last_hash
    digest = entry_hash(
        previous,
        HashedEntry(
            company_id=company.pk,
            journal_code=journal.code,
            number=number,
            date=entry.date,
            currency=entry.currency,
            label=entry.label,
            ref=entry.ref,
            lines=[_hashed(ln) for ln in lines],
        ),
    )
    now = timezone.now()
    entry.state = Entry.State.POSTED
    entry.number = number
    entry.sequence_no = sequence_no
    entry.previous_hash = previous
    entry.hash = digest
    entry.posted_at = now
    entry.posted_by = actor if getattr(actor, "pk", None) else None
    entry.period = period
    entry.fiscal_year = fiscal_year
    # No savepoint here: every caller is atomic, and a refusal aborts its whole command.
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE ledger_entry SET state = %s, number = %s, sequence_no = %s, "
                "previous_hash = %s, hash = %s, posted_at = %s, posted_by_id = %s, "
                "period_id = %s, fiscal_year_id = %s WHERE id = %s",
                [
                    entry.state,
                    number,
                    sequence_no,
                    previous,
                    digest,
                    connection.ops.adapt_datetimefield_value(now),
                    entry.posted_by_id,
                    period.pk,
                    fiscal_year.pk,
                    entry.pk,
                ],
            )
            # The database marks the lines posted with the entry (ledger_entry_posted_lines).
    except DatabaseError as exc:
        raise _database_refusal(exc) from exc
    for ln in lines:
        ln.posted = True
    balances_add(company=company, period=period, lines=lines)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_journal SET last_hash = %s WHERE id = %s", [digest, journal.pk]
        )
    journal.last_hash = digest
    audit_record(
        actor=actor,
        action="entry.post",
        obj=entry,
        after={"number": number, "hash": digest, "date": entry.date.isoformat()},
    )
    publish(
        "EntryPosted",
        company=company,
        entry_id=entry.pk,
        number=number,
        journal=journal.code,
        date=entry.date.isoformat(),
    )


def _hashed(line: Line) -> HashedLine:
    return HashedLine(
        account_code=line.account.code,
        party_id=line.party_id,
        label=line.label,
        debit=line.debit,
        credit=line.credit,
        currency=line.currency,
        amount_currency=line.amount_currency,
    )


def balances_add(*, company: Company, period: Period, lines: Iterable[Line]) -> None:
    """Add posted lines to their account's balance for ``period`` (one upsert)."""
    totals: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for ln in lines:
        totals[ln.account_id][0] += ln.debit
        totals[ln.account_id][1] += ln.credit
    if not totals:
        return
    rows = sorted(totals.items())
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    params: list[Any] = []
    for account_id, (debit, credit) in rows:
        params += [company.pk, account_id, period.pk, debit, credit]
    sql = (
        "INSERT INTO ledger_balance (company_id, account_id, period_id, debit, credit) "  # noqa: S608
        f"VALUES {values} "
        "ON CONFLICT (account_id, period_id) DO UPDATE SET "
        "debit = ledger_balance.debit + excluded.debit, "
        "credit = ledger_balance.credit + excluded.credit"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@transaction.atomic
def entry_reverse(
    *,
    actor: Any,
    company: Company,
    entry: Entry,
    date: dt.date | None = None,
    label: str = "",
) -> Entry:
    """Post the mirror of a posted entry (debits become credits), linked to it.

    The reversal is dated ``date`` (default: the original's date if its
    period is still open, else today) in the same journal.
    """
    original = Entry.objects.select_for_update().filter(company=company, pk=entry.pk).first()
    if original is None:
        raise NotFound(_("No such entry."), code="entry_not_found")
    if original.state != Entry.State.POSTED:
        raise Conflict(
            _("Only a posted entry is reversed; delete or change the draft."),
            code="entry_not_posted",
            fields={},
        )
    if Entry.objects.filter(reversal_of=original).exists():
        raise Conflict(
            _("The entry %(number)s is reversed already.") % {"number": original.number},
            code="entry_reversed",
            fields={},
        )
    if original.reversal_of_id is not None:
        raise Conflict(
            _("A reversal is not reversed; post a new entry."), code="entry_is_reversal", fields={}
        )
    if date is None:
        date = original.date
        try:
            check_date_open(company=company, date=date, actor=actor)
        except (Conflict, ValidationFailed):
            date = timezone.localdate()
    mirror = [
        LineDraft(
            account=ln.account_id,
            debit=ln.credit,
            credit=ln.debit,
            label=ln.label,
            party=ln.party_id,
            currency=ln.currency,
            amount_currency=-ln.amount_currency if ln.amount_currency is not None else None,
            tax=ln.tax_id,
            tax_role=ln.tax_role,
        )
        for ln in original.lines.all()
    ]
    reversal = entry_create(
        actor=actor,
        company=company,
        journal=original.journal,
        date=date,
        lines=mirror,
        label=label or _("Reversal of %(number)s") % {"number": original.number},
        ref=original.number,
        currency=original.currency,
        source="reversal",
        source_id=str(original.pk),
        post=True,
        reversal_of=original,
    )
    publish("EntryReversed", company=company, entry_id=original.pk, reversal_id=reversal.pk)
    return reversal


# --------------------------------------------------------------------------- set-up data
# Accounts, journals and taxes of a company: created, changed, deprecated.
# Writes need ``ledger.change``; each one is audited and publishes an event.

_UNSET: Any = object()
JOURNAL_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
ACCOUNT_CODE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_")
RATE_MAX = Decimal("100")


def _text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ValidationFailed(
            _("%(field)s is required.") % {"field": field},
            code="required",
            fields={field: _("Required.")},
        )
    if len(text) > max_length:
        raise ValidationFailed(
            _("%(field)s is too long.") % {"field": field},
            code="too_long",
            fields={field: _("At most %(n)d characters.") % {"n": max_length}},
        )
    return text


def _own(company: Company, obj: Any, code: str) -> None:
    if obj.company_id != company.pk:
        raise NotFound(_("Not found."), code=code)


def _account_type(value: Any) -> str:
    if value not in Account.Type.values:
        raise ValidationFailed(
            _("Unknown account type."),
            code="invalid_account_type",
            fields={"type": _("Choose one of: %(types)s.") % {"types": ", ".join(Account.Type)}},
        )
    return str(value)


def _company_account(
    company: Company, value: Account | int | str | None, field: str
) -> Account | None:
    """The company's live account named by object, id or code (422 naming ``field``)."""
    if value is None or value == "":
        return None
    if isinstance(value, Account):
        account: Account | None = value if value.company_id == company.pk else None
    elif isinstance(value, int):
        account = Account.objects.filter(company=company, pk=value).first()
    else:
        account = Account.objects.filter(company=company, code=str(value).strip()).first()
    if account is None:
        raise ValidationFailed(
            _("No such account in this company."),
            code="account_unknown",
            fields={field: _("No such account in this company.")},
        )
    if account.deprecated:
        raise ValidationFailed(
            _("The account %(code)s is deprecated.") % {"code": account.code},
            code="account_deprecated",
            fields={field: _("This account is deprecated.")},
        )
    return account


def account_is_used(account: Account) -> bool:
    """True once a posted line moves ``account``: its code and type are then fixed."""
    return Line.objects.filter(account=account, posted=True).exists()


@transaction.atomic
def account_create(
    *,
    actor: Any,
    company: Company,
    code: str,
    name: str,
    type: str,
    reconcilable: bool = False,
) -> Account:
    """A new account of the chart; 409 ``account_exists`` when the code is taken."""
    code = _text(code, "code", max_length=20)
    if not set(code) <= ACCOUNT_CODE_CHARS:
        raise ValidationFailed(
            _("An account code holds letters, digits, dots, dashes and underscores."),
            code="invalid_account_code",
            fields={"code": _("Letters, digits, '.', '-' and '_' only.")},
        )
    name = _text(name, "name", max_length=200)
    kind = _account_type(type)
    if Account.objects.filter(company=company, code=code).exists():
        raise Conflict(
            _("The account %(code)s exists already.") % {"code": code},
            code="account_exists",
            fields={"code": _("This code is taken.")},
        )
    account = Account.objects.create(
        company=company, code=code, name=name, type=kind, reconcilable=bool(reconcilable)
    )
    audit_record(actor=actor, action="account.create", obj=account)
    publish("AccountCreated", company=company, account_id=account.pk, code=code)
    return account


@transaction.atomic
def account_update(
    *,
    actor: Any,
    company: Company,
    account: Account,
    code: str | None = None,
    name: str | None = None,
    type: str | None = None,
    reconcilable: bool | None = None,
) -> Account:
    """Rename or retype an account; code and type are fixed once it has posted lines."""
    _own(company, account, "account_not_found")
    account = Account.objects.select_for_update().get(pk=account.pk)
    before = snapshot(account)
    changes: dict[str, Any] = {}
    if code is not None:
        new_code = _text(code, "code", max_length=20)
        if not set(new_code) <= ACCOUNT_CODE_CHARS:
            raise ValidationFailed(
                _("An account code holds letters, digits, dots, dashes and underscores."),
                code="invalid_account_code",
                fields={"code": _("Letters, digits, '.', '-' and '_' only.")},
            )
        if new_code != account.code:
            changes["code"] = new_code
    if name is not None:
        changes["name"] = _text(name, "name", max_length=200)
    if type is not None and type != account.type:
        changes["type"] = _account_type(type)
    if reconcilable is not None:
        changes["reconcilable"] = bool(reconcilable)
    fixed = [f for f in ("code", "type") if f in changes]
    if fixed and account_is_used(account):
        raise Conflict(
            _("The account %(code)s has posted lines: its code and type cannot change.")
            % {"code": account.code},
            code="account_used",
            fields={f: _("Fixed once the account has posted lines.") for f in fixed},
        )
    if "code" in changes and (
        Account.objects.filter(company=company, code=changes["code"])
        .exclude(pk=account.pk)
        .exists()
    ):
        raise Conflict(
            _("The account %(code)s exists already.") % {"code": changes["code"]},
            code="account_exists",
            fields={"code": _("This code is taken.")},
        )
    changed = sorted(k for k, v in changes.items() if getattr(account, k) != v)
    if not changed:
        return account
    for key in changed:
        setattr(account, key, changes[key])
    account.save(update_fields=changed)
    audit_record(actor=actor, action="account.update", obj=account, before=before)
    publish("AccountUpdated", company=company, account_id=account.pk, changed=changed)
    return account


def _account_flag(*, actor: Any, company: Company, account: Account, deprecated: bool) -> Account:
    _own(company, account, "account_not_found")
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account.deprecated == deprecated:
        return account
    if deprecated:
        journal = Journal.objects.filter(company=company, account=account, active=True).first()
        if journal is not None:
            raise Conflict(
                _("The journal %(code)s moves this account; change or archive it first.")
                % {"code": journal.code},
                code="account_in_use",
                fields={"deprecated": _("Used by the journal %(code)s.") % {"code": journal.code}},
            )
    account.deprecated = deprecated
    account.save(update_fields=["deprecated"])
    action = "account.deprecate" if deprecated else "account.restore"
    audit_record(
        actor=actor,
        action=action,
        obj=account,
        before={"deprecated": not deprecated},
        after={"deprecated": deprecated},
    )
    publish(
        "AccountDeprecated" if deprecated else "AccountRestored",
        company=company,
        account_id=account.pk,
        code=account.code,
    )
    return account


@transaction.atomic
def account_deprecate(*, actor: Any, company: Company, account: Account) -> Account:
    """Keep the account and its history but accept no new line on it."""
    return _account_flag(actor=actor, company=company, account=account, deprecated=True)


@transaction.atomic
def account_restore(*, actor: Any, company: Company, account: Account) -> Account:
    """Accept lines on a deprecated account again."""
    return _account_flag(actor=actor, company=company, account=account, deprecated=False)


@transaction.atomic
def account_delete(*, actor: Any, company: Company, account: Account) -> None:
    """Delete an account nothing refers to; a used one is deprecated instead (409)."""
    _own(company, account, "account_not_found")
    account = Account.objects.select_for_update().get(pk=account.pk)
    used = (
        Line.objects.filter(account=account).exists()
        or Journal.objects.filter(account=account).exists()
        or Tax.objects.filter(Q(account=account) | Q(counterpart_account=account)).exists()
    )
    if used:
        raise Conflict(
            _("The account %(code)s is used: deprecate it instead.") % {"code": account.code},
            code="account_used",
            fields={"code": _("Used by entries, journals or taxes.")},
        )
    audit_record(actor=actor, action="account.delete", obj=account, before=snapshot(account))
    publish("AccountDeleted", company=company, account_id=account.pk, code=account.code)
    account.delete()


_JOURNAL_ACCOUNT_TYPE = {Journal.Kind.BANK: Account.Type.BANK, Journal.Kind.CASH: Account.Type.CASH}


def _journal_account(company: Company, kind: str, value: Any) -> Account | None:
    account = _company_account(company, value, "account")
    needed = _JOURNAL_ACCOUNT_TYPE.get(Journal.Kind(kind))
    if needed is None:
        return account
    if account is None:
        raise ValidationFailed(
            _("A bank or cash journal moves one account of that type."),
            code="journal_account_required",
            fields={"account": _("Choose an account of type %(type)s.") % {"type": needed.label}},
        )
    if account.type != needed:
        raise ValidationFailed(
            _("The account %(code)s is not of type %(type)s.")
            % {"code": account.code, "type": needed.label},
            code="journal_account_type",
            fields={"account": _("Choose an account of type %(type)s.") % {"type": needed.label}},
        )
    return account


@transaction.atomic
def journal_create(
    *,
    actor: Any,
    company: Company,
    code: str,
    name: str,
    kind: str,
    account: Account | int | str | None = None,
    active: bool = True,
) -> Journal:
    """A new journal; bank and cash journals name the bank or cash account they move."""
    code = _text(code, "code", max_length=10).upper()
    if not set(code) <= JOURNAL_CODE_CHARS:
        raise ValidationFailed(
            _("A journal code is 1 to 10 capital letters or digits."),
            code="invalid_journal_code",
            fields={"code": _("Capital letters and digits only, e.g. BQ2.")},
        )
    name = _text(name, "name", max_length=100)
    if kind not in Journal.Kind.values:
        raise ValidationFailed(
            _("Unknown journal kind."),
            code="invalid_journal_kind",
            fields={"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Journal.Kind)}},
        )
    if Journal.objects.filter(company=company, code=code).exists():
        raise Conflict(
            _("The journal %(code)s exists already.") % {"code": code},
            code="journal_exists",
            fields={"code": _("This code is taken.")},
        )
    journal = Journal.objects.create(
        company=company,
        code=code,
        name=name,
        kind=kind,
        account=_journal_account(company, kind, account),
        active=bool(active),
    )
    audit_record(actor=actor, action="journal.create", obj=journal)
    publish("JournalCreated", company=company, journal_id=journal.pk, code=code)
    return journal


@transaction.atomic
def journal_update(
    *,
    actor: Any,
    company: Company,
    journal: Journal,
    name: str | None = None,
    active: bool | None = None,
    account: Account | int | str | None = _UNSET,
) -> Journal:
    """Rename, archive or re-point a journal. Its code and kind never change: they
    are part of its entries' numbers."""
    _own(company, journal, "journal_not_found")
    # Locked like a posting does, and saved field by field: ``last_hash`` is not ours.
    journal = Journal.objects.select_for_update().get(pk=journal.pk)
    before = snapshot(journal)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = _text(name, "name", max_length=100)
    if active is not None:
        changes["active"] = bool(active)
    if account is not _UNSET:
        new = _journal_account(company, journal.kind, account)
        changes["account_id"] = new.pk if new is not None else None
    changed = sorted(k for k, v in changes.items() if getattr(journal, k) != v)
    if not changed:
        return journal
    for key in changed:
        setattr(journal, key, changes[key])
    journal.save(update_fields=changed)
    audit_record(actor=actor, action="journal.update", obj=journal, before=before)
    publish("JournalUpdated", company=company, journal_id=journal.pk, changed=changed)
    return journal


TAX_FIELDS = (
    "code",
    "name",
    "rate",
    "scope",
    "kind",
    "price_included",
    "account",
    "counterpart_account",
    "valid_from",
    "valid_to",
    "base_box",
    "tax_box",
    "deductible_box",
    "active",
)
# What a posted line already says about its tax: fixed once the tax is used.
TAX_FIXED = ("code", "rate", "scope", "kind", "price_included")


def _clean_tax(
    company: Company, data: dict[str, Any], *, current: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Every field of a tax checked; accounts resolved to the company's.

    An account the tax already had is kept even if deprecated since.
    """
    clean: dict[str, Any] = {}
    code = _text(data.get("code"), "code", max_length=40)
    if not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        raise ValidationFailed(
            _("A tax code holds letters, digits, dashes and underscores."),
            code="invalid_tax_code",
            fields={"code": _("Letters, digits, '-' and '_' only, e.g. fr-vat-20.")},
        )
    clean["code"] = code
    clean["name"] = _text(data.get("name"), "name", max_length=120)
    try:
        rate = Decimal(str(data.get("rate")))
    except (InvalidOperation, ValueError):
        rate = Decimal("NaN")
    if (
        not rate.is_finite()
        or rate < 0
        or rate > RATE_MAX
        or rate != rate.quantize(Decimal("0.0001"))
    ):
        raise ValidationFailed(
            _("A rate is a percentage from 0 to 100."),
            code="invalid_rate",
            fields={"rate": _("From 0 to 100, at most four decimals.")},
        )
    clean["rate"] = rate
    if data.get("scope") not in Tax.Scope.values:
        raise ValidationFailed(
            _("A tax applies to sales or purchases."),
            code="invalid_tax_scope",
            fields={"scope": _("Choose sale or purchase.")},
        )
    clean["scope"] = data["scope"]
    kind = data.get("kind") or Tax.Kind.STANDARD
    if kind not in Tax.Kind.values:
        raise ValidationFailed(
            _("Unknown tax kind."),
            code="invalid_tax_kind",
            fields={"kind": _("Choose one of: %(kinds)s.") % {"kinds": ", ".join(Tax.Kind)}},
        )
    clean["kind"] = kind
    clean["price_included"] = bool(data.get("price_included"))
    for name in ("account", "counterpart_account"):
        value = data.get(name)
        kept = (current or {}).get(name)
        if kept is not None and value in (kept, kept.pk, kept.code):
            clean[name] = kept
        else:
            clean[name] = _company_account(company, value, name)
    if rate and clean["account"] is None and kind in (Tax.Kind.STANDARD, Tax.Kind.REVERSE_CHARGE):
        raise ValidationFailed(
            _("A tax with a rate posts to a tax account."),
            code="tax_account_required",
            fields={"account": _("Choose the VAT account.")},
        )
    if rate and kind == Tax.Kind.REVERSE_CHARGE and clean["counterpart_account"] is None:
        raise ValidationFailed(
            _("A reverse charge posts the VAT due and the VAT deductible."),
            code="tax_account_required",
            fields={"counterpart_account": _("Choose the deductible VAT account.")},
        )
    valid_from, valid_to = data.get("valid_from"), data.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise ValidationFailed(
            _("A tax stops being valid after it starts."),
            code="tax_validity",
            fields={"valid_to": _("On or after the start of validity.")},
        )
    clean["valid_from"], clean["valid_to"] = valid_from or None, valid_to or None
    for box in ("base_box", "tax_box", "deductible_box"):
        clean[box] = _text(data.get(box), box, max_length=10, required=False)
    clean["active"] = bool(data.get("active", True))
    return clean


def tax_is_used(tax: Tax) -> bool:
    """True once a posted line carries ``tax``: what it says about the tax is then fixed."""
    return Line.objects.filter(tax=tax, posted=True).exists()


@transaction.atomic
def tax_create(
    *,
    actor: Any,
    company: Company,
    code: str,
    name: str,
    rate: Decimal | str,
    scope: str,
    kind: str = "standard",
    price_included: bool = False,
    account: Account | int | str | None = None,
    counterpart_account: Account | int | str | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    base_box: str = "",
    tax_box: str = "",
    deductible_box: str = "",
    active: bool = True,
) -> Tax:
    """A new tax rate with its accounts, validity dates and return boxes."""
    data = _clean_tax(
        company,
        {
            "code": code,
            "name": name,
            "rate": rate,
            "scope": scope,
            "kind": kind,
            "price_included": price_included,
            "account": account,
            "counterpart_account": counterpart_account,
            "valid_from": valid_from,
            "valid_to": valid_to,
            "base_box": base_box,
            "tax_box": tax_box,
            "deductible_box": deductible_box,
            "active": active,
        },
    )
    if Tax.objects.filter(company=company, code=data["code"]).exists():
        raise Conflict(
            _("The tax %(code)s exists already.") % {"code": data["code"]},
            code="tax_exists",
            fields={"code": _("This code is taken.")},
        )
    tax = Tax.objects.create(company=company, **data)
    audit_record(actor=actor, action="tax.create", obj=tax)
    publish("TaxCreated", company=company, tax_id=tax.pk, code=tax.code)
    return tax


@transaction.atomic
def tax_update(*, actor: Any, company: Company, tax: Tax, **changes: Any) -> Tax:
    """Change some fields of a tax. Code, rate, scope, kind and price inclusion are
    fixed once posted lines use it: end its validity and create another instead."""
    _own(company, tax, "tax_not_found")
    unknown = set(changes) - set(TAX_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="invalid_field",
            fields={name: _("Unknown field.") for name in unknown},
        )
    tax = Tax.objects.select_for_update().get(pk=tax.pk)
    before = snapshot(tax)
    current = {name: getattr(tax, name) for name in TAX_FIELDS}
    data = _clean_tax(company, {**current, **changes}, current=current)
    changed = sorted(name for name in TAX_FIELDS if data[name] != current[name])
    fixed = [name for name in TAX_FIXED if name in changed]
    if fixed and tax_is_used(tax):
        raise Conflict(
            _("The tax %(code)s is on posted lines: end its validity and create another.")
            % {"code": tax.code},
            code="tax_used",
            fields={name: _("Fixed once posted lines use the tax.") for name in fixed},
        )
    if "code" in changed and (
        Tax.objects.filter(company=company, code=data["code"]).exclude(pk=tax.pk).exists()
    ):
        raise Conflict(
            _("The tax %(code)s exists already.") % {"code": data["code"]},
            code="tax_exists",
            fields={"code": _("This code is taken.")},
        )
    if not changed:
        return tax
    for name in changed:
        setattr(tax, name, data[name])
    tax.save()
    audit_record(actor=actor, action="tax.update", obj=tax, before=before)
    publish("TaxUpdated", company=company, tax_id=tax.pk, changed=changed)
    return tax
