# ruff: noqa: E501, S608  (SQL text built from constants in this module)
"""The ledger's invariants, written into the database as triggers.

Python checks every rule first and answers with a clear error; these
triggers are the second wall (and one does a chore: when an entry turns
posted, its lines are marked posted in the same statement), for a bug or a hand-typed SQL statement.
Each message starts with the error code the services use
(``entry_posted``, ``entry_unbalanced``, ``entry_number_gap``,
``period_locked``), so ``services`` can name the rule a refusal broke.

SQLite stores decimals as binary floats: its balance check allows less
than half a cent of difference; PostgreSQL's ``numeric`` is exact and the
check there is ``= 0``.
"""

from __future__ import annotations

from typing import Any

# Fields of a posted entry or line that nothing may change.
ENTRY_FIELDS = (
    "company_id",
    "journal_id",
    "date",
    "period_id",
    "fiscal_year_id",
    "state",
    "number",
    "sequence_no",
    "ref",
    "label",
    "currency",
    "source",
    "source_id",
    "reversal_of_id",
    "posted_at",
    "posted_by_id",
    "previous_hash",
    "hash",
)
LINE_FIELDS = (
    "entry_id",
    "company_id",
    "journal_id",
    "date",
    "posted",
    "account_id",
    "party_id",
    "label",
    "debit",
    "credit",
    "currency",
    "amount_currency",
    "tax_id",
    "tax_role",
)

CODES = ("entry_posted", "entry_unbalanced", "entry_number_gap", "period_locked")


def _changed(fields: tuple[str, ...], op: str) -> str:
    return " OR ".join(f'NEW."{f}" {op} OLD."{f}"' for f in fields)


POSTED_CHECKS_SQLITE = {
    "unbalanced": (
        "(SELECT COUNT(*) FROM ledger_line WHERE entry_id = NEW.id) < 2 OR "
        "(SELECT ABS(COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0)) "
        "FROM ledger_line WHERE entry_id = NEW.id) >= 0.005",
        "entry_unbalanced: a posted entry needs at least two lines whose debits equal "
        "their credits",
    ),
    "gap": (
        "NEW.sequence_no IS NULL OR (NEW.sequence_no > 1 AND NOT EXISTS ("
        "SELECT 1 FROM ledger_entry e WHERE e.journal_id = NEW.journal_id "
        "AND e.fiscal_year_id = NEW.fiscal_year_id AND e.state = 'posted' "
        "AND e.sequence_no = NEW.sequence_no - 1))",
        "entry_number_gap: a posted entry takes the number after the previous one of "
        "its journal and fiscal year",
    ),
    "period": (
        "NOT EXISTS (SELECT 1 FROM ledger_period p WHERE p.id = NEW.period_id "
        "AND p.state = 'open' AND p.fiscal_year_id = NEW.fiscal_year_id "
        'AND NEW.date >= p.start AND NEW.date <= p."end") '
        "OR EXISTS (SELECT 1 FROM ledger_ledgersettings s WHERE s.company_id = NEW.company_id "
        "AND s.hard_lock_date IS NOT NULL AND NEW.date <= s.hard_lock_date)",
        "period_locked: the period of the entry is closed or its date is on or before the lock date",
    ),
}


