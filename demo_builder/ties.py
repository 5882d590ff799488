"""Fictional supply ties between the demo city's local firms, inside parks and across them.

A park's cohesion (关联性: the share of its firms with a supply tie to another firm of the same park) needs
local↔local supply links; the demo's other links all run between a local firm and an outside company.
Here a local firm supplies a local firm whose segment is downstream of its own (``segment_links``, a
segment's ``PART_OF`` family included) with a probability that depends on the park's kind — planned
national and mixed parks tie their firms more than single-industry parks, 小散乱 parks hardly at all —
times a park-level propensity, so parks come out more and less cohesive. A few ties cross parks. Every
tie is fictional (``source`` 示例数据（虚构）) and comes from its own random stream
(``random.Random(f"{seed}:ties")``): the rest of the demo is unchanged by it.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from typing import Any, Callable

#: P(a firm supplies a given downstream firm of its park), by park kind.
P_TIE = {"national": 0.22, "mixed": 0.18, "single": 0.14, "scattered": 0.03}
MAX_CUSTOMERS = 3  # per supplier inside its park
CROSS_PARK = 30  # ties between firms of different parks (they do not count for cohesion)


def _downstream(down: dict[str, list[str]], family: Callable[[str], set[str]], seg: str) -> set[str]:
    """Segments directly downstream of ``seg`` or of its PART_OF family, with their families."""
    out: set[str] = set()
    for f in family(seg):
        for d in down.get(f, []):
            out |= family(d)
    return out


def make_local_ties(
    rng: random.Random, locals_: list[dict[str, Any]], down: dict[str, list[str]], family: Callable[[str], set[str]], product: Callable[[str], str], source: str
) -> list[dict[str, Any]]:
    """Supply rows (supplier_id, customer_id, product, amount, source) between local firms, sorted."""
    by_park: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in locals_:
        by_park[e["_park"].id].append(e)
    cache: dict[str, set[str]] = {}
    rows: dict[tuple[str, str, str], dict[str, Any]] = {}

    def add(sup: dict[str, Any], cus: dict[str, Any]) -> None:
        key = (sup["id"], cus["id"], product(sup["_seg"]))
        rows.setdefault(key, {"supplier_id": key[0], "customer_id": key[1], "product": key[2], "amount": round(math.exp(rng.gauss(6.5, 1.0)), 1), "source": source})

    for pid in sorted(by_park):
        firms = sorted(by_park[pid], key=lambda e: e["id"])
        kind = firms[0]["_park"].kind
        p = min(0.9, P_TIE[kind] * math.exp(rng.gauss(0, 0.5)))
        for x in firms:
            downstream = cache.setdefault(x["_seg"], _downstream(down, family, x["_seg"]))
            customers = [y for y in firms if y["id"] != x["id"] and y["_seg"] in downstream]
            for y in rng.sample(customers, k=min(MAX_CUSTOMERS, len(customers))):
                if rng.random() < p:
                    add(x, y)
    everyone = sorted(locals_, key=lambda e: e["id"])
    cross = attempts = 0
    while cross < CROSS_PARK and attempts < 5000:
        attempts += 1
        x, y = rng.choice(everyone), rng.choice(everyone)
        if x["_park"].id != y["_park"].id and y["_seg"] in cache.setdefault(x["_seg"], _downstream(down, family, x["_seg"])):
            n = len(rows)
            add(x, y)
            cross += len(rows) > n
    return sorted(rows.values(), key=lambda r: (r["supplier_id"], r["customer_id"], r["product"]))
