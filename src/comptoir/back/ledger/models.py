"""The general ledger: accounts, journals, fiscal years, entries and their lines.

What the database itself guarantees (constraints here, triggers in
``migrations/0002_ledger_triggers.py``, see ``triggers.py``):

- a line is a debit or a credit, never negative, never both;
- an entry becomes *posted* only if its lines balance, its number follows
  the previous one of its journal and fiscal year without a gap, and its
  period is open and after the company's hard lock date;
- a posted entry and its lines cannot be updated or deleted, and no line
  can be added to a posted entry.

Balances per account and period (``Balance``) are kept at posting, so the
reports read a few thousand rows instead of every line.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core.kernel.models import CompanyOwned


class Chart(models.TextChoices):
    FR_PCG = "fr_pcg", _("French PCG")
    RO_PCG = "ro_pcg", _("Romanian general chart of accounts")
    GENERIC = "generic", _("Generic chart")


class LedgerSettings(CompanyOwned):
    """A company's ledger set-up: its chart and its lock dates."""

    chart = models.CharField(_("chart of accounts"), max_length=20, choices=Chart.choices)
    # Nobody posts on or before this date.
    hard_lock_date = models.DateField(_("lock date for everyone"), null=True, blank=True)
    # Only those with ``closing.change`` post on or before this date.
    soft_lock_date = models.DateField(
        _("lock date except closing accountants"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("ledger settings")
        verbose_name_plural = _("ledger settings")
        constraints = [
            models.UniqueConstraint(fields=["company"], name="ledger_settings_one_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.company_id} {self.chart}"


class Account(CompanyOwned):
    """An account of the chart. Deprecated rather than deleted once used."""

    class Type(models.TextChoices):
        RECEIVABLE = "receivable", _("Receivable")
        PAYABLE = "payable", _("Payable")
        BANK = "bank", _("Bank")
        CASH = "cash", _("Cash")
        REVENUE = "revenue", _("Revenue")
        EXPENSE = "expense", _("Expense")
        TAX = "tax", _("Tax")
        EQUITY = "equity", _("Equity")
        ASSET = "asset", _("Asset")
        LIABILITY = "liability", _("Liability")
        OFF_BALANCE = "off_balance", _("Off-balance")

    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    reconcilable = models.BooleanField(_("reconcilable"), default=False)
    deprecated = models.BooleanField(_("deprecated"), default=False)
    # The role this account plays for the software (receivable, vat_collected…), if any.
    role = models.CharField(_("role"), max_length=40, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="ledger_account_company_code"),
            models.CheckConstraint(condition=~models.Q(code=""), name="ledger_account_code_set"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_income_statement(self) -> bool:
        return self.type in (self.Type.REVENUE, self.Type.EXPENSE)


class Journal(CompanyOwned):
    """A book of entries with its own gapless numbering per fiscal year."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sales")
        PURCHASE = "purchase", _("Purchases")
        BANK = "bank", _("Bank")
        CASH = "cash", _("Cash")
        MISC = "misc", _("Miscellaneous")
        OPENING = "opening", _("Opening")

    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # For bank and cash journals: the account their entries move.
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("account"),
    )
    active = models.BooleanField(_("active"), default=True)
    # The hash of the last posted entry; locked and rewritten at each posting.
    last_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("journal")
        verbose_name_plural = _("journals")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="ledger_journal_company_code"),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[A-Z0-9]{1,10}$"), name="ledger_journal_code_form"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class FiscalYear(CompanyOwned):
    """A company's accounting year: its months are the periods; closed once the result is out."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=20)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="open")
    closing_entry = models.ForeignKey(
        "Entry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["start"]
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        constraints = [
            models.UniqueConstraint(fields=["company", "start"], name="ledger_fiscal_year_start"),
            models.UniqueConstraint(fields=["company", "name"], name="ledger_fiscal_year_name"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="ledger_fy_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Period(CompanyOwned):
    """A month (usually) of a fiscal year: the unit of closing and of balances."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="periods")
    name = models.CharField(_("name"), max_length=20)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="open")

    class Meta:
        ordering = ["start"]
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        constraints = [
            models.UniqueConstraint(fields=["company", "start"], name="ledger_period_start"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="ledger_period_dates"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Tax(CompanyOwned):
    """A VAT rate with its scope, accounts, validity dates and return boxes."""

    class Scope(models.TextChoices):
        SALE = "sale", _("Sales")
        PURCHASE = "purchase", _("Purchases")

    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard")
        REVERSE_CHARGE = "reverse_charge", _("Reverse charge")
        EXEMPT = "exempt", _("Exempt")
        EXPORT = "export", _("Export")

    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    rate = models.DecimalField(_("rate (%)"), max_digits=7, decimal_places=4)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default="standard")
    price_included = models.BooleanField(_("price includes tax"), default=False)
    # Sale: VAT collected; purchase: VAT deductible; reverse charge: VAT due.
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("tax account"),
    )
    # Reverse charge only: the deductible side.
    counterpart_account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("deductible account"),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    base_box = models.CharField(_("base box"), max_length=10, blank=True)
    tax_box = models.CharField(_("tax box"), max_length=10, blank=True)
    deductible_box = models.CharField(_("deductible box"), max_length=10, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["scope", "code"]
        verbose_name = _("tax")
        verbose_name_plural = _("taxes")
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="ledger_tax_company_code"),
            models.CheckConstraint(
                condition=models.Q(rate__gte=0, rate__lte=100), name="ledger_tax_rate_range"
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_to__gte=models.F("valid_from")),
                name="ledger_tax_validity",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Entry(CompanyOwned):
    """A journal entry: balanced lines, draft until posted, then immutable."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        POSTED = "posted", _("Posted")

    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="entries")
    date = models.DateField(_("date"))
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    number = models.CharField(_("number"), max_length=40, blank=True)
    # The gapless counter behind ``number``: unique per journal and fiscal year.
    sequence_no = models.PositiveIntegerField(null=True, blank=True, editable=False)
    ref = models.CharField(_("reference"), max_length=100, blank=True)
    label = models.CharField(_("label"), max_length=200, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    # Where it comes from: manual, invoice, bank, closing, opening, vat, import, demo…
    source = models.CharField(_("source"), max_length=20, default="manual")
    source_id = models.CharField(max_length=64, blank=True)
    reversal_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("reversal of"),
    )
    posted_at = models.DateTimeField(null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(
                fields=["journal", "fiscal_year", "sequence_no"], name="ledger_entry_gapless_no"
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft", sequence_no__isnull=True, number="")
                | models.Q(state="posted", sequence_no__gte=1, hash__regex=r"^[0-9a-f]{64}$"),
                name="ledger_entry_posted_numbered",
            ),
            models.CheckConstraint(
                condition=models.Q(currency__regex=r"^[A-Z]{3}$"), name="ledger_entry_currency"
            ),
        ]
        indexes = [
            models.Index(fields=["company", "journal", "date"], name="ledger_entry_journal_date"),
            models.Index(fields=["company", "state", "date"], name="ledger_entry_state_date"),
        ]

    def __str__(self) -> str:
        return self.number or f"draft #{self.pk}"

    @property
    def is_posted(self) -> bool:
        return self.state == self.State.POSTED


class Line(models.Model):
    """One debit or credit of an entry, in company currency (and its own, if different).

    ``company``, ``date``, ``journal`` and ``posted`` repeat the entry's, so
    the general ledger, the partner ledger and the VAT return read lines by
    index without a join.
    """

    class TaxRole(models.TextChoices):
        BASE = "base", _("Base")
        TAX = "tax", _("Tax")
        DEDUCTIBLE = "deductible", _("Deductible (reverse charge)")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="lines")
    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    posted = models.BooleanField(default=False)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    party = models.ForeignKey(
        "parties.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    debit = models.DecimalField(_("debit"), default=0, max_digits=18, decimal_places=2)
    credit = models.DecimalField(_("credit"), default=0, max_digits=18, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    amount_currency = models.DecimalField(
        _("amount in currency"), null=True, blank=True, max_digits=18, decimal_places=2
    )
    tax = models.ForeignKey(Tax, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tax_role = models.CharField(max_length=10, choices=TaxRole.choices, blank=True)
    # Lettering: lines reconciled together share a code (payments, in the next issue).
    reconcile_ref = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(debit__gte=0, credit__gte=0)
                & (models.Q(debit=0) | models.Q(credit=0)),
                name="ledger_line_debit_or_credit",
            ),
            models.CheckConstraint(
                condition=models.Q(tax__isnull=True, tax_role="")
                | models.Q(tax__isnull=False, tax_role__in=["base", "tax", "deductible"]),
                name="ledger_line_tax_role",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "date"], name="ledger_line_account_date"),
            models.Index(fields=["company", "party", "account"], name="ledger_line_party"),
            models.Index(fields=["company", "tax", "date"], name="ledger_line_tax_date"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.debit}/{self.credit}"

    @property
    def balance(self):  # type: ignore[no-untyped-def]
        return self.debit - self.credit


class Balance(models.Model):
    """Posted debits and credits of one account in one period, kept at posting."""

    company = models.ForeignKey("companies.Company", on_delete=models.PROTECT, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="+")
    debit = models.DecimalField(default=0, max_digits=18, decimal_places=2)
    credit = models.DecimalField(default=0, max_digits=18, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "period"], name="ledger_balance_account_period"
            ),
        ]
        indexes = [models.Index(fields=["company", "period"], name="ledger_balance_company_period")]

    def __str__(self) -> str:
        return f"{self.account_id}@{self.period_id} {self.debit}/{self.credit}"


class VatReturn(CompanyOwned):
    """A VAT return (FR CA3, RO D300) over a period; posted with its settlement entry."""

    class Form(models.TextChoices):
        CA3 = "ca3", _("CA3 (France)")
        D300 = "d300", _("D300 (Romania)")

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        POSTED = "posted", _("Posted")

    form = models.CharField(_("form"), max_length=10, choices=Form.choices)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="draft")
    # Box code → amount as a string ("1234.50"), computed from posted tax lines.
    boxes = models.JSONField(_("boxes"), default=dict)
    net_due = models.DecimalField(_("VAT payable"), default=0, max_digits=18, decimal_places=2)
    credit_carried = models.DecimalField(
        _("VAT credit carried forward"), default=0, max_digits=18, decimal_places=2
    )
    # The credit of the previous return used by this one.
    credit_used = models.DecimalField(
        _("previous credit used"), default=0, max_digits=18, decimal_places=2
    )
    settlement_entry = models.ForeignKey(
        Entry,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("settlement entry"),
    )
    computed_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-start"]
        verbose_name = _("VAT return")
        verbose_name_plural = _("VAT returns")
        constraints = [
            models.UniqueConstraint(fields=["company", "start"], name="ledger_vat_return_start"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="ledger_vat_return_dates"
            ),
            models.CheckConstraint(
                condition=models.Q(net_due__gte=0, credit_carried__gte=0, credit_used__gte=0),
                name="ledger_vat_return_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_form_display()} {self.start:%Y-%m-%d}–{self.end:%Y-%m-%d}"
