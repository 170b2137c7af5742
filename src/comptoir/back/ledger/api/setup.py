"""REST operations on the ledger's set-up: settings, accounts, journals and taxes.

Mounted under ``/api/v1/ledger``. Reading needs ``ledger.view`` (token scope
``ledger:read``); writing needs ``ledger.change`` (``ledger:write``).
"""

from __future__ import annotations

from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Status

from comptoir.back.ledger import selectors, services
from comptoir.back.ledger.schemas import (
    AccountFilter,
    AccountIn,
    AccountOut,
    AccountPage,
    AccountPatch,
    JournalFilter,
    JournalIn,
    JournalOut,
    JournalPage,
    JournalPatch,
    SettingsOut,
    TaxFilter,
    TaxIn,
    TaxOut,
    TaxPage,
    TaxPatch,
)
from comptoir.core.identity.access import access, api_company
from comptoir.core.kernel.api import ERRORS, idempotent
from comptoir.core.kernel.pagination import keyset_page

router = Router()

VIEW = "ledger.view"
CHANGE = "ledger.change"
AccountOrdering = Literal["code", "-code", "name", "-name", "pk", "-pk"]
CodeOrdering = Literal["code", "-code", "pk", "-pk"]


def _page(
    queryset: Any, *, ordering: str, allowed: tuple[str, ...], cursor: str | None, limit: int
) -> dict[str, Any]:
    page = keyset_page(queryset, ordering=ordering, allowed=allowed, cursor=cursor, limit=limit)
    return page.as_answer()


# --------------------------------------------------------------------------- settings


