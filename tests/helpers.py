"""Small helpers shared by tests."""

from __future__ import annotations

import math


def norm(v):
    """Floats to 9 significant digits (sums may add in another order), recursively."""
    if isinstance(v, float):
        return float(f"{v:.9g}") if math.isfinite(v) else v
    if isinstance(v, list):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    return v
