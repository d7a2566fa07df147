"""The inventory repository's statements, in each dialect's own SQL, for the driver."""

# A bulk write and its history entries: the records are staged once, then one statement
# journals them (the level each replaces found by a join, not read first) and another
# writes them: on SQLite faster than an executemany into each table
# (bench/results/design-timings.md). PostgreSQL runs all of it as one statement, whose parts
# all see the table as it was before it.
STAGING_SQLITE = (
    "CREATE TEMP TABLE IF NOT EXISTS staged_records "
    "(product_id INTEGER, date TEXT, level INTEGER, undoes INTEGER)"
)
STAGE_SQLITE = "INSERT INTO staged_records VALUES (?, ?, ?, ?)"
JOURNAL_STAGED_SQLITE = (
    "INSERT INTO changes (product_id, date, level_before, level_after, undoes, "
    "at, actor, cause, import_id, note) "
    "SELECT s.product_id, s.date, r.inventory_level, s.level, s.undoes, ?, ?, ?, ?, ? "
    "FROM staged_records s LEFT JOIN inventory_records r "
    "ON r.product_id = s.product_id AND r.date = s.date ORDER BY s.rowid"
)
WRITE_STAGED_SQLITE = (
    "INSERT INTO inventory_records (product_id, date, inventory_level) "
    "SELECT product_id, date, level FROM staged_records WHERE true "
    "ON CONFLICT (product_id, date) DO UPDATE SET inventory_level = excluded.inventory_level"
)
# Records the join found absent are inserted plainly: an ON CONFLICT insert of a new row
# costs PostgreSQL a speculative insertion (bench/results/design-timings.md). Should another
# writer commit one of them meanwhile, the insert fails on the key and the batch runs
# again (RACES_RETRIED), its fresh snapshot then journaling the level that writer left.
WRITE_AND_JOURNAL_POSTGRESQL = (
    "WITH s AS (SELECT s.*, r.inventory_level AS before "
    "FROM unnest($1::bigint[], $2::date[], $3::integer[], $4::bigint[]) "
    "WITH ORDINALITY AS s(product_id, date, level, undoes, n) "
    "LEFT JOIN inventory_records r ON r.product_id = s.product_id AND r.date = s.date), "
    "journaled AS (INSERT INTO changes (product_id, date, level_before, level_after, undoes, "
    "at, actor, cause, import_id, note) "
    "SELECT product_id, date, before, level, undoes, "
    "$5::timestamptz, $6::text, $7::text, $8::text, $9::text FROM s ORDER BY n RETURNING id), "
    # an upsert, not an UPDATE: a record deleted meanwhile is written all the same
    "replaced AS (INSERT INTO inventory_records (product_id, date, inventory_level) "
    "SELECT product_id, date, level FROM s WHERE before IS NOT NULL "
    "ON CONFLICT (product_id, date) DO UPDATE SET inventory_level = EXCLUDED.inventory_level), "
    "added AS (INSERT INTO inventory_records (product_id, date, inventory_level) "
    "SELECT product_id, date, level FROM s WHERE before IS NULL) "
    "SELECT max(id) FROM journaled"  # ids follow the order of the entries, as in changes.py
)
# The interactive write path, one round trip each to aiosqlite's thread: SQLAlchemy's statements
# take three or four (a cursor, the statement, its rows, closing the cursor).
UPDATE_SQLITE = "UPDATE inventory_records SET inventory_level = ? WHERE product_id = ? AND date = ?"
INSERT_SQLITE = "INSERT INTO inventory_records (product_id, date, inventory_level) VALUES (?, ?, ?)"
LEVEL_SQLITE = "SELECT inventory_level FROM inventory_records WHERE product_id = ? AND date = ?"
LEVEL_POSTGRESQL = (
    "SELECT inventory_level FROM inventory_records WHERE product_id = $1 AND date = $2"
)
REMOVE_SQLITE = "DELETE FROM inventory_records WHERE product_id = ? AND date = ?"
REMOVE_POSTGRESQL = (
    "DELETE FROM inventory_records r USING unnest($1::bigint[], $2::date[]) AS k(product_id, day) "
    "WHERE r.product_id = k.product_id AND r.date = k.day"
)
