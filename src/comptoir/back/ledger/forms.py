"""Forms of the ledger pages. They collect input; the services hold the rules.

The manual entry form is an ``EntryForm`` (journal, date, label, reference)
and a ``LineFormSet`` of lines; rows left blank are ignored, so a row removed
in the browser (or never filled) costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.back.ledger.domain import ZERO, LineDraft
from comptoir.back.ledger.models import Account, Journal, Line, Tax

PARTY_KEY = re.compile(r"(?:^|#)\s*(\d{1,9})\s*$")
ACCOUNT_LIST_ID = "ledger-accounts"
PARTY_LIST_ID = "ledger-parties"


def _choices(options: Iterable[tuple[Any, Any]], *, blank: bool = True) -> list[tuple[Any, Any]]:
    return [("", "—"), *options] if blank else list(options)


def party_key(party: Any) -> str:
    """How a party is written in the entry form: ``Name #id`` (the id is what counts)."""
    return f"{party.name} #{party.pk}"


# --------------------------------------------------------------------------- set-up


class AccountForm(forms.Form):
    code = forms.CharField(
        label=_("Code"), max_length=20, help_text=_("The account number, e.g. 411000.")
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=Account.Type.choices)
    reconcilable = forms.BooleanField(
        label=_("Reconcilable"),
        required=False,
        help_text=_("Its lines are matched together (customers, suppliers, bank)."),
    )

    def __init__(self, *args: Any, fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if fixed:  # posted lines use the account: its code and type stay
            for name in ("code", "type"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed: posted lines use this account.")


class JournalForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=10,
        help_text=_("Capital letters and digits, e.g. BQ2; part of every entry number."),
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=Journal.Kind.choices)
    account = forms.TypedChoiceField(
        label=_("Account"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("For a bank or cash journal: the account its entries move."),
    )
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        accounts: Sequence[tuple[int, str]] = (),
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        account = self.fields["account"]
        assert isinstance(account, forms.ChoiceField)
        account.choices = _choices(accounts)
        if editing:  # the code and kind are part of the numbers already given
            for name in ("code", "kind"):
                self.fields[name].disabled = True


class TaxForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40, help_text=_("e.g. fr-vat-20"))
    name = forms.CharField(label=_("Name"), max_length=120)
    rate = forms.DecimalField(
        label=_("Rate (%)"), min_value=Decimal(0), max_value=Decimal(100), decimal_places=4
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=Tax.Scope.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=Tax.Kind.choices)
    price_included = forms.BooleanField(label=_("Price includes the tax"), required=False)
    account = forms.TypedChoiceField(
        label=_("Tax account"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("VAT collected for sales, deductible for purchases, due for reverse charge."),
    )
    counterpart_account = forms.TypedChoiceField(
        label=_("Deductible account"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Reverse charge only: where the deductible VAT goes."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    base_box = forms.CharField(label=_("Base box"), max_length=10, required=False)
    tax_box = forms.CharField(label=_("Tax box"), max_length=10, required=False)
    deductible_box = forms.CharField(label=_("Deductible box"), max_length=10, required=False)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(
        self,
        *args: Any,
        accounts: Sequence[tuple[int, str]] = (),
        fixed: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for name in ("account", "counterpart_account"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = _choices(accounts)
        if fixed:  # posted lines use the tax
            for name in ("code", "rate", "scope", "kind", "price_included"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Fixed: posted lines use this tax.")


# --------------------------------------------------------------------------- entries


class EntryForm(forms.Form):
    journal = forms.TypedChoiceField(label=_("Journal"), coerce=int)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    ref = forms.CharField(label=_("Reference"), max_length=100, required=False)

    def __init__(self, *args: Any, journals: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        journal = self.fields["journal"]
        assert isinstance(journal, forms.ChoiceField)
        journal.choices = _choices(journals)


class LineForm(forms.Form):
    """One line; every field optional so that a blank row is simply skipped."""

    account = forms.CharField(
        label=_("Account"),
        max_length=20,
        required=False,
        widget=forms.TextInput(
            attrs={
                "list": ACCOUNT_LIST_ID,
                "autocomplete": "off",
                "data-account": "",
                "style": "width:7rem",
            }
        ),
    )
    party = forms.CharField(
        label=_("Party"),
        max_length=220,
        required=False,
        widget=forms.TextInput(
            attrs={"list": PARTY_LIST_ID, "autocomplete": "off", "style": "width:10rem"}
        ),
    )
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    debit = forms.DecimalField(
        label=_("Debit"),
        required=False,
        min_value=Decimal(0),
        max_digits=18,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"step": "0.01", "min": "0", "data-debit": "", "style": "width:7rem"}
        ),
    )
    credit = forms.DecimalField(
        label=_("Credit"),
        required=False,
        min_value=Decimal(0),
        max_digits=18,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"step": "0.01", "min": "0", "data-credit": "", "style": "width:7rem"}
        ),
    )
    tax = forms.TypedChoiceField(
        label=_("Tax"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"style": "max-width:10rem"}),
    )
    tax_role = forms.ChoiceField(
        label=_("Tax role"),
        required=False,
        choices=_choices(Line.TaxRole.choices),
        widget=forms.Select(attrs={"style": "max-width:7rem"}),
    )

    def __init__(self, *args: Any, taxes: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tax = self.fields["tax"]
        assert isinstance(tax, forms.ChoiceField)
        tax.choices = _choices(taxes)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        return not any(data.get(name) for name in ("account", "party", "label", "debit", "credit"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.is_blank():
            return data
        if not data.get("account"):
            self.add_error("account", _("Choose an account."))
        party = (data.get("party") or "").strip()
        if party:
            match = PARTY_KEY.search(party)
            if match is None:
                self.add_error("party", _("Choose a party from the list."))
            else:
                data["party_id"] = int(match.group(1))
        if data.get("tax") and not data.get("tax_role"):
            self.add_error("tax_role", _("Say whether the line is the base or the tax."))
        return data

    def draft(self) -> LineDraft:
        data = self.cleaned_data
        return LineDraft(
            account=data["account"].strip(),
            debit=data.get("debit") or ZERO,
            credit=data.get("credit") or ZERO,
            label=data.get("label") or "",
            party=data.get("party_id"),
            tax=data.get("tax"),
            tax_role=(data.get("tax_role") or "") if data.get("tax") else "",
        )


class BaseLineFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    def __init__(self, *args: Any, taxes: Sequence[tuple[int, str]] = (), **kwargs: Any) -> None:
        self.taxes = list(taxes)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "taxes": self.taxes}

    def lines(self) -> list[tuple[int, LineDraft]]:
        """(row index, line) of every row filled in, in order."""
        return [(i, f.draft()) for i, f in enumerate(self.forms) if not f.is_blank()]


LineFormSet = cast(
    type[BaseLineFormSet],
    forms.formset_factory(
        LineForm, formset=BaseLineFormSet, extra=0, max_num=1000, absolute_max=1000
    ),
)
LINES_PREFIX = "lines"


def amounts_imbalance(formset: BaseLineFormSet) -> Decimal:
    """Debits minus credits of the rows as typed (the server's "check" of the form)."""
    total = ZERO
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        total += (data.get("debit") or ZERO) - (data.get("credit") or ZERO)
    return total.quantize(Decimal("0.01"))


class ReverseForm(forms.Form):
    date = forms.DateField(
        label=_("Date of the reversal"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the entry's own date if its period is open, else today."),
    )
    label = forms.CharField(label=_("Label"), max_length=200, required=False)


class OpeningImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("Columns account,party,debit,credit,label; commas or semicolons."),
    )
    date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Empty: the first day of the fiscal year."),
    )
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
