"""The search index behind ``selectors.product_search``.

SQLite: an FTS5 table over name, SKU and barcode, kept in step by triggers.
PostgreSQL: a GIN index on the 'simple' full-text vector of the same columns
(``selectors.PG_DOCUMENT`` must stay the same expression).
Other databases: nothing (the selector falls back to a scan).
"""

from django.db import migrations

SQLITE_UP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS products_product_fts USING fts5(
        name, sku, barcode, content='products_product', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS products_product_fts_ai AFTER INSERT ON products_product BEGIN
        INSERT INTO products_product_fts(rowid, name, sku, barcode)
        VALUES (new.id, new.name, new.sku, new.barcode);
    END""",
    """CREATE TRIGGER IF NOT EXISTS products_product_fts_ad AFTER DELETE ON products_product BEGIN
        INSERT INTO products_product_fts(products_product_fts, rowid, name, sku, barcode)
        VALUES ('delete', old.id, old.name, old.sku, old.barcode);
    END""",
    """CREATE TRIGGER IF NOT EXISTS products_product_fts_au AFTER UPDATE ON products_product BEGIN
        INSERT INTO products_product_fts(products_product_fts, rowid, name, sku, barcode)
        VALUES ('delete', old.id, old.name, old.sku, old.barcode);
        INSERT INTO products_product_fts(rowid, name, sku, barcode)
        VALUES (new.id, new.name, new.sku, new.barcode);
    END""",
    "INSERT INTO products_product_fts(products_product_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS products_product_fts_au",
    "DROP TRIGGER IF EXISTS products_product_fts_ad",
    "DROP TRIGGER IF EXISTS products_product_fts_ai",
    "DROP TABLE IF EXISTS products_product_fts",
]
POSTGRES_UP = [
    # Punctuation becomes spaces first, so "CH-100" is the words "ch" and "100"
    # (the default parser would read "-100" as a signed number).
    """CREATE INDEX IF NOT EXISTS products_product_search ON products_product USING gin (
        to_tsvector('simple', regexp_replace(coalesce(name, '') || ' ' || coalesce(sku, '')
        || ' ' || coalesce(barcode, ''), '[^[:alnum:]]+', ' ', 'g')))""",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS products_product_search"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("products", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        ),
    ]
