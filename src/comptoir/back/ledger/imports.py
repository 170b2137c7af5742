"""Opening balances from a CSV file (or rows sent to the API): all or nothing.

The file has the columns ``account,party,debit,credit,label`` (``party`` and
``label`` may be left out). Every row is checked before anything is written;
when any row is bad, nothing is imported and the answer is a 422
``import_rejected`` whose ``fields`` name each fault as ``rows.<n>.<column>``,
``n`` counting from 1 at the first row after the header. A good file becomes
one posted entry in the opening journal (AN), dated the fiscal year's first
day unless told otherwise.

Amounts may be written ``1234.56``, ``1 234,56`` or ``1.234,56``; the file may
be separated by commas or semicolons, in UTF-8 or Windows-1252.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.back.ledger import selectors, services
from comptoir.back.ledger.domain import ZERO, LineDraft
from comptoir.back.ledger.models import Account, Entry, Journal
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import BadRequest, Conflict, TooLarge, ValidationFailed
from comptoir.core.kernel.money import round_money

COLUMNS = ("account", "party", "debit", "credit", "label")
REQUIRED_COLUMNS = ("account", "debit", "credit")
MAX_ROWS = 20_000
SOURCE = "import"
SAMPLE = {
    "fr_pcg": (
        ("512", "", "15000.00", "", "Banque"),
        ("411", "", "2400.00", "", "Clients"),
        ("401", "", "", "1800.00", "Fournisseurs"),
        ("101", "", "", "15600.00", "Capital"),
    ),
    "ro_pcg": (
        ("5121", "", "65000.00", "", "Conturi la bănci în lei"),
        ("4111", "", "12000.00", "", "Clienți"),
        ("401", "", "", "7000.00", "Furnizori"),
        ("1012", "", "", "70000.00", "Capital subscris vărsat"),
    ),
    "generic": (
        ("1100", "", "15000.00", "", "Bank"),
        ("1200", "", "2400.00", "", "Customers"),
        ("2000", "", "", "1800.00", "Suppliers"),
        ("3000", "", "", "15600.00", "Share capital"),
    ),
}


@dataclass
class RowError:
    """A rejected row: its number (1 = first row after the header), values and reasons."""

    row: int
    values: dict[str, str]
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass
class OpeningRow:
    row: int
    account: Account
    party_id: int | None
    debit: Decimal
    credit: Decimal
    label: str


@dataclass(frozen=True)
class ImportResult:
    entry: Entry
    rows: int
    debit: Decimal
    credit: Decimal


class ImportRejected(ValidationFailed):
    """422 ``import_rejected``; ``rejected`` holds the per-row report."""

    def __init__(self, message: str, rejected: list[RowError], extra: Mapping[str, str]) -> None:
        fields: dict[str, list[str]] = {k: [v] for k, v in extra.items()}
        for error in rejected:
            for column, reason in error.reasons.items():
                fields[f"rows.{error.row}.{column}"] = [reason]
        super().__init__(message, code="import_rejected", fields=fields)
        self.rejected = rejected


# --------------------------------------------------------------------------- reading


def decode(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise BadRequest(
            _("The file is not a CSV text file."),
            code="import_not_csv",
            fields={"file": _("Binary content (NUL characters).")},
        )
    return text


def read_csv(text: str) -> list[dict[str, str]]:
    """The rows of the file as ``{column: value}``; 422 when a required column is missing."""
    first = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise ValidationFailed(
            _("The file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)},
            code="import_columns",
            fields={
                "file": _("Expected the columns %(columns)s.") % {"columns": ",".join(COLUMNS)}
            },
        )
    reader.fieldnames = header
    rows: list[dict[str, str]] = []
    try:
        for raw in reader:
            if len(rows) >= MAX_ROWS:
                raise TooLarge(
                    _("At most %(n)d rows per import.") % {"n": MAX_ROWS},
                    code="import_too_large",
                    fields={"file": _("At most %(n)d rows.") % {"n": MAX_ROWS}},
                )
            row = {c: str(raw.get(c) or "").strip() for c in COLUMNS}
            if any(row.values()):
                rows.append(row)
    except csv.Error as exc:
        raise ValidationFailed(
            _("The file is not a readable CSV file."),
            code="import_not_csv",
            fields={"file": str(exc)},
        ) from None
    return rows


def parse_amount(text: str) -> Decimal:
    """``1234.56``, ``1 234,56``, ``1.234,56`` or ``1,234.56`` as a Decimal (ValueError else)."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("'", "")
    if not cleaned:
        return ZERO
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(text) from None
    if not amount.is_finite():
        raise ValueError(text)
    return amount


