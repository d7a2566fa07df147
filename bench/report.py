"""The results as one JSON document and Markdown tables, with each target judged."""

from __future__ import annotations

from typing import Any

from bench.imports import table as imports_table
from bench.targets import machine_speed
from bench.wire import table as wire_table
from bench.workers import table as workers_table

Results = dict[str, Any]
STANDARD_ONLY = (
    "The targets are set for the standard data set (1.1M records); on this smaller one they are "
    "a quick check, and a ratio may read differently (shorter histories)."
)
LIMIT_OF = {"csv": "sqlite", "sqlite": "sqlite", "postgresql": "postgresql"}


def _f(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def http_table(results: Results) -> list[str]:
    http, limits = results["http"], results["limits"]
    lines = [
        "| backend | query | req/s 1 conn | p50 ms | p99 ms | req/s 8 conns | p50 ms | p99 ms "
        "| CPU ms/req | req/s ÷ limit | CPU ÷ limit |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    rows = [(f"limit: bare ASGI + {k}", "(a) one product's history", v) for k, v in limits.items()]
    rows += [(b, q, runs) for b, queries in http.items() for q, runs in queries.items()]
    for backend, query, (one, many) in rows:
        limit = limits.get(LIMIT_OF.get(backend, ""), [None, None])[1]
        ratio = _f(many["rps"] / limit["rps"], 2) if limit and query.startswith("(a)") else "-"
        cpu = _f(many["cpu_ms"] / limit["cpu_ms"], 2) if limit and query.startswith("(a)") else "-"
        lines.append(
            f"| {backend} | {query} | {_f(one['rps'], 0)} | {_f(one['p50_ms'])} | "
            f"{_f(one['p99_ms'])} | {_f(many['rps'], 0)} | {_f(many['p50_ms'])} | "
            f"{_f(many['p99_ms'])} | {_f(many['cpu_ms'], 2)} | {ratio} | {cpu} |"
        )
    failed = sum(run["failed"] for _, _, pair in rows for run in pair)
    lines.append(f"\nFailed or non-2xx answers during the load: {failed}.")
    return lines


def servers_table(results: Results) -> list[str]:
    lines = [
        "| app, query (a), 8 conns, best of 2 turns | server | req/s | p99 ms | CPU ms/req "
        "| PSS MiB after load |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for app, by_server in results["servers"].items():
        for server, run in by_server.items():
            lines.append(
                f"| {app} | {server} | {_f(run['rps'], 0)} | {_f(run['p99_ms'])} "
                f"| {_f(run['cpu_ms'], 2)} | {_f(run.get('pss_mib'), 0)} |"
            )
    return lines


def scale_table(results: Results) -> list[str]:
    lines = [
        "| backend | rows | import s | rows/s | peak MiB | export s | rows/s | peak MiB "
        "| start to first answer s | PSS after start MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for backend, sizes in results["scale"].items():
        for rows, fig in sizes.items():
            imp, exp, start = fig["import"], fig["export"], fig["start"]
            lines.append(
                f"| {backend} | {int(rows):,} | {_f(imp['seconds'])} | {_f(imp['rows_per_s'], 0)} | "
                f"{_f(imp['peak_rss_mib'], 0)} | {_f(exp['seconds'])} | {_f(exp['rows_per_s'], 0)} | "
                f"{_f(exp['peak_rss_mib'], 0)} | {_f(start['first_answer_s'], 2)} | {_f(start['rss_mib'], 0)} |"
            )
        growth = results["growth"][backend]
        lines.append(
            f"| {backend} growth | | {growth['import']} | | {growth['import_rss']} | {growth['export']} "
            f"| | | {growth['start']} | {growth['rss']} |"
        )
    return lines


def edits_table(results: Results) -> list[str]:
    lines = ["| CSV store rows | durable edit p50 ms | max ms |", "|---:|---:|---:|"]
    for rows, fig in results["csv_edit"].items():
        lines.append(f"| {int(rows):,} | {_f(fig['p50_ms'], 2)} | {_f(fig['max_ms'], 2)} |")
    lines.append(f"\nGrowth with size: {results['growth']['csv_edit']}.")
    return lines


def frontend_lines(results: Results) -> list[str]:
    front = results["frontend"]
    if "skipped" in front:
        return [f"Skipped: {front['skipped']}"]
    bundle, chart = front["bundle"], front["chart"]
    lines = [
        f"- production bundle: {bundle['files']} files, {_f(bundle['raw_kib'])} KiB, "
        f"**{_f(bundle['gzip_kib'])} KiB gzipped**"
    ]
    if "skipped" in chart:
        return [*lines, f"- chart: skipped ({chart['skipped']})"]
    return [
        *lines,
        f"- chart of {chart['products']} products x {chart['points']} points: uPlot draw "
        f"**{_f(chart['draw_ms'])} ms** (median of {chart['runs']}); navigation to drawn chart "
        f"{_f(chart['navigation_to_chart_ms'], 0)} ms",
    ]


def targets_table(targets: list[tuple[str, str, bool | None]]) -> list[str]:
    lines = ["| target | measured | met |", "|---|---|---|"]
    marks = {True: "yes", False: "**no**", None: "n/a"}
    lines += [f"| {name} | {measured} | {marks[met]} |" for name, measured, met in targets]
    return lines


def markdown(results: Results, targets: list[tuple[str, str, bool | None]]) -> str:
    meta = results["meta"]
    parts = [
        f"# Stockline benchmark ({meta['preset']} preset)",
        "",
        f"{meta['products']} products x {meta['days']} days = {meta['rows']:,} records; "
        f"one server worker ({meta['server']}); load {meta['seconds']} s per figure after "
        f"{meta['warmup']} s of warm-up; 127.0.0.1; run {meta['started']}, took {meta['took_s']:.0f} s; "
        f"{meta['machine']}.",
        "",
        "## Targets",
        *([] if meta["preset"] == "standard" else [STANDARD_ONLY, ""]),
        *targets_table(targets),
        "",
        *([speed, ""] if (speed := machine_speed(results)) else []),
        "## HTTP (ratios against the bare limit measured in the same run)",
        *http_table(results),
        "",
        "## Compression (SQLite; brotli against none, taking turns in the same run)",
        *(wire_table(results["wire"]) if "wire" in results else ["Not measured."]),
        "",
        "## Workers (SQLite; one and two taking turns in the same run)",
        *(workers_table(results["workers"]) if "workers" in results else ["Not measured."]),
        "",
        "## ASGI server",
        *servers_table(results),
        "",
        "## Scale",
        *scale_table(results),
        "",
        *edits_table(results),
        "",
        "## Reads during a 64 MiB import (against the same reads idle, in the same run)",
        *(imports_table(results["imports"]) if "imports" in results else ["Not measured."]),
        "",
        "## Front end (Chromium)",
        *frontend_lines(results),
        "",
    ]
    return "\n".join(parts)
