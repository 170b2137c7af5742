"""REST operations on parties, contacts, addresses, bank accounts and tags.

Mounted under ``/api/v1/parties``. Reading needs ``parties.view`` (token
scope ``parties:read``); writing needs ``parties.change`` (``parties:write``).
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Status

from comptoir.core.identity.access import access, api_company
from comptoir.core.kernel.api import ERRORS, idempotent
from comptoir.core.kernel.pagination import keyset_page
from comptoir.core.parties import selectors, services
from comptoir.core.parties.schemas import (
    AddressIn,
    AddressList,
    AddressOut,
    AddressPatch,
    BankAccountIn,
    BankAccountList,
    BankAccountOut,
    ContactIn,
    PartyFilter,
    PartyIn,
    PartyOut,
    PartyPage,
    PartyPatch,
    TagIn,
    TagList,
    TagOut,
)

router = Router()

VIEW = "parties.view"
CHANGE = "parties.change"
PARTY_ORDERINGS = ("name", "created_at", "pk")
PartyOrdering = Literal["name", "-name", "created_at", "-created_at", "pk", "-pk"]


def _page(
    queryset: Any, *, ordering: str, allowed: tuple[str, ...], cursor: str | None, limit: int
) -> dict[str, Any]:
    page = keyset_page(queryset, ordering=ordering, allowed=allowed, cursor=cursor, limit=limit)
    return page.as_answer()


# --------------------------------------------------------------------------- tags
# Declared before /{party_id} so that "tags" is never read as an id.


@router.get(
    "/tags",
    response={200: TagList, **ERRORS},
    auth=access(VIEW),
    operation_id="parties_tag_list",
    summary="List tags",
)
def tag_list(request: HttpRequest, cursor: str | None = None, limit: int = 100) -> dict[str, Any]:
    """The company's tags, by name."""
    qs = selectors.tag_list(company=api_company(request))
    return _page(qs, ordering="name", allowed=("name",), cursor=cursor, limit=limit)


