"""Every read of accounts, journals, taxes and entries, always scoped by company.

A record of another company is a ``NotFound``, exactly like one that does not
exist. Account balances come from the per-period ``Balance`` rows kept at
posting, never from a scan of the lines.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    DecimalField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from comptoir.back.ledger.models import (
    Account,
    Balance,
    Entry,
    FiscalYear,
    Journal,
    LedgerSettings,
    Line,
    Tax,
)
from comptoir.back.ledger.schemas import AccountFilter, EntryFilter, JournalFilter, TaxFilter
from comptoir.core.kernel.errors import NotFound

MONEY = DecimalField(max_digits=20, decimal_places=2)
ZERO = Value(Decimal("0"), output_field=MONEY)


# --------------------------------------------------------------------------- settings


def settings_get(*, company: Any) -> LedgerSettings | None:
    """The company's ledger set-up, or ``None`` before ``ledger_setup`` ran."""
    return LedgerSettings.objects.select_related("company").filter(company=company).first()


def fiscal_year_for(*, company: Any, date: dt.date) -> FiscalYear | None:
    return FiscalYear.objects.filter(company=company, start__lte=date, end__gte=date).first()


def opening_fiscal_year(*, company: Any, today: dt.date) -> FiscalYear | None:
    """Where opening balances go by default: the open year of ``today``, else the
    earliest open one."""
    years = FiscalYear.objects.filter(company=company, state=FiscalYear.State.OPEN)
    return years.filter(start__lte=today, end__gte=today).first() or years.order_by("start").first()


# --------------------------------------------------------------------------- accounts


def _balance_sum(column: str) -> Any:
    per_account = (
        Balance.objects.filter(account_id=OuterRef("pk"))
        .order_by()
        .values("account_id")
        .annotate(total=Sum(column))
        .values("total")
    )
    return Coalesce(Subquery(per_account, output_field=MONEY), ZERO)


def account_list(
    *, company: Any, filters: AccountFilter | None = None, with_balance: bool = False
) -> QuerySet[Account]:
    """The company's chart, filtered; ``with_balance`` adds ``balance_debit`` and
    ``balance_credit`` (all posted periods) from the balance rows."""
    queryset = Account.objects.filter(company=company)
    if filters is not None:
        queryset = filters.filter(queryset)
    if with_balance:
        queryset = queryset.annotate(
            balance_debit=_balance_sum("debit"), balance_credit=_balance_sum("credit")
        )
    return queryset


def account_get(*, company: Any, account_id: int) -> Account:
    account = Account.objects.filter(company=company, pk=account_id).first()
    if account is None:
        raise NotFound(_("No such account."), code="account_not_found")
    return account


def account_choices(*, company: Any) -> QuerySet[Account]:
    """Accounts a new line may use: live ones, by code (for the entry form's list)."""
    return (
        Account.objects.filter(company=company, deprecated=False)
        .order_by("code")
        .only("pk", "code", "name", "type")
    )


# --------------------------------------------------------------------------- journals


def journal_list(*, company: Any, filters: JournalFilter | None = None) -> QuerySet[Journal]:
    queryset = Journal.objects.filter(company=company).select_related("account")
    if filters is not None:
        queryset = filters.filter(queryset)
    return queryset


def journal_get(*, company: Any, journal_id: int) -> Journal:
    journal = Journal.objects.filter(company=company, pk=journal_id).select_related("account")
    found = journal.first()
    if found is None:
        raise NotFound(_("No such journal."), code="journal_not_found")
    return found


def opening_journal(*, company: Any) -> Journal | None:
    """The journal opening balances go to: AN, else the first active opening journal."""
    journals = Journal.objects.filter(company=company, kind=Journal.Kind.OPENING, active=True)
    return journals.filter(code="AN").first() or journals.order_by("code").first()


# --------------------------------------------------------------------------- taxes


def tax_list(
    *, company: Any, filters: TaxFilter | None = None, valid_on: dt.date | None = None
) -> QuerySet[Tax]:
    """The company's taxes, filtered; ``valid_on`` keeps those valid on that date."""
    queryset = Tax.objects.filter(company=company).select_related("account", "counterpart_account")
    if filters is not None:
        queryset = filters.filter(queryset)
    if valid_on is not None:
        queryset = queryset.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=valid_on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=valid_on),
        )
    return queryset


def tax_get(*, company: Any, tax_id: int) -> Tax:
    tax = (
        Tax.objects.filter(company=company, pk=tax_id)
        .select_related("account", "counterpart_account")
        .first()
    )
    if tax is None:
        raise NotFound(_("No such tax."), code="tax_not_found")
    return tax


# --------------------------------------------------------------------------- entries


def _entry_total() -> Any:
    debits = (
        Line.objects.filter(entry_id=OuterRef("pk"))
        .order_by()
        .values("entry_id")
        .annotate(total=Sum("debit"))
        .values("total")
    )
    return Coalesce(Subquery(debits, output_field=MONEY), ZERO)


def entry_list(*, company: Any, filters: EntryFilter | None = None) -> QuerySet[Entry]:
    """The company's entries, filtered, each with its journal and ``total`` (the sum of
    its debits, computed for the rows of the page only)."""
    queryset = (
        Entry.objects.filter(company=company)
        .select_related("journal")
        .annotate(total=_entry_total())
    )
    if filters is not None:
        queryset = filters.filter(queryset)
    return queryset


def entry_get(*, company: Any, entry_id: int) -> Entry:
    """One entry with everything its page and its API answer show, in three queries."""
    entry = (
        Entry.objects.filter(company=company, pk=entry_id)
        .select_related(
            "journal",
            "period",
            "fiscal_year",
            "reversal_of",
            "reversed_by",
            "posted_by",
            "created_by",
        )
        .prefetch_related(_lines_prefetch())
        .first()
    )
    if entry is None:
        raise NotFound(_("No such entry."), code="entry_not_found")
    return entry


def _lines_prefetch() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=Line.objects.select_related("account", "party", "tax").order_by("pk"),
    )
