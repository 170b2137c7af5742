"""Forms of the company pages. No rules here: the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CompanyForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=32)
    name = forms.CharField(label=_("Name"), max_length=200)
    legal_name = forms.CharField(label=_("Legal name"), max_length=200, required=False)
    country = forms.CharField(
        label=_("Fiscal country"), max_length=2, help_text=_("ISO code, such as FR or RO.")
    )
    currency = forms.CharField(
        label=_("Currency"), max_length=3, help_text=_("ISO code, such as EUR or RON.")
    )
    locale = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES, initial="en")
    vat_number = forms.CharField(label=_("VAT number"), max_length=32, required=False)
    national_id = forms.CharField(
        label=_("National id"),
        max_length=32,
        required=False,
        help_text=_("SIREN/SIRET or CUI/CIF"),
    )
    trade_register = forms.CharField(
        label=_("Trade register number"), max_length=64, required=False
    )
    share_capital = forms.DecimalField(
        label=_("Share capital"), max_digits=18, decimal_places=2, required=False
    )
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
