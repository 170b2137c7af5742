"""Forms of the identity pages. No rules here: the services decide."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from comptoir.core.identity.roles import AREAS, PERMISSIONS, SCOPES


def _scope_choices() -> list[tuple[str, str]]:
    return [(s, f"{s} — {AREAS.get(s.split(':')[0], '')}") for s in SCOPES]


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    totp_code = forms.CharField(
        label=_("Two-factor code"),
        required=False,
        max_length=10,
        help_text=_("The 6 digits of your authenticator app, if two-factor is on."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Browser default")), *settings.LANGUAGES],
        required=False,
    )


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=_scope_choices, widget=forms.CheckboxSelectMultiple
    )
    expires_in_days = forms.IntegerField(
        label=_("Expires in (days)"), required=False, min_value=1, max_value=3650
    )

    def __init__(self, *args: object, allowed_scopes: list[str] | None = None, **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if allowed_scopes is not None:
            self.fields["scopes"].choices = [  # type: ignore[attr-defined]
                c for c in _scope_choices() if c[0] in allowed_scopes
            ]


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", "—"), *settings.LANGUAGES], required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), required=False, widget=forms.CheckboxSelectMultiple
    )
    companies = forms.MultipleChoiceField(
        label=_("Companies"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: object,
        role_choices: list[tuple[str, str]],
        company_choices: list[tuple[str, str]],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["roles"].choices = role_choices  # type: ignore[attr-defined]
        self.fields["companies"].choices = company_choices  # type: ignore[attr-defined]


class UserEditForm(UserCreateForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        del self.fields["username"]
        self.fields["password"].required = False
        self.fields["password"].help_text = _("Leave empty to keep the current password.")


class RoleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    permissions = forms.MultipleChoiceField(
        label=_("Permissions"),
        required=False,
        choices=[(p, p) for p in PERMISSIONS],
        widget=forms.CheckboxSelectMultiple,
    )
    requires_totp = forms.BooleanField(label=_("Requires two-factor"), required=False)