def sqlite_statements() -> list[str]:
    stmts = [
        """CREATE TRIGGER ledger_entry_insert_posted BEFORE INSERT ON ledger_entry
        WHEN NEW.state = 'posted'
        BEGIN SELECT RAISE(ABORT, 'entry_posted: an entry is written as a draft, then posted'); END""",
        f"""CREATE TRIGGER ledger_entry_update_posted BEFORE UPDATE ON ledger_entry
        WHEN OLD.state = 'posted' AND ({_changed(ENTRY_FIELDS, "IS NOT")})
        BEGIN SELECT RAISE(ABORT, 'entry_posted: a posted entry cannot be changed; reverse it'); END""",
        """CREATE TRIGGER ledger_entry_delete_posted BEFORE DELETE ON ledger_entry
        WHEN OLD.state = 'posted'
        BEGIN SELECT RAISE(ABORT, 'entry_posted: a posted entry cannot be deleted; reverse it'); END""",
    ]
    for name, (condition, message) in POSTED_CHECKS_SQLITE.items():
        stmts.append(
            f"""CREATE TRIGGER ledger_entry_post_{name} BEFORE UPDATE ON ledger_entry
            WHEN OLD.state = 'draft' AND NEW.state = 'posted' AND ({condition})
            BEGIN SELECT RAISE(ABORT, '{message}'); END"""
        )
    stmts += [
        """CREATE TRIGGER ledger_entry_posted_lines AFTER UPDATE ON ledger_entry
        WHEN OLD.state = 'draft' AND NEW.state = 'posted'
        BEGIN UPDATE ledger_line SET posted = 1 WHERE entry_id = NEW.id; END""",
        """CREATE TRIGGER ledger_line_insert_posted BEFORE INSERT ON ledger_line
        WHEN NEW.posted OR EXISTS (SELECT 1 FROM ledger_entry e
                                   WHERE e.id = NEW.entry_id AND e.state = 'posted')
        BEGIN SELECT RAISE(ABORT, 'entry_posted: no line can be added to a posted entry'); END""",
        f"""CREATE TRIGGER ledger_line_update_posted BEFORE UPDATE ON ledger_line
        WHEN (OLD.posted AND ({_changed(LINE_FIELDS, "IS NOT")}))
          OR (NEW.posted AND NOT OLD.posted AND NOT EXISTS (
                SELECT 1 FROM ledger_entry e WHERE e.id = NEW.entry_id AND e.state = 'posted'))
        BEGIN SELECT RAISE(ABORT, 'entry_posted: a posted line cannot be changed; reverse its entry'); END""",
        """CREATE TRIGGER ledger_line_delete_posted BEFORE DELETE ON ledger_line
        WHEN OLD.posted
        BEGIN SELECT RAISE(ABORT, 'entry_posted: a posted line cannot be deleted'); END""",
    ]
    return stmts


SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS ledger_entry_insert_posted",
    "DROP TRIGGER IF EXISTS ledger_entry_update_posted",
    "DROP TRIGGER IF EXISTS ledger_entry_delete_posted",
    *(f"DROP TRIGGER IF EXISTS ledger_entry_post_{name}" for name in POSTED_CHECKS_SQLITE),
    "DROP TRIGGER IF EXISTS ledger_entry_posted_lines",
    "DROP TRIGGER IF EXISTS ledger_line_insert_posted",
    "DROP TRIGGER IF EXISTS ledger_line_update_posted",
    "DROP TRIGGER IF EXISTS ledger_line_delete_posted",
]


