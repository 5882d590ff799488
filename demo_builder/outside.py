"""Fictional outside candidates (``C00001``…): full attributes in other provinces, on a random stream of their own."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import polars as pl

from demo_builder.common import CANDIDATE_NAME_FORMS, CANDIDATE_PROVINCES, CANDIDATE_SUPPLY_LINKS, CANDIDATES_PER_GAP, CANDIDATES_PER_OTHER, FICTIONAL, P_GAP_WITHOUT_CANDIDATES, TRADE_CHARS, choice_w, clean_word, poisson, make_credit_code
from demo_builder.structure import flow_neighbours, industry_word, segment_rows, Structure


def province_counties(regions_dir: Path) -> dict[str, list[str]]:
    """Real county-level codes per province (``ingest/data/regions/areas.csv``), development zones left out."""
    areas = pl.read_csv(regions_dir / "areas.csv", infer_schema=False)
    out: dict[str, list[str]] = defaultdict(list)
    for code, prov in areas.select("code", "provinceCode").rows():
        if not 71 <= int(code[4:6]) <= 79:
            out[prov].append(code)
    return {k: sorted(v) for k, v in out.items()}


def make_fictional_candidates(
    rng: random.Random, st: Structure, counts: dict[str, int], locals_: list[dict[str, Any]], regions_dir: Path
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Fictional outside enterprises (``C00001``…, ``local = false``) with full attributes.

    The real listed companies carry no revenue, patents, growth or grades, so the
    target ranking could not show its scale/innovation/growth/green factors or its
    pollution/energy gates on them. These made-up firms in other provinces can:
    seeded revenue (log-normal, a few large), patents, growth, qualifications,
    pollution/energy grades (some ``high``), credit codes with real county codes
    of their province. Most gap segments (local firms ≤ 2) get a few, the others
    fewer; the local side, and so the gap labels, are not touched.
    """
    counties = province_counties(regions_dir)
    local_n: dict[str, int] = defaultdict(int)
    for e in locals_:
        local_n[e["_seg"]] += 1
    slots = _slots(rng, st, local_n)
    used_names: set[str] = set()
    used_codes: set[str] = set()
    ents: list[dict[str, Any]] = []
    es_rows: list[dict[str, Any]] = []
    for n, s in enumerate(slots, start=1):
        ent = _candidate(rng, st, s, counties, used_names, used_codes, eid=f"C{n:05d}")
        ents.append(ent)
        segs = [s]
        if rng.random() < 0.25:
            chain = st.seg_chain[s]
            near = sorted({o for o in flow_neighbours(st, s) if o in counts and o != s and st.seg_chain[o] == chain})
            if near:
                segs.append(rng.choice(near))
        es_rows += segment_rows(ent["id"], segs, rng, p_confirmed=0.8)
    return ents, es_rows, _supply_with_locals(rng, st, ents, locals_)


def _slots(rng: random.Random, st: Structure, local_n: dict[str, int]) -> list[str]:
    """One segment per candidate to make: several on gap leaves (always some on key ones), few elsewhere, shuffled."""
    slots: list[str] = []
    for s in st.leaves:
        if local_n.get(s, 0) <= 2 and st.seg_key.get(s):
            # key segments (关键环节) are what a city recruits for first: always some outside firms, more of them
            k = 2 + poisson(rng, 1.5 * CANDIDATES_PER_GAP - 2)
        elif local_n.get(s, 0) <= 2:
            k = 0 if rng.random() < P_GAP_WITHOUT_CANDIDATES else 1 + poisson(rng, CANDIDATES_PER_GAP - 1)
        else:
            k = poisson(rng, CANDIDATES_PER_OTHER)
        slots += [s] * k
    rng.shuffle(slots)
    return slots


def _candidate(
    rng: random.Random, st: Structure, s: str, counties: dict[str, list[str]], used_names: set[str], used_codes: set[str], *, eid: str
) -> dict[str, Any]:
    """One fictional outside firm on segment ``s``: province, county, name, credit code and full figures."""
    cat = st.industry_category.get(st.chain_industry[st.seg_chain[s]], "specialty")
    pcode, pname = choice_w(rng, [(c, n) for c, n, _ in CANDIDATE_PROVINCES], [w for _, _, w in CANDIDATE_PROVINCES])
    county = rng.choice(counties[pcode])
    word = industry_word(rng, st, s)
    for _attempt in range(50):
        t = rng.choice(TRADE_CHARS) + rng.choice(TRADE_CHARS)
        name = rng.choice(CANDIDATE_NAME_FORMS).format(p=pname, t=t, w=word)
        if t[0] != t[1] and name not in used_names:
            break
    used_names.add(name)
    while True:
        credit = make_credit_code(rng, county)
        if credit not in used_codes:
            used_codes.add(credit)
            break
    return {"id": eid, "name": name, "local": False, "credit_code": credit, "region_code": county, "park_id": None, "province": pname} | _candidate_figures(rng, st, s, cat)


