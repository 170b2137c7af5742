"""Write side of companies: create and change the legal entities."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email, validate_slug
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from comptoir.core.audit.services import audit_record, snapshot
from comptoir.core.companies import domain
from comptoir.core.companies.models import Company
from comptoir.core.companies.selectors import company_get
from comptoir.core.kernel.errors import Conflict, Forbidden, ValidationFailed
from comptoir.core.kernel.money import check_digits, to_decimal

if TYPE_CHECKING:
    from comptoir.core.identity.models import User

PERMISSION = "companies.change"
TEXT_FIELDS = (
    "name",
    "legal_name",
    "trade_register",
    "street",
    "postal_code",
    "city",
    "email",
)


def _require(actor: User) -> None:
    if not actor.has_perm(PERMISSION):
        raise Forbidden(
            _("Your roles do not allow %(perm)s.") % {"perm": PERMISSION},
            code="permission_denied",
        )


def _validate(company: Company) -> None:
    """Normalise and check every field; one ValidationFailed naming all faults."""
    errors: dict[str, str] = {}
    company.code = (company.code or "").strip().lower()
    try:
        validate_slug(company.code)
    except DjangoValidationError:
        errors["code"] = _("Letters, digits, hyphens and underscores only.")
    if len(company.code) > 32:
        errors["code"] = _("32 characters at most.")
    company.name = (company.name or "").strip()
    if not company.name:
        errors["name"] = _("Required.")
    company.country = (company.country or "").strip().upper()
    if reason := domain.country_error(company.country):
        errors["country"] = reason
    company.currency = (company.currency or "").strip().upper()
    if reason := domain.currency_error(company.currency):
        errors["currency"] = reason
    if company.locale not in {code for code, _name in settings.LANGUAGES}:
        errors["locale"] = _("Choose one of the offered languages.")
    if "country" not in errors:
        company.vat_number, reason = domain.clean_vat(company.country, company.vat_number or "")
        if reason:
            errors["vat_number"] = reason
        company.national_id, reason = domain.clean_national_id(
            company.country, company.national_id or ""
        )
        if reason:
            errors["national_id"] = reason
    if company.email:
        try:
            validate_email(company.email)
        except DjangoValidationError:
            errors["email"] = _("Enter a valid email address.")
    if company.share_capital is not None:
        try:
            value = to_decimal(company.share_capital, field="share_capital")
        except ValidationFailed:
            errors["share_capital"] = _("Not a decimal number.")
        else:
            if value < Decimal("0"):
                errors["share_capital"] = _("Cannot be negative.")
            else:
                try:
                    check_digits(value, model=Company, field="share_capital")
                except ValidationFailed as exc:
                    errors["share_capital"] = exc.fields["share_capital"][0]
            company.share_capital = value
    for name in TEXT_FIELDS:
        value = getattr(company, name)
        limit = getattr(Company._meta.get_field(name), "max_length", None)
        if value and limit and len(value) > limit:
            errors[name] = _("%(n)s characters at most.") % {"n": limit}
    if errors:
        raise ValidationFailed(
            _("Some company details are not valid: %(fields)s.")
            % {"fields": ", ".join(sorted(errors))},
            fields=errors,
        )


def _duplicate(code: str) -> Conflict:
    return Conflict(
        _("A company with code %(code)s exists already.") % {"code": code},
        code="duplicate_code",
        fields={"code": _("This code is taken.")},
    )


def _save(company: Company) -> None:
    if Company.objects.filter(code=company.code).exclude(pk=company.pk).exists():
        raise _duplicate(company.code)
    try:
        with transaction.atomic():
            company.save()
    except IntegrityError:
        raise _duplicate(company.code) from None


@transaction.atomic
def company_create(
    *,
    actor: User,
    code: str,
    name: str,
    country: str,
    currency: str,
    locale: str = "en",
    legal_name: str = "",
    vat_number: str = "",
    national_id: str = "",
    trade_register: str = "",
    share_capital: Decimal | str | None = None,
    street: str = "",
    postal_code: str = "",
    city: str = "",
    email: str = "",
) -> Company:
    """A new company; its creator is given access to it."""
    _require(actor)
    company = Company(
        code=code,
        name=name,
        country=country,
        currency=currency,
        locale=locale or "en",
        legal_name=legal_name or "",
        vat_number=vat_number or "",
        national_id=national_id or "",
        trade_register=trade_register or "",
        share_capital=share_capital,
        street=street or "",
        postal_code=postal_code or "",
        city=city or "",
        email=email or "",
    )
    _validate(company)
    _save(company)
    actor.companies.add(company)
    if getattr(actor, "_comptoir_companies", None) is not None:
        del actor._comptoir_companies  # type: ignore[attr-defined]
    if actor.current_company_id is None:
        type(actor).objects.filter(pk=actor.pk).update(current_company=company)
        actor.current_company = company
    audit_record(actor=actor, action="company.create", obj=company, company=company)
    # A new company starts with the standard units of measure.
    from comptoir.core.products.services import units_seed

    units_seed(company, actor=actor)
    return company


EDITABLE = (
    "code",
    "name",
    "country",
    "currency",
    "locale",
    "legal_name",
    "vat_number",
    "national_id",
    "trade_register",
    "share_capital",
    "street",
    "postal_code",
    "city",
    "email",
)


@transaction.atomic
def company_update(*, actor: User, company_id: int, **changes: Any) -> Company:
    """Change the given fields of one of the actor's companies."""
    _require(actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(
            _("These fields cannot be changed: %(f)s.") % {"f": ", ".join(sorted(unknown))},
            fields={f: _("Cannot be changed.") for f in unknown},
        )
    company = company_get(actor, company_id)
    company = Company.objects.select_for_update().get(pk=company.pk)
    before = snapshot(company)
    for name, value in changes.items():
        if value is None and name != "share_capital":
            value = "" if name not in ("code", "name", "country", "currency", "locale") else None
        setattr(company, name, value)
    _validate(company)
    _save(company)
    audit_record(actor=actor, action="company.update", obj=company, company=company, before=before)
    return company
