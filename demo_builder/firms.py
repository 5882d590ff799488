"""The demo city's own firms, the real listed companies the linker places as candidates, and supply links between them."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import polars as pl

from demo_builder.common import FICTIONAL, NAME_FORMS, PROVINCE, TRADE_CHARS, choice_w, clean_word, poisson, make_credit_code
from demo_builder.parks import Park
from demo_builder.structure import family, flow_neighbours, industry_word, segment_rows, Structure
from ingest import link as lk
from ingest.public import chainkg


def make_locals(rng: random.Random, st: Structure, parks: list[Park], counts: dict[str, int]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Fictional local firms (``counts`` per leaf segment) and their 1-2 segment placements."""
    present = {s for s, n in counts.items() if n > 0}
    used_names: set[str] = set()
    ents: list[dict[str, Any]] = []
    es_rows: list[dict[str, Any]] = []
    seg_scale = {s: math.exp(rng.gauss(0, 0.45)) * (1.3 if st.seg_stage.get(s) == "midstream" else 1.0) for s in st.leaves}
    seq = 0
    for s in st.leaves:
        chain = st.seg_chain[s]
        ind = st.chain_industry[chain]
        cat = st.industry_category.get(ind, "specialty")
        for _ in range(counts[s]):
            seq += 1
            eid = f"L{seq:05d}"
            park = choice_w(
                rng, parks, [p.size * p.affinity.get(ind, 0.1) * p.chain_pref.get(chain, 1.0) * p.seg_boost.get(s, 1.0) for p in parks]
            )
            name, t = _local_name(rng, st, s, used_names)
            ents.append(_local_firm(rng, st, s, park, cat, seg_scale[s], eid=eid, name=name, trade=t))
            es_rows += segment_rows(eid, _local_segments(rng, st, s, present, counts), rng, p_confirmed=0.88)
    return ents, es_rows


def _local_name(rng: random.Random, st: Structure, s: str, used_names: set[str]) -> tuple[str, str]:
    """A fictional firm name (示例市 + 字号 + industry word) not used yet, and its 字号."""
    word = industry_word(rng, st, s)
    for _attempt in range(50):
        t = rng.choice(TRADE_CHARS) + rng.choice(TRADE_CHARS)
        if t[0] == t[1]:
            continue
        name = rng.choice(NAME_FORMS).format(t=t, w=word)
        if name not in used_names:
            break
    used_names.add(name)
    return name, t


def _local_firm(rng: random.Random, st: Structure, s: str, park: Park, cat: str, seg_scale: float, *, eid: str, name: str, trade: str) -> dict[str, Any]:
    """One local firm's figures: revenue by segment and park kind, staff, founding, qualifications, patents, grades, growth."""
    med = 1150.0 * seg_scale * {"scattered": 0.45, "single": 1.25, "national": 1.4, "mixed": 1.0}[park.kind]
    revenue = med * math.exp(rng.gauss(0, 1.15))
    if rng.random() < 0.02:
        revenue *= rng.uniform(8, 25)  # a few anchor firms
    revenue_v: float | None = round(revenue, 1)
    if rng.random() < 0.03:
        revenue_v = None  # not reported
    employees = max(3, int(round((revenue / rng.uniform(25, 90)) * math.exp(rng.gauss(0, 0.25)))))
    founded = dt.date(1993, 1, 1) + dt.timedelta(days=rng.randint(0, (dt.date(2025, 12, 31) - dt.date(1993, 1, 1)).days))
    quals = _local_qualifications(rng, revenue, cat, park)
    lam_p = 0.6 + (9 if "高新技术企业" in quals else 0) + (12 if "专精特新" in quals else 0) + math.log10(max(revenue, 10))
    patents = poisson(rng, lam_p * math.exp(rng.gauss(0, 0.5)))
    patents_v: int | None = patents if rng.random() > 0.05 else None
    # pollution / energy: heavier upstream (materials), lighter for services
    heavy = 0.22 if st.seg_stage.get(s) == "upstream" else 0.08
    pol = choice_w(rng, ["low", "medium", "high"], [1 - heavy - 0.05, heavy, 0.05 + (0.04 if park.kind == "scattered" else 0)])
    eng = choice_w(rng, ["low", "medium", "high"], [1 - heavy - 0.04, heavy, 0.04 + (0.03 if pol == "high" else 0)])
    growth = max(-0.6, min(1.5, rng.gauss(0.06 + (0.06 if cat == "emerging" else 0), 0.16)))
    return {
        "id": eid,
        "name": name,
        "local": True,
        "credit_code": make_credit_code(rng, park.region_code),
        "region_code": park.region_code,
        "park_id": park.id,
        "province": PROVINCE[1],
        "revenue": revenue_v,
        "employees": employees if rng.random() > 0.02 else None,
        "founded": founded,
        "listed_code": None,
        "qualifications": quals,
        "patents": patents_v,
        "pollution": pol,
        "energy": eng,
        "growth": round(growth, 3) if rng.random() > 0.04 else None,
        "_seg": s,
        "_park": park,
        "_trade": trade,
    }


