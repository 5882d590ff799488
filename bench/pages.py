"""Page times at 1M: the browser test's page timing run on a 1M store, in the full benchmark run.

tests/test_browser.py ingests ``INDMAP_BROWSER_DATASET`` (here the benchmark's 1M dataset) with the CLI,
opens every page in Chromium and writes artifacts/page_times.json. This module deletes
artifacts/page_times_1M.json first, runs that one test, accepts its output only when written after the
start of the run (never a stale file), saves it as artifacts/page_times_1M.json with its timestamp, and
puts the demo's page_times.json back as it was (the normal test run is unchanged).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

from bench.measure import PY, ROOT, Bench, Figure, log, run_child

ARTIFACTS = ROOT / "artifacts"
TEST = "tests/test_browser.py::test_every_page_offline_in_chromium"


def run(b: Bench, dataset: Path, label: str = "1M") -> None:
    """Time every page on a store ingested from ``dataset``; figures go into ``b`` as size ``label``."""
    out = ARTIFACTS / f"page_times_{label}.json"
    demo = ARTIFACTS / "page_times.json"
    out.unlink(missing_ok=True)
    kept = demo.read_bytes() if demo.exists() else None
    started = time.time()
    log(f"[pages {label}] browser test on {dataset}")
    try:
        r = run_child([PY, "-m", "pytest", TEST, "-q", "-x", "-p", "no:cacheprovider"], timeout=3600, env={"INDMAP_BROWSER_DATASET": str(dataset)})
        fresh = demo.exists() and demo.stat().st_mtime >= started
        if r.rc != 0 or not fresh:
            why = f"browser test exit {r.rc}" + ("" if fresh else ", no fresh page_times.json")
            b.add(Figure("pages", f"app page render time ({label})", label, None, "s", goal="≤ 3 s at 1M", note=f"not measured: {why}"))
            errors = [ln for ln in r.stdout.splitlines() if ln.startswith("E ")][:12]
            b.failures.append(f"pages {label}: {why}: " + ("\n".join(errors) or r.stdout[-800:]))
            return
        data = json.loads(demo.read_text(encoding="utf-8"))
        stamp = dt.datetime.fromtimestamp(demo.stat().st_mtime, dt.timezone.utc).isoformat(timespec="seconds")
        out.write_text(json.dumps({"store": label, "dataset": str(dataset), "measured_at": stamp, "seconds": data["seconds"], "server_start_s": data.get("server_start_s")}, ensure_ascii=False, indent=1), encoding="utf-8")
    finally:
        if kept is not None:
            demo.write_bytes(kept)
        elif demo.exists() and demo.stat().st_mtime >= started:
            os.unlink(demo)
    b.notes.append(f"pages at {label}: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} written {stamp} by the browser test on a store ingested from {dataset.name}.")
    b.pages(out)
