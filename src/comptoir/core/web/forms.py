"""Turning a service's domain error into errors on a form's fields."""

from __future__ import annotations

from django import forms

from comptoir.core.kernel.errors import DomainError


def apply_domain_error(form: forms.BaseForm, exc: DomainError) -> None:
    """Show each reason on its field; reasons about unknown fields on the form."""
    if not exc.fields:
        form.add_error(None, exc.message)
        return
    for name, reasons in exc.fields.items():
        target = name if name in form.fields else None
        for reason in reasons:
            form.add_error(target, reason)