# --------------------------------------------------------------------------- checking


def _parties(company: Company, keys: set[str]) -> dict[str, list[int]]:
    """Party ids by the key a file gives: id, name (any case), VAT or national number."""
    from comptoir.core.parties.models import Party

    if not keys:
        return {}
    parties = Party.objects.filter(company=company)
    if all(k.isdigit() and len(k) < 10 for k in keys):
        parties = parties.filter(pk__in={int(k) for k in keys})
    found: dict[str, list[int]] = {}
    wanted = {k.lower() for k in keys} | keys
    rows = parties.values_list("pk", "name", "vat_number", "national_id")
    for pk, name, vat, national in rows.iterator(chunk_size=2000):
        for key in {str(pk), name.lower(), vat, national} & wanted:
            found.setdefault(key, [])
            if pk not in found[key]:
                found[key].append(pk)
    return found


def check_rows(
    *, company: Company, rows: Iterable[Mapping[str, Any]], currency: str
) -> tuple[list[OpeningRow], list[RowError]]:
    """Every row checked against the company's chart and parties; nothing written."""
    raw = [
        {c: str(r.get(c) if r.get(c) is not None else "").strip() for c in COLUMNS} for r in rows
    ]
    codes = {r["account"] for r in raw if r["account"]}
    accounts = {a.code: a for a in Account.objects.filter(company=company, code__in=codes)}
    parties = _parties(company, {r["party"] for r in raw if r["party"]})
    good: list[OpeningRow] = []
    bad: list[RowError] = []
    for number, values in enumerate(raw, start=1):
        reasons: dict[str, str] = {}
        account = accounts.get(values["account"])
        if not values["account"]:
            reasons["account"] = _("The account is missing.")
        elif account is None:
            reasons["account"] = _("No account %(code)s in this chart.") % {
                "code": values["account"][:40]
            }
        elif account.deprecated:
            reasons["account"] = _("The account %(code)s is deprecated.") % {"code": account.code}
        elif account.is_income_statement:
            reasons["account"] = _(
                "%(code)s is an income or expense account: opening balances carry balance-sheet "
                "accounts only."
            ) % {"code": account.code}
        amounts: dict[str, Decimal] = {}
        for column in ("debit", "credit"):
            try:
                amount = parse_amount(values[column])
            except ValueError:
                reasons[column] = _("Not an amount: %(value)s.") % {"value": values[column][:40]}
                continue
            if amount < 0:
                reasons[column] = _("Negative: put the amount in the other column.")
            elif abs(amount) >= Decimal("1e16"):
                reasons[column] = _("Too large.")
            elif round_money(amount, currency) != amount:
                reasons[column] = _("Too many decimals for %(currency)s.") % {"currency": currency}
            else:
                amounts[column] = amount
        debit, credit = amounts.get("debit", ZERO), amounts.get("credit", ZERO)
        if "debit" in amounts and "credit" in amounts:
            if debit and credit:
                reasons["credit"] = _("A row is a debit or a credit, not both.")
            elif not debit and not credit:
                reasons["debit"] = _("Give a debit or a credit.")
        party_id: int | None = None
        if values["party"]:
            matches = parties.get(values["party"]) or parties.get(values["party"].lower()) or []
            if not matches:
                reasons["party"] = _("No party %(party)s in this company.") % {
                    "party": values["party"][:60]
                }
            elif len(matches) > 1:
                reasons["party"] = _("Several parties are called %(party)s: give the id.") % {
                    "party": values["party"][:60]
                }
            else:
                party_id = matches[0]
        if len(values["label"]) > 200:
            reasons["label"] = _("At most 200 characters.")
        if reasons:
            bad.append(RowError(row=number, values=values, reasons=reasons))
        elif account is not None:
            good.append(
                OpeningRow(
                    row=number,
                    account=account,
                    party_id=party_id,
                    debit=debit,
                    credit=credit,
                    label=values["label"],
                )
            )
    return good, bad


# --------------------------------------------------------------------------- importing


