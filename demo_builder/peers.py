"""Peer parks of the demo's neighbouring cities (all fictional), for the province-wide 十强/十快.

The province ranks every park of every city; the demo city 示例市 is measured against five fictional
neighbours under the real province 山东 (370000), with codes no real division uses (3791xx–3795xx; the
built-in national codes stop at 3717). Each city has its own parameters — number of parks, size
(revenue level) and growth — and everything else is drawn from its own random stream
(``random.Random(f"{seed}:peers")``), so the 示例市 side of the demo is untouched and a rerun is
byte-identical. Nothing here writes a rank: the picture (which city leads 十强 or 十快) comes out of
the analysis.

Per park: level, star (larger parks rate higher), area (from revenue and a per-mu level), focus
industries (ids of the demo's industries), and revenue, fixed investment, tax, profit for 2024 and
2025 (growth per indicator around the city's). A few cells are blank (unknown, never 0), two new parks
report 2025 only and one park 2024 only, so the ranking's "missing values are named" shows.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

PROVINCE_CODE = "370000"


@dataclass(frozen=True)
class City:
    code: str
    name: str
    parks: int
    size: float  # multiplier of the median park revenue
    growth: float  # mean revenue growth 2024 → 2025


#: The five fictional neighbours (names checked against the built-in division names: none is real).
CITIES = (
    City("379100", "东岭市", 16, 2.6, 0.12),  # the province's leader (the seed's 郑州)
    City("379200", "西河市", 13, 1.5, 0.10),
    City("379300", "北原市", 11, 1.0, 0.24),  # small but fast (the seed's 商丘)
    City("379400", "南渠市", 12, 1.2, 0.08),
    City("379500", "岚川市", 9, 0.8, 0.09),
)
PLACES = ("城东", "城西", "城南", "城北", "临港", "滨河", "高铁", "新区", "东部", "西部", "山前", "湖滨")
MEDIAN_REVENUE = 180_000.0  # 万元, a typical park's revenue
P_BLANK = 0.04  # a tax or profit cell left blank (unknown)


def _park_name(rng: random.Random, city: City, n: int, industry: str, used: set[str]) -> tuple[str, str]:
    """(name, level): the first two parks are the city's 高新区 and 经开区, the rest industry parks."""
    short = city.name.removesuffix("市")
    if n == 1:
        return f"{short}高新技术产业开发区", "national"
    if n == 2:
        return f"{short}经济技术开发区", rng.choice(("national", "provincial"))
    for _ in range(50):
        name = f"{short}{rng.choice(PLACES)}{industry}产业集聚区"
        if name not in used:
            return name, rng.choice(("provincial", "provincial", "other"))
    return f"{short}{industry}产业集聚区{n}", "other"  # pragma: no cover - 50 draws always found a free name


def _star(rng: random.Random, rel: float) -> int:
    """Star 0–5 from the park's size relative to the median (bigger parks rate higher, with noise)."""
    return max(0, min(5, round(2 + 1.3 * math.log(rel) + rng.gauss(0, 0.8))))


def _stats(rng: random.Random, city: City, pid: str, rev25: float) -> list[dict[str, Any]]:
    """2024 and 2025 rows: each indicator's 2024 value = its 2025 value / (1 + its growth)."""
    base = rng.gauss(city.growth, 0.07)
    cur = {
        "fixed_investment": rev25 * rng.uniform(0.15, 0.4),
        "revenue": rev25,
        "profit": rev25 * rng.gauss(0.06, 0.03),
        "tax": rev25 * rng.uniform(0.025, 0.06),
    }
    spread = {"fixed_investment": 0.2, "revenue": 0.03, "profit": 0.15, "tax": 0.06}
    old = {k: v / max(0.3, 1 + base + rng.gauss(0, spread[k])) for k, v in cur.items()}
    rows = []
    for period, vals in (("2024", old), ("2025", cur)):
        row: dict[str, Any] = {"park_id": pid, "period": period}
        for k in ("fixed_investment", "revenue", "profit", "tax"):
            blank = k in ("profit", "tax") and rng.random() < P_BLANK
            row[k] = None if blank else round(vals[k], 1)
        rows.append(row)
    return rows


def make_peers(rng: random.Random, industries: list[str], industry_words: dict[str, str]) -> tuple[list[dict], list[dict], list[dict]]:
    """(regions, parks, park_stats) rows of the neighbouring cities; ``industries`` are the ids parks may focus on."""
    regions = [{"code": c.code, "name": c.name, "parent_code": PROVINCE_CODE} for c in CITIES]
    parks: list[dict[str, Any]] = []
    stats: list[dict[str, Any]] = []
    used: set[str] = set()
    for ci, city in enumerate(CITIES, start=1):
        revs = sorted((MEDIAN_REVENUE * city.size * math.exp(rng.gauss(0, 0.85)) for _ in range(city.parks)), reverse=True)
        revs[0] *= 2.5  # the 高新区 leads its city
        for n, rev in enumerate(revs, start=1):
            pid = f"N{ci}{n:02d}"
            focus = sorted(rng.sample(industries, k=rng.choice((1, 2, 2, 3))))
            name, level = _park_name(rng, city, n, industry_words[focus[0]], used)
            used.add(name)
            area = round(rev / (35.0 * math.exp(rng.gauss(0, 0.35))), -1)
            star = _star(rng, rev / MEDIAN_REVENUE)
            parks.append({"id": pid, "name": name, "region_code": city.code, "level": level, "star": star, "area_mu": area, "focus_industries": focus})
            stats += _stats(rng, city, pid, rev)
    # two new parks report 2025 only, one park has no 2025 figures yet
    new = rng.sample([p["id"] for p in parks if not p["id"].endswith(("01", "02"))], k=3)
    stats = [r for r in stats if not ((r["park_id"] in new[:2] and r["period"] == "2024") or (r["park_id"] == new[2] and r["period"] == "2025"))]
    return regions, parks, stats
