"""Write side of products: units, categories, products. One transaction each."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.core.audit.services import audit_record, snapshot
from comptoir.core.companies.models import Company
from comptoir.core.events.bus import publish
from comptoir.core.kernel.errors import Conflict, ValidationFailed
from comptoir.core.kernel.money import check_digits, to_decimal
from comptoir.core.products.domain import STANDARD_UNITS, check_barcode
from comptoir.core.products.models import Category, Product, ProductKind, Unit, UnitCategory

_UNIT_FIELDS = ("code", "name", "category", "factor", "rounding")
_PRODUCT_FIELDS = (
    "kind",
    "name",
    "description",
    "sku",
    "barcode",
    "category",
    "unit",
    "sale_price",
    "purchase_price",
    "currency",
    "active",
)


# Units -----------------------------------------------------------------------


def _clean_unit(data: dict[str, Any]) -> dict[str, Any]:
    if "code" in data:
        data["code"] = str(data["code"]).strip()
        if not data["code"]:
            raise ValidationFailed(_("A unit needs a code."), fields={"code": _("Required.")})
    if "name" in data and not str(data["name"]).strip():
        raise ValidationFailed(_("A unit needs a name."), fields={"name": _("Required.")})
    if "category" in data and data["category"] not in UnitCategory.values:
        raise ValidationFailed(
            _("Unknown unit category."),
            fields={"category": _("One of: %s.") % ", ".join(UnitCategory.values)},
        )
    for name in ("factor", "rounding"):
        if name in data:
            data[name] = to_decimal(data[name], field=name)
            if data[name] <= 0:
                raise ValidationFailed(
                    _("%(field)s must be greater than zero.") % {"field": name},
                    fields={name: _("Must be greater than zero.")},
                )
            check_digits(data[name], model=Unit, field=name)
    return data


def _unit_duplicate(company: Company, code: str, exclude: int | None = None) -> Conflict | None:
    qs = Unit.objects.filter(company=company, code=code)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    if qs.exists():
        return Conflict(
            _("A unit with code %(code)s exists already.") % {"code": code},
            code="unit_duplicate",
            fields={"code": _("Already used.")},
        )
    return None


@transaction.atomic
def unit_create(
    *,
    actor: Any,
    company: Company,
    code: str,
    name: str,
    category: str,
    factor: Decimal | str = Decimal(1),
    rounding: Decimal | str = Decimal(1),
) -> Unit:
    data = _clean_unit(
        {"code": code, "name": name, "category": category, "factor": factor, "rounding": rounding}
    )
    if (dup := _unit_duplicate(company, data["code"])) is not None:
        raise dup
    try:
        with transaction.atomic():
            unit = Unit.objects.create(company=company, **data)
    except IntegrityError:
        raise _unit_duplicate(company, data["code"]) or Conflict(_("Unit clash.")) from None
    audit_record(actor=actor, action="unit.create", obj=unit)
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: Unit, **changes: Any) -> Unit:
    unknown = set(changes) - set(_UNIT_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields."), fields={n: _("Unknown field.") for n in unknown}
        )
    data = _clean_unit(dict(changes))
    if "category" in data and data["category"] != unit.category and unit.products.exists():
        raise Conflict(
            _("Products use this unit: its category cannot change."),
            code="unit_in_use",
            fields={"category": _("Products use this unit.")},
        )
    if "code" in data and (dup := _unit_duplicate(unit.company, data["code"], unit.pk)):
        raise dup
    before = snapshot(unit)
    for name, value in data.items():
        setattr(unit, name, value)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise _unit_duplicate(unit.company, unit.code, unit.pk) or Conflict(
            _("Unit clash.")
        ) from None
    audit_record(actor=actor, action="unit.update", obj=unit, before=before)
    return unit


@transaction.atomic
def units_seed(company: Company, *, actor: Any = None) -> list[Unit]:
    """Give ``company`` the standard units it lacks; returns the ones created."""
    existing = set(Unit.objects.filter(company=company).values_list("code", flat=True))
    created = []
    for code, name, category, factor, rounding in STANDARD_UNITS:
        if code in existing:
            continue
        unit = Unit.objects.create(
            company=company,
            code=code,
            name=_(name),
            category=category,
            factor=Decimal(factor),
            rounding=Decimal(rounding),
        )
        audit_record(actor=actor, action="unit.create", obj=unit)
        created.append(unit)
    return created


# Categories ------------------------------------------------------------------


@transaction.atomic
def category_create(
    *, actor: Any, company: Company, name: str, parent: Category | int | None = None
) -> Category:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("A category needs a name."), fields={"name": _("Required.")})
    parent_obj = _own(Category, company, parent, "parent")
    clash = Category.objects.filter(company=company, parent=parent_obj, name=name)
    if clash.exists():
        raise Conflict(
            _("The category %(name)s exists already.") % {"name": name},
            code="category_duplicate",
            fields={"name": _("Already used.")},
        )
    category = Category.objects.create(company=company, name=name, parent=parent_obj)
    audit_record(actor=actor, action="category.create", obj=category)
    return category


# Products --------------------------------------------------------------------


def _own(model: Any, company: Company, value: Any, field: str) -> Any:
    """``value`` (an instance or a pk) as a record of ``company``; else 422 on ``field``."""
    if value is None or value == "":
        return None
    pk = value.pk if hasattr(value, "pk") else value
    obj = model.objects.filter(company=company, pk=pk).first()
    if obj is None:
        raise ValidationFailed(
            _("Unknown %(field)s.") % {"field": field}, fields={field: _("Unknown.")}
        )
    return obj


def _default_unit(company: Company) -> Unit:
    unit = Unit.objects.filter(company=company, code="unit").first()
    if unit is None:
        units_seed(company)
        unit = Unit.objects.filter(company=company, code="unit").first()
    if unit is None:  # the company renamed its "unit" unit
        raise ValidationFailed(_("Choose a unit."), fields={"unit": _("Required.")})
    return unit


def _clean_product(company: Company, data: dict[str, Any]) -> dict[str, Any]:
    if "name" in data:
        data["name"] = (data["name"] or "").strip()
        if not data["name"]:
            raise ValidationFailed(_("A product needs a name."), fields={"name": _("Required.")})
    if "kind" in data and data["kind"] not in ProductKind.values:
        raise ValidationFailed(
            _("Unknown product kind."),
            fields={"kind": _("One of: %s.") % ", ".join(ProductKind.values)},
        )
    if "sku" in data:
        data["sku"] = (data["sku"] or "").strip()
    if "barcode" in data:
        data["barcode"] = check_barcode(data["barcode"] or "")
    for name in ("sale_price", "purchase_price"):
        if name in data:
            value = Decimal(0) if data[name] is None else to_decimal(data[name], field=name)
            if value < 0:
                raise ValidationFailed(
                    _("A price cannot be negative."),
                    code="price_negative",
                    fields={name: _("Must be zero or more.")},
                )
            data[name] = check_digits(value, model=Product, field=name)
    if "currency" in data:
        from comptoir.core.currencies.selectors import currency_exists

        data["currency"] = (data["currency"] or company.currency).strip().upper()
        if not currency_exists(data["currency"]):
            raise ValidationFailed(
                _("Unknown currency %(code)s.") % {"code": data["currency"]},
                fields={"currency": _("Not an active ISO 4217 currency.")},
            )
    if "category" in data:
        data["category"] = _own(Category, company, data["category"], "category")
    if "unit" in data:
        data["unit"] = _own(Unit, company, data["unit"], "unit") or _default_unit(company)
    if "active" in data:
        data["active"] = bool(data["active"])
    return data


def _product_duplicate(
    company: Company, sku: str, barcode: str, exclude: int | None = None
) -> Conflict | None:
    qs = Product.objects.filter(company=company)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    for field, value in (("sku", sku), ("barcode", barcode)):
        if value and qs.filter(**{field: value}).exists():
            return Conflict(
                _("Another product has the %(field)s %(value)s.")
                % {"field": field, "value": value},
                code="product_duplicate",
                fields={field: _("Already used by another product.")},
            )
    return None


def _save_product(product: Product, *, exclude: int | None) -> None:
    if dup := _product_duplicate(product.company, product.sku, product.barcode, exclude):
        raise dup
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        # Lost a race with another insert: name the field that clashed.
        dup = _product_duplicate(product.company, product.sku, product.barcode, exclude)
        raise dup or Conflict(
            _("The product clashes with another."), code="product_duplicate"
        ) from None


@transaction.atomic
def product_create(
    *,
    actor: Any,
    company: Company,
    name: str,
    kind: str = ProductKind.GOODS,
    description: str = "",
    sku: str = "",
    barcode: str = "",
    category: Category | int | None = None,
    unit: Unit | int | None = None,
    sale_price: Decimal | str = Decimal(0),
    purchase_price: Decimal | str = Decimal(0),
    currency: str = "",
    active: bool = True,
) -> Product:
    data = _clean_product(
        company,
        {
            "kind": kind,
            "name": name,
            "description": description or "",
            "sku": sku,
            "barcode": barcode,
            "category": category,
            "unit": unit,
            "sale_price": sale_price,
            "purchase_price": purchase_price,
            "currency": currency,
            "active": active,
        },
    )
    product = Product(company=company, **data)
    _save_product(product, exclude=None)
    audit_record(actor=actor, action="product.create", obj=product)
    publish("ProductCreated", company=company, product_id=product.pk)
    return product


@transaction.atomic
def product_update(*, actor: Any, product: Product, **changes: Any) -> Product:
    unknown = set(changes) - set(_PRODUCT_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields."), fields={n: _("Unknown field.") for n in unknown}
        )
    data = _clean_product(product.company, dict(changes))
    locked = Product.objects.select_for_update().get(pk=product.pk)
    before = snapshot(locked)
    for name, value in data.items():
        setattr(locked, name, value)
    _save_product(locked, exclude=locked.pk)
    audit_record(actor=actor, action="product.update", obj=locked, before=before)
    publish("ProductUpdated", company=locked.company, product_id=locked.pk, fields=sorted(data))
    return locked


@transaction.atomic
def product_archive(*, actor: Any, product: Product) -> Product:
    """Hide a product from new documents; history keeps pointing at it."""
    if not product.active:
        return product
    before = snapshot(product)
    product.active = False
    product.save(update_fields=["active", "updated_at"])
    audit_record(
        actor=actor, action="product.archive", obj=product, before=before, after=snapshot(product)
    )
    publish("ProductUpdated", company=product.company, product_id=product.pk, fields=["active"])
    return product
