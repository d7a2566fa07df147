"""A fold's steps on disk, in their order, and how one is taken back. Blocking.

1. The pending history file (a commit too large for the journal: its entries), fsynced.
2. The ready file: the whole new file, fsynced, renamed from a temporary one.
3. The history append: the journal's entries, then the pending file's.
4. The pending file removed: the point of no return (a fold without one passes it here too).
5. The journal emptied, then the ready file renamed over the file.

A failure before the point of no return (a full disk) takes the fold back: the ready file
goes, and with it the commit, so that the error answered is the truth; the old file and its
journal stand. A failure after it is not the commit's: the ready file then holds the commit,
and the next transaction, of any process, finishes the fold. A crash at any point leaves the
old file and its journal, or a ready file whose fold the next transaction finishes, or takes
back if it cannot get past the point of no return.
"""

from __future__ import annotations

import logging
from pathlib import Path

from adapters.csv_file import file_io, history_file, journal
from adapters.csv_file.stored_changes import stored
from adapters.memory.index import Index
from domain.errors import StorageUnavailable

logger = logging.getLogger(__name__)


def make_ready(path: Path, index: Index) -> tuple[file_io.Stamp, int | None]:
    """Steps 1 and 2: the ready file's stamp, and the id of a large commit's first entry
    (None: the fold has no pending file). On failure nothing of them is left."""
    log = index.changes
    first = None
    if index.rewrite and len(log) > log.marked:
        first = log.marked + 1
        history_file.write_pending(path, stored(index).unfolded_lines())
    else:
        history_file.discard_pending(path)
    try:
        return file_io.write_ready(path, index), first
    except StorageUnavailable:
        history_file.discard_pending(path)
        raise


class FileChanged(StorageUnavailable):
    """Someone changed the file while it was folded: the fold was taken back."""


def settle(
    path: Path, first: int | None, read: file_io.Stamp | None
) -> history_file.Settled | None:
    """Steps 3 and 4, the fold having been made from the file stamped `read`. On failure (a
    full disk), or when the file changed meanwhile (a person saving it, whose save the
    rename would lose), the fold is taken back and the error raised."""
    try:
        settled = history_file.settle(path, journal.history(journal.journal_path(path)))
        if file_io.stamp_of(path) != read:
            raise FileChanged(f"{path} changed while it was being rewritten")
        history_file.drop_pending(path)
    except StorageUnavailable:
        withdraw(path, first)
        raise
    return settled


def withdraw(path: Path, first: int | None) -> None:
    """Take back a fold that has not passed its point of no return: a large commit's entries
    (from id `first` on) out of the history file first, then the ready file (the commit is
    gone once it is), then the pending file. The journal's entries may stay in the history
    file: they are committed, and skipped by id when the journal is folded again."""
    if first is not None:
        history_file.cut_from(path, first)
    file_io.discard_ready(path)
    history_file.discard_pending(path)


def put_in_place(path: Path) -> file_io.Stamp:
    """Step 5: the file's new stamp."""
    journal.cut(journal.journal_path(path), 0)
    return file_io.publish_ready(path)


def finish_waiting(path: Path) -> file_io.Stamp | None:
    """Finish the fold whose ready file a crash left, or take it back if it had not passed
    its point of no return and cannot get there (a full disk): the file and the journal still
    hold all it was made from. The file's new stamp, or None when taken back."""
    from_journal = journal.history(journal.journal_path(path))
    if not history_file.holds(path, from_journal):
        try:
            history_file.settle(path, from_journal)
            history_file.drop_pending(path)
        except StorageUnavailable as error:
            logger.warning("a fold that a crash interrupted is taken back: %s", error)
            withdraw(path, history_file.first_pending_id(path))
            return None
    return put_in_place(path)