def _candidate_figures(rng: random.Random, st: Structure, s: str, cat: str) -> dict[str, Any]:
    """Revenue (larger than the city's own firms; a few very large), staff, founding, qualifications, patents, grades, growth."""
    revenue = 18000.0 * math.exp(rng.gauss(0, 1.35))
    if rng.random() < 0.05:
        revenue *= rng.uniform(8, 30)
    revenue = min(revenue, 3_000_000.0)  # 300 亿元
    revenue_v: float | None = round(revenue, 1) if rng.random() > 0.02 else None
    employees = max(8, int(round(revenue / rng.uniform(60, 160))))
    founded = dt.date(1985, 1, 1) + dt.timedelta(days=rng.randint(0, (dt.date(2022, 12, 31) - dt.date(1985, 1, 1)).days))
    quals: list[str] = []
    if rng.random() < {"emerging": 0.62, "leading": 0.55, "specialty": 0.35}.get(cat, 0.45):
        quals.append("高新技术企业")
    if rng.random() < (0.3 if quals else 0.06):
        quals.append("专精特新")
        if rng.random() < 0.3:
            quals.append("专精特新小巨人")
    lam_p = 2.0 + (14 if "高新技术企业" in quals else 0) + (18 if "专精特新" in quals else 0) + 3 * math.log10(max(revenue, 10))
    patents_v: int | None = poisson(rng, lam_p * math.exp(rng.gauss(0, 0.6))) if rng.random() > 0.03 else None
    # materials (upstream) pollute and use energy most, manufacturing (midstream) less, services least
    grades = {"upstream": [0.62, 0.24, 0.14], "midstream": [0.72, 0.18, 0.10]}.get(st.seg_stage.get(s, ""), [0.85, 0.11, 0.04])
    pol = choice_w(rng, ["low", "medium", "high"], grades)
    eng = choice_w(rng, ["low", "medium", "high"], [0.5, 0.3, 0.2] if pol == "high" else grades)
    growth = max(-0.5, min(2.0, rng.gauss(0.09 + (0.06 if cat == "emerging" else 0), 0.2)))
    return {
        "revenue": revenue_v,
        "employees": employees if rng.random() > 0.03 else None,
        "founded": founded,
        "listed_code": None,
        # made up in full, so "none held" is known: written as 无 (an empty cell would mean unknown)
        "qualifications": quals or ["无"],
        "patents": patents_v,
        "pollution": pol,
        "energy": eng,
        "growth": round(growth, 3) if rng.random() > 0.03 else None,
        "_seg": s,
    }


def _supply_with_locals(rng: random.Random, st: Structure, ents: list[dict[str, Any]], locals_: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """以商招商: a few supply relations with local firms along SUPPLIES (either direction)."""
    local_by_seg: dict[str, list[str]] = defaultdict(list)
    for e in locals_:
        local_by_seg[e["_seg"]].append(e["id"])
    supply: dict[tuple[str, str, str], dict[str, Any]] = {}
    for _attempt in range(4000):
        if len(supply) >= CANDIDATE_SUPPLY_LINKS or not ents:
            break
        c = rng.choice(ents)
        s = c["_seg"]
        down = [b for b in st.down.get(s, []) if local_by_seg.get(b)]
        up = [a for a in st.up.get(s, []) if local_by_seg.get(a)]
        if down and (not up or rng.random() < 0.6):
            b = rng.choice(sorted(down))
            sup, cus, product = c["id"], rng.choice(local_by_seg[b]), clean_word(st.seg_name[s])
        elif up:
            a = rng.choice(sorted(up))
            sup, cus, product = rng.choice(local_by_seg[a]), c["id"], clean_word(st.seg_name[a])
        else:
            continue
        key = (sup, cus, product)
        if key not in supply:
            supply[key] = {"supplier_id": sup, "customer_id": cus, "product": product, "amount": round(math.exp(rng.gauss(7.0, 1.0)), 1), "source": FICTIONAL}
    return list(supply.values())