@transaction.atomic
def opening_import(
    *,
    actor: Any,
    company: Company,
    rows: Iterable[Mapping[str, Any]],
    date: dt.date | None = None,
    journal: Journal | str | None = None,
    label: str = "",
) -> ImportResult:
    """Post the opening balances of ``rows`` as one entry, or import nothing (422).

    ``date`` defaults to the first day of the open fiscal year of today (else the
    earliest open one); ``journal`` to the opening journal (AN). A second import
    into the same fiscal year is refused (409 ``opening_imported``) until the first
    one is reversed.
    """
    rows = list(rows)
    if len(rows) > MAX_ROWS:
        raise TooLarge(
            _("At most %(n)d rows per import.") % {"n": MAX_ROWS},
            code="import_too_large",
            fields={"rows": _("At most %(n)d rows.") % {"n": MAX_ROWS}},
        )
    services.settings_for(company)
    if journal is None:
        journal = selectors.opening_journal(company=company)
        if journal is None:
            raise ValidationFailed(
                _("This company has no opening journal."),
                code="journal_unknown",
                fields={"journal": _("Create a journal of kind opening first.")},
            )
    if date is None:
        year = selectors.opening_fiscal_year(company=company, today=timezone.localdate())
        if year is None:
            raise ValidationFailed(
                _("No open fiscal year to import opening balances into."),
                code="no_fiscal_year",
                fields={"date": _("Create a fiscal year first.")},
            )
        date = year.start
    period = services.period_for(company, date)
    currency = company.currency.upper()
    good, bad = check_rows(company=company, rows=rows, currency=currency)
    if not good and not bad:
        raise ValidationFailed(
            _("The file holds no row."), code="import_empty", fields={"rows": _("No row.")}
        )
    if bad:
        raise ImportRejected(
            _("%(n)d of %(total)d rows are rejected; nothing was imported.")
            % {"n": len(bad), "total": len(good) + len(bad)},
            bad,
            {},
        )
    debit = sum((r.debit for r in good), ZERO)
    credit = sum((r.credit for r in good), ZERO)
    if debit != credit:
        difference = debit - credit
        raise ValidationFailed(
            _(
                "Debits (%(debit)s) and credits (%(credit)s) differ by %(diff)s; "
                "nothing was imported."
            )
            % {"debit": debit, "credit": credit, "diff": difference},
            code="entry_unbalanced",
            fields={
                "rows": _("Debits and credits differ by %(diff)s.") % {"diff": difference},
                "difference": str(difference),
            },
        )
    journal_obj = services._journal(company, journal)
    already = Entry.objects.filter(
        company=company,
        journal=journal_obj,
        fiscal_year_id=period.fiscal_year_id,
        source=SOURCE,
        state=Entry.State.POSTED,
        reversed_by__isnull=True,
    ).first()
    if already is not None:
        raise Conflict(
            _("Opening balances were imported already (%(number)s); reverse it first.")
            % {"number": already.number},
            code="opening_imported",
            fields={"file": _("Imported already as %(number)s.") % {"number": already.number}},
        )
    entry = services.entry_create(
        actor=actor,
        company=company,
        journal=journal_obj,
        date=date,
        lines=[
            LineDraft(
                account=r.account.pk,
                debit=r.debit,
                credit=r.credit,
                label=r.label or r.account.name[:200],
                party=r.party_id,
            )
            for r in good
        ],
        label=label or _("Opening balances"),
        currency=currency,
        source=SOURCE,
        post=True,
    )
    return ImportResult(entry=entry, rows=len(good), debit=debit, credit=credit)


def opening_import_csv(
    *,
    actor: Any,
    company: Company,
    data: bytes,
    date: dt.date | None = None,
    journal: Journal | str | None = None,
    label: str = "",
) -> ImportResult:
    """``opening_import`` of an uploaded CSV file's bytes."""
    return opening_import(
        actor=actor,
        company=company,
        rows=read_csv(decode(data)),
        date=date,
        journal=journal,
        label=label,
    )


def sample_csv(chart: str | None) -> str:
    """A small balanced file for the chart, to download and fill in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for account, party, debit, credit, label in SAMPLE.get(chart or "", SAMPLE["fr_pcg"]):
        writer.writerow((account, party, debit, credit, label))
    return buffer.getvalue()
