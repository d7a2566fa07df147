"""`python -m bench.history_reads [--baseline REV] [--rounds 2]`: the memory of history reads.

Serves one SQLite store of 100 products x 3,650 days (365,000 records) with this tree's code
and with a baseline revision's (default: where this branch left main), alternating, and
runs 8 simultaneous full history reads of all 100 products against each server. Prints the
server's resident memory when idle and its peak (VmHWM) after the reads, the time the 8
reads took, and whether both codes sent the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import subprocess
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.http import free_port
from bench.locking import baseline_source
from bench.procs import Server
from bench.stores import DATA, ROOT, STOCKLINE, Store, fresh_store, seed_file

PRODUCTS, DAYS, READERS = 100, 3650, 8
QUERY = "/api/inventory?" + "&".join(f"product_id={n}" for n in range(1, PRODUCTS + 1))


@dataclass(frozen=True)
class Figures:
    idle_mib: float
    peak_mib: float
    seconds: float  # the 8 simultaneous reads, from the first sent to the last answered
    one_read_s: float  # one full read alone, after them
    single_per_s: float  # one product's history (3,650 rows), sequential, one connection
    digest: str  # of the body, the same for every read

    @property
    def growth_mib(self) -> float:
        return self.peak_mib - self.idle_mib


def status_mib(pid: int, field: str) -> float:
    """`field` of /proc/PID/status (VmRSS: now, VmHWM: the peak), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def read_all(base: str) -> bytes:
    with urllib.request.urlopen(base + QUERY, timeout=600) as answer:
        body: bytes = answer.read()
        return body


def single_product_reads(port: int, seconds: float = 3.0) -> float:
    """Requests per second of one product's whole history, on one kept-alive connection."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    count, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        connection.request("GET", f"/api/inventory?product_id={count % PRODUCTS + 1}")
        answer = connection.getresponse()
        answer.read()
        if answer.status != 200:
            raise RuntimeError(f"one product's history answered {answer.status}")
        count += 1
    connection.close()
    return count / (time.perf_counter() - began)


def measure(store: Store, source: Path | None, name: str) -> Figures:
    port = free_port()
    env = store.env()
    if source is not None:  # ahead of the editable install's path: the baseline's code runs
        env["PYTHONPATH"] = str(source)
    log = DATA / "logs" / f"history-reads-{name}.log"
    server = Server([STOCKLINE, "serve", "--port", str(port)], env, port, log)
    try:
        server.wait_ready("/api/health")
        base = f"http://127.0.0.1:{port}"
        time.sleep(1)
        idle = status_mib(server.process.pid, "VmRSS")
        bodies: list[bytes] = []
        threads = [
            threading.Thread(target=lambda: bodies.append(read_all(base))) for _ in range(READERS)
        ]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
        peak = status_mib(server.process.pid, "VmHWM")
        began = time.perf_counter()
        alone = read_all(base)
        one_read = time.perf_counter() - began
        single = single_product_reads(port)
        digests = {hashlib.sha256(body).hexdigest() for body in [*bodies, alone]}
        if len(bodies) != READERS or len(digests) != 1:
            raise RuntimeError(f"{name}: {len(bodies)} answers, {len(digests)} different bodies")
        return Figures(idle, peak, seconds, one_read, single, digests.pop())
    finally:
        server.stop()


def branch_point() -> str:
    command = ["git", "-C", str(ROOT.parent), "merge-base", "HEAD", "main"]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--baseline", help="revision to compare with (default: the branch point)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    (DATA / "logs").mkdir(parents=True, exist_ok=True)
    revision = args.baseline or branch_point()
    source = baseline_source(revision)
    store = fresh_store("sqlite", "history-reads")
    store.run("import", str(seed_file(PRODUCTS, DAYS)))
    print(f"baseline {revision[:10]}; {READERS} simultaneous reads of {PRODUCTS} x {DAYS} days")
    print(
        "| code | round | idle MiB | peak MiB | growth MiB | 8 reads s | one read s "
        "| one product req/s | body |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    results: dict[str, list[Figures]] = {"baseline": [], "this": []}
    for number in range(1, args.rounds + 1):  # alternating: a drift in speed hits both
        for name, code in (("baseline", source), ("this", None)):
            figures = measure(store, code, f"{name}-{number}")
            results[name].append(figures)
            print(
                f"| {name} | {number} | {figures.idle_mib:.0f} | {figures.peak_mib:.0f} | "
                f"{figures.growth_mib:.0f} | {figures.seconds:.2f} | {figures.one_read_s:.2f} | "
                f"{figures.single_per_s:.0f} | {figures.digest[:12]} |"
            )
    before, after = results["baseline"], results["this"]
    peak = min(f.peak_mib for f in after) / min(f.peak_mib for f in before)
    growth = min(f.growth_mib for f in after) / min(f.growth_mib for f in before)
    speed = min(f.seconds for f in before) / min(f.seconds for f in after)
    single = max(f.single_per_s for f in after) / max(f.single_per_s for f in before)
    same = {f.digest for f in before} == {f.digest for f in after}
    print(
        f"\nthis ÷ baseline (best of each): peak {peak:.2f}x, growth over idle {growth:.2f}x, "
        f"throughput of the 8 reads {speed:.2f}x, of one product's reads {single:.2f}x; "
        f"same bytes: {'yes' if same else 'NO'}"
    )


if __name__ == "__main__":
    main()
