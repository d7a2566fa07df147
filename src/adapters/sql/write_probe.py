"""SQLite: whether another connection holds the database's write lock, asked without waiting.

In WAL mode readers pass any lock another connection can take while the server has the
database open (`BEGIN EXCLUSIVE` included), so a read never shows a held lock; only the
writes wait for it (the busy timeout, then 503). Health asks this to say so.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

HELD = (
    "another connection holds the database's write lock: writes wait for it "
    "(5 s at most, then 503); reads go on"
)


class SqliteWriteProbe:
    """Takes the write lock and gives it back at once, on a connection of its own."""

    def __init__(self, path: Path) -> None:
        # busy_timeout 0: a held lock is an answer at once, on the event loop's thread.
        self._connection = sqlite3.connect(path, isolation_level=None, timeout=0)

    def blocker(self) -> str | None:
        """Why a write would wait now, or None. Holds the lock for microseconds when free: a
        writer of another process that comes at that instant waits that long."""
        try:
            self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            return HELD if "locked" in str(error) or "busy" in str(error) else str(error)
        self._connection.execute("ROLLBACK")
        return None

    def close(self) -> None:
        self._connection.close()
