"""Is the ledger as it was posted? The check an auditor runs.

``ledger_verify`` walks every journal's posted entries in the order they
were posted and, for each one:

- recomputes its hash with ``domain.entry_hash`` from its stored previous
  hash and its accounting fields, exactly as ``services._post`` built it: a
  changed amount, account, label, date or number, or a removed line, shows
  here (``hash_mismatch``);
- checks that its previous hash is the hash of the entry posted before it in
  the journal (``chain_broken``: an entry removed, inserted or reordered);
- checks that its number follows the previous one of its journal and fiscal
  year (``number_gap``, ``number_duplicate``) and that its lines balance
  (``entry_unbalanced``);

then that the journal's last hash is its last entry's (``last_hash_mismatch``),
and that the per-account per-period ``Balance`` rows equal the posted lines
(``balance_mismatch``). The report names the first broken link of each journal.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F, Sum
from django.utils.translation import gettext as _

from comptoir.back.ledger.domain import HashedEntry, HashedLine, entry_hash
from comptoir.back.ledger.models import (
    Account,
    Balance,
    Entry,
    Journal,
    LedgerSettings,
    Line,
    Period,
)
from comptoir.core.companies.models import Company

ZERO = Decimal("0")
CHUNK = 1000
# Balance differences listed per company, at most (the count is always complete).
MAX_BALANCE_PROBLEMS = 50


@dataclass(frozen=True)
class Problem:
    """One broken rule, located: which journal, which entry, what is wrong."""

    code: str
    message: str
    company: str
    journal: str = ""
    fiscal_year: str = ""
    entry_id: int | None = None
    number: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "company": self.company,
            "journal": self.journal,
            "fiscal_year": self.fiscal_year,
            "entry_id": self.entry_id,
            "number": self.number,
        }

    def __str__(self) -> str:
        where = " ".join(p for p in (self.company, self.journal, self.number) if p)
        return f"{where}: {self.message} [{self.code}]"


@dataclass
class JournalReport:
    company: str
    journal: str
    name: str
    entries: int = 0
    last_number: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    def as_dict(self) -> dict[str, Any]:
        first = self.first_problem
        return {
            "company": self.company,
            "journal": self.journal,
            "name": self.name,
            "entries": self.entries,
            "last_number": self.last_number,
            "ok": self.ok,
            "problems": len(self.problems),
            "first_problem": first.as_dict() if first else None,
        }


@dataclass
class BalanceReport:
    company: str
    rows: int = 0
    mismatches: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.mismatches == 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "company": self.company,
            "rows": self.rows,
            "ok": self.ok,
            "mismatches": self.mismatches,
            "problems": [p.as_dict() for p in self.problems],
        }


@dataclass
class Report:
    journals: list[JournalReport] = field(default_factory=list)
    balances: list[BalanceReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(j.ok for j in self.journals) and all(b.ok for b in self.balances)

    @property
    def entries(self) -> int:
        return sum(j.entries for j in self.journals)

    @property
    def first_problems(self) -> list[Problem]:
        """The first broken link of each journal, then the balance differences."""
        found = [j.first_problem for j in self.journals if j.first_problem]
        for b in self.balances:
            found += b.problems[:1]
        return found  # type: ignore[return-value]

    def summary(self) -> str:
        if self.ok:
            return _(
                "%(entries)s posted entries in %(journals)s journals: every hash chain is "
                "intact, every number follows the previous one, every entry balances and "
                "the balances equal the lines."
            ) % {"entries": self.entries, "journals": len(self.journals)}
        broken = sum(1 for j in self.journals if not j.ok)
        return _(
            "%(broken)s of %(journals)s journals have a broken link; balance differences: "
            "%(balances)s."
        ) % {
            "broken": broken,
            "journals": len(self.journals),
            "balances": sum(b.mismatches for b in self.balances),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "summary": self.summary(),
            "journals": [j.as_dict() for j in self.journals],
            "balances": [b.as_dict() for b in self.balances],
        }


# --------------------------------------------------------------------------- the walk


def _entries_in_posting_order(journal: Journal) -> Iterator[list[Entry]]:
    """The journal's posted entries, oldest posting first, by chunks."""
    entries = (
        Entry.objects.filter(journal=journal, state=Entry.State.POSTED)
        .select_related("fiscal_year")
        .only(
            "pk",
            "company_id",
            "journal_id",
            "number",
            "date",
            "currency",
            "label",
            "ref",
            "sequence_no",
            "previous_hash",
            "hash",
            "posted_at",
            "fiscal_year__name",
            "fiscal_year__start",
        )
        .order_by(F("posted_at").asc(nulls_first=True), "fiscal_year__start", "sequence_no", "pk")
    )
    chunk: list[Entry] = []
    for entry in entries.iterator(CHUNK):
        chunk.append(entry)
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


