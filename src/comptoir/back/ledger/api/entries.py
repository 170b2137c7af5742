"""REST operations on journal entries: write drafts, post, reverse, import openings.

Mounted under ``/api/v1/ledger``. Reading needs ``ledger.view`` (token scope
``ledger:read``); writing needs ``ledger.change`` (``ledger:write``).

A posted entry is immutable: changing or deleting it answers 409
``entry_posted``; it is corrected by a reversal. An unbalanced entry answers
422 ``entry_unbalanced`` with the difference in ``fields.difference``.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from pydantic import ValidationError

from comptoir.back.ledger import imports, selectors, services
from comptoir.back.ledger.domain import LineDraft
from comptoir.back.ledger.schemas import (
    EntryFilter,
    EntryIn,
    EntryLineIn,
    EntryOut,
    EntryPage,
    EntryPatch,
    OpeningImportIn,
    OpeningImportOut,
    ReverseIn,
)
from comptoir.core.identity.access import access, api_company
from comptoir.core.kernel.api import ERRORS, idempotent
from comptoir.core.kernel.errors import BadRequest, DomainError, ValidationFailed
from comptoir.core.kernel.pagination import keyset_page

router = Router()

VIEW = "ledger.view"
CHANGE = "ledger.change"
EntryOrdering = Literal["date", "-date", "number", "-number", "pk", "-pk"]

_AMOUNT_OR_TEXT = {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "null"}]}
OPENING_IMPORT_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["rows"],
                    "properties": {
                        "rows": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "account": {"type": "string"},
                                    "party": {
                                        "anyOf": [
                                            {"type": "string"},
                                            {"type": "integer"},
                                            {"type": "null"},
                                        ]
                                    },
                                    "debit": _AMOUNT_OR_TEXT,
                                    "credit": _AMOUNT_OR_TEXT,
                                    "label": {"type": "string"},
                                },
                            },
                        },
                        "date": {"type": "string", "format": "date"},
                        "journal": {"type": "string"},
                        "label": {"type": "string", "maxLength": 200},
                    },
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV with the columns account,party,debit,credit,label",
                        },
                        "date": {"type": "string", "format": "date"},
                        "journal": {"type": "string"},
                        "label": {"type": "string", "maxLength": 200},
                    },
                }
            },
        },
    }
}


@contextmanager
def _input_names() -> Iterator[None]:
    """Name the faulty field as the request names it (``lines.2.party_id``)."""
    try:
        yield
    except DomainError as exc:
        renamed: dict[str, list[str]] = {}
        for name, reasons in exc.fields.items():
            if name.startswith("lines.") and name.endswith(".party"):
                name = f"{name}_id"
            renamed[name] = reasons
        exc.fields = renamed
        raise


def _drafts(lines: list[EntryLineIn]) -> list[LineDraft]:
    return [
        LineDraft(
            account=line.account.strip(),
            debit=line.debit,
            credit=line.credit,
            label=line.label,
            party=line.party_id,
            currency=line.currency.strip().upper(),
            amount_currency=line.amount_currency,
            tax=line.tax.strip() if line.tax else None,
            tax_role=line.tax_role if line.tax else "",
        )
        for line in lines
    ]


def _journal_key(value: int | str) -> int | str:
    return value if isinstance(value, int) else value.strip().upper()


# --------------------------------------------------------------------------- list and create


@router.get(
    "/entries",
    response={200: EntryPage, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_entry_list",
    summary="List entries",
)
def entry_list(
    request: HttpRequest,
    filters: Query[EntryFilter],
    ordering: EntryOrdering = "-date",
    cursor: str | None = None,
    limit: int = 50,
) -> dict[str, Any]:
    """Entries, newest first, filtered by journal, state, dates, period, account, party
    or text; each with the sum of its debits."""
    qs = selectors.entry_list(company=api_company(request), filters=filters)
    page = keyset_page(
        qs, ordering=ordering, allowed=("date", "number"), cursor=cursor, limit=limit
    )
    return page.as_answer()


@router.post(
    "/entries",
    response={201: EntryOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_entry_create",
    summary="Create an entry (draft, or posted with post=true)",
)
@idempotent
def entry_create(request: HttpRequest, payload: EntryIn) -> Status[EntryOut]:
    """A balanced entry: a draft, or posted at once with ``post``. Lines name accounts and
    taxes by code. 422 ``entry_unbalanced`` (``fields.difference``), ``account_unknown``,
    ``account_deprecated``, ``tax_not_valid``… naming ``lines.<n>.<field>``; 409
    ``period_locked`` when posting into a closed or locked period."""
    company = api_company(request)
    with _input_names():
        entry = services.entry_create(
            actor=request.user,
            company=company,
            journal=_journal_key(payload.journal),
            date=payload.date,
            lines=_drafts(payload.lines),
            label=payload.label,
            ref=payload.ref,
            currency=(payload.currency or "").strip().upper() or None,
            post=payload.post,
        )
    return Status(201, EntryOut.from_orm(selectors.entry_get(company=company, entry_id=entry.pk)))


# --------------------------------------------------------------------------- opening import
# Declared before /entries/{entry_id}.


def _opening_payload(request: HttpRequest) -> tuple[Any, dict[str, Any]]:
    """(rows or CSV bytes, options) from a JSON body or a multipart upload."""
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data"):
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                _("Send the CSV file in the field file."),
                code="import_file_missing",
                fields={"file": _("Required.")},
            )
        if upload.size and upload.size > 20 * 1024 * 1024:
            raise ValidationFailed(
                _("The file is larger than 20 MB."),
                code="import_too_large",
                fields={"file": _("At most 20 MB.")},
            )
        options: dict[str, Any] = {k: request.POST.get(k, "") for k in ("date", "journal", "label")}
        if any("\x00" in v for v in options.values()):
            raise BadRequest(_("Text may not contain NUL characters."), fields={"body": "NUL"})
        return upload.read(), options
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(
            _("Send JSON rows or a multipart CSV upload."), fields={"body": _("Not JSON.")}
        ) from None
    if _has_nul(body):
        raise BadRequest(_("Text may not contain NUL characters."), fields={"body": "NUL"})
    try:
        payload = OpeningImportIn.model_validate(body)
    except ValidationError as exc:
        fields: dict[str, list[str]] = {}
        for error in exc.errors():
            loc = list(error.get("loc", ()))
            if len(loc) >= 2 and loc[0] == "rows" and isinstance(loc[1], int):
                loc[1] = loc[1] + 1  # rows count from 1, as in a file
            name = ".".join(str(p) for p in loc) or "body"
            fields.setdefault(name, []).append(str(error.get("msg")))
        raise ValidationFailed(
            _("The input is not valid."), code="validation_error", fields=fields
        ) from None
    options = {
        "date": payload.date,
        "journal": payload.journal or "",
        "label": payload.label,
    }
    return [row.dict() for row in payload.rows], options


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _date_option(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(
            _("Not a date."), code="invalid_date", fields={"date": _("YYYY-MM-DD.")}
        ) from None


@router.post(
    "/entries/import-opening",
    response={201: OpeningImportOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_opening_import",
    summary="Import opening balances (CSV upload or JSON rows)",
    openapi_extra=OPENING_IMPORT_BODY,
)
@idempotent
def opening_import(request: HttpRequest) -> Status[OpeningImportOut]:
    """Opening balances as one posted entry in the opening journal (AN), dated the fiscal
    year's first day unless ``date`` is given. Send a CSV file (``file``, columns
    ``account,party,debit,credit,label``) or JSON ``rows``. All or nothing: any bad row
    answers 422 ``import_rejected`` naming each fault as ``rows.<n>.<column>`` (row 1 is
    the first after the header, or the first JSON row); unbalanced totals answer 422
    ``entry_unbalanced``; a second import into the same year 409 ``opening_imported``."""
    company = api_company(request)
    source, options = _opening_payload(request)
    kwargs: dict[str, Any] = {
        "actor": request.user,
        "company": company,
        "date": _date_option(options["date"]),
        "journal": str(options["journal"]).strip().upper() or None,
        "label": str(options["label"] or "")[:200],
    }
    if isinstance(source, bytes):
        result = imports.opening_import_csv(data=source, **kwargs)
    else:
        result = imports.opening_import(rows=source, **kwargs)
    return Status(
        201,
        OpeningImportOut(
            entry_id=result.entry.pk,
            number=result.entry.number,
            date=result.entry.date,
            rows=result.rows,
            debit=result.debit,
            credit=result.credit,
        ),
    )


# --------------------------------------------------------------------------- one entry


@router.get(
    "/entries/{entry_id}",
    response={200: EntryOut, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_entry_read",
    summary="Read an entry with its lines",
)
def entry_read(request: HttpRequest, entry_id: int) -> Any:
    """An entry, its lines, its number and hash, and the reversal linked to it."""
    return selectors.entry_get(company=api_company(request), entry_id=entry_id)


@router.patch(
    "/entries/{entry_id}",
    response={200: EntryOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_entry_update",
    summary="Change a draft entry",
)
def entry_update(request: HttpRequest, entry_id: int, payload: EntryPatch) -> Any:
    """Change a draft (``lines`` replaces every line); a posted entry answers 409
    ``entry_posted``: reverse it instead."""
    company = api_company(request)
    entry = selectors.entry_get(company=company, entry_id=entry_id)
    with _input_names():
        services.entry_update(
            actor=request.user,
            company=company,
            entry=entry,
            journal=_journal_key(payload.journal) if payload.journal is not None else None,
            date=payload.date,
            label=payload.label,
            ref=payload.ref,
            lines=_drafts(payload.lines) if payload.lines is not None else None,
        )
    return selectors.entry_get(company=company, entry_id=entry_id)


@router.delete(
    "/entries/{entry_id}",
    response={204: None, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_entry_delete",
    summary="Delete a draft entry",
)
def entry_delete(request: HttpRequest, entry_id: int) -> Status[None]:
    """Delete a draft; a posted entry answers 409 ``entry_posted``."""
    company = api_company(request)
    entry = selectors.entry_get(company=company, entry_id=entry_id)
    services.entry_delete(actor=request.user, company=company, entry=entry)
    return Status(204, None)


@router.post(
    "/entries/{entry_id}/post",
    response={200: EntryOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_entry_post",
    summary="Post a draft entry",
)
def entry_post(request: HttpRequest, entry_id: int) -> Any:
    """Check the draft again, give it the next number of its journal and year, chain its
    hash and add it to the balances. 409 ``entry_posted`` when posted already, 409
    ``period_locked`` when its period is closed or locked."""
    company = api_company(request)
    entry = selectors.entry_get(company=company, entry_id=entry_id)
    with _input_names():
        services.entry_post(actor=request.user, company=company, entry=entry)
    return selectors.entry_get(company=company, entry_id=entry_id)


@router.post(
    "/entries/{entry_id}/reverse",
    response={201: EntryOut, **ERRORS},
    auth=access(CHANGE),
    operation_id="ledger_entry_reverse",
    summary="Reverse a posted entry",
)
@idempotent
def entry_reverse(
    request: HttpRequest, entry_id: int, payload: ReverseIn | None = None
) -> Status[EntryOut]:
    """Post the mirror of a posted entry (debits become credits) in its journal, linked
    both ways; answers the reversal. 409 ``entry_not_posted``, ``entry_reversed`` or
    ``entry_is_reversal`` when it cannot be reversed."""
    company = api_company(request)
    entry = selectors.entry_get(company=company, entry_id=entry_id)
    body = payload or ReverseIn(date=None, label="")
    reversal = services.entry_reverse(
        actor=request.user, company=company, entry=entry, date=body.date, label=body.label
    )
    return Status(
        201, EntryOut.from_orm(selectors.entry_get(company=company, entry_id=reversal.pk))
    )