def postgresql_statements() -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION ledger_entry_guard() RETURNS trigger AS $$
        DECLARE
            n_lines integer;
            difference numeric;
        BEGIN
            IF TG_OP = 'INSERT' THEN
                IF NEW.state = 'posted' THEN
                    RAISE EXCEPTION 'entry_posted: an entry is written as a draft, then posted'
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN NEW;
            END IF;
            IF TG_OP = 'DELETE' THEN
                IF OLD.state = 'posted' THEN
                    RAISE EXCEPTION 'entry_posted: a posted entry cannot be deleted; reverse it'
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN OLD;
            END IF;
            IF OLD.state = 'posted' THEN
                IF {_changed(ENTRY_FIELDS, "IS DISTINCT FROM")} THEN
                    RAISE EXCEPTION 'entry_posted: a posted entry cannot be changed; reverse it'
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN NEW;
            END IF;
            IF NEW.state = 'posted' THEN
                SELECT COUNT(*), COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0)
                  INTO n_lines, difference FROM ledger_line WHERE entry_id = NEW.id;
                IF n_lines < 2 OR difference <> 0 THEN
                    RAISE EXCEPTION 'entry_unbalanced: a posted entry needs at least two lines '
                        'whose debits equal their credits (difference %)', difference
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                IF NEW.sequence_no IS NULL OR (NEW.sequence_no > 1 AND NOT EXISTS (
                    SELECT 1 FROM ledger_entry e WHERE e.journal_id = NEW.journal_id
                       AND e.fiscal_year_id = NEW.fiscal_year_id AND e.state = 'posted'
                       AND e.sequence_no = NEW.sequence_no - 1)) THEN
                    RAISE EXCEPTION 'entry_number_gap: a posted entry takes the number after the '
                        'previous one of its journal and fiscal year'
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                IF NOT EXISTS (SELECT 1 FROM ledger_period p WHERE p.id = NEW.period_id
                       AND p.state = 'open' AND p.fiscal_year_id = NEW.fiscal_year_id
                       AND NEW.date BETWEEN p.start AND p."end")
                   OR EXISTS (SELECT 1 FROM ledger_ledgersettings s
                       WHERE s.company_id = NEW.company_id
                       AND s.hard_lock_date IS NOT NULL AND NEW.date <= s.hard_lock_date) THEN
                    RAISE EXCEPTION 'period_locked: the entry''s period is closed or its date is '
                        'on or before the lock date'
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER ledger_entry_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_entry
        FOR EACH ROW EXECUTE FUNCTION ledger_entry_guard()""",
        """CREATE OR REPLACE FUNCTION ledger_entry_posted_lines() RETURNS trigger AS $$
        BEGIN
            UPDATE ledger_line SET posted = TRUE WHERE entry_id = NEW.id;
            RETURN NULL;
        END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER ledger_entry_posted_lines AFTER UPDATE ON ledger_entry
        FOR EACH ROW WHEN (OLD.state = 'draft' AND NEW.state = 'posted')
        EXECUTE FUNCTION ledger_entry_posted_lines()""",
        f"""CREATE OR REPLACE FUNCTION ledger_line_guard() RETURNS trigger AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                IF NEW.posted OR EXISTS (SELECT 1 FROM ledger_entry e
                                         WHERE e.id = NEW.entry_id AND e.state = 'posted') THEN
                    RAISE EXCEPTION 'entry_posted: no line can be added to a posted entry'
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN NEW;
            END IF;
            IF TG_OP = 'DELETE' THEN
                IF OLD.posted THEN
                    RAISE EXCEPTION 'entry_posted: a posted line cannot be deleted'
                        USING ERRCODE = 'integrity_constraint_violation';
                END IF;
                RETURN OLD;
            END IF;
            IF OLD.posted AND ({_changed(LINE_FIELDS, "IS DISTINCT FROM")}) THEN
                RAISE EXCEPTION 'entry_posted: a posted line cannot be changed; reverse its entry'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            IF NEW.posted AND NOT OLD.posted AND NOT EXISTS (
                SELECT 1 FROM ledger_entry e WHERE e.id = NEW.entry_id AND e.state = 'posted') THEN
                RAISE EXCEPTION 'entry_posted: a line is posted with its entry'
                    USING ERRCODE = 'integrity_constraint_violation';
            END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER ledger_line_guard BEFORE INSERT OR UPDATE OR DELETE ON ledger_line
        FOR EACH ROW EXECUTE FUNCTION ledger_line_guard()""",
    ]


POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS ledger_entry_guard ON ledger_entry",
    "DROP TRIGGER IF EXISTS ledger_entry_posted_lines ON ledger_entry",
    "DROP FUNCTION IF EXISTS ledger_entry_posted_lines()",
    "DROP TRIGGER IF EXISTS ledger_line_guard ON ledger_line",
    "DROP FUNCTION IF EXISTS ledger_entry_guard()",
    "DROP FUNCTION IF EXISTS ledger_line_guard()",
]


def install(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    stmts = {"sqlite": sqlite_statements, "postgresql": postgresql_statements}[vendor]()
    for sql in stmts:
        schema_editor.execute(sql, params=None)


def uninstall(schema_editor: Any) -> None:
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}[vendor]:
        schema_editor.execute(sql, params=None)


def refused_code(exc: BaseException) -> str | None:
    """The ledger rule a database refusal names, if it is one of ours."""
    text = str(exc)
    for code in CODES:
        if code in text:
            return code
    return None
