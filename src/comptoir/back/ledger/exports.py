"""The books as files: the French FEC and a Beancount ledger.

FEC (*fichier des écritures comptables*, article A47 A-1 of the French
*livre des procédures fiscales*): one row per posted line of a fiscal year,
the 18 columns in their official order, tab-separated, a header line,
records separated by CR LF, dates ``YYYYMMDD``, amounts with a decimal comma
and no thousands separator, encoded in UTF-8 (ISO 8859-15 on request, the
other character set the text names). Rows come in the order the entries were
validated (posted), the opening entries of the year first; each journal's
numbers follow one another without a gap. The year's closing entry (the one
that settles the income statement accounts into the result, kept on
``FiscalYear.closing_entry``) stays out, as the administration asks: the
accounts of classes 6 and 7 then add up to the year's result.

Beancount: the posted entries as transactions in company currency, one
``open`` per account used, and ``balance`` assertions that equal the trial
balance to the cent (explicit tolerance ``~ 0.00``: beancount would otherwise
allow a cent), so ``bean-check`` proves the file adds up as the ledger does.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from comptoir.back.ledger.models import Account, Entry, FiscalYear, Journal, Line
from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import ValidationFailed

ZERO = Decimal("0")
CHUNK = 2000

FEC_COLUMNS: tuple[str, ...] = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
FEC_SEPARATOR = "\t"
FEC_NEWLINE = "\r\n"
FEC_ENCODINGS = ("utf-8", "iso-8859-15")

# The auxiliary account of a party: C for customers (receivable), F for suppliers (payable).
AUX_PREFIX: dict[str, str] = {Account.Type.RECEIVABLE: "C", Account.Type.PAYABLE: "F"}


# --------------------------------------------------------------------------- shared


def fiscal_year_of(company: Company, fiscal_year: FiscalYear | int | str) -> FiscalYear:
    """The company's fiscal year: the object itself, or the one ending in ``year``.

    A fiscal year of another company, or a year the company has none for,
    answers 422 naming ``fiscal_year``.
    """
    found: FiscalYear | None
    if isinstance(fiscal_year, FiscalYear):
        found = fiscal_year if fiscal_year.company_id == company.pk else None
    else:
        text = str(fiscal_year).strip()
        found = None
        if text.isdigit() and 1 <= int(text) <= 9999:
            found = (
                FiscalYear.objects.filter(company=company)
                .filter(Q(end__year=int(text)) | Q(name=text))
                .order_by("-end")
                .first()
            )
        elif not text.isdigit():
            found = FiscalYear.objects.filter(company=company, name=text).first()
    if found is None:
        raise ValidationFailed(
            _("This company has no fiscal year %(year)s.") % {"year": fiscal_year},
            code="fiscal_year_unknown",
            fields={"fiscal_year": _("No such fiscal year in this company.")},
        )
    return found


def _one_line(text: str | None) -> str:
    """Text for a one-line field: no tab, no line break, no surrounding blanks."""
    return re.sub(r"[\t\r\n\x0b\x0c]+", " ", text or "").strip()


# --------------------------------------------------------------------------- FEC


def siren_of(company: Company) -> str:
    """The SIREN: the first nine digits of the company's national id, or 422."""
    digits = re.sub(r"\D", "", company.national_id or "")
    if len(digits) < 9:
        raise ValidationFailed(
            _("The company has no SIREN: fill in its national id (SIREN or SIRET)."),
            code="fec_no_siren",
            fields={"national_id": _("A SIREN has nine digits.")},
        )
    return digits[:9]


def fec_filename(company: Company, fiscal_year: FiscalYear) -> str:
    """``<SIREN>FEC<YYYYMMDD>.txt``, the date being the fiscal year's end."""
    return f"{siren_of(company)}FEC{fiscal_year.end:%Y%m%d}.txt"


def _fec_amount(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value:.2f}".replace(".", ",")


def _fec_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value:%Y%m%d}"


