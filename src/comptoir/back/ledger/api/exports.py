"""The books as files (FEC, Beancount) and the integrity check, for programs.

Mounted under ``/api/v1/ledger``; everything here needs ``ledger.view``
(token scope ``ledger:read``): the auditor reads it all.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from comptoir.back.ledger.exports import beancount_export, fec_export
from comptoir.back.ledger.integrity import ledger_verify
from comptoir.core.identity.access import access, api_company
from comptoir.core.kernel.api import ERRORS

router = Router()

VIEW = "ledger.view"
FecEncoding = Literal["utf-8", "iso-8859-15"]


def _text_file(content: bytes | str, filename: str, charset: str = "utf-8") -> HttpResponse:
    response = HttpResponse(content, content_type=f"text/plain; charset={charset}")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _text_answer(description: str) -> dict[str, Any]:
    return {
        "responses": {
            200: {
                "description": description,
                "content": {"text/plain": {"schema": {"type": "string"}}},
            }
        }
    }


class ProblemOut(Schema):
    code: str
    message: str
    company: str
    journal: str = ""
    fiscal_year: str = ""
    entry_id: int | None = None
    number: str = ""


class JournalCheckOut(Schema):
    company: str
    journal: str
    name: str
    entries: int
    last_number: str
    ok: bool
    problems: int
    first_problem: ProblemOut | None = None


class BalanceCheckOut(Schema):
    company: str
    rows: int
    ok: bool
    mismatches: int
    problems: list[ProblemOut]


class IntegrityOut(Schema):
    ok: bool
    entries: int
    summary: str
    journals: list[JournalCheckOut]
    balances: list[BalanceCheckOut]


@router.get(
    "/exports/fec",
    response={200: None, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_fec_export_read",
    summary="Download the FEC of a fiscal year",
    openapi_extra=_text_answer(
        "The FEC (fichier des écritures comptables), tab-separated, UTF-8 (or ISO 8859-15), "
        "named <SIREN>FEC<YYYYMMDD>.txt."
    ),
)
def fec_export_read(
    request: HttpRequest, fiscal_year: int, encoding: FecEncoding = "utf-8"
) -> HttpResponse:
    """The French FEC of the fiscal year ending in ``fiscal_year``, in UTF-8 or ISO 8859-15.

    422 ``fec_not_french`` for a company outside France, ``fec_no_siren``
    without a SIREN, ``fiscal_year_unknown`` for a year the company lacks.
    """
    filename, content = fec_export(api_company(request), fiscal_year, encoding=encoding)
    return _text_file(content, filename, encoding)


@router.get(
    "/exports/beancount",
    response={200: None, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_beancount_export_read",
    summary="Download the books as a Beancount file",
    openapi_extra=_text_answer("The posted entries as a Beancount ledger, UTF-8."),
)
def beancount_export_read(request: HttpRequest, fiscal_year: int | None = None) -> HttpResponse:
    """The posted entries (of ``fiscal_year``, or all) with balance assertions equal to the
    trial balance; 409 ``ledger_not_set_up`` for a company without books."""
    filename, text = beancount_export(api_company(request), fiscal_year)
    return _text_file(text, filename)


@router.get(
    "/integrity",
    response={200: IntegrityOut, **ERRORS},
    auth=access(VIEW),
    operation_id="ledger_integrity_read",
    summary="Verify the hash chains, numbers and balances",
)
def integrity_read(request: HttpRequest) -> dict[str, Any]:
    """Recompute every journal's hash chain; name the first broken link of each journal."""
    return ledger_verify(api_company(request)).as_dict()