@router.get(
    "/settings",
    response={200: SettingsOut, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_settings_read",
    summary="Read the ledger settings",
)
def settings_read(request: HttpRequest) -> Any:
    """The company's chart of accounts, currency and lock dates; 409
    ``ledger_not_set_up`` before its books are set up."""
    company = api_company(request)
    found = selectors.settings_get(company=company)
    return found if found is not None else services.settings_for(company)


# --------------------------------------------------------------------------- accounts


@router.get(
    "/accounts",
    response={200: AccountPage, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_account_list",
    summary="List accounts",
)
def account_list(
    request: HttpRequest,
    filters: Query[AccountFilter],
    with_balance: bool = False,
    ordering: AccountOrdering = "code",
    cursor: str | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    """The chart of accounts, by code; ``with_balance`` adds the posted debits, credits
    and balance of each account (read from the per-period balances)."""
    qs = selectors.account_list(
        company=api_company(request), filters=filters, with_balance=with_balance
    )
    return _page(qs, ordering=ordering, allowed=("code", "name"), cursor=cursor, limit=limit)


@router.post(
    "/accounts",
    response={201: AccountOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_account_create",
    summary="Create an account",
)
@idempotent
def account_create(request: HttpRequest, payload: AccountIn) -> Status[AccountOut]:
    """A new account; 409 ``account_exists`` when the code is taken."""
    account = services.account_create(
        actor=request.user, company=api_company(request), **payload.dict()
    )
    return Status(201, AccountOut.from_orm(account))


@router.get(
    "/accounts/{account_id}",
    response={200: AccountOut, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_account_read",
    summary="Read an account",
)
def account_read(request: HttpRequest, account_id: int) -> Any:
    """An account with its posted debits, credits and balance."""
    company = api_company(request)
    account = selectors.account_get(company=company, account_id=account_id)
    return selectors.account_list(company=company, with_balance=True).get(pk=account.pk)


@router.patch(
    "/accounts/{account_id}",
    response={200: AccountOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_account_update",
    summary="Change, deprecate or restore an account",
)
def account_update(request: HttpRequest, account_id: int, payload: AccountPatch) -> Any:
    """Rename or retype an account (code and type are fixed once it has posted lines:
    409 ``account_used``); ``deprecated`` true stops new lines on it, false restores it."""
    company = api_company(request)
    account = selectors.account_get(company=company, account_id=account_id)
    changes = payload.dict(exclude_unset=True)
    deprecated = changes.pop("deprecated", None)
    changes = {k: v for k, v in changes.items() if v is not None}
    with transaction.atomic():  # one command: the changes and the flag, or nothing
        account = services.account_update(
            actor=request.user, company=company, account=account, **changes
        )
        if deprecated is True:
            services.account_deprecate(actor=request.user, company=company, account=account)
        elif deprecated is False:
            services.account_restore(actor=request.user, company=company, account=account)
    return selectors.account_list(company=company, with_balance=True).get(pk=account.pk)


# --------------------------------------------------------------------------- journals


@router.get(
    "/journals",
    response={200: JournalPage, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_journal_list",
    summary="List journals",
)
def journal_list(
    request: HttpRequest,
    filters: Query[JournalFilter],
    ordering: CodeOrdering = "code",
    cursor: str | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    qs = selectors.journal_list(company=api_company(request), filters=filters)
    return _page(qs, ordering=ordering, allowed=("code",), cursor=cursor, limit=limit)


@router.post(
    "/journals",
    response={201: JournalOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_journal_create",
    summary="Create a journal",
)
@idempotent
def journal_create(request: HttpRequest, payload: JournalIn) -> Status[JournalOut]:
    """A new journal; a bank or cash journal names its account (422 ``journal_account_…``);
    409 ``journal_exists`` when the code is taken."""
    journal = services.journal_create(
        actor=request.user, company=api_company(request), **payload.dict()
    )
    return Status(201, JournalOut.from_orm(journal))


@router.get(
    "/journals/{journal_id}",
    response={200: JournalOut, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_journal_read",
    summary="Read a journal",
)
def journal_read(request: HttpRequest, journal_id: int) -> Any:
    return selectors.journal_get(company=api_company(request), journal_id=journal_id)


@router.patch(
    "/journals/{journal_id}",
    response={200: JournalOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_journal_update",
    summary="Change a journal",
)
def journal_update(request: HttpRequest, journal_id: int, payload: JournalPatch) -> Any:
    """Rename, archive (``active`` false) or re-point a journal; its code and kind stay."""
    company = api_company(request)
    journal = selectors.journal_get(company=company, journal_id=journal_id)
    changes = payload.dict(exclude_unset=True)
    if changes.get("name") is None:
        changes.pop("name", None)
    if changes.get("active") is None:
        changes.pop("active", None)
    services.journal_update(actor=request.user, company=company, journal=journal, **changes)
    return selectors.journal_get(company=company, journal_id=journal_id)


# --------------------------------------------------------------------------- taxes


@router.get(
    "/taxes",
    response={200: TaxPage, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_tax_list",
    summary="List taxes",
)
def tax_list(
    request: HttpRequest,
    filters: Query[TaxFilter],
    ordering: CodeOrdering = "code",
    cursor: str | None = None,
    limit: int = 100,
) -> dict[str, Any]:
    """The company's VAT rates with their validity dates, accounts and return boxes;
    ``valid_on`` keeps those valid on a date."""
    qs = selectors.tax_list(company=api_company(request), filters=filters)
    return _page(qs, ordering=ordering, allowed=("code",), cursor=cursor, limit=limit)


@router.post(
    "/taxes",
    response={201: TaxOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_tax_create",
    summary="Create a tax",
)
@idempotent
def tax_create(request: HttpRequest, payload: TaxIn) -> Status[TaxOut]:
    """A new tax; accounts by code (422 naming ``account`` when not the company's);
    409 ``tax_exists`` when the code is taken."""
    tax = services.tax_create(actor=request.user, company=api_company(request), **payload.dict())
    return Status(201, TaxOut.from_orm(tax))


@router.get(
    "/taxes/{tax_id}",
    response={200: TaxOut, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_tax_read",
    summary="Read a tax",
)
def tax_read(request: HttpRequest, tax_id: int) -> Any:
    return selectors.tax_get(company=api_company(request), tax_id=tax_id)


@router.patch(
    "/taxes/{tax_id}",
    response={200: TaxOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_tax_update",
    summary="Change a tax",
)
def tax_update(request: HttpRequest, tax_id: int, payload: TaxPatch) -> Any:
    """Change a tax; code, rate, scope, kind and price inclusion are fixed once posted
    lines use it (409 ``tax_used``): end its validity and create another instead."""
    company = api_company(request)
    tax = selectors.tax_get(company=company, tax_id=tax_id)
    changes = payload.dict(exclude_unset=True)
    nullable = {"account", "counterpart_account", "valid_from", "valid_to"}
    changes = {k: v for k, v in changes.items() if v is not None or k in nullable}
    services.tax_update(actor=request.user, company=company, tax=tax, **changes)
    return selectors.tax_get(company=company, tax_id=tax_id)
