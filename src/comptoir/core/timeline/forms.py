from django import forms
from django.utils.translation import gettext_lazy as _


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
