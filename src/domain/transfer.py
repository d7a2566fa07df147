"""Import and export in the brief's flat format: all or nothing, every bad line named."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from domain import flat_rows
from domain.changes import SOMEONE, Author, Cause, Origin, new_import_id, removals
from domain.errors import InvalidRows, InvalidValue, LineError, ProductNotFound
from domain.flat_rows import FlatRow
from domain.model import HistoryRow, Product, RecordValues, clean_name, name_key
from domain.ports import UnitOfWork

BATCH_ROWS = 10_000
# Products whose records an export, or a replace import, reads per step: about 20,000 records.
PRODUCTS_PER_READ = 20
Progress = Callable[[int, int], None]
"""Told (records written so far, records to write) as a long import goes on."""


class ImportMode(StrEnum):
    MERGE = "merge"  # add and replace records, keep everything else
    REPLACE = "replace"  # the file becomes the whole store


@dataclass(frozen=True, slots=True)
class ImportReport:
    mode: ImportMode
    dry_run: bool
    rows: int
    products_created: int
    products_removed: int
    records_written: int
    import_id: str | None = None  # None for a dry run: nothing was written


def parse_file(data: bytes) -> list[FlatRow]:
    """Rows of an uploaded file; raises InvalidRows naming every bad line."""
    try:
        text = flat_rows.decode(data)
    except InvalidValue as error:
        raise InvalidRows([LineError(1, str(error))]) from None
    rows, errors = flat_rows.parse(text)
    if errors:
        raise InvalidRows(errors)
    return rows


def new_names(
    rows: Sequence[FlatRow], stored: dict[int, Product]
) -> tuple[Sequence[FlatRow], list[LineError]]:
    """The rows with each name a new name must be (`clean_name`: NFC, nothing invisible), and
    the lines whose name is refused.

    A name that is already the stored name of its product is kept as it is: a store may
    hold names from before the rules tightened, and importing its own export must work.
    Each distinct name is checked once; rows are copied only when some name changes.
    """
    checked: dict[tuple[int, str], str | InvalidValue] = {}
    errors: list[LineError] = []
    changed: dict[int, str] = {}
    last_id, last_name = 0, ""
    result: str | InvalidValue = ""
    for position, row in enumerate(rows):
        product_id, name = row[0], row[1]
        if product_id != last_id or name is not last_name:  # a product's rows come together
            key = (product_id, name)
            found = checked.get(key)
            if found is None:
                found = checked[key] = _new_name(row, stored.get(product_id))
            last_id, last_name, result = product_id, name, found
        if result is name:
            continue
        if isinstance(result, InvalidValue):
            errors.append(LineError(row.line, str(result)))
        elif result != name:
            changed[position] = result
    if not changed:
        return rows, errors
    copied = list(rows)
    for position, name in changed.items():
        copied[position] = copied[position]._replace(product_name=name)
    return copied, errors


def _new_name(row: FlatRow, known: Product | None) -> str | InvalidValue:
    """The name to store (the row's own string object when unchanged), or why not."""
    if known is not None and known.name == row.product_name:
        return row.product_name
    try:
        cleaned = clean_name(row.product_name)
    except InvalidValue as error:
        return error
    return row.product_name if cleaned == row.product_name else cleaned


def find_conflicts(rows: Sequence[FlatRow], stored: dict[int, Product]) -> list[LineError]:
    """Lines that disagree with another line or with the products already stored."""
    errors: list[LineError] = []
    first_name: dict[int, FlatRow] = {}
    owner_of_name = {name_key(product.name): product.id for product in stored.values()}
    seen_dates: dict[tuple[int, object], int] = {}
    for row in rows:
        earlier = first_name.setdefault(row.product_id, row)
        known = stored.get(row.product_id)
        if earlier.product_name != row.product_name:
            errors.append(
                LineError(
                    row.line,
                    f"product {row.product_id} is named "
                    f"{earlier.product_name!r} on line {earlier.line}, {row.product_name!r} here",
                )
            )
        elif known is not None and known.name != row.product_name:
            errors.append(
                LineError(
                    row.line,
                    f"product {row.product_id} is stored as "
                    f"{known.name!r}; rename it first or use that name",
                )
            )
        elif earlier is row and known is None:
            owner = owner_of_name.setdefault(name_key(row.product_name), row.product_id)
            if owner != row.product_id:
                errors.append(
                    LineError(row.line, f"the name {row.product_name!r} belongs to product {owner}")
                )
        if row.date is not None:
            line = seen_dates.setdefault((row.product_id, row.date), row.line)
            if line != row.line:
                errors.append(
                    LineError(
                        row.line,
                        f"product {row.product_id} on "
                        f"{flat_rows.format_date(row.date)} is already on line {line}",
                    )
                )
    return errors


async def import_rows(
    uow: UnitOfWork,
    rows: Sequence[FlatRow],
    mode: ImportMode = ImportMode.MERGE,
    dry_run: bool = False,
    on_progress: Progress | None = None,
    author: Author = SOMEONE,
) -> ImportReport:
    """Check every row against the store, then write all of them or none.

    Every record written, and for a replace every record removed, gets a history entry
    under one import id, which is how the whole import can be undone.
    """
    async with uow:
        if not dry_run:
            await uow.lock()
        stored = {product.id: product for product in await uow.products.all()}
        kept = stored if mode is ImportMode.MERGE else {}
        rows, refused = new_names(rows, stored)
        errors = refused or find_conflicts(rows, kept)
        if errors:
            raise InvalidRows(errors)
        names = {row.product_id: row.product_name for row in rows}
        created = [Product(pid, name) for pid, name in names.items() if pid not in kept]
        dated = [row for row in rows if row.date is not None and row.level is not None]
        removed = len(stored.keys() - names.keys()) if mode is ImportMode.REPLACE else 0
        if dry_run:
            return ImportReport(mode, dry_run, len(rows), len(created), removed, len(dated))
        import_id = new_import_id()
        origin = Origin.now(author, Cause.IMPORT, import_id)
        if mode is ImportMode.REPLACE:
            await _record_removal_of_everything(uow, list(stored), origin)
            await uow.products.remove_all()
        await uow.products.add_many(sorted(created, key=lambda product: product.id))
        for start in range(0, len(dated), BATCH_ROWS):
            # A batch at a time, as the plain tuples the stores take: for the whole file at
            # once they would hold another 70 MB.
            batch: list[RecordValues] = [
                (row.product_id, row.date, row.level)  # type: ignore[misc]
                for row in dated[start : start + BATCH_ROWS]
            ]
            await uow.inventory.put_many(batch, origin)
            if on_progress is not None:
                on_progress(min(start + BATCH_ROWS, len(dated)), len(dated))
        await uow.commit()
    return ImportReport(mode, dry_run, len(rows), len(created), removed, len(dated), import_id)


async def _record_removal_of_everything(
    uow: UnitOfWork, product_ids: list[int], origin: Origin
) -> None:
    """A replace removes every record first: each removal gets its entry, read a slice
    of products at a time so the whole store is never held twice."""
    for start in range(0, len(product_ids), PRODUCTS_PER_READ):
        rows = await uow.inventory.history(
            product_ids[start : start + PRODUCTS_PER_READ], None, None
        )
        if rows:
            await uow.changes.record(origin, removals(rows))


async def export_rows(
    uow: UnitOfWork, product_ids: Sequence[int] | None = None
) -> AsyncIterator[list[FlatRow]]:
    """Rows of these products (all when None), with one bare row for a product without records.

    Checks the products first (so a missing one is an error before any row is sent), then
    reads PRODUCTS_PER_READ products per transaction: an export of any size holds one slice in
    memory, and writers wait for one slice at most. Each product is read whole at one moment;
    a write landing between two slices shows in the later ones only.
    """
    async with uow:
        products = await uow.products.all()
    ids = [product.id for product in products]
    if product_ids is not None:
        wanted = set(product_ids)
        missing = wanted - set(ids)
        if missing:
            raise ProductNotFound(min(missing))
        ids = [product_id for product_id in ids if product_id in wanted]
    return _slices(uow, ids)


async def _slices(uow: UnitOfWork, ids: list[int]) -> AsyncIterator[list[FlatRow]]:
    for start in range(0, len(ids), PRODUCTS_PER_READ):
        chunk = ids[start : start + PRODUCTS_PER_READ]
        async with uow:
            products = await uow.products.many(chunk)
            history = await uow.inventory.history(chunk, None, None)
        yield list(_merge(products, history))


def _merge(products: list[Product], history: list[HistoryRow]) -> Iterator[FlatRow]:
    position = 0
    for product in products:
        if position >= len(history) or history[position].product_id != product.id:
            yield FlatRow(product.id, product.name, None, None)
            continue
        while position < len(history) and history[position].product_id == product.id:
            row = history[position]
            yield FlatRow(row.product_id, row.product_name, row.date, row.level)
            position += 1


async def export_text(slices: AsyncIterator[list[FlatRow]]) -> AsyncIterator[str]:
    """The file an export writes: the header, then each slice's lines as they are read."""
    yield flat_rows.HEADER_LINE + "\n"
    async for rows in slices:
        for chunk in flat_rows.format_rows(rows, header=False):
            yield chunk
