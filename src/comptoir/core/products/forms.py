"""Page forms: they collect input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.core.companies.models import Company
from comptoir.core.products.models import Category, ProductKind, Unit, UnitCategory


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProductKind.choices)
    sku = forms.CharField(label=_("SKU"), max_length=64, required=False)
    barcode = forms.CharField(label=_("Barcode"), max_length=32, required=False)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    sale_price = forms.DecimalField(
        label=_("Sale price"), max_digits=18, decimal_places=4, initial=0
    )
    purchase_price = forms.DecimalField(
        label=_("Purchase price"), max_digits=18, decimal_places=4, initial=0
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        required=False,
        help_text=_("ISO 4217 code; the company's currency if empty."),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: object, company: Company, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["category"].queryset = Category.objects.filter(company=company)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = Unit.objects.filter(company=company)  # type: ignore[attr-defined]


class UnitForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=100)
    category = forms.ChoiceField(label=_("Category"), choices=UnitCategory.choices)
    factor = forms.DecimalField(
        label=_("Factor"),
        max_digits=24,
        decimal_places=12,
        initial=1,
        help_text=_("How many reference units of the category one of this unit is."),
    )
    rounding = forms.DecimalField(label=_("Rounding"), max_digits=18, decimal_places=9, initial=1)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    parent = forms.ModelChoiceField(
        label=_("Parent"), queryset=Category.objects.none(), required=False
    )

    def __init__(self, *args: object, company: Company, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["parent"].queryset = Category.objects.filter(company=company)  # type: ignore[attr-defined]
