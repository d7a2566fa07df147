"""Child processes measured from outside: wall time, CPU time and memory, from /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """The process and every descendant (a server may run its worker as a child)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        queue.extend(children.get(current, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of the process tree so far."""
    total = 0
    for member in tree(pid):
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICKS


def memory_mib(pid: int) -> float:
    """Proportional set size (PSS) of the process tree now: resident memory, with pages
    that a forked worker shares with its parent counted once between them."""
    total = 0
    for member in tree(pid):
        try:
            text = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
    return total / 1024


@dataclass(frozen=True)
class Finished:
    seconds: float
    peak_rss_mib: float
    output: str


def run_measured(command: Sequence[str], env: Mapping[str, str], timeout: float = 900) -> Finished:
    """Run a command to its end; its wall time and peak RSS (the kernel's rusage of it)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        process = subprocess.Popen(command, env=dict(env), stdout=out, stderr=subprocess.STDOUT)
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                process.kill()
                raise RuntimeError(f"{' '.join(command)}: still running after {timeout} s")
            time.sleep(0.01)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        output = out.read()
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{output[-2000:]}")
    return Finished(seconds, usage.ru_maxrss / 1024, output)


class Server:
    """A server process started for a measurement, stopped (gracefully) after it."""

    def __init__(
        self, command: Sequence[str], env: Mapping[str, str], port: int, log: Path
    ) -> None:
        self.port = port
        self.log = log
        with log.open("ab") as sink:  # the child keeps its own descriptor
            self.started = time.perf_counter()
            self.process = subprocess.Popen(
                command, env=dict(env), stdout=sink, stderr=sink, start_new_session=True
            )

    def wait_ready(self, path: str, timeout: float = 120) -> float:
        """Seconds from start to the first successful answer to GET `path`."""
        url = f"http://127.0.0.1:{self.port}{path}"
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"server exited:\n{tail}")
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    if answer.status == 200:
                        return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"no answer from {url} within {timeout} s")

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def rss(self) -> float:
        return memory_mib(self.process.pid)

    def stop(self, timeout: float = 60) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
