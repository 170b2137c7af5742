from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from comptoir.core.audit.models import AuditEntry
from comptoir.core.events.models import OutboxEvent
from comptoir.core.kernel.errors import Conflict, NotFound, ValidationFailed
from comptoir.core.products import selectors, services
from comptoir.core.products.models import Product
from comptoir.core.products.tests.factories import CategoryFactory, ProductFactory, UnitFactory

pytestmark = pytest.mark.django_db


def test_product_create_defaults(company, admin_user):
    product = services.product_create(
        actor=admin_user, company=company, name="Chair", sku="CH-1", sale_price="49.90"
    )
    assert product.currency == "EUR"
    assert product.unit.code == "unit"
    assert product.sale_price == Decimal("49.90")
    assert product.get_absolute_url() == f"/products/{product.pk}/"
    assert AuditEntry.objects.filter(action="product.create", object_id=str(product.pk)).exists()
    assert OutboxEvent.objects.filter(
        name="ProductCreated", payload__product_id=product.pk
    ).exists()


def test_duplicate_sku_is_a_conflict_naming_the_field(company, admin_user):
    services.product_create(actor=admin_user, company=company, name="A", sku="X1")
    with pytest.raises(Conflict) as exc:
        services.product_create(actor=admin_user, company=company, name="B", sku="X1")
    assert exc.value.code == "product_duplicate"
    assert set(exc.value.fields) == {"sku"}


def test_duplicate_barcode_is_a_conflict(company, admin_user):
    services.product_create(actor=admin_user, company=company, name="A", barcode="4006381333931")
    with pytest.raises(Conflict) as exc:
        services.product_create(
            actor=admin_user, company=company, name="B", barcode="4006381333931"
        )
    assert set(exc.value.fields) == {"barcode"}


def test_empty_sku_and_barcode_may_repeat(company, admin_user):
    services.product_create(actor=admin_user, company=company, name="A")
    services.product_create(actor=admin_user, company=company, name="B")
    assert Product.objects.filter(company=company, sku="").count() == 2


def test_same_sku_in_another_company(company, company_ro, admin_user):
    services.product_create(actor=admin_user, company=company, name="A", sku="X1")
    services.product_create(actor=admin_user, company=company_ro, name="A", sku="X1")


def test_database_refuses_duplicates_too(company):
    ProductFactory(company=company, sku="DUP")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(company=company, sku="DUP")


def test_race_on_insert_still_answers_conflict(company, admin_user, monkeypatch):
    ProductFactory(company=company, sku="RACE")
    monkeypatch.setattr(services, "_product_duplicate", _only_after_first_call())
    with pytest.raises(Conflict) as exc:
        services.product_create(actor=admin_user, company=company, name="B", sku="RACE")
    assert set(exc.value.fields) == {"sku"}


def _only_after_first_call():
    real = services._product_duplicate
    calls = []

    def fake(*args, **kwargs):
        calls.append(1)
        return None if len(calls) == 1 else real(*args, **kwargs)

    return fake


def test_negative_price_is_refused(company, admin_user):
    with pytest.raises(ValidationFailed) as exc:
        services.product_create(actor=admin_user, company=company, name="A", sale_price="-1")
    assert "sale_price" in exc.value.fields


def test_database_refuses_negative_price(company):
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(company=company, purchase_price=Decimal("-0.01"))


def test_bad_ean_is_refused_and_other_codes_pass(company, admin_user):
    with pytest.raises(ValidationFailed) as exc:
        services.product_create(
            actor=admin_user, company=company, name="A", barcode="4006381333932"
        )
    assert exc.value.code == "barcode_invalid"
    ok = services.product_create(actor=admin_user, company=company, name="B", barcode="INT-CODE-7")
    assert ok.barcode == "INT-CODE-7"


def test_unknown_currency_and_foreign_unit(company, company_ro, admin_user):
    with pytest.raises(ValidationFailed) as exc:
        services.product_create(actor=admin_user, company=company, name="A", currency="ZZZ")
    assert "currency" in exc.value.fields
    foreign = UnitFactory(company=company_ro, code="kg", category="weight")
    with pytest.raises(ValidationFailed) as exc:
        services.product_create(actor=admin_user, company=company, name="A", unit=foreign)
    assert "unit" in exc.value.fields


def test_update_and_archive(company, admin_user):
    product = services.product_create(actor=admin_user, company=company, name="A", sku="A1")
    category = services.category_create(actor=admin_user, company=company, name="Chairs")
    product = services.product_update(
        actor=admin_user, product=product, name="A+", category=category.pk
    )
    assert product.name == "A+" and product.category == category
    services.product_archive(actor=admin_user, product=product)
    product.refresh_from_db()
    assert not product.active
    assert OutboxEvent.objects.filter(name="ProductUpdated").count() == 2
    entry = AuditEntry.objects.filter(action="product.update").get()
    assert entry.before["name"] == "A" and entry.after["name"] == "A+"


def test_update_to_a_taken_sku(company, admin_user):
    services.product_create(actor=admin_user, company=company, name="A", sku="A1")
    b = services.product_create(actor=admin_user, company=company, name="B", sku="B1")
    with pytest.raises(Conflict):
        services.product_update(actor=admin_user, product=b, sku="A1")


def test_product_get_is_scoped(company, company_ro):
    product = ProductFactory(company=company_ro)
    with pytest.raises(NotFound):
        selectors.product_get(company=company, pk=product.pk)


def test_category_duplicate_and_parent(company, company_ro, admin_user):
    parent = services.category_create(actor=admin_user, company=company, name="Furniture")
    child = services.category_create(
        actor=admin_user, company=company, name="Chairs", parent=parent
    )
    assert child.parent == parent
    with pytest.raises(Conflict):
        services.category_create(actor=admin_user, company=company, name="Chairs", parent=parent)
    other = CategoryFactory(company=company_ro)
    with pytest.raises(ValidationFailed):
        services.category_create(actor=admin_user, company=company, name="X", parent=other)


def test_product_search(company, company_ro, admin_user):
    a = services.product_create(
        actor=admin_user,
        company=company,
        name="Chaise pliante café",
        sku="CH-100",
        barcode="4006381333931",
    )
    b = services.product_create(actor=admin_user, company=company, name="Table basse", sku="TB-200")
    ProductFactory(company=company_ro, name="Chaise roumaine")
    assert selectors.product_search(company=company, q="chai", limit=10) == [a]
    if connection.vendor == "sqlite":  # FTS5 folds accents; PostgreSQL's 'simple' does not
        assert selectors.product_search(company=company, q="cafe", limit=10) == [a]
    assert selectors.product_search(company=company, q="CH-1", limit=10) == [a]
    assert selectors.product_search(company=company, q="400638", limit=10) == [a]
    assert selectors.product_search(company=company, q="tab bas", limit=10) == [b]
    assert selectors.product_search(company=company, q='"*) OR', limit=10) == []
    assert selectors.product_search(company=company, q="  ", limit=10) == []
    services.product_update(actor=admin_user, product=b, name="Bureau")
    assert selectors.product_search(company=company, q="table", limit=10) == []
    assert selectors.product_search(company=company, q="bure", limit=10) == [b]
