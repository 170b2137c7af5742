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
from comptoir.core.audit.services import audit_record
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


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


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
                    valid_from=_date(row.get("valid_from", "")),
                    valid_to=_date(row.get("valid_to", "")),
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


def check_date_open(*, company: Company, date: dt.date, actor: Any, field: str = "date") -> Period:
    """The open period of ``date``, or 409 ``period_locked``."""
    period = period_for(company, date, field=field)
    if period.state != Period.State.OPEN or period.fiscal_year.state != FiscalYear.State.OPEN:
        raise Conflict(
            _("The period %(period)s is closed.") % {"period": period.name},
            code="period_locked",
            fields={field: _("The period %(period)s is closed.") % {"period": period.name}},
        )
    settings = settings_for(company)
    if settings.hard_lock_date and date <= settings.hard_lock_date:
        raise Conflict(
            _("The books are locked up to %(date)s.") % {"date": settings.hard_lock_date},
            code="period_locked",
            fields={
                field: _("On or before the lock date %(date)s.") % {"date": settings.hard_lock_date}
            },
        )
    if (
        settings.soft_lock_date
        and date <= settings.soft_lock_date
        and not _actor_may_pass_soft_lock(actor)
    ):
        raise Conflict(
            _("The books are locked up to %(date)s except for closing accountants.")
            % {"date": settings.soft_lock_date},
            code="period_locked",
            fields={
                field: _("On or before the lock date %(date)s.") % {"date": settings.soft_lock_date}
            },
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
    for account in Account.objects.filter(company=company).filter(
        Q(pk__in=ids) | Q(code__in=codes)
    ):
        by_key[account.pk] = account
        by_key[account.code] = account
    tax_keys = {ln.tax for ln in lines if ln.tax is not None}
    taxes: dict[int | str, Tax] = {}
    if tax_keys:
        tax_ids = [k for k in tax_keys if isinstance(k, int)]
        tax_codes = [k for k in tax_keys if isinstance(k, str)]
        for tax in Tax.objects.filter(company=company).filter(
            Q(pk__in=tax_ids) | Q(code__in=tax_codes)
        ):
            taxes[tax.pk] = tax
            taxes[tax.code] = tax
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


def _journal(company: Company, journal: Journal | int | str) -> Journal:
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


# --------------------------------------------------------------------------- entries


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
    journal = _journal(company, journal)
    currency = (currency or company.currency).upper()
    period = period_for(company, date)
    if post:
        check_date_open(company=company, date=date, actor=actor)
    resolved = _resolve_lines(company=company, lines=lines, date=date, currency=currency)
    entry = Entry.objects.create(
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
    for line in resolved:
        line.entry = entry
        line.journal = journal
        line.date = date
    Line.objects.bulk_create(resolved)
    if post:
        _post(actor=actor, company=company, entry=entry, lines=resolved, period=period)
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
    check_date_open(company=company, date=entry.date, actor=actor)
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
    period = period_for(company, entry.date)
    _post(actor=actor, company=company, entry=entry, lines=lines, period=period)
    return entry


def _post(*, actor: Any, company: Company, entry: Entry, lines: list[Line], period: Period) -> None:
    journal = Journal.objects.select_for_update().get(pk=entry.journal_id)
    fiscal_year = period.fiscal_year
    number, sequence_no = take_number(
        company=company,
        code=f"journal-{journal.code.lower()}",
        fiscal_year=fiscal_year.end.year,
        pattern=f"{journal.code}-{{year}}-{{seq:06d}}",
    )
    accounts = {a.pk: a for a in Account.objects.filter(pk__in={ln.account_id for ln in lines})}
    for ln in lines:
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
    try:
        with transaction.atomic():
            Entry.objects.filter(pk=entry.pk).update(
                state=entry.state,
                number=number,
                sequence_no=sequence_no,
                previous_hash=previous,
                hash=digest,
                posted_at=now,
                posted_by=entry.posted_by,
                period=period,
                fiscal_year=fiscal_year,
            )
            Line.objects.filter(entry_id=entry.pk).update(posted=True)
    except DatabaseError as exc:
        raise _database_refusal(exc) from exc
    for ln in lines:
        ln.posted = True
    balances_add(company=company, period=period, lines=lines)
    Journal.objects.filter(pk=journal.pk).update(last_hash=digest)
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
