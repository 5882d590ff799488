"""Small helpers shared by tests."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path


def norm(v):
    """Floats to 9 significant digits (sums may add in another order), recursively."""
    if isinstance(v, float):
        return float(f"{v:.9g}") if math.isfinite(v) else v
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    return v


UPDATE_GOLDEN = "INDMAP_UPDATE_GOLDEN"


def check_golden(path: Path, got, *, normalise=lambda v: v) -> None:
    """Compare ``got`` with the JSON golden file ``path``; rewrite the file first only when ``INDMAP_UPDATE_GOLDEN=1``.

    Any other value ("0", "false", "") compares, so a stray variable can never turn the test into a rewrite.
    """
    if os.environ.get(UPDATE_GOLDEN) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(got, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert path.exists(), f"missing golden file {path.name}: run with {UPDATE_GOLDEN}=1"
    assert normalise(got) == normalise(json.loads(path.read_text(encoding="utf-8"))), f"{path.name} differs (review, then {UPDATE_GOLDEN}=1 to accept)"
