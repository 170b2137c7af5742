"""Every read on parties, always scoped by company.

A record of another company is a ``NotFound``, exactly like a record that
does not exist.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.core.kernel.errors import NotFound
from comptoir.core.parties.models import Address, BankAccount, Party, Tag
from comptoir.core.parties.schemas import PartyFilter

FTS_TABLE = "parties_party_fts"
_TOKEN = re.compile(r"\w+", re.UNICODE)


def party_list(*, company: Any, filters: PartyFilter | None = None) -> QuerySet[Party]:
    """The company's parties, filtered; tags prefetched, organisation joined."""
    queryset = (
        Party.objects.filter(company=company).select_related("parent").prefetch_related("tags")
    )
    if filters is not None:
        queryset = filters.filter(queryset)
    return queryset


def party_get(*, company: Any, party_id: int) -> Party:
    party = (
        Party.objects.filter(company=company, pk=party_id)
        .select_related("parent")
        .prefetch_related("tags")
        .first()
    )
    if party is None:
        raise NotFound(_("No such party."), code="party_not_found")
    return party


def party_duplicates(*, company: Any, party: Party) -> QuerySet[Party]:
    """Other parties of the company with the same VAT number or the same folded name."""
    same = Q(name_key=party.name_key, kind=party.kind) if party.name_key else Q(pk__in=[])
    if party.kind == Party.Kind.PERSON:
        same &= Q(parent_id=party.parent_id)
    if party.vat_number:
        same |= Q(vat_number=party.vat_number)
    return (
        Party.objects.filter(company=company)
        .filter(same)
        .exclude(pk=party.pk)
        .select_related("parent")
        .prefetch_related("tags")
    )


def contact_list(*, company: Any, party: Party) -> QuerySet[Party]:
    return (
        Party.objects.filter(company=company, parent=party)
        .select_related("parent")
        .prefetch_related("tags")
    )


def address_list(*, company: Any, party: Party) -> QuerySet[Address]:
    return Address.objects.filter(company=company, party=party)


def address_get(*, company: Any, address_id: int) -> Address:
    address = Address.objects.filter(company=company, pk=address_id).select_related("party").first()
    if address is None:
        raise NotFound(_("No such address."), code="address_not_found")
    return address


def bank_account_list(*, company: Any, party: Party) -> QuerySet[BankAccount]:
    return BankAccount.objects.filter(company=company, party=party)


def bank_account_get(*, company: Any, account_id: int) -> BankAccount:
    account = (
        BankAccount.objects.filter(company=company, pk=account_id).select_related("party").first()
    )
    if account is None:
        raise NotFound(_("No such bank account."), code="bank_account_not_found")
    return account


def tag_list(*, company: Any) -> QuerySet[Tag]:
    return Tag.objects.filter(company=company)


def organisation_choices(*, company: Any) -> QuerySet[Party]:
    return Party.objects.filter(company=company, kind=Party.Kind.ORGANISATION, active=True).only(
        "pk", "name"
    )


# --------------------------------------------------------------------------- search


def _tokens(q: str) -> list[str]:
    return [t for t in _TOKEN.findall(q.lower()) if t][:8]


def _search_ids_sqlite(company_id: int, tokens: list[str], limit: int) -> list[int]:
    # Every token a quoted prefix: "dup"* finds Dupont; the quotes neutralise
    # FTS5 operators a user might type.
    match = " ".join(f'"{t}"*' for t in tokens)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND company_id = %s "  # noqa: S608
            "ORDER BY rank LIMIT %s",
            [match, company_id, limit],
        )
        return [row[0] for row in cursor.fetchall()]


# Must stay the expression of the GIN index created in migration 0002.
PG_DOCUMENT = (
    "to_tsvector('simple', "
    "parties_unaccent(name || ' ' || email || ' ' || vat_number || ' ' || city))"
)
PG_QUERY = "to_tsquery('simple', parties_unaccent(%s))"


def _search_ids_postgresql(company_id: int, tokens: list[str], limit: int) -> list[int]:
    query = " & ".join(f"{t}:*" for t in tokens)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM parties_party WHERE company_id = %s "  # noqa: S608
            f"AND {PG_DOCUMENT} @@ {PG_QUERY} "
            f"ORDER BY ts_rank({PG_DOCUMENT}, {PG_QUERY}) DESC, name, id LIMIT %s",
            [company_id, query, query, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def party_search(*, company: Any, q: str, limit: int = 20) -> list[Party]:
    """Parties whose name, email, VAT number or city start with the words of ``q``.

    Full text: FTS5 on SQLite, a GIN-indexed ``tsvector`` on PostgreSQL;
    elsewhere a plain ``icontains``. Active parties first, best match first.
    """
    tokens = _tokens(q or "")
    if not tokens or company is None:
        return []
    limit = max(1, min(int(limit), 100))
    vendor = connection.vendor
    if vendor == "sqlite":
        ids = _search_ids_sqlite(company.pk, tokens, limit * 2)
    elif vendor == "postgresql":
        ids = _search_ids_postgresql(company.pk, tokens, limit * 2)
    else:  # pragma: no cover - other databases are not supported in production
        cond = Q()
        for t in tokens:
            cond &= (
                Q(name__icontains=t)
                | Q(email__icontains=t)
                | Q(vat_number__icontains=t)
                | Q(city__icontains=t)
            )
        ids = list(
            Party.objects.filter(cond, company=company).values_list("pk", flat=True)[: limit * 2]
        )
    if not ids:
        return []
    by_id = Party.objects.filter(company=company, pk__in=ids).select_related("parent").in_bulk()
    rank = {pk: i for i, pk in enumerate(ids)}
    found = sorted(by_id.values(), key=lambda p: (not p.active, rank[p.pk]))
    return found[:limit]
