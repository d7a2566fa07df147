"""How `stockline check` prints what it found: one line per problem, then a summary."""

from __future__ import annotations

from collections.abc import Iterator

from domain.check import Fault, Problem, StoreCheck

MAX_PRINTED = 100  # the rest are counted: a store broken everywhere needs no million lines


def report_lines(check: StoreCheck, shown: int = MAX_PRINTED) -> Iterator[str]:
    """The first `shown` problems, a count of the rest, and the summary line."""
    listed = check.problems[:shown]
    yield from (problem_line(problem) for problem in listed)
    if check.problem_count > len(listed):
        yield f"... and {check.problem_count - len(listed):,} more problems"
    yield from (f"note: {note}" for note in check.name_notes[:shown])
    problems = "1 problem" if check.problem_count == 1 else f"{check.problem_count:,} problems"
    notes = len(check.name_notes)
    names = "" if not notes else f" ({notes} note{'s' if notes > 1 else ''} on names)"
    yield f"checked {check.records:,} records and {check.entries:,} history entries: {problems}{names}"


def problem_line(problem: Problem) -> str:
    """E.g. `product 7 2025-06-01 entry 17: changed without an entry: expected level 40,
    found level 42`: the record, the entry, what is wrong, what was expected and found."""
    entry = "" if problem.change_id is None else f" entry {problem.change_id}"
    fault = problem.fault.value
    if problem.fault is Fault.BROKEN_CHAIN:
        fault = f"before is not what entry {problem.previous_id} left"
    if problem.fault is Fault.ID_ORDER:
        expected, found = f"an id below {problem.expected}", f"id {problem.found}"
    else:
        expected, found = _level(problem.expected), _level(problem.found)
    return (
        f"product {problem.product_id} {problem.date.isoformat()}{entry}: "
        f"{fault}: expected {expected}, found {found}"
    )


def _level(level: int | None) -> str:
    return "no record" if level is None else f"level {level}"
