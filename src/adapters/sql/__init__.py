"""SQLite (aiosqlite) and PostgreSQL (asyncpg) storage through SQLAlchemy's async Core."""