LINE_FIELDS = (
    "entry_id",
    "account_id",
    "party_id",
    "label",
    "debit",
    "credit",
    "currency",
    "amount_currency",
)


def _lines_of(entry_ids: Sequence[int]) -> dict[int, list[tuple[Any, ...]]]:
    by_entry: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    rows = Line.objects.filter(entry_id__in=entry_ids).order_by("entry_id", "pk")
    for row in rows.values_list(*LINE_FIELDS):
        by_entry[row[0]].append(row)
    return by_entry


def _problem(
    report: JournalReport, entry: Entry, code: str, message: str, **values: Any
) -> Problem:
    return Problem(
        code=code,
        message=message % {"number": entry.number, **values},
        company=report.company,
        journal=report.journal,
        fiscal_year=entry.fiscal_year.name,
        entry_id=entry.pk,
        number=entry.number,
    )


def verify_journal(journal: Journal, company: Company, codes: dict[int, str]) -> JournalReport:
    """The report of one journal; ``codes`` maps the company's account ids to their codes."""
    report = JournalReport(company=company.code, journal=journal.code, name=journal.name)
    previous = ""
    last_no: dict[int, int] = {}
    for chunk in _entries_in_posting_order(journal):
        lines = _lines_of([e.pk for e in chunk])
        for entry in chunk:
            report.entries += 1
            report.last_number = entry.number
            report.problems += _check_entry(
                report, entry, lines.get(entry.pk, []), previous, last_no, codes
            )
            previous = entry.hash
            if entry.sequence_no is not None:
                last_no[entry.fiscal_year_id] = max(
                    entry.sequence_no, last_no.get(entry.fiscal_year_id, 0)
                )
    if journal.last_hash != previous:
        report.problems.append(
            Problem(
                code="last_hash_mismatch",
                message=_(
                    "The journal's last hash is not the hash of its last posted entry "
                    "(%(number)s): an entry was removed or the journal changed."
                )
                % {"number": report.last_number or "—"},
                company=company.code,
                journal=journal.code,
                number=report.last_number,
            )
        )
    return report


