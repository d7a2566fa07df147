"""`stockline serve`: the API (and the UI when built) under uvicorn or granian."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import click

from api.cli.common import settings, storage_of
from api.settings import pass_to_workers

if TYPE_CHECKING:
    from litestar import Litestar

SERVERS = ("uvicorn", "granian")
MAX_REQUEST_HEAD = 1 << 20


@click.command()
@click.option("--host", help="Address to listen on [default: STOCKLINE_HOST or 127.0.0.1]")
@click.option("--port", type=click.IntRange(1, 65535), help="[default: STOCKLINE_PORT or 8000]")
@click.option(
    "--server",
    type=click.Choice(SERVERS),
    default=SERVERS[0],
    show_default=True,
    help="ASGI server; uvicorn (on uvloop) measured as fast and leaner (bench/)",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Server processes sharing the port [default: STOCKLINE_WORKERS or 1]",
)
def serve(host: str | None, port: int | None, server: str, workers: int | None) -> None:
    """Serve the API (and the UI when built) until stopped."""
    if host:  # the app's settings (in every worker) allow the host it listens on
        pass_to_workers("HOST", host)
    if workers:
        pass_to_workers("WORKERS", str(workers))
    configured = settings()
    host, port = configured.host, port or configured.port
    bounds = ServerBounds(
        configured.header_timeout, configured.shutdown_grace, configured.body_timeout
    )
    if server == "uvicorn" and configured.workers == 1:
        run_uvicorn(app_from_environment(), host, port, configured.log_level, bounds)
        return
    import api.app  # noqa: F401 - imported once here, inherited by forked workers

    storage_of(configured)  # a storage no adapter can use stops us before a worker starts
    run = run_uvicorn if server == "uvicorn" else run_granian
    run(FACTORY, host, port, configured.log_level, bounds, configured.workers)


FACTORY = "api.cli.server:app_from_environment"  # what a worker process imports


def app_from_environment() -> Litestar:
    """The app the STOCKLINE_* variables describe (granian's worker imports this)."""
    from api.app import create_app

    configured = settings()
    app = create_app(configured, storage_of(configured))
    # The framework's long-lived objects out of the collector's reach: a full collection
    # scanned them all, a pause that was the p99 (bench/results/design-timings.md).
    gc.freeze()
    return app


@dataclass(frozen=True, slots=True)
class ServerBounds:
    """What the server itself bounds (the app bounds request bodies; see api.body_deadline)."""

    header_timeout: float  # seconds for a request head to arrive
    shutdown_grace: int  # seconds in-flight requests get after SIGTERM
    body_timeout: float  # the leftover body of an answered request; a client taking no answer


DEFAULT_BOUNDS = ServerBounds(header_timeout=10.0, shutdown_grace=30, body_timeout=30.0)


def run_uvicorn(
    app: Any,
    host: str,
    port: int,
    log_level: str,
    bounds: ServerBounds = DEFAULT_BOUNDS,
    workers: int = 1,
) -> None:
    """Serve an ASGI app (or, for several workers, the factory "module:function" named)
    with uvicorn on uvloop, HTTP parsed by h11.

    Request heads up to 1 MiB reach the app, which answers a problem document for a URL it
    refuses; both HTTP parsers would otherwise answer a long one (over 16 KiB for h11, 64 KiB
    for httptools) themselves, with a plain-text 400 the API does not document. A head must
    arrive within `bounds.header_timeout` (uvicorn has no such bound of its own; see
    api.slow_clients).
    """
    import sys

    from uvicorn import Server
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    from api.slow_clients import BoundedConfig, SlowClientProtocol

    config = BoundedConfig(
        app,
        factory=isinstance(app, str),
        workers=workers,
        host=host,
        port=port,
        http=SlowClientProtocol,
        head_timeout=bounds.header_timeout,
        body_timeout=bounds.body_timeout,
        h11_max_incomplete_event_size=MAX_REQUEST_HEAD,
        log_level=log_level,
        # At its end, uvicorn cancels the requests still running; their transactions roll back.
        timeout_graceful_shutdown=bounds.shutdown_grace,
        access_log=False,  # the app logs each request itself, with its duration
    )
    if workers > 1:  # as uvicorn.run does, with our config
        supervisor = Multiprocess(config, sockets=[config.bind_socket()])
        supervisor.run()
        if any(process.exitcode == STARTUP_FAILURE for process in supervisor.processes):
            sys.exit(STARTUP_FAILURE)  # uvicorn's parent would exit 0
        return
    server = Server(config)
    server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def run_granian(
    factory: str,
    host: str,
    port: int,
    log_level: str,
    bounds: ServerBounds = DEFAULT_BOUNDS,
    workers: int = 1,
) -> None:
    """Serve the app `factory` ("module:function") returns with granian on uvloop.

    granian bounds request heads itself (hyper's header_read_timeout, in milliseconds).
    """
    from granian.constants import Interfaces, Loops
    from granian.http import HTTP1Settings
    from granian.log import LogLevels
    from granian.server import Server

    Server(
        factory,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        workers=workers,
        loop=Loops.uvloop,
        factory=True,
        log_level=LogLevels(log_level),
        http1_settings=HTTP1Settings(
            header_read_timeout=max(1, round(bounds.header_timeout * 1000))
        ),
        # granian reads 0 as "wait for ever"; uvicorn reads 0 as "cancel at once".
        workers_kill_timeout=max(1, bounds.shutdown_grace),
    ).serve()
