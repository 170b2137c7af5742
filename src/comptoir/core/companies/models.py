"""Companies: the legal entities one installation runs."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    """A legal entity with its own books, fiscal country, currency and language."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    country = models.CharField(_("fiscal country"), max_length=2)
    currency = models.CharField(_("currency"), max_length=3)
    locale = models.CharField(_("locale"), max_length=10, default="en")
    vat_number = models.CharField(_("VAT number"), max_length=32, blank=True)
    national_id = models.CharField(
        _("national id"), max_length=32, blank=True, help_text=_("SIREN/SIRET or CUI/CIF")
    )
    trade_register = models.CharField(_("trade register number"), max_length=64, blank=True)
    share_capital = models.DecimalField(
        _("share capital"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_demo = models.BooleanField(_("demo company"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(country__regex=r"^[A-Z]{2}$"), name="company_country_iso2"
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="company_currency_iso3"
            ),
        ]

    def __str__(self) -> str:
        return self.name
