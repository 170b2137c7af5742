"""API shapes of the ledger's set-up data and entries, and the filters the API and the
list pages share (``AccountFilter``, ``JournalFilter``, ``TaxFilter``, ``EntryFilter``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import Exists, OuterRef, Q
from ninja import Field, FilterLookup, FilterSchema, Schema

from comptoir.core.kernel.api import PageOut
from comptoir.core.kernel.money import round_money

AccountTypeLiteral = Literal[
    "receivable",
    "payable",
    "bank",
    "cash",
    "revenue",
    "expense",
    "tax",
    "equity",
    "asset",
    "liability",
    "off_balance",
]
JournalKindLiteral = Literal["sale", "purchase", "bank", "cash", "misc", "opening"]
TaxScopeLiteral = Literal["sale", "purchase"]
TaxKindLiteral = Literal["standard", "reverse_charge", "exempt", "export"]
TaxRoleLiteral = Literal["", "base", "tax", "deductible"]
EntryStateLiteral = Literal["draft", "posted"]

CENT = Decimal("0.01")
Amount = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=2)]


def _get(obj: Any, name: str, default: Any = None) -> Any:
    """An attribute of a model, or a key of an answer replayed by ``@idempotent``."""
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _related(obj: Any, relation: str, attribute: str, field: str) -> Any:
    """``obj.<relation>.<attribute>``, or the answer's ``field`` when replayed."""
    if isinstance(obj, dict):
        return obj.get(field)
    related = getattr(obj, relation, None)
    return getattr(related, attribute, None) if related is not None else None


def _cents(value: Any) -> Decimal | None:
    """An amount summed by the database, with the two decimals of the balance columns."""
    return None if value is None else Decimal(value).quantize(CENT)


# --------------------------------------------------------------------------- settings


class SettingsOut(Schema):
    chart: str
    chart_name: str
    currency: str
    hard_lock_date: dt.date | None
    soft_lock_date: dt.date | None

    @staticmethod
    def resolve_chart_name(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj.get("chart_name", ""))
        return str(obj.get_chart_display())

    @staticmethod
    def resolve_currency(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj.get("currency", ""))
        return str(obj.company.currency)


# --------------------------------------------------------------------------- accounts


class AccountIn(Schema):
    code: str = Field(..., min_length=1, max_length=20, description="e.g. 411000 or 4111")
    name: str = Field(..., min_length=1, max_length=200)
    type: AccountTypeLiteral
    reconcilable: bool = False


class AccountPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=20)
    name: str | None = Field(None, min_length=1, max_length=200)
    type: AccountTypeLiteral | None = None
    reconcilable: bool | None = None
    deprecated: bool | None = Field(
        None, description="true deprecates the account (no new line on it), false restores it"
    )


class AccountOut(Schema):
    id: int
    code: str
    name: str
    type: str
    reconcilable: bool
    deprecated: bool
    role: str
    debit: Decimal | None = Field(None, description="Posted debits (with_balance only)")
    credit: Decimal | None = Field(None, description="Posted credits (with_balance only)")
    balance: Decimal | None = Field(None, description="Debits minus credits (with_balance only)")

    @staticmethod
    def resolve_debit(obj: Any) -> Decimal | None:
        return _cents(_get(obj, "debit", _get(obj, "balance_debit")))

    @staticmethod
    def resolve_credit(obj: Any) -> Decimal | None:
        return _cents(_get(obj, "credit", _get(obj, "balance_credit")))

    @staticmethod
    def resolve_balance(obj: Any) -> Decimal | None:
        if isinstance(obj, dict):
            return _cents(obj.get("balance"))
        debit, credit = getattr(obj, "balance_debit", None), getattr(obj, "balance_credit", None)
        if debit is None or credit is None:
            return None
        return _cents(Decimal(debit) - Decimal(credit))


class AccountPage(PageOut):
    items: list[AccountOut]


class AccountFilter(FilterSchema):
    """Filters of the chart of accounts: the same on the page and in the API."""

    q: str | None = Field(None, description="Start of the code, or part of the name")
    code: Annotated[str | None, FilterLookup("code__startswith")] = Field(
        None, description="Start of the code (41 gives every customer account)"
    )
    type: AccountTypeLiteral | None = None
    reconcilable: bool | None = None
    deprecated: bool | None = None

    def filter_q(self, value: str | None) -> Q:
        if not value:
            return Q()
        value = value.strip()
        return Q(code__startswith=value) | Q(name__icontains=value)


# --------------------------------------------------------------------------- journals


class JournalIn(Schema):
    code: str = Field(..., min_length=1, max_length=10, description="Capitals and digits: BQ2")
    name: str = Field(..., min_length=1, max_length=100)
    kind: JournalKindLiteral
    account: str | None = Field(
        None, max_length=20, description="Code of the account a bank or cash journal moves"
    )
    active: bool = True


class JournalPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    active: bool | None = None
    account: str | None = Field(None, max_length=20, description="null clears it")


class JournalOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    account_id: int | None
    account_code: str | None
    active: bool

    @staticmethod
    def resolve_account_code(obj: Any) -> str | None:
        return _related(obj, "account", "code", "account_code")