def _local_qualifications(rng: random.Random, revenue: float, cat: str, park: Park) -> list[str]:
    quals: list[str] = []
    p_hi = {"emerging": 0.32, "leading": 0.22, "specialty": 0.10}.get(cat, 0.15) * (0.5 if park.kind == "scattered" else 1.0)
    if revenue > 500 and rng.random() < p_hi:
        quals.append("高新技术企业")
    if revenue > 800 and rng.random() < (0.22 if quals else 0.04):
        quals.append("专精特新")
        if rng.random() < 0.18:
            quals.append("专精特新小巨人")
    if revenue > 50000 and rng.random() < 0.15:
        quals.append("上市")
    return quals


def _local_segments(rng: random.Random, st: Structure, s: str, present: set[str], counts: dict[str, int]) -> list[str]:
    """A firm's segments: 1, sometimes 2 (the same product in another chain, or a neighbour along SUPPLIES)."""
    segs = [s]
    if rng.random() < 0.28:
        kws = set(st.seg_keywords.get(s, []))
        same_kw = [o for o in st.leaves if o != s and st.seg_chain[o] != st.seg_chain[s] and o in present and kws & set(st.seg_keywords.get(o, []))]
        near = [o for o in flow_neighbours(st, s) if o in present and o in counts and o != s]
        pool = sorted(set(same_kw)) if same_kw and rng.random() < 0.6 else sorted(set(near))
        if pool:
            segs.append(rng.choice(pool))
    return segs


def make_candidates(st: Structure, public_dir: Path) -> tuple[list[dict[str, Any]], pl.DataFrame]:
    """Real listed companies placed on the segments by the linker (non-local candidates)."""
    cands: list[dict[str, Any]] = []
    companies = chainkg.load_companies(public_dir)
    products = chainkg.load_products(public_dir)
    links = lk.link_listed(st.segments, companies, products)
    # B shares (200xxx.SZ, 900xxx.SH) repeat companies already in the pool as A shares
    links = links.filter(~pl.col("enterprise_id").str.contains(r"^(200|900)\d{3}\."))
    linked_codes = sorted(set(links.get_column("enterprise_id").to_list()))
    comp = companies.filter(pl.col("code").is_in(linked_codes)).sort("code")
    for row in comp.iter_rows(named=True):
        cands.append(
            {
                "id": row["code"],
                "name": row["name"],
                "local": False,
                "credit_code": None,
                "region_code": None,
                "park_id": None,
                "province": row["province"],
                "revenue": None,
                "employees": None,
                "founded": None,
                "listed_code": row["code"],
                "qualifications": ["上市"],
                "patents": None,
                "pollution": None,
                "energy": None,
                "growth": None,
            }
        )
    return cands, links


def make_supply_links(rng: random.Random, st: Structure, locals_: list[dict[str, Any]], links: pl.DataFrame) -> list[dict[str, Any]]:
    """Fictional supply relations between local firms and listed companies along SUPPLIES."""
    cand_by_seg: dict[str, list[str]] = defaultdict(list)
    for e, s in links.select("enterprise_id", "segment_id").rows():
        cand_by_seg[s].append(e)
    local_by_seg: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for e in locals_:
        local_by_seg[e["_seg"]].append(e)
    pairs = []
    for a in sorted(st.down):
        for b in sorted(st.down[a]):
            pairs.append((a, b))
    supply: dict[tuple[str, str, str], dict[str, Any]] = {}
    attempts = 0
    while len(supply) < 45 and attempts < 2000 and pairs:
        attempts += 1
        a, b = rng.choice(pairs)
        fam_a, fam_b = sorted(family(st, a)), sorted(family(st, b))
        loc_a = [e for f in fam_a for e in local_by_seg.get(f, [])]
        loc_b = [e for f in fam_b for e in local_by_seg.get(f, [])]
        cand_a = sorted({c for f in fam_a for c in cand_by_seg.get(f, [])})
        cand_b = sorted({c for f in fam_b for c in cand_by_seg.get(f, [])})
        if rng.random() < 0.55 and loc_a and cand_b:
            sup, cus = rng.choice(loc_a)["id"], rng.choice(cand_b)
            product = clean_word(st.seg_name[a])
        elif cand_a and loc_b:
            sup, cus = rng.choice(cand_a), rng.choice(loc_b)["id"]
            product = clean_word(st.seg_name[a])
        else:
            continue
        key = (sup, cus, product)
        if key not in supply:
            supply[key] = {"supplier_id": sup, "customer_id": cus, "product": product, "amount": round(math.exp(rng.gauss(7.2, 1.0)), 1), "source": FICTIONAL}
    supply_rows = sorted(supply.values(), key=lambda r: (r["supplier_id"], r["customer_id"], r["product"]))
    return supply_rows