def _check_entry(
    report: JournalReport,
    entry: Entry,
    lines: list[tuple[Any, ...]],
    previous: str,
    last_no: dict[int, int],
    codes: dict[int, str],
) -> list[Problem]:
    problems: list[Problem] = []
    expected_no = last_no.get(entry.fiscal_year_id, 0) + 1
    if entry.sequence_no is None or entry.sequence_no > expected_no:
        problems.append(
            _problem(
                report,
                entry,
                "number_gap",
                _("%(number)s: number %(found)s where %(expected)s was expected (a gap)."),
                found=entry.sequence_no,
                expected=expected_no,
            )
        )
    elif entry.sequence_no < expected_no:
        problems.append(
            _problem(
                report,
                entry,
                "number_duplicate",
                _("%(number)s: number %(found)s comes again or out of order."),
                found=entry.sequence_no,
            )
        )
    if entry.previous_hash != previous:
        problems.append(
            _problem(
                report,
                entry,
                "chain_broken",
                _(
                    "%(number)s: its previous hash is not the hash of the entry posted before "
                    "it in the journal: an entry was removed, added or moved."
                ),
            )
        )
    hashed = HashedEntry(
        company_id=entry.company_id,
        journal_code=report.journal,
        number=entry.number,
        date=entry.date,
        currency=entry.currency,
        label=entry.label,
        ref=entry.ref,
        lines=[
            HashedLine(
                account_code=codes.get(account_id, ""),
                party_id=party_id,
                label=label,
                debit=debit,
                credit=credit,
                currency=currency,
                amount_currency=amount_currency,
            )
            for (_e, account_id, party_id, label, debit, credit, currency, amount_currency) in lines
        ],
    )
    if entry_hash(entry.previous_hash, hashed) != entry.hash:
        problems.append(
            _problem(
                report,
                entry,
                "hash_mismatch",
                _(
                    "%(number)s: its content no longer matches its hash: an amount, account, "
                    "date, label or line was changed after posting."
                ),
            )
        )
    debit = sum((row[4] for row in lines), ZERO)
    credit = sum((row[5] for row in lines), ZERO)
    if len(lines) < 2 or debit != credit:
        problems.append(
            _problem(
                report,
                entry,
                "entry_unbalanced",
                _("%(number)s: debits %(debit)s and credits %(credit)s differ."),
                debit=debit,
                credit=credit,
            )
        )
    return problems


def verify_balances(company: Company) -> BalanceReport:
    """Compare the ``Balance`` rows with the sums of the posted lines per account and period."""
    report = BalanceReport(company=company.code)
    sums = (
        Line.objects.filter(company=company, posted=True)
        .values_list("account_id", "entry__period_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    expected = {(a, p): (d or ZERO, c or ZERO) for a, p, d, c in sums}
    stored = {
        (a, p): (d, c)
        for a, p, d, c in Balance.objects.filter(company=company).values_list(
            "account_id", "period_id", "debit", "credit"
        )
    }
    report.rows = len(stored)
    wrong = sorted(
        key
        for key in expected.keys() | stored.keys()
        if expected.get(key, (ZERO, ZERO)) != stored.get(key, (ZERO, ZERO))
    )
    report.mismatches = len(wrong)
    if not wrong:
        return report
    shown = wrong[:MAX_BALANCE_PROBLEMS]
    codes = dict(Account.objects.filter(pk__in={a for a, _p in shown}).values_list("pk", "code"))
    periods = dict(Period.objects.filter(pk__in={p for _a, p in shown}).values_list("pk", "name"))
    for account_id, period_id in shown:
        debit, credit = expected.get((account_id, period_id), (ZERO, ZERO))
        kept_debit, kept_credit = stored.get((account_id, period_id), (ZERO, ZERO))
        report.problems.append(
            Problem(
                code="balance_mismatch",
                message=_(
                    "Account %(account)s, period %(period)s: the balance keeps %(kd)s / %(kc)s, "
                    "the posted lines add up to %(d)s / %(c)s."
                )
                % {
                    "account": codes.get(account_id, account_id),
                    "period": periods.get(period_id, period_id),
                    "kd": kept_debit,
                    "kc": kept_credit,
                    "d": debit,
                    "c": credit,
                },
                company=company.code,
            )
        )
    return report


def ledger_verify(company: Company | None = None) -> Report:
    """Verify the books of ``company``, or of every company that keeps books here."""
    if company is not None:
        companies = [company]
    else:
        ids = set(LedgerSettings.objects.values_list("company_id", flat=True))
        ids |= set(Journal.objects.values_list("company_id", flat=True).distinct())
        companies = list(Company.objects.filter(pk__in=ids).order_by("code"))
    report = Report()
    for each in companies:
        codes = dict(Account.objects.filter(company=each).values_list("pk", "code"))
        for journal in Journal.objects.filter(company=each).order_by("code"):
            report.journals.append(verify_journal(journal, each, codes))
        report.balances.append(verify_balances(each))
    return report
