"""Read side of products, always scoped by company."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from comptoir.core.companies.models import Company
from comptoir.core.kernel.errors import NotFound
from comptoir.core.products.models import Category, Product, Unit

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# The indexed expression of migration 0002 (PostgreSQL): keep both identical.
PG_DOCUMENT = (
    "to_tsvector('simple', regexp_replace(coalesce(name, '') || ' ' || coalesce(sku, '')"
    " || ' ' || coalesce(barcode, ''), '[^[:alnum:]]+', ' ', 'g'))"
)


def product_list(*, company: Company, filters: Any = None) -> QuerySet[Product]:
    qs = Product.objects.filter(company=company).select_related("unit", "category")
    return filters.filter(qs) if filters is not None else qs


def product_get(*, company: Company, pk: int) -> Product:
    product = (
        Product.objects.filter(company=company, pk=pk).select_related("unit", "category").first()
    )
    if product is None:
        raise NotFound(_("Product not found."), code="product_not_found")
    return product


def unit_list(*, company: Company, filters: Any = None) -> QuerySet[Unit]:
    qs = Unit.objects.filter(company=company)
    return filters.filter(qs) if filters is not None else qs


def unit_get(*, company: Company, pk: int | None = None, code: str | None = None) -> Unit:
    lookup = {"pk": pk} if pk is not None else {"code": code}
    unit = Unit.objects.filter(company=company, **lookup).first()
    if unit is None:
        raise NotFound(_("Unit not found."), code="unit_not_found")
    return unit


def category_list(*, company: Company, filters: Any = None) -> QuerySet[Category]:
    qs = Category.objects.filter(company=company).select_related("parent")
    return filters.filter(qs) if filters is not None else qs


def category_get(*, company: Company, pk: int) -> Category:
    category = Category.objects.filter(company=company, pk=pk).first()
    if category is None:
        raise NotFound(_("Category not found."), code="category_not_found")
    return category


def _words(q: str) -> list[str]:
    return _WORD.findall(q)[:8]


def product_search(*, company: Company, q: str, limit: int = 20) -> list[Product]:
    """Products whose name, SKU or barcode has words starting with every word of ``q``.

    SQLite answers from the FTS5 table ``products_product_fts``, PostgreSQL
    from the GIN full-text index of migration 0002; best matches first.
    """
    words = _words(q)
    if not words:
        return []
    limit = max(1, min(limit, 100))
    ids: list[int]
    if connection.vendor == "sqlite":
        match = " ".join('"{}"*'.format(w.replace('"', '""')) for w in words)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT p.id FROM products_product_fts f "
                "JOIN products_product p ON p.id = f.rowid "
                "WHERE products_product_fts MATCH %s AND p.company_id = %s "
                "ORDER BY f.rank, p.name LIMIT %s",
                [match, company.pk, limit],
            )
            ids = [row[0] for row in cursor.fetchall()]
    elif connection.vendor == "postgresql":
        query = " & ".join(f"{w.lower()}:*" for w in words)
        document = PG_DOCUMENT
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM products_product WHERE company_id = %s "  # noqa: S608
                f"AND {document} @@ to_tsquery('simple', %s) "
                f"ORDER BY ts_rank({document}, to_tsquery('simple', %s)) DESC, name LIMIT %s",
                [company.pk, query, query, limit],
            )
            ids = [row[0] for row in cursor.fetchall()]
    else:  # pragma: no cover - other databases: a plain scan
        cond = Q()
        for w in words:
            cond &= Q(name__icontains=w) | Q(sku__icontains=w) | Q(barcode__icontains=w)
        return list(Product.objects.filter(company=company).filter(cond).order_by("name")[:limit])
    by_id = Product.objects.filter(company=company).in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]
