"""Page forms: they collect input; the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class RateForm(forms.Form):
    base = forms.CharField(label=_("Base currency"), max_length=3, help_text=_("e.g. EUR"))
    quote = forms.CharField(label=_("Quote currency"), max_length=3, help_text=_("e.g. RON"))
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    rate = forms.DecimalField(
        label=_("Rate"),
        max_digits=20,
        decimal_places=10,
        help_text=_("How many quote currency units one base currency unit is worth."),
    )


class RateImportForm(forms.Form):
    file = forms.FileField(
        label=_("Rates file"),
        help_text=_("ECB eurofxref XML or BNR nbrfxrates XML."),
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=(("", _("Detect from the file")), ("ecb", "ECB"), ("bnr", "BNR")),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > settings.COMPTOIR_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload
