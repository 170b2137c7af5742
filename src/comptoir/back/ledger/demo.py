"""The ledger's part of ``comptoir demo``: six months of believable, posted books.

``load_ledger_demo(company)`` sets the demo company's ledger up (its
country's chart, journals and taxes, the fiscal years the months need) and
posts, through ``services.entry_create(post=True)`` so that numbers, hashes
and balances are the real ones, the last six full months of a small
business:

- the share capital paid into the bank on the first day;
- sales invoices to the demo customers at the country's VAT rates of the
  day (FR 20 %, 10 %, 5.5 %; RO 21 %, 11 % from 2025-08-01, 19 %, 9 % before),
  and now and then an export sale;
- purchase invoices from the demo suppliers, the monthly rent, and an
  intra-EU purchase of goods under the reverse charge (VAT due and
  deductible);
- bank receipts and payments settling most invoices 2 to 6 weeks later;
- the payroll of each month (FR 641/645 → 421/431; RO 641/646 → 421, 4315,
  4316, 444, 436) and its payment, bank fees;
- a purchase invoice keyed twice by mistake and its reversal;
- the VAT return of each month but the last (posted with its settlement
  entry, its VAT paid the month after); the last month's return is left
  as a draft to look at.

The months and amounts come from a seeded ``random.Random``: the same
company gets the same books. A company that has posted entries already is
left alone, so running ``comptoir demo`` again changes nothing.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from comptoir.back.ledger import services
from comptoir.back.ledger.domain import LineDraft, tax_amounts
from comptoir.back.ledger.models import Account, Entry, FiscalYear, Tax
from comptoir.core.companies.models import Company
from comptoir.core.demo import register_demo_extension

MONTHS = 6
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Plan:
    """The accounts and words of one country's books."""

    receivable: str
    payable: str
    bank: str
    capital: str
    sales_goods: str
    sales_services: str
    purchases: tuple[str, ...]
    rent: str
    bank_fees: str
    wages: str
    payroll_credits: tuple[tuple[str, Decimal], ...]  # (account, share of gross) withheld
    employer: tuple[tuple[str, str, Decimal], ...]  # (expense, liability, share of gross)
    scale: Decimal  # amounts in the company currency for one euro of business
    words: dict[str, str]
    eu_supplier: dict[str, str]


FR_PLAN = Plan(
    receivable="411",
    payable="401",
    bank="512",
    capital="101",
    sales_goods="707",
    sales_services="706",
    purchases=("607", "6022", "606", "626", "622"),
    rent="613",
    bank_fees="627",
    wages="641",
    payroll_credits=(("431", Decimal("0.22")),),
    employer=(("645", "431", Decimal("0.42")),),
    scale=Decimal("1"),
    words={
        "capital": "Apport en capital",
        "sale": "Facture",
        "purchase": "Facture fournisseur",
        "rent": "Loyer",
        "receipt": "Règlement client",
        "payment": "Règlement fournisseur",
        "payroll": "Salaires",
        "salaries": "Virement des salaires",
        "social": "Cotisations sociales",
        "fees": "Frais bancaires",
        "duplicate": "Saisie en double",
        "vat": "Paiement de la TVA",
        "invoice_prefix": "FA",
        "landlord": "SCI Les Lilas",
    },
    eu_supplier={"name": "Lichtwerk GmbH", "country": "DE", "city": "Köln", "vat": "DE"},
)
RO_PLAN = Plan(
    receivable="4111",
    payable="401",
    bank="5121",
    capital="1012",
    sales_goods="707",
    sales_services="704",
    purchases=("607", "602", "604", "626", "628"),
    rent="612",
    bank_fees="627",
    wages="641",
    # CAS 25 %, CASS 10 %, then income tax 10 % of what is left (0.65 × 10 %).
    payroll_credits=(
        ("4315", Decimal("0.25")),
        ("4316", Decimal("0.10")),
        ("444", Decimal("0.065")),
    ),
    employer=(("646", "436", Decimal("0.0225")),),
    scale=Decimal("5"),
    words={
        "capital": "Vărsare capital social",
        "sale": "Factura",
        "purchase": "Factura furnizor",
        "rent": "Chirie",
        "receipt": "Încasare client",
        "payment": "Plată furnizor",
        "payroll": "Stat de salarii",
        "salaries": "Plata salariilor",
        "social": "Plata contribuțiilor",
        "fees": "Comisioane bancare",
        "duplicate": "Înregistrare dublă",
        "vat": "Plata TVA",
        "invoice_prefix": "CLJ",
        "landlord": "Imobiliara Someș SRL",
    },
    eu_supplier={"name": "Lichtwerk GmbH", "country": "DE", "city": "Köln", "vat": "DE"},
)
PLANS = {"FR": FR_PLAN, "RO": RO_PLAN}


def months_before(today: dt.date, count: int = MONTHS) -> list[tuple[dt.date, dt.date]]:
    """The ``count`` full calendar months before ``today``'s month, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        last = calendar.monthrange(year, month)[1]
        months.append((dt.date(year, month, 1), dt.date(year, month, last)))
    return months[::-1]


def _code(account: Account | None) -> str:
    if account is None:  # the callers check the tax has its accounts first
        raise ValueError("a tax without its account")
    return account.code


@dataclass(order=True)
class _Event:
    date: dt.date
    order: int
    seq: int
    run: Callable[[], Any] = field(compare=False)


class _Books:
    """Posts the demo's entries in date order."""

    def __init__(self, company: Company, actor: Any, plan: Plan, rng: random.Random) -> None:
        self.company = company
        self.actor = actor
        self.plan = plan
        self.rng = rng
        self.today = timezone.localdate()
        self.events: list[_Event] = []
        self.invoice_no = 0
        self.accounts = {
            a.code: a for a in Account.objects.filter(company=company, deprecated=False)
        }
        self.taxes = list(
            Tax.objects.filter(company=company, active=True).select_related(
                "account", "counterpart_account"
            )
        )

    # -- helpers

    def money(self, low: int, high: int) -> Decimal:
        """An amount between ``low`` and ``high`` euros of business, in the company currency."""
        cents = self.rng.randrange(low * 100, high * 100)
        return (Decimal(cents) * CENT * self.plan.scale).quantize(CENT)

    def at(self, date: dt.date, order: int, run: Callable[[], Any]) -> None:
        if date <= self.today:
            self.events.append(_Event(date, order, len(self.events), run))

    def post(
        self, journal: str, date: dt.date, lines: list[LineDraft], label: str, ref: str = ""
    ) -> Entry:
        return services.entry_create(
            actor=self.actor,
            company=self.company,
            journal=journal,
            date=date,
            lines=lines,
            label=label,
            ref=ref,
            source="demo",
            post=True,
        )

    def tax(
        self, date: dt.date, *, scope: str, kind: str, rank: int = 0, code_has: str = ""
    ) -> Tax | None:
        """The ``rank``-th highest rate of a kind of tax valid on ``date``."""
        found = sorted(
            (
                t
                for t in self.taxes
                if t.scope == scope
                and t.kind == kind
                and not t.price_included
                and (t.rate > 0 or kind != "standard")
                and (not t.valid_from or t.valid_from <= date)
                and (not t.valid_to or date <= t.valid_to)
                and code_has in t.code
                and not any(word in t.code for word in ("housing", "assets", "ttc"))
            ),
            key=lambda t: (-t.rate, t.code),
        )
        return found[min(rank, len(found) - 1)] if found else None

    def next_invoice(self, date: dt.date) -> str:
        self.invoice_no += 1
        return f"{self.plan.words['invoice_prefix']}-{date.year}-{self.invoice_no:04d}"

    # -- documents

    def sale(self, date: dt.date, customer: Any) -> None:
        plan, words = self.plan, self.plan.words
        number = self.next_invoice(date)
        export = self.rng.random() < 0.08
        lines: list[LineDraft] = []
        taxes: dict[str, tuple[Tax, Decimal]] = {}
        total = Decimal(0)
        for _ in range(self.rng.randint(1, 3)):
            if export:
                tax = self.tax(date, scope="sale", kind="export")
            else:
                tax = self.tax(date, scope="sale", kind="standard", rank=self._rate_rank())
            if tax is None:
                return
            base = self.money(150, 4500)
            account = plan.sales_goods if self.rng.random() < 0.6 else plan.sales_services
            lines.append(
                LineDraft(account=account, credit=base, tax=tax.code, tax_role="base", label=number)
            )
            split = tax_amounts(base, tax.rate, self.company.currency, price_included=False)
            previous = taxes.get(tax.code, (tax, Decimal(0)))[1]
            taxes[tax.code] = (tax, previous + split.tax)
            total += split.total
        for code, (tax, amount) in taxes.items():
            if amount and tax.account_id:
                lines.append(
                    LineDraft(
                        account=_code(tax.account),
                        credit=amount,
                        tax=code,
                        tax_role="tax",
                        label=number,
                    )
                )
        lines.insert(
            0, LineDraft(account=plan.receivable, debit=total, party=customer.pk, label=number)
        )
        label = f"{words['sale']} {number} {customer.name}"[:200]
        self.at(date, 1, lambda: self.post("VE", date, lines, label, number))
        if self.rng.random() < 0.85:
            paid = date + dt.timedelta(days=self.rng.randint(14, 45))
            self.settle(paid, customer, total, number, receipt=True)

    def _rate_rank(self) -> int:
        roll = self.rng.random()
        return 0 if roll < 0.7 else 1 if roll < 0.9 else 2

    def purchase(
        self,
        date: dt.date,
        supplier: Any,
        *,
        account: str | None = None,
        base: Decimal | None = None,
        reverse_charge: bool = False,
        label: str = "",
        pay: bool = True,
    ) -> None:
        plan, words = self.plan, self.plan.words
        account = account or self.rng.choice(plan.purchases)
        base = base if base is not None else self.money(80, 2500)
        ref = f"F{self.rng.randrange(10_000, 99_999)}"
        if reverse_charge:
            tax = self.tax(date, scope="purchase", kind="reverse_charge", code_has="intra-goods")
        else:
            tax = self.tax(date, scope="purchase", kind="standard")
        if tax is None or tax.account_id is None:
            return
        amount = tax_amounts(base, tax.rate, self.company.currency, price_included=False).tax
        lines = [LineDraft(account=account, debit=base, tax=tax.code, tax_role="base", label=ref)]
        if reverse_charge and tax.counterpart_account_id:
            lines += [
                LineDraft(
                    account=_code(tax.counterpart_account),
                    debit=amount,
                    tax=tax.code,
                    tax_role="deductible",
                    label=ref,
                ),
                LineDraft(
                    account=_code(tax.account),
                    credit=amount,
                    tax=tax.code,
                    tax_role="tax",
                    label=ref,
                ),
            ]
            total = base
        else:
            lines.append(
                LineDraft(
                    account=_code(tax.account),
                    debit=amount,
                    tax=tax.code,
                    tax_role="tax",
                    label=ref,
                )
            )
            total = base + amount
        lines.append(LineDraft(account=plan.payable, credit=total, party=supplier.pk, label=ref))
        text = label or f"{words['purchase']} {ref} {supplier.name}"
        self.at(date, 2, lambda: self.post("AC", date, lines, text[:200], ref))
        if pay:
            paid = date + dt.timedelta(days=self.rng.randint(10, 40))
            self.settle(paid, supplier, total, ref, receipt=False)

    def settle(
        self, date: dt.date, party: Any, amount: Decimal, ref: str, *, receipt: bool
    ) -> None:
        plan, words = self.plan, self.plan.words
        if receipt:
            lines = [
                LineDraft(account=plan.bank, debit=amount, label=ref),
                LineDraft(account=plan.receivable, credit=amount, party=party.pk, label=ref),
            ]
            label = f"{words['receipt']} {ref} {party.name}"
        else:
            lines = [
                LineDraft(account=plan.payable, debit=amount, party=party.pk, label=ref),
                LineDraft(account=plan.bank, credit=amount, label=ref),
            ]
            label = f"{words['payment']} {ref} {party.name}"
        self.at(date, 5, lambda: self.post("BQ", date, lines, label[:200], ref))

    def payroll(self, start: dt.date, end: dt.date) -> None:
        plan, words = self.plan, self.plan.words
        gross = sum((self.money(2100, 3400) for _ in range(3)), Decimal(0))
        withheld = [(acc, (gross * share).quantize(CENT)) for acc, share in plan.payroll_credits]
        employer = [
            (exp, liab, (gross * share).quantize(CENT)) for exp, liab, share in plan.employer
        ]
        net = gross - sum(a for _acc, a in withheld)
        label = f"{words['payroll']} {start:%m/%Y}"
        lines = [LineDraft(account=plan.wages, debit=gross, label=label)]
        lines += [LineDraft(account=exp, debit=a, label=label) for exp, _liab, a in employer]
        lines.append(LineDraft(account="421", credit=net, label=label))
        owed: dict[str, Decimal] = {}
        for acc, a in withheld:
            owed[acc] = owed.get(acc, Decimal(0)) + a
        for _exp, liab, a in employer:
            owed[liab] = owed.get(liab, Decimal(0)) + a
        lines += [LineDraft(account=acc, credit=a, label=label) for acc, a in owed.items()]
        self.at(end, 3, lambda: self.post("OD", end, lines, label))
        pay_day = end
        salaries = [
            LineDraft(account="421", debit=net, label=label),
            LineDraft(account=plan.bank, credit=net, label=label),
        ]
        self.at(
            pay_day,
            6,
            lambda: self.post("BQ", pay_day, salaries, f"{words['salaries']} {start:%m/%Y}"),
        )
        social_day = end + dt.timedelta(days=15)
        social = [LineDraft(account=acc, debit=a, label=label) for acc, a in owed.items()]
        social.append(
            LineDraft(account=plan.bank, credit=sum(owed.values(), Decimal(0)), label=label)
        )
        self.at(
            social_day,
            6,
            lambda: self.post("BQ", social_day, social, f"{words['social']} {start:%m/%Y}"),
        )

    def bank_fees(self, end: dt.date) -> None:
        amount = self.money(18, 60)
        lines = [
            LineDraft(account=self.plan.bank_fees, debit=amount),
            LineDraft(account=self.plan.bank, credit=amount),
        ]
        label = f"{self.plan.words['fees']} {end:%m/%Y}"
        self.at(end, 7, lambda: self.post("BQ", end, lines, label))

    def capital(self, date: dt.date) -> None:
        amount = self.company.share_capital or Decimal("50000") * self.plan.scale
        lines = [
            LineDraft(account=self.plan.bank, debit=amount),
            LineDraft(account=self.plan.capital, credit=amount),
        ]
        self.at(date, 0, lambda: self.post("BQ", date, lines, self.plan.words["capital"]))

    def duplicate_and_reversal(self, date: dt.date, supplier: Any) -> None:
        base = self.money(200, 900)
        tax = self.tax(date, scope="purchase", kind="standard")
        if tax is None or tax.account_id is None:
            return
        amount = tax_amounts(base, tax.rate, self.company.currency, price_included=False).tax
        ref = f"F{self.rng.randrange(10_000, 99_999)}"
        lines = [
            LineDraft(account=self.plan.purchases[0], debit=base, tax=tax.code, tax_role="base"),
            LineDraft(account=_code(tax.account), debit=amount, tax=tax.code, tax_role="tax"),
            LineDraft(account=self.plan.payable, credit=base + amount, party=supplier.pk),
        ]
        label = f"{self.plan.words['purchase']} {ref} {supplier.name}"[:200]
        self.at(date, 2, lambda: self.post("AC", date, lines, label, ref))
        later = date + dt.timedelta(days=3)

        def post_twice_then_reverse() -> None:
            twice = self.post("AC", later, lines, f"{label} ({self.plan.words['duplicate']})", ref)
            services.entry_reverse(actor=self.actor, company=self.company, entry=twice, date=later)

        self.at(later, 2, post_twice_then_reverse)
        self.settle(date + dt.timedelta(days=20), supplier, base + amount, ref, receipt=False)

    def vat_return(self, start: dt.date, end: dt.date, *, post: bool) -> None:
        from comptoir.back.ledger import vat

        def run() -> None:
            vat_return = vat.vat_return_create(
                actor=self.actor, company=self.company, start=start, end=end
            )
            if not post:
                return
            vat_return = vat.vat_return_post(
                actor=self.actor, company=self.company, vat_return=vat_return
            )
            due = vat_return.net_due
            pay_day = end + dt.timedelta(days=19)
            if due > 0 and pay_day <= self.today:
                payable = services.account_for_role(self.company, "vat_payable").code
                lines = [
                    LineDraft(account=payable, debit=due),
                    LineDraft(account=self.plan.bank, credit=due),
                ]
                label = f"{self.plan.words['vat']} {start:%m/%Y}"
                self.at(pay_day, 8, lambda: self.post("BQ", pay_day, lines, label))

        self.at(end, 9, run)

    # -- running

    def run(self) -> None:
        """Post the events in date order (events may add later events as they run)."""
        done = 0
        while True:
            pending = sorted(self.events[done:])
            if not pending:
                return
            self.events[done:] = pending
            event = self.events[done]
            event.run()
            done += 1


def _parties(company: Company, plan: Plan) -> tuple[list[Any], list[Any], Any, Any]:
    """Customers, suppliers, the landlord and the EU supplier of the demo company."""
    from stdnum.iso7064 import mod_11_10

    from comptoir.core.parties.models import Party

    organisations = Party.objects.filter(company=company, kind=Party.Kind.ORGANISATION)
    customers = list(organisations.filter(is_customer=True).order_by("pk")[:30])
    suppliers = list(organisations.filter(is_supplier=True).order_by("pk")[:12])

    def supplier(name: str, **extra: Any) -> Any:
        found = organisations.filter(name=name).first()
        return found or Party.objects.create(
            company=company, kind=Party.Kind.ORGANISATION, name=name, is_supplier=True, **extra
        )

    landlord = supplier(plan.words["landlord"], country=company.country)
    body = "13669597"
    eu = supplier(
        plan.eu_supplier["name"],
        country=plan.eu_supplier["country"],
        vat_number=f"DE{body}{mod_11_10.calc_check_digit(body)}",
    )
    if not customers:
        customers = [landlord]
    if not suppliers:
        suppliers = [landlord]
    return customers, suppliers, landlord, eu


def _actor(company: Company) -> Any:
    from comptoir.core.identity.models import User

    return (
        User.objects.filter(roles__code="accountant", companies=company, is_active=True)
        .order_by("pk")
        .first()
    )


def _ensure_fiscal_years(company: Company, actor: Any, first: dt.date, last: dt.date) -> None:
    for year in range(first.year, last.year + 1):
        if not FiscalYear.objects.filter(
            company=company, start__lte=dt.date(year, 12, 31), end__gte=dt.date(year, 1, 1)
        ).exists():
            services.fiscal_year_create(actor=actor, company=company, year=year)


@transaction.atomic
def load_ledger_demo(company: Company, rng: random.Random | None = None) -> bool:
    """Set up and post the demo ledger of ``company``; False when it has books already."""
    plan = PLANS.get(company.country)
    if plan is None:
        return False
    if Entry.objects.filter(company=company, state=Entry.State.POSTED).exists():
        return False
    rng = rng or random.Random(f"comptoir-ledger-demo-{company.code}")
    actor = _actor(company)
    today = timezone.localdate()
    months = months_before(today)
    services.ledger_setup(actor=actor, company=company, year=today.year)
    _ensure_fiscal_years(company, actor, months[0][0], today)
    customers, suppliers, landlord, eu = _parties(company, plan)
    books = _Books(company, actor, plan, rng)
    books.capital(months[0][0])
    for index, (start, end) in enumerate(months):
        rent = books.money(1800, 2600)
        books.purchase(
            start,
            landlord,
            account=plan.rent,
            base=rent,
            label=f"{plan.words['rent']} {start:%m/%Y}",
        )
        for _ in range(rng.randint(9, 13)):
            day = start + dt.timedelta(days=rng.randrange(end.day))
            books.sale(day, rng.choice(customers))
        for _ in range(rng.randint(4, 6)):
            day = start + dt.timedelta(days=rng.randrange(end.day))
            books.purchase(day, rng.choice(suppliers))
        if index % 2 == 1:
            books.purchase(
                start + dt.timedelta(days=11), eu, reverse_charge=True, base=books.money(1500, 4000)
            )
        if index == len(months) // 2:
            books.duplicate_and_reversal(start + dt.timedelta(days=6), rng.choice(suppliers))
        books.payroll(start, end)
        books.bank_fees(end)
        books.vat_return(start, end, post=index < len(months) - 1)
    books.run()
    return True


register_demo_extension(load_ledger_demo)
