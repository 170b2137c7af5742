"""Currencies (ISO 4217) and exchange rates: reference data shared by every company."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Currency(models.Model):
    """An ISO 4217 currency; ``minor_units`` digits after the decimal point."""

    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    minor_units = models.PositiveSmallIntegerField(_("minor units"), default=2)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{3}$"), name="currency_iso3"),
        ]

    def __str__(self) -> str:
        return self.code


class RateSource(models.TextChoices):
    ECB = "ecb", _("European Central Bank")
    BNR = "bnr", _("National Bank of Romania")
    MANUAL = "manual", _("Manual")


class Rate(models.Model):
    """On ``date``, one ``base`` is worth ``rate`` ``quote`` (1 EUR = 4.9765 RON)."""

    base = models.CharField(_("base currency"), max_length=3)
    quote = models.CharField(_("quote currency"), max_length=3)
    date = models.DateField(_("date"))
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=10)
    source = models.CharField(_("source"), max_length=10, choices=RateSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "base", "quote"]
        verbose_name = _("exchange rate")
        constraints = [
            models.UniqueConstraint(
                fields=["base", "quote", "date", "source"], name="currencies_rate_unique"
            ),
            models.CheckConstraint(condition=Q(rate__gt=0), name="currencies_rate_gt_0"),
            models.CheckConstraint(
                condition=~Q(base=models.F("quote")), name="currencies_rate_pair"
            ),
        ]
        indexes = [
            models.Index(fields=["base", "quote", "-date"], name="currencies_rate_lookup"),
        ]

    def __str__(self) -> str:
        return f"{self.date} 1 {self.base} = {self.rate} {self.quote} ({self.source})"