@router.post(
    "/tags",
    response={201: TagOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="parties_tag_create",
    summary="Create a tag",
)
@idempotent
def tag_create(request: HttpRequest, payload: TagIn) -> Status[TagOut]:
    """A new tag; 409 ``tag_exists`` when the company has it already."""
    tag = services.tag_create(actor=request.user, company=api_company(request), name=payload.name)
    return Status(201, TagOut.from_orm(tag))


# --------------------------------------------------------------------------- addresses


@router.patch(
    "/addresses/{address_id}",
    response={200: AddressOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="parties_address_update",
    summary="Change an address",
)
def address_update(request: HttpRequest, address_id: int, payload: AddressPatch) -> Any:
    company = api_company(request)
    address = selectors.address_get(company=company, address_id=address_id)
    return services.address_update(
        actor=request.user, company=company, address=address, **payload.dict(exclude_unset=True)
    )


@router.delete(
    "/addresses/{address_id}",
    response={204: None, **ERRORS},
    auth=access(CHANGE),
    operation_id="parties_address_delete",
    summary="Delete an address",
)
def address_delete(request: HttpRequest, address_id: int) -> Status[None]:
    company = api_company(request)
    address = selectors.address_get(company=company, address_id=address_id)
    services.address_remove(actor=request.user, company=company, address=address)
    return Status(204, None)


# --------------------------------------------------------------------------- bank accounts


@router.delete(
    "/bank-accounts/{account_id}",
    response={204: None, **ERRORS},
    auth=access(CHANGE),
    operation_id="parties_bank_account_delete",
    summary="Delete a bank account",
)
def bank_account_delete(request: HttpRequest, account_id: int) -> Status[None]:
    company = api_company(request)
    account = selectors.bank_account_get(company=company, account_id=account_id)
    services.bank_account_remove(actor=request.user, company=company, account=account)
    return Status(204, None)


# --------------------------------------------------------------------------- parties


@router.get(
    "",
    response={200: PartyPage, **ERRORS},
    auth=access(VIEW),
    operation_id="parties_party_list",
    summary="List parties",
)
def party_list(
    request: HttpRequest,
    filters: Query[PartyFilter],
    ordering: PartyOrdering = "name",
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Customers, suppliers and contacts, filtered, one keyset page at a time."""
    qs = selectors.party_list(company=api_company(request), filters=filters)
    return _page(qs, ordering=ordering, allowed=PARTY_ORDERINGS, cursor=cursor, limit=limit)


@router.post(
    "",
    response={201: PartyOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="parties_party_create",
    summary="Create a party",
)
@idempotent
def party_create(request: HttpRequest, payload: PartyIn) -> Status[PartyOut]:
    """A new organisation or person. 409 ``party_duplicate`` (with ``fields.duplicate_of``)
    when another party has the VAT number or the name, unless ``allow_duplicate``."""
    party = services.party_create(
        actor=request.user, company=api_company(request), **payload.dict()
    )
    return Status(201, PartyOut.from_orm(party))


@router.get(
    "/{party_id}",
    response={200: PartyOut, **ERRORS},
    auth=access(VIEW),
    operation_id="parties_party_read",
    summary="Read a party",
)
def party_read(request: HttpRequest, party_id: int) -> Any:
    return selectors.party_get(company=api_company(request), party_id=party_id)


@router.patch(
    "/{party_id}",
    response={200: PartyOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="parties_party_update",
    summary="Change a party",
)
def party_update(request: HttpRequest, party_id: int, payload: PartyPatch) -> Any:
    company = api_company(request)
    party = selectors.party_get(company=company, party_id=party_id)
    changes = payload.dict(exclude_unset=True)
    allow_duplicate = bool(changes.pop("allow_duplicate", False))
    services.party_update(
        actor=request.user,
        company=company,
        party=party,
        allow_duplicate=allow_duplicate,
        **changes,
    )
    return selectors.party_get(company=company, party_id=party_id)


@router.post(
    "/{party_id}/archive",
    response={200: PartyOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="parties_party_archive",
    summary="Archive a party",
)
def party_archive(request: HttpRequest, party_id: int) -> Any:
    company = api_company(request)
    party = selectors.party_get(company=company, party_id=party_id)
    services.party_archive(actor=request.user, company=company, party=party)
    return selectors.party_get(company=company, party_id=party_id)


@router.get(
    "/{party_id}/duplicates",
    response={200: PartyPage, **ERRORS},
    auth=access(VIEW),
    operation_id="parties_party_duplicates",
    summary="List likely duplicates of a party",
)
def party_duplicates(
    request: HttpRequest, party_id: int, cursor: str | None = None, limit: int = 50
) -> dict[str, Any]:
    """Other parties with the same VAT number or the same name (case, accents and
    legal form ignored)."""
    company = api_company(request)
    party = selectors.party_get(company=company, party_id=party_id)
    qs = selectors.party_duplicates(company=company, party=party)
    return _page(qs, ordering="pk", allowed=("pk",), cursor=cursor, limit=limit)


# --------------------------------------------------------------------------- contacts


@router.get(
    "/{party_id}/contacts",
    response={200: PartyPage, **ERRORS},
    auth=access(VIEW),
    operation_id="parties_contact_list",
    summary="List the contacts of an organisation",
)
def contact_list(
    request: HttpRequest, party_id: int, cursor: str | None = None, limit: int = 50
) -> dict[str, Any]:
    company = api_company(request)
    party = selectors.party_get(company=company, party_id=party_id)
    qs = selectors.contact_list(company=company, party=party)
    return _page(qs, ordering="name", allowed=("name",), cursor=cursor, limit=limit)


@router.post(
    "/{party_id}/contacts",
    response={201: PartyOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="parties_contact_create",
    summary="Add a contact person to an organisation",
)
@idempotent
def contact_create(request: HttpRequest, party_id: int, payload: ContactIn) -> Status[PartyOut]:
    company = api_company(request)
    organisation = selectors.party_get(company=company, party_id=party_id)
    contact = services.contact_add(
        actor=request.user, company=company, organisation=organisation, **payload.dict()
    )
    return Status(201, PartyOut.from_orm(contact))


# --------------------------------------------------------------------- addresses of a party


@router.get(
    "/{party_id}/addresses",
    response={200: AddressList, **ERRORS},
    auth=access(VIEW),
    operation_id="parties_address_list",
    summary="List the addresses of a party",
)
def address_list(
    request: HttpRequest, party_id: int, cursor: str | None = None, limit: int = 50
) -> dict[str, Any]:
    company = api_company(request)
    party = selectors.party_get(company=company, party_id=party_id)
    qs = selectors.address_list(company=company, party=party)
    return _page(qs, ordering="pk", allowed=("pk",), cursor=cursor, limit=limit)


@router.post(
    "/{party_id}/addresses",
    response={201: AddressOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="parties_address_create",
    summary="Add an address to a party",
)
@idempotent
def address_create(request: HttpRequest, party_id: int, payload: AddressIn) -> Status[AddressOut]:
    company = api_company(request)
    party = selectors.party_get(company=company, party_id=party_id)
    address = services.address_add(
        actor=request.user, company=company, party=party, **payload.dict()
    )
    return Status(201, AddressOut.from_orm(address))


# ----------------------------------------------------------------- bank accounts of a party


@router.get(
    "/{party_id}/bank-accounts",
    response={200: BankAccountList, **ERRORS},
    auth=access(VIEW),
    operation_id="parties_bank_account_list",
    summary="List the bank accounts of a party",
)
def bank_account_list(
    request: HttpRequest, party_id: int, cursor: str | None = None, limit: int = 50
) -> dict[str, Any]:
    company = api_company(request)
    party = selectors.party_get(company=company, party_id=party_id)
    qs = selectors.bank_account_list(company=company, party=party)
    return _page(qs, ordering="pk", allowed=("pk",), cursor=cursor, limit=limit)


@router.post(
    "/{party_id}/bank-accounts",
    response={201: BankAccountOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="parties_bank_account_create",
    summary="Add a bank account to a party",
)
@idempotent
def bank_account_create(
    request: HttpRequest, party_id: int, payload: BankAccountIn
) -> Status[BankAccountOut]:
    """IBAN and BIC are checked (422 naming ``iban`` or ``bic``); an empty BIC and
    bank name are looked up from the IBAN."""
    company = api_company(request)
    party = selectors.party_get(company=company, party_id=party_id)
    account = services.bank_account_add(
        actor=request.user, company=company, party=party, **payload.dict()
    )
    return Status(201, BankAccountOut.from_orm(account))
