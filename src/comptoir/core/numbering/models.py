"""Document number sequences: one counter per company, document code and fiscal year."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.kernel.models import CompanyOwned

DEFAULT_PATTERN = "{code}-{year}-{seq:05d}"


class Sequence(CompanyOwned):
    """The next number to give for one kind of document in one fiscal year."""

    code = models.SlugField(_("code"), max_length=50, help_text=_("invoice, credit_note, order…"))
    fiscal_year = models.PositiveIntegerField(_("fiscal year"))
    pattern = models.CharField(
        _("pattern"),
        max_length=100,
        default=DEFAULT_PATTERN,
        help_text=_("Placeholders: {code}, {year}, {seq} (e.g. FA-{year}-{seq:05d})."),
    )
    next_value = models.PositiveBigIntegerField(_("next value"), default=1)

    class Meta:
        ordering = ["company", "code", "fiscal_year"]
        verbose_name = _("number sequence")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "code", "fiscal_year"], name="numbering_sequence_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(next_value__gte=1), name="numbering_sequence_next_value_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.fiscal_year}"