class JournalPage(PageOut):
    items: list[JournalOut]


class JournalFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["code__istartswith", "name__icontains"])] = Field(
        None, description="Start of the code or part of the name"
    )
    kind: JournalKindLiteral | None = None
    active: bool | None = None


# --------------------------------------------------------------------------- taxes


class TaxIn(Schema):
    code: str = Field(..., min_length=1, max_length=40, description="e.g. fr-vat-20")
    name: str = Field(..., min_length=1, max_length=120)
    rate: Decimal = Field(..., ge=0, le=100, max_digits=7, decimal_places=4, description="%")
    scope: TaxScopeLiteral
    kind: TaxKindLiteral = "standard"
    price_included: bool = False
    account: str | None = Field(None, max_length=20, description="Code of the VAT account")
    counterpart_account: str | None = Field(
        None, max_length=20, description="Reverse charge: code of the deductible VAT account"
    )
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    base_box: str = Field("", max_length=10, description="Return box of the base")
    tax_box: str = Field("", max_length=10, description="Return box of the tax")
    deductible_box: str = Field("", max_length=10, description="Box of the deductible side")
    active: bool = True


class TaxPatch(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=120)
    rate: Decimal | None = Field(None, ge=0, le=100, max_digits=7, decimal_places=4)
    scope: TaxScopeLiteral | None = None
    kind: TaxKindLiteral | None = None
    price_included: bool | None = None
    account: str | None = Field(None, max_length=20)
    counterpart_account: str | None = Field(None, max_length=20)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    base_box: str | None = Field(None, max_length=10)
    tax_box: str | None = Field(None, max_length=10)
    deductible_box: str | None = Field(None, max_length=10)
    active: bool | None = None


class TaxOut(Schema):
    id: int
    code: str
    name: str
    rate: Decimal
    scope: str
    kind: str
    price_included: bool
    account_id: int | None
    account_code: str | None
    counterpart_account_id: int | None
    counterpart_account_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None
    base_box: str
    tax_box: str
    deductible_box: str
    active: bool

    @staticmethod
    def resolve_rate(obj: Any) -> Decimal:
        return Decimal(_get(obj, "rate")).quantize(Decimal("0.0001"))

    @staticmethod
    def resolve_account_code(obj: Any) -> str | None:
        return _related(obj, "account", "code", "account_code")

    @staticmethod
    def resolve_counterpart_account_code(obj: Any) -> str | None:
        return _related(obj, "counterpart_account", "code", "counterpart_account_code")


class TaxPage(PageOut):
    items: list[TaxOut]


class TaxFilter(FilterSchema):
    q: Annotated[str | None, FilterLookup(["code__icontains", "name__icontains"])] = Field(
        None, description="Part of the code or name"
    )
    scope: TaxScopeLiteral | None = None
    kind: TaxKindLiteral | None = None
    active: bool | None = None
    valid_on: dt.date | None = Field(None, description="Only the taxes valid on this date")

    def filter_valid_on(self, value: dt.date | None) -> Q:
        if value is None:
            return Q()
        return (Q(valid_from__isnull=True) | Q(valid_from__lte=value)) & (
            Q(valid_to__isnull=True) | Q(valid_to__gte=value)
        )


# --------------------------------------------------------------------------- entries


class EntryLineIn(Schema):
    account: str = Field(..., min_length=1, max_length=20, description="Account code")
    debit: Amount = Decimal(0)
    credit: Amount = Decimal(0)
    label: str = Field("", max_length=200)
    party_id: int | None = None
    currency: str = Field("", max_length=3, description="The transaction currency, if other")
    amount_currency: Decimal | None = Field(None, max_digits=18, decimal_places=2)
    tax: str | None = Field(None, max_length=40, description="Tax code")
    tax_role: TaxRoleLiteral = ""


class EntryIn(Schema):
    journal: int | str = Field(..., description="Journal code (VE) or id")
    date: dt.date
    label: str = Field("", max_length=200)
    ref: str = Field("", max_length=100)
    currency: str | None = Field(None, max_length=3, description="The company's if empty")
    post: bool = Field(False, description="Post at once (number, hash, balances)")
    lines: list[EntryLineIn] = Field(..., min_length=2, max_length=5000)


class EntryPatch(Schema):
    journal: int | str | None = None
    date: dt.date | None = None
    label: str | None = Field(None, max_length=200)
    ref: str | None = Field(None, max_length=100)
    lines: list[EntryLineIn] | None = Field(None, min_length=2, max_length=5000)


class ReverseIn(Schema):
    date: dt.date | None = Field(
        None, description="Default: the original's date if its period is open, else today"
    )
    label: str = Field("", max_length=200)


