"""Import and export in the brief's flat format: all or nothing, every bad line named."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from domain import flat_columns, flat_lines, upload
from domain.changes import SOMEONE, Author, Cause, Origin, new_import_id, removals
from domain.errors import InvalidValue, LineError, ProductNotFound
from domain.flat_columns import Layout
from domain.flat_rows import FileData, FlatRow
from domain.model import (
    HistoryRow,
    Product,
    check_product_id,
    clean_name,
    clean_unit,
    name_key,
)
from domain.ports import UnitOfWork
from domain.upload import Upload

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


def parse_file(data: FileData) -> Upload:
    """The rows of an uploaded file, with its bad lines; `import_rows` refuses those."""
    return upload.parse(data)


def new_names(rows: Upload, stored: dict[int, Product]) -> list[LineError]:
    """The lines whose name or unit a new one may not be (`clean_name`, `clean_unit`: NFC,
    nothing invisible); the others' products are made what they must be, in `rows`.

    A name (or unit) that is already the stored one of its product is kept as it is: a store
    may hold names from before the rules tightened, and importing its own export must work.
    """
    errors: list[LineError] = []
    for product_id, (product, line) in list(rows.products.items()):
        known = stored.get(product_id)
        try:
            name = product.name if known and known.name == product.name else None
            unit = product.unit if known and known.unit == product.unit else None
            cleaned = replace(
                product,
                name=clean_name(product.name) if name is None else name,
                unit=clean_unit(product.unit) if unit is None else unit,
            )
        except InvalidValue as error:
            errors.append(LineError(line, str(error)))
            continue
        if cleaned != product:
            rows.products[product_id] = (cleaned, line)
    return errors


def find_conflicts(rows: Upload, stored: dict[int, Product]) -> Iterator[LineError]:
    """Lines that disagree with the products stored, or give two products one name. A file
    without a unit column says nothing of units: the stored ones stand."""
    owner_of_name = {name_key(product.name): product.id for product in stored.values()}
    for product_id, (product, line) in rows.products.items():
        name = product.name
        known = stored.get(product_id)
        if known is not None:
            if known.name != name:
                yield LineError(
                    line,
                    f"product {product_id} is stored as {known.name!r}; "
                    "rename it first or use that name",
                )
            elif rows.units_given and known.unit != product.unit:
                yield LineError(
                    line,
                    f"product {product_id} is stored with the unit {known.unit!r}; "
                    "change it first or use that unit",
                )
            continue
        owner = owner_of_name.setdefault(name_key(name), product_id)
        if owner != product_id:
            yield LineError(line, f"the name {name!r} belongs to product {owner}")


async def import_rows(
    uow: UnitOfWork,
    rows: Upload | Iterable[FlatRow],
    mode: ImportMode = ImportMode.MERGE,
    dry_run: bool = False,
    on_progress: Progress | None = None,
    author: Author = SOMEONE,
) -> ImportReport:
    """Check every row, within the file and against the store, then write all or none.

    Every record written, and for a replace every record removed, gets a history entry
    under one import id, which is how the whole import can be undone.
    """
    checked = rows if isinstance(rows, Upload) else upload.collect(rows)
    async with uow:
        # A file refused for itself changes nothing: no need to keep writers waiting.
        if not dry_run and not checked.bad.count:
            await uow.lock()
        stored = {product.id: product for product in await uow.products.all()}
        kept = stored if mode is ImportMode.MERGE else {}
        bad = checked.bad
        refused = new_names(checked, stored)
        for error in refused or find_conflicts(checked, kept):
            bad.add(error)
        bad.refuse()
        created = [product for pid, (product, _) in checked.products.items() if pid not in kept]
        records = checked.records
        removed = len(stored.keys() - checked.products.keys()) if mode is ImportMode.REPLACE else 0
        if dry_run:
            return ImportReport(mode, dry_run, checked.rows, len(created), removed, records)
        import_id = new_import_id()
        origin = Origin.now(author, Cause.IMPORT, import_id)
        if mode is ImportMode.REPLACE:
            await _record_removal_of_everything(uow, list(stored), origin)
            await uow.products.remove_all()
        await uow.products.add_many(sorted(created, key=lambda product: product.id))
        for start in range(0, records, BATCH_ROWS):
            # A batch at a time, as the plain tuples the stores take: for the whole file at
            # once they would hold another 70 MB.
            stop = min(start + BATCH_ROWS, records)
            await uow.inventory.put_many(checked.batch(start, stop), origin)
            if on_progress is not None:
                on_progress(stop, records)
        await uow.commit()
    return ImportReport(mode, dry_run, checked.rows, len(created), removed, records, import_id)


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


@dataclass(frozen=True, slots=True)
class Export:
    """What an export writes: its columns, and its rows a slice at a time."""

    layout: Layout
    slices: AsyncIterator[list[FlatRow]]

    def __aiter__(self) -> AsyncIterator[list[FlatRow]]:
        return self.slices


async def export_rows(uow: UnitOfWork, product_ids: Sequence[int] | None = None) -> Export:
    """Rows of these products (all when None), with one bare row for a product without records.

    Checks the products first (so a missing one is an error before any row is sent), then
    reads PRODUCTS_PER_READ products per transaction: an export of any size holds one slice in
    memory, and writers wait for one slice at most. Each product is read whole at one moment;
    a write landing between two slices shows in the later ones only. The columns are chosen
    from the products as they are at the start (`flat_columns.written_for`).
    """
    for product_id in product_ids or ():
        check_product_id(product_id)
    async with uow:
        products = await uow.products.all()
    if product_ids is not None:
        wanted = set(product_ids)
        missing = wanted - {product.id for product in products}
        if missing:
            raise ProductNotFound(min(missing))
        products = [product for product in products if product.id in wanted]
    layout = flat_columns.written_for(products)
    return Export(layout, _slices(uow, [product.id for product in products]))


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
        pid, name, unit = product.id, product.name, product.unit
        if position >= len(history) or history[position].product_id != pid:
            yield FlatRow(pid, name, None, None, 0, unit)
            continue
        while position < len(history) and history[position].product_id == pid:
            row = history[position]
            yield FlatRow(pid, row.product_name, row.date, row.level, 0, unit)
            position += 1


async def export_text(export: Export) -> AsyncIterator[str]:
    """The file an export writes: the header, then each slice's lines as they are read."""
    yield export.layout.header_line + "\n"
    async for rows in export:
        for chunk in flat_lines.format_rows(rows, header=False, layout=export.layout):
            yield chunk
