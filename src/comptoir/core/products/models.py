"""Units of measure, product categories and products."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from comptoir.core.kernel.models import CompanyOwned


class UnitCategory(models.TextChoices):
    UNIT = "unit", _("Units")
    WEIGHT = "weight", _("Weight")
    LENGTH = "length", _("Length")
    VOLUME = "volume", _("Volume")
    TIME = "time", _("Time")
    AREA = "area", _("Area")


class Unit(CompanyOwned):
    """A unit of measure; ``factor`` reference units of its category make one of it."""

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=10, choices=UnitCategory.choices)
    factor = models.DecimalField(
        _("factor"),
        max_digits=24,
        decimal_places=12,
        default=1,
        help_text=_("How many reference units of the category one of this unit is."),
    )
    rounding = models.DecimalField(
        _("rounding"),
        max_digits=18,
        decimal_places=9,
        default=1,
        help_text=_("Quantities in this unit are rounded to a multiple of this step."),
    )

    class Meta:
        ordering = ["category", "factor", "code"]
        verbose_name = _("unit of measure")
        verbose_name_plural = _("units of measure")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="products_unit_code_unique"),
            models.CheckConstraint(condition=Q(factor__gt=0), name="products_unit_factor_gt_0"),
            models.CheckConstraint(condition=Q(rounding__gt=0), name="products_unit_rounding_gt_0"),
        ]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("products:unit_detail", args=[self.pk])


class Category(CompanyOwned):
    """A product family, optionally inside another one."""

    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "parent", "name"], name="products_category_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProductKind(models.TextChoices):
    GOODS = "goods", _("Goods")
    SERVICE = "service", _("Service")
    CONSUMABLE = "consumable", _("Consumable")


class Product(CompanyOwned):
    """Something the company sells or buys."""

    kind = models.CharField(
        _("kind"), max_length=12, choices=ProductKind.choices, default=ProductKind.GOODS
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    barcode = models.CharField(_("barcode"), max_length=32, blank=True)
    category = models.ForeignKey(
        Category,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("category"),
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="products", verbose_name=_("unit")
    )
    sale_price = models.DecimalField(_("sale price"), max_digits=18, decimal_places=4, default=0)
    purchase_price = models.DecimalField(
        _("purchase price"), max_digits=18, decimal_places=4, default=0
    )
    currency = models.CharField(_("currency"), max_length=3)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "sku"],
                condition=~Q(sku=""),
                name="products_product_sku_unique",
            ),
            models.UniqueConstraint(
                fields=["company", "barcode"],
                condition=~Q(barcode=""),
                name="products_product_barcode_unique",
            ),
            models.CheckConstraint(
                condition=Q(sale_price__gte=0), name="products_product_sale_price_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(purchase_price__gte=0), name="products_product_purchase_price_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="products_product_currency_iso3"
            ),
        ]
        indexes = [models.Index(fields=["company", "name"], name="products_product_co_name")]

    def __str__(self) -> str:
        return f"[{self.sku}] {self.name}" if self.sku else self.name

    def get_absolute_url(self) -> str:
        return reverse("products:product_detail", args=[self.pk])
