"""Full-text search of parties: FTS5 on SQLite, a GIN tsvector index on PostgreSQL.

SQLite: a virtual table ``parties_party_fts`` (rowid = party id) kept in
step by triggers on ``parties_party``; the city is copied onto the party
by the address services, so the party triggers are enough.

PostgreSQL: a GIN index on the very expression ``selectors.PG_DOCUMENT``
queries, so the ``@@`` uses the index.
"""

from django.db import migrations

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS parties_party_fts USING fts5(
        company_id UNINDEXED, name, email, vat_number, city, tokenize = "unicode61 remove_diacritics 2")""",
    """CREATE TRIGGER IF NOT EXISTS parties_party_fts_ai AFTER INSERT ON parties_party BEGIN
        INSERT INTO parties_party_fts(rowid, company_id, name, email, vat_number, city)
        VALUES (new.id, new.company_id, new.name, new.email, new.vat_number, new.city);
    END""",
    """CREATE TRIGGER IF NOT EXISTS parties_party_fts_au AFTER UPDATE ON parties_party BEGIN
        DELETE FROM parties_party_fts WHERE rowid = old.id;
        INSERT INTO parties_party_fts(rowid, company_id, name, email, vat_number, city)
        VALUES (new.id, new.company_id, new.name, new.email, new.vat_number, new.city);
    END""",
    """CREATE TRIGGER IF NOT EXISTS parties_party_fts_ad AFTER DELETE ON parties_party BEGIN
        DELETE FROM parties_party_fts WHERE rowid = old.id;
    END""",
    """INSERT INTO parties_party_fts(rowid, company_id, name, email, vat_number, city)
        SELECT id, company_id, name, email, vat_number, city FROM parties_party""",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS parties_party_fts_ai",
    "DROP TRIGGER IF EXISTS parties_party_fts_au",
    "DROP TRIGGER IF EXISTS parties_party_fts_ad",
    "DROP TABLE IF EXISTS parties_party_fts",
]

# Keep in step with comptoir.core.parties.selectors.PG_DOCUMENT.
PG_DOCUMENT = "to_tsvector('simple', parties_unaccent(name || ' ' || email || ' ' || vat_number || ' ' || city))"
# unaccent() is only STABLE; an index needs an IMMUTABLE wrapper. Without the
# extension (a hosted database that refuses it), the wrapper is the identity.
PG_UNACCENT = """CREATE OR REPLACE FUNCTION parties_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$"""
PG_IDENTITY = """CREATE OR REPLACE FUNCTION parties_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ SELECT $1 $$"""
PG_INDEX = f"CREATE INDEX IF NOT EXISTS parties_party_search_gin ON parties_party USING GIN (({PG_DOCUMENT}))"
PG_BACKWARD = [
    "DROP INDEX IF EXISTS parties_party_search_gin",
    "DROP FUNCTION IF EXISTS parties_unaccent(text)",
]


def _postgresql_forward(schema_editor):
    from django.db import DatabaseError, transaction

    unaccent = False
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent WITH SCHEMA public")
        unaccent = True
    except DatabaseError:
        unaccent = False
    schema_editor.execute(PG_UNACCENT if unaccent else PG_IDENTITY)
    schema_editor.execute(PG_INDEX)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _postgresql_forward(schema_editor)
    elif vendor == "sqlite":
        for sql in SQLITE_FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_BACKWARD, "postgresql": PG_BACKWARD}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("parties", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
