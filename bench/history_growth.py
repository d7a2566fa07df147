"""`python -m bench.history_growth [--products 200] [--days 1000] [--baseline REV]`: what a
CSV store's change history costs a server's memory and start-up, after 1 and after 15 replace
imports of the same data (issue 13 item 2).

Every replace import of a store of N records adds 2N history entries (each record removed,
then written again). For this tree's code and a baseline revision's (default: where this
branch left main), in fresh stores: serve, import the seed file once with `mode=replace`,
stop; start the server three times and take the time to its first answer and its resident
memory after two history queries (the best of five: the machine is shared); then import 14
times more and do the same. Prints each figure and its ratio after 15 to after 1, per code.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.http import free_port
from bench.locking import baseline_source
from bench.procs import Server
from bench.stores import DATA, ROOT, STOCKLINE, environment, seed_file

STARTS = 5
HISTORY_QUERIES = ("/api/changes?limit=100", "/api/changes?product_id=1&limit=100")


@dataclass(frozen=True)
class Figures:
    imports: int
    history_bytes: int  # the history file's size
    import_s: float  # the median answer time of the replace imports of this step
    start_s: float  # the best of STARTS starts, to the first answer of health
    rss_mib: float  # the least of the server's VmRSS after them and the history queries

    def ratio_to(self, other: Figures) -> tuple[float, float]:
        return self.start_s / other.start_s, self.rss_mib / other.rss_mib


def status_mib(pid: int, field: str = "VmRSS") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def serve(url: str, source: Path | None, log: Path) -> Server:
    """A server of the store at `url` running the code in `source` (None: this tree's)."""
    env = environment(url, STOCKLINE_LOG_LEVEL="warning")
    if source is not None:  # ahead of the editable install's path: the baseline's code runs
        env["PYTHONPATH"] = str(source)
    port = free_port()
    return Server([STOCKLINE, "serve", "--host", "127.0.0.1", "--port", str(port)], env, port, log)


def replace_imports(
    url: str, source: Path | None, data: bytes, count: int, log: Path
) -> list[float]:
    """The seconds each of `count` replace imports took to be answered."""
    server = serve(url, source, log)
    seconds = []
    try:
        server.wait_ready("/api/health")
        for _ in range(count):
            began = time.perf_counter()
            request = urllib.request.Request(
                f"http://127.0.0.1:{server.port}/api/inventory/import?mode=replace",
                data=data,
                headers={"Content-Type": "text/csv"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=600) as answer:
                if answer.status != 200:
                    raise RuntimeError(f"a replace import answered {answer.status}")
                answer.read()
            seconds.append(time.perf_counter() - began)
    finally:
        server.stop()
    return seconds


def starts(url: str, source: Path | None, log: Path) -> tuple[float, float]:
    """The best start-up seconds and resident MiB of STARTS starts of a server: the least
    disturbed by other work on the machine."""
    seconds, memory = [], []
    for _ in range(STARTS):
        server = serve(url, source, log)
        try:
            seconds.append(server.wait_ready("/api/health"))
            for query in HISTORY_QUERIES:
                with urllib.request.urlopen(f"http://127.0.0.1:{server.port}{query}") as answer:
                    answer.read()
            time.sleep(0.5)
            memory.append(status_mib(server.process.pid))
        finally:
            server.stop()
    return min(seconds), min(memory)


def growth(folder: Path, seed: Path, source: Path | None, counts: tuple[int, ...]) -> list[Figures]:
    """The figures after each number of replace imports in `counts` (ascending), of one store."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    url = f"csv:///{folder}/inventory.csv"
    data, done, found = seed.read_bytes(), 0, []
    log = folder / "server.log"
    for count in counts:
        imports = replace_imports(url, source, data, count - done, log)
        done = count
        start_s, rss_mib = starts(url, source, log)
        size = (folder / "inventory.csv.changes").stat().st_size
        found.append(Figures(count, size, statistics.median(imports), start_s, rss_mib))
    return found


def branch_point() -> str:
    command = ["git", "-C", str(ROOT.parent), "merge-base", "HEAD", "main"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--days", type=int, default=1000)
    parser.add_argument("--imports", type=int, default=15)
    parser.add_argument("--baseline", help="revision to compare with (default: the branch point)")
    args = parser.parse_args()
    revision = args.baseline or branch_point()
    seed = seed_file(args.products, args.days)
    counts = (1, args.imports)
    print(
        f"{args.products} x {args.days} = {args.products * args.days:,} records; "
        f"baseline {revision[:10]}; best of {STARTS} starts"
    )
    print("| code | replace imports | import s | history file MB | start-up s | RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    results = {}
    for name, source in (("baseline", baseline_source(revision)), ("this", None)):
        figures = growth(DATA / "stores" / f"history-growth-{name}", seed, source, counts)
        results[name] = figures
        for f in figures:
            print(
                f"| {name} | {f.imports} | {f.import_s:.2f} | {f.history_bytes / 1e6:.0f} "
                f"| {f.start_s:.2f} "
                f"| {f.rss_mib:.0f} |"
            )
    for name, (first, last) in results.items():
        start, rss = last.ratio_to(first)
        print(f"\n{name}: after {last.imports} ÷ after 1: start-up {start:.2f}x, RSS {rss:.2f}x")


if __name__ == "__main__":
    main()
