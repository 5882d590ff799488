"""The demo city's parks: their kinds and focus industries, how densely each segment is populated, specialty segments, KPIs."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from demo_builder.common import COUNTIES, MATURITY, MATURITY_P, choice_w, clean_word, poisson
from demo_builder.structure import Structure


@dataclass
class Park:
    id: str
    name: str
    region_code: str
    level: str
    star: int
    area_mu: float
    focus: list[str]
    kind: str  # national | mixed | single | scattered
    size: float
    affinity: dict[str, float] = field(default_factory=dict)
    chain_pref: dict[str, float] = field(default_factory=dict)
    seg_boost: dict[str, float] = field(default_factory=dict)


def make_parks(rng: random.Random, st: Structure) -> list[Park]:
    inds = sorted(st.industry_category)
    ind_names = dict(st.industries.select("id", "name").rows())
    weight = {i: {"leading": 2.0, "emerging": 1.4, "specialty": 1.0}.get(st.industry_category[i], 1.0) for i in inds}
    # industries that actually have chains
    with_chains = sorted({st.chain_industry[c] for c in st.chain_industry})
    inds = [i for i in inds if i in with_chains] or inds
    kinds = ["national"] * 2 + ["mixed"] * 3 + ["single"] * 8 + ["scattered"] * 5
    counties = [c for c, _ in COUNTIES]
    parks: list[Park] = []
    used_names: set[str] = set()
    for n, kind in enumerate(kinds, start=1):
        county, county_name = COUNTIES[(n - 1) % len(COUNTIES)] if kind != "national" else COUNTIES[n - 1]
        short = county_name.replace("示例市", "")
        if kind == "national":
            k = min(3, len(inds))
            focus = sorted(rng.sample(inds, k=k), key=inds.index)
            name = ("示例高新技术产业开发区", "示例经济技术开发区")[n - 1]
            level, star, area = "national", 5 - (n - 1), rng.uniform(40000, 65000)
        elif kind == "mixed":
            focus = []
            while len(focus) < min(2, len(inds)):
                i = choice_w(rng, inds, [weight[x] for x in inds])
                if i not in focus:
                    focus.append(i)
            name = f"{short}{'、'.join(clean_word(ind_names[i])[:4] for i in focus)}产业集聚区"
            level, star, area = "provincial", rng.choice((3, 4)), rng.uniform(15000, 30000)
        elif kind == "single":
            focus = [choice_w(rng, inds, [weight[x] for x in inds])]
            name = f"{short}{clean_word(ind_names[focus[0]])}产业园"
            level, star, area = rng.choice(("provincial", "other", "other")), rng.choice((2, 3, 3, 4)), rng.uniform(5000, 16000)
        else:
            focus = [choice_w(rng, inds, [weight[x] for x in inds])]
            name = f"{short}{rng.choice(('工业集中区', '中小企业园', '民营科技园', '产业园'))}"
            level, star, area = "other", rng.choice((0, 1, 1, 2)), rng.uniform(2000, 8000)
        base = name
        k = 2
        while name in used_names:
            name = f"{base}{'二三四五'[k - 2]}期" if kind != "national" else f"{base}{k}"
            k += 1
        used_names.add(name)
        size = {"national": 3.0, "mixed": 1.6, "single": 1.0, "scattered": 0.7}[kind] * math.exp(rng.gauss(0, 0.3))
        p = Park(f"P{n:02d}", name, county, level, star, round(area, -1), focus, kind, size)
        for i in inds:
            if kind == "scattered":
                p.affinity[i] = 1.0
            elif kind == "single":
                p.affinity[i] = 1.0 if i in focus else 0.025
            else:
                p.affinity[i] = 1.0 if i in focus else 0.12
        for c in sorted(st.chain_industry):
            p.chain_pref[c] = math.exp(rng.gauss(0, 0.6))
        parks.append(p)
    return parks


def plan_density(rng: random.Random, st: Structure, target_total: int) -> tuple[dict[str, int], dict[str, str]]:
    """Local-firm count per leaf segment from seeded chain maturity and per-segment density."""
    maturity: dict[str, str] = {}
    for c in sorted(st.chain_industry):
        cat = st.industry_category.get(st.chain_industry[c], "specialty")
        opts = MATURITY_P.get(cat, MATURITY_P["specialty"])
        maturity[c] = choice_w(rng, [o for o, _ in opts], [w for _, w in opts])
    lam: dict[str, float] = {}
    thin: dict[str, float] = {}
    for s in st.leaves:
        c = st.seg_chain[s]
        base, p_abs, p_thin = MATURITY[maturity[c]]
        if st.seg_key.get(s) and st.industry_category.get(st.chain_industry[c]) == "emerging":
            p_abs += 0.12  # 卡脖子: key segments of emerging chains are often missing
        if st.seg_stage.get(s) == "downstream":
            base *= 0.8
        u = rng.random()
        noise = math.exp(rng.gauss(0, 0.8))
        if u < p_abs:
            lam[s] = 0.0
        elif u < p_abs + p_thin:
            thin[s] = rng.uniform(0.4, 2.5)
        else:
            lam[s] = base * noise
    total = sum(lam.values()) or 1.0
    scale = max(0.0, target_total - sum(thin.values())) / total
    counts = {s: poisson(rng, thin[s] if s in thin else lam[s] * scale) for s in st.leaves}
    return counts, maturity


#: How strongly a park attracts firms of its specialty segments, by park kind.
SPECIALTY_BOOST = {"single": 10.0, "mixed": 2.5, "national": 2.0, "scattered": 1.0}


#: P(a single-industry park copies the city's "hot" segments of its industry) — the 同质化 mechanism.
P_COPYCAT = 0.7


#: Number of specialty ("hot") segments per industry / niche park.
HOT_SEGMENTS = 4


def specialise(rng: random.Random, st: Structure, parks: list[Park], counts: dict[str, int]) -> None:
    """Give parks specialty segments: most single-industry parks chase the same
    few "hot" segments of their industry (hence 同质化 between them); the
    others pick a niche of their own."""
    by_ind: dict[str, list[str]] = defaultdict(list)
    for s in st.leaves:
        if counts.get(s, 0) > 0:
            by_ind[st.chain_industry[st.seg_chain[s]]].append(s)
    hot = {}
    for ind in sorted(by_ind):
        pool = by_ind[ind]
        k = min(len(pool), HOT_SEGMENTS)
        hot[ind] = set(rng.sample(pool, k)) if k else set()
    for p in parks:
        boost = SPECIALTY_BOOST[p.kind]
        if boost == 1.0:
            continue
        chosen: set[str] = set()
        for ind in p.focus:
            if p.kind == "single" and rng.random() >= P_COPYCAT:
                pool = by_ind.get(ind, [])
                chosen |= set(rng.sample(pool, min(len(pool), HOT_SEGMENTS)))
            else:
                chosen |= hot.get(ind, set())
        for s in sorted(chosen):
            p.seg_boost[s] = boost


def make_park_stats(rng: random.Random, parks: list[Park], locals_: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Park KPIs for 2024 and 2025: the mapped firms' revenue plus firms not in the map."""
    park_rev = defaultdict(float)
    for e in locals_:
        park_rev[e["park_id"]] += e["revenue"] or 0.0
    stats = []
    for p in parks:
        rev25 = park_rev[p.id] * rng.uniform(1.05, 1.45)
        g = rng.gauss(0.08, 0.12)
        rev24 = rev25 / (1 + g)
        for period, rev in (("2024", rev24), ("2025", rev25)):
            margin = rng.gauss(0.055, 0.03)
            stats.append(
                {
                    "park_id": p.id,
                    "period": period,
                    "fixed_investment": round(rev * rng.uniform(0.12, 0.45), 1),
                    "revenue": round(rev, 1),
                    "profit": round(rev * margin, 1),
                    "tax": round(rev * rng.uniform(0.025, 0.06), 1),
                }
            )
    return stats
