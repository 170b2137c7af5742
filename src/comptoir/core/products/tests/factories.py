from decimal import Decimal

import factory

from comptoir.core.products.models import Category, Product, Unit


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("company", "code")

    code = factory.Sequence(lambda n: f"u{n}")
    name = factory.LazyAttribute(lambda o: o.code)
    category = "unit"
    factor = Decimal(1)
    rounding = Decimal(1)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Product {n}")
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    unit = factory.SubFactory(
        UnitFactory, company=factory.SelfAttribute("..company"), code="unit", name="Unit"
    )
    sale_price = Decimal("10.00")
    purchase_price = Decimal("6.00")
    currency = "EUR"
