"""A real `stockline serve` process on 127.0.0.1, for tests that need one over the network."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

STOCKLINE = Path(sys.executable).with_name("stockline")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(storage: str, port: int, log: Path, **env: str) -> subprocess.Popen[bytes]:
    """Start a server and wait (at most 30 s) until it answers."""
    environment = {
        **os.environ,
        "STOCKLINE_STORAGE": storage,
        "STOCKLINE_LOG_LEVEL": "warning",
        "STOCKLINE_FRONTEND_DIR": str(log.parent / "no-ui"),
        **env,
    }
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(STOCKLINE), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a crash takes its workers too
        )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return process
        except httpx.TransportError:
            time.sleep(0.1)
    crash(process)
    raise RuntimeError(f"the server did not answer within 30 s: {log.read_text()[-2000:]}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (finish what is in flight), then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            crash(process)


def crash(process: subprocess.Popen[bytes]) -> None:
    """kill -9 the server and every worker process it started, as a power cut would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@contextmanager
def serving(storage: str, folder: Path, **env: str) -> Iterator[str]:
    """A server for the length of the block; yields its base URL."""
    port = free_port()
    process = start(storage, port, folder / f"server-{port}.log", **env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(process)


def worker_cpu(process: subprocess.Popen[bytes]) -> dict[int, int]:
    """The CPU time (clock ticks) of each worker process a server spawned, by pid."""
    used = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == process.pid and b"spawn_main" in command:
            used[int(stat.parent.name)] = int(fields[11]) + int(fields[12])  # utime + stime
    return used