class LineOut(Schema):
    id: int
    account_id: int
    account_code: str
    account_name: str
    party_id: int | None
    party_name: str | None
    label: str
    debit: Decimal
    credit: Decimal
    currency: str
    amount_currency: Decimal | None
    tax_id: int | None
    tax_code: str | None
    tax_role: str
    reconcile_ref: str

    @staticmethod
    def resolve_account_code(obj: Any) -> str:
        return str(_related(obj, "account", "code", "account_code") or "")

    @staticmethod
    def resolve_account_name(obj: Any) -> str:
        return str(_related(obj, "account", "name", "account_name") or "")

    @staticmethod
    def resolve_party_name(obj: Any) -> str | None:
        return _related(obj, "party", "name", "party_name")

    @staticmethod
    def resolve_tax_code(obj: Any) -> str | None:
        return _related(obj, "tax", "code", "tax_code")


class EntrySummaryOut(Schema):
    id: int
    journal_id: int
    journal_code: str
    date: dt.date
    state: str
    number: str
    ref: str
    label: str
    currency: str
    source: str
    total: Decimal = Field(Decimal(0), description="Sum of the debits")
    reversal_of_id: int | None
    posted_at: dt.datetime | None

    @staticmethod
    def resolve_journal_code(obj: Any) -> str:
        return str(_related(obj, "journal", "code", "journal_code") or "")

    @staticmethod
    def resolve_total(obj: Any) -> Decimal:
        total = _get(obj, "total") or Decimal(0)
        if isinstance(obj, dict):
            return Decimal(total)
        return round_money(Decimal(total), obj.currency)


class EntryOut(EntrySummaryOut):
    period: str
    fiscal_year: str
    source_id: str
    reversed_by_id: int | None
    posted_by: str | None
    previous_hash: str
    hash: str
    lines: list[LineOut]

    @staticmethod
    def resolve_period(obj: Any) -> str:
        return str(_related(obj, "period", "name", "period") or "")

    @staticmethod
    def resolve_fiscal_year(obj: Any) -> str:
        return str(_related(obj, "fiscal_year", "name", "fiscal_year") or "")

    @staticmethod
    def resolve_total(obj: Any) -> Decimal:
        if isinstance(obj, dict):
            return obj.get("total") or Decimal(0)
        return round_money(sum((ln.debit for ln in obj.lines.all()), Decimal(0)), obj.currency)

    @staticmethod
    def resolve_reversed_by_id(obj: Any) -> int | None:
        if isinstance(obj, dict):
            return obj.get("reversed_by_id")
        reversal = getattr(obj, "reversed_by", None)  # None when nothing reversed it
        return reversal.pk if reversal is not None else None

    @staticmethod
    def resolve_posted_by(obj: Any) -> str | None:
        if isinstance(obj, dict):
            return obj.get("posted_by")
        return obj.posted_by.username if obj.posted_by_id else None

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        if isinstance(obj, dict):
            return list(obj.get("lines", []))
        return list(obj.lines.all())


class EntryPage(PageOut):
    items: list[EntrySummaryOut]


class EntryFilter(FilterSchema):
    """Filters of the entry list: the same on the page and in the API."""

    q: Annotated[
        str | None,
        FilterLookup(["number__icontains", "label__icontains", "ref__icontains"]),
    ] = Field(None, description="Part of the number, label or reference")
    journal: str | None = Field(None, description="Journal code (or id)")
    state: EntryStateLiteral | None = None
    date_from: Annotated[dt.date | None, FilterLookup("date__gte")] = None
    date_to: Annotated[dt.date | None, FilterLookup("date__lte")] = None
    period: Annotated[str | None, FilterLookup("period__name")] = Field(
        None, description="A period name: 2026-03"
    )
    account: str | None = Field(None, description="An account code: entries with a line on it")
    party: int | None = Field(None, description="A party id: entries with a line for it")
    source: str | None = Field(None, description="manual, import, reversal, invoice…")

    def filter_journal(self, value: str | None) -> Q:
        if not value:
            return Q()
        value = value.strip()
        if value.isdigit() and len(value) < 10:
            return Q(journal_id=int(value)) | Q(journal__code=value)
        return Q(journal__code=value.upper())

    def filter_account(self, value: str | None) -> Q:
        if not value:
            return Q()
        from comptoir.back.ledger.models import Line

        lines = Line.objects.filter(entry_id=OuterRef("pk"), account__code=value.strip())
        return Q(Exists(lines))

    def filter_party(self, value: int | None) -> Q:
        if value is None:
            return Q()
        from comptoir.back.ledger.models import Line

        return Q(Exists(Line.objects.filter(entry_id=OuterRef("pk"), party_id=value)))


# --------------------------------------------------------------------------- opening import


class OpeningRowIn(Schema):
    """One opening balance; checked by the import, which reports every bad row."""

    account: str = ""
    party: str | int | None = Field(None, description="Party id, exact name or VAT number")
    debit: Decimal | str | None = None
    credit: Decimal | str | None = None
    label: str = ""


class OpeningImportIn(Schema):
    rows: list[OpeningRowIn]
    date: dt.date | None = Field(None, description="Default: the fiscal year's first day")
    journal: str | None = Field(None, description="Default: the opening journal (AN)")
    label: str = Field("", max_length=200)


class OpeningImportOut(Schema):
    entry_id: int
    number: str
    date: dt.date
    rows: int
    debit: Decimal
    credit: Decimal
