"""Front-end figures: the production bundle's gzipped size and the chart's draw time."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

from bench.http import start_stockline
from bench.stores import ROOT, fresh_store, seed_file

DIST = ROOT.parent / "frontend" / "dist"
CHROMIUM = Path("/usr/bin/chromium")
CHART_PRODUCTS, CHART_DAYS = 10, 1095


def bundle_kib() -> dict[str, float]:
    """Every JavaScript and CSS file of the build, raw and gzipped (level 9), in KiB."""
    files = [*DIST.glob("assets/*.js"), *DIST.glob("assets/*.css")]
    raw = sum(path.stat().st_size for path in files)
    packed = sum(len(gzip.compress(path.read_bytes(), 9)) for path in files)
    return {"files": len(files), "raw_kib": raw / 1024, "gzip_kib": packed / 1024}


def chart_draw(runs: int) -> dict[str, object]:
    """Open the UI on 10 products x 1,095 days in Chromium; the draw times it reports."""
    if not CHROMIUM.exists() or shutil.which("node") is None:
        return {"skipped": "no /usr/bin/chromium or node"}
    store = fresh_store("csv", "chart")
    store.run("import", str(seed_file(CHART_PRODUCTS, CHART_DAYS)), "--mode", "replace")
    server = start_stockline(store, ui=DIST)
    try:
        server.wait_ready("/api/health")
        base = f"http://127.0.0.1:{server.port}"
        script = str(ROOT / "chart.mjs")
        done = subprocess.run(
            ["node", script, base, str(runs)],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        server.stop()


def figures(runs: int) -> dict[str, object]:
    if not (DIST / "index.html").exists():
        return {"skipped": "frontend/dist is not built (make frontend-build)"}
    return {"bundle": bundle_kib(), "chart": chart_draw(runs)}
