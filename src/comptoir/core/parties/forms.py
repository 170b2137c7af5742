"""Forms of the party pages. They only collect input; the services hold the rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.core.parties.models import Address, Party


class PartyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Party.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    parent = forms.TypedChoiceField(
        label=_("Organisation"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("For a contact person: the organisation they work for."),
    )
    is_customer = forms.BooleanField(label=_("Customer"), required=False)
    is_supplier = forms.BooleanField(label=_("Supplier"), required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    website = forms.CharField(label=_("Website"), max_length=200, required=False)
    vat_number = forms.CharField(
        label=_("VAT number"),
        max_length=40,
        required=False,
        help_text=_("With or without the country prefix (FR, RO…)."),
    )
    national_id = forms.CharField(
        label=_("National id"),
        max_length=40,
        required=False,
        help_text=_("SIREN or SIRET in France, CUI/CIF in Romania."),
    )
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("Two letters: FR, RO, DE…"),
        widget=forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}),
    )
    language = forms.CharField(label=_("Language"), max_length=10, required=False)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas."))
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    allow_duplicate = forms.BooleanField(
        label=_("Save anyway: this is not a duplicate"), required=False
    )

    def __init__(
        self, *args: Any, organisations: Sequence[tuple[int, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ChoiceField)
        parent.choices = [("", "—"), *organisations]
        # Shown only once a duplicate was found (see ``offer_duplicate``).
        self.duplicate_found = False

    def offer_duplicate(self) -> None:
        self.duplicate_found = True

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["parent_id"] = data.pop("parent")
        data["tags"] = [t.strip() for t in (data.get("tags") or "").split(",") if t.strip()]
        return data


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.CharField(label=_("Language"), max_length=10, required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    allow_duplicate = forms.BooleanField(
        label=_("Save anyway: this is not a duplicate"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.duplicate_found = False

    def offer_duplicate(self) -> None:
        self.duplicate_found = True

    def service_data(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class AddressForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Address.Kind.choices)
    street = forms.CharField(label=_("Street"), max_length=200, required=False)
    street2 = forms.CharField(label=_("Street (continued)"), max_length=200, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    country = forms.CharField(
        label=_("Country"),
        max_length=2,
        required=False,
        help_text=_("Two letters; the party's country if empty."),
        widget=forms.TextInput(attrs={"size": 3}),
    )
    is_default = forms.BooleanField(label=_("Default address of its kind"), required=False)


class BankAccountForm(forms.Form):
    iban = forms.CharField(label=_("IBAN"), max_length=50)
    bic = forms.CharField(
        label=_("BIC"), max_length=20, required=False, help_text=_("Found from the IBAN if empty.")
    )
    bank_name = forms.CharField(label=_("Bank"), max_length=200, required=False)