def check_fec_company(company: Company) -> str:
    """The SIREN of a French company; 422 ``fec_not_french`` for another country."""
    if company.country != "FR":
        raise ValidationFailed(
            _("The FEC is a French file: %(company)s keeps its books in %(country)s.")
            % {"company": company.name, "country": company.country},
            code="fec_not_french",
            fields={"company": _("Only a French company exports a FEC.")},
        )
    return siren_of(company)


def _posting_order(lines: Any) -> Any:
    """Lines in the order their entries were validated (posted), opening entries first."""
    return lines.annotate(
        _opening_first=Case(
            When(entry__journal__kind=Journal.Kind.OPENING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by(
        "_opening_first",
        "entry__posted_at",
        "entry__journal__code",
        "entry__sequence_no",
        "entry_id",
        "id",
    )


FEC_FIELDS = (
    "entry__journal__code",
    "entry__journal__name",
    "entry__number",
    "entry__date",
    "account__code",
    "account__name",
    "account__type",
    "party_id",
    "party__name",
    "entry__ref",
    "entry__label",
    "label",
    "debit",
    "credit",
    "reconcile_ref",
    "entry__posted_at",
    "currency",
    "amount_currency",
)


def fec_rows(company: Company, fiscal_year: FiscalYear) -> Iterator[list[str]]:
    """The FEC's data rows (no header), one per posted line of ``fiscal_year``."""
    lines = Line.objects.filter(
        company=company, posted=True, entry__fiscal_year=fiscal_year
    ).exclude(entry_id=fiscal_year.closing_entry_id or 0)
    for row in _posting_order(lines).values_list(*FEC_FIELDS).iterator(CHUNK):
        (
            journal_code,
            journal_name,
            number,
            date,
            account_code,
            account_name,
            account_type,
            party_id,
            party_name,
            ref,
            entry_label,
            line_label,
            debit,
            credit,
            reconcile_ref,
            posted_at,
            currency,
            amount_currency,
        ) = row
        aux = AUX_PREFIX.get(account_type)
        has_aux = aux is not None and party_id is not None
        foreign = bool(currency) and amount_currency is not None
        yield [
            _one_line(journal_code),
            _one_line(journal_name),
            _one_line(number),
            _fec_date(date),
            _one_line(account_code),
            _one_line(account_name),
            f"{aux}{party_id:06d}" if has_aux else "",
            _one_line(party_name) if has_aux else "",
            _one_line(ref) or _one_line(number),
            _fec_date(date),
            _one_line(line_label) or _one_line(entry_label) or _one_line(number),
            _fec_amount(debit),
            _fec_amount(credit),
            _one_line(reconcile_ref),
            "",
            _fec_date(posted_at),
            _fec_amount(abs(amount_currency)) if foreign else "",
            currency if foreign else "",
        ]


def fec_text(company: Company, fiscal_year: FiscalYear) -> Iterator[str]:
    """The FEC, record by record, each but the last followed by CR LF."""
    yield FEC_SEPARATOR.join(FEC_COLUMNS)
    for row in fec_rows(company, fiscal_year):
        yield FEC_NEWLINE + FEC_SEPARATOR.join(row)


def fec_export(
    company: Company, fiscal_year: FiscalYear | int | str, *, encoding: str = "utf-8"
) -> tuple[str, bytes]:
    """(file name, content) of the FEC of ``company`` for ``fiscal_year``.

    422 ``fec_not_french`` for a company outside France, ``fec_no_siren``
    without a SIREN, ``fiscal_year_unknown`` for a year the company lacks.
    """
    check_fec_company(company)
    year = fiscal_year_of(company, fiscal_year)
    encoding = encoding.lower()
    if encoding not in FEC_ENCODINGS:
        raise ValidationFailed(
            _("Unknown encoding."),
            code="invalid_encoding",
            fields={"encoding": _("Choose one of: %(e)s.") % {"e": ", ".join(FEC_ENCODINGS)}},
        )
    content = "".join(fec_text(company, year)).encode(encoding, errors="replace")
    return fec_filename(company, year), content


# --------------------------------------------------------------------------- Beancount

BEANCOUNT_ROOT: dict[str, str] = {
    Account.Type.RECEIVABLE: "Assets",
    Account.Type.BANK: "Assets",
    Account.Type.CASH: "Assets",
    Account.Type.ASSET: "Assets",
    Account.Type.PAYABLE: "Liabilities",
    Account.Type.LIABILITY: "Liabilities",
    Account.Type.TAX: "Liabilities",
    Account.Type.EQUITY: "Equity",
    Account.Type.REVENUE: "Income",
    Account.Type.EXPENSE: "Expenses",
    Account.Type.OFF_BALANCE: "Equity",
}
# Letters NFKD does not take apart.
_TRANSLITERATE = str.maketrans(
    {
        "ß": "ss",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Ø": "O",
        "ø": "o",
        "Đ": "D",
        "đ": "d",
        "Ł": "L",
        "ł": "l",
        "Þ": "Th",
        "þ": "th",
        "ı": "i",
    }
)


def ascii_words(text: str) -> str:
    """``"Clients - Ventes de biens"`` → ``"Clients-Ventes-de-biens"``: ASCII letters,
    digits and single dashes, accents taken off (``ț`` → ``t``, ``é`` → ``e``)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^A-Za-z0-9]+", "-", plain).strip("-")


def beancount_account(account: Account, country: str) -> str:
    """``Assets:FR:512-Banque``: the root for the account's type, the country, then the
    code and the name; each component starts with a capital letter or a digit."""
    root = BEANCOUNT_ROOT.get(account.type, "Equity")
    country_part = ascii_words(country).upper() or "XX"
    name = ascii_words(account.name)
    leaf = ascii_words(account.code) or f"A{account.pk}"
    if name:
        leaf = f"{leaf}-{name}"
    if not leaf[0].isupper() and not leaf[0].isdigit():
        leaf = "A-" + leaf
    parts = [root, country_part]
    if account.type == Account.Type.OFF_BALANCE:
        parts.append("Off-Balance")
    return ":".join([*parts, leaf])


def _quoted(text: str | None) -> str:
    """A Beancount string: one line, backslashes and quotes escaped."""
    clean = _one_line(text).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{clean}"'


@dataclass
class _Posting:
    account_id: int
    party_name: str
    label: str
    amount: Decimal
    currency: str
    amount_currency: Decimal | None


@dataclass
class _Transaction:
    date: dt.date
    number: str
    journal: str
    label: str
    ref: str
    hash: str
    postings: list[_Posting]


def _transactions(lines: Iterable[tuple[Any, ...]]) -> Iterator[_Transaction]:
    current: _Transaction | None = None
    current_id = None
    for (
        entry_id,
        date,
        number,
        journal_code,
        entry_label,
        ref,
        digest,
        account_id,
        party_name,
        label,
        debit,
        credit,
        currency,
        amount_currency,
    ) in lines:
        if entry_id != current_id:
            if current is not None:
                yield current
            current_id = entry_id
            current = _Transaction(
                date=date,
                number=number,
                journal=journal_code,
                label=entry_label,
                ref=ref,
                hash=digest,
                postings=[],
            )
        current.postings.append(  # type: ignore[union-attr]
            _Posting(
                account_id=account_id,
                party_name=party_name or "",
                label=label,
                amount=debit - credit,
                currency=currency,
                amount_currency=amount_currency,
            )
        )
    if current is not None:
        yield current


def beancount_filename(company: Company, fiscal_year: FiscalYear | None) -> str:
    slug = ascii_words(company.code).lower() or "books"
    return f"{slug}-{ascii_words(fiscal_year.name) if fiscal_year else 'all'}.beancount"


def beancount_export(
    company: Company, fiscal_year: FiscalYear | int | str | None = None
) -> tuple[str, str]:
    """(file name, text) of the company's posted entries as a Beancount ledger.

    Every fiscal year when ``fiscal_year`` is None. The ``balance``
    assertions at the end are the balances of the exported entries per
    account, that is the trial balance over the same entries.
    """
    from comptoir.back.ledger.services import settings_for

    settings_for(company)  # 409 ledger_not_set_up for a company without books
    year = fiscal_year_of(company, fiscal_year) if fiscal_year is not None else None
    currency = company.currency
    lines = Line.objects.filter(company=company, posted=True)
    if year is not None:
        lines = lines.filter(entry__fiscal_year=year)
    rows = (
        _posting_order(lines)
        .values_list(
            "entry_id",
            "entry__date",
            "entry__number",
            "entry__journal__code",
            "entry__label",
            "entry__ref",
            "entry__hash",
            "account_id",
            "party__name",
            "label",
            "debit",
            "credit",
            "currency",
            "amount_currency",
        )
        .iterator(CHUNK)
    )
    title = company.legal_name or company.name
    if year is not None:
        title = f"{title} {year.name}"
    head = [
        f"; {_one_line(title)}: books exported by Comptoir on {timezone.localdate():%Y-%m-%d}",
        f"option {_quoted('title')} {_quoted(title)}",
        f"option {_quoted('operating_currency')} {_quoted(currency)}",
        "",
    ]
    accounts = {a.pk: a for a in Account.objects.filter(company=company).order_by()}
    names = {pk: beancount_account(a, company.country) for pk, a in accounts.items()}
    body: list[str] = []
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    first: dt.date | None = None
    last: dt.date | None = None
    for tx in _transactions(rows):
        first = tx.date if first is None or tx.date < first else first
        last = tx.date if last is None or tx.date > last else last
        parties = {p.party_name for p in tx.postings if p.party_name}
        narration = tx.label or tx.ref or tx.number
        header = f"{tx.date:%Y-%m-%d} *"
        if len(parties) == 1:
            header += f" {_quoted(parties.pop())}"
        header += f" {_quoted(narration)}"
        body.append(header)
        body.append(f"  number: {_quoted(tx.number)}")
        body.append(f"  journal: {_quoted(tx.journal)}")
        if tx.ref:
            body.append(f"  ref: {_quoted(tx.ref)}")
        body.append(f"  hash: {_quoted(tx.hash)}")
        for posting in tx.postings:
            totals[posting.account_id] += posting.amount
            body.append(f"  {names[posting.account_id]}  {posting.amount:.2f} {currency}")
            if posting.label and posting.label != tx.label:
                body.append(f"    label: {_quoted(posting.label)}")
            if posting.currency and posting.amount_currency is not None:
                body.append(f"    amount_currency: {posting.amount_currency:.2f}")
                body.append(f"    currency: {_quoted(posting.currency)}")
        body.append("")
    used = sorted(totals, key=lambda pk: accounts[pk].code)
    opened = first or (year.start if year else timezone.localdate())
    opens = [f"{opened:%Y-%m-%d} open {names[pk]} {currency}" for pk in used]
    assert_on = (last or opened) + dt.timedelta(days=1)
    balances = [
        f"{assert_on:%Y-%m-%d} balance {names[pk]}  {totals[pk]:.2f} ~ 0.00 {currency}"
        for pk in used
    ]
    text = "\n".join([*head, *opens, *([""] if opens else []), *body, *balances]) + "\n"
    return beancount_filename(company, year), text


def entries_count(company: Company, fiscal_year: FiscalYear | None = None) -> int:
    """Posted entries of the company (in ``fiscal_year``), for the export page."""
    entries = Entry.objects.filter(company=company, state=Entry.State.POSTED)
    if fiscal_year is not None:
        entries = entries.filter(fiscal_year=fiscal_year)
    return entries.count()
