"""The hand-authored chain structure the demo is built around (industries, chains, segments, segment_links of ``data/demo``)."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from demo_builder.common import FICTIONAL, clean_word, is_cjk
from ingest import link as lk


@dataclass
class Structure:
    industries: pl.DataFrame
    chains: pl.DataFrame
    segments: pl.DataFrame
    links: pl.DataFrame
    chain_industry: dict[str, str] = field(default_factory=dict)
    industry_category: dict[str, str] = field(default_factory=dict)
    leaves: list[str] = field(default_factory=list)
    seg_chain: dict[str, str] = field(default_factory=dict)
    seg_name: dict[str, str] = field(default_factory=dict)
    seg_stage: dict[str, str] = field(default_factory=dict)
    seg_key: dict[str, bool] = field(default_factory=dict)
    seg_keywords: dict[str, list[str]] = field(default_factory=dict)
    parent: dict[str, str] = field(default_factory=dict)
    down: dict[str, list[str]] = field(default_factory=dict)
    up: dict[str, list[str]] = field(default_factory=dict)


def read_structure(inputs: Path) -> Structure:
    r = lk.read_text_csv
    st = Structure(r(inputs / "industries.csv"), r(inputs / "chains.csv"), lk.read_segments(inputs / "segments.csv"), r(inputs / "segment_links.csv"))
    st.industry_category = dict(st.industries.select("id", "category").rows())
    st.chain_industry = dict(st.chains.select("id", "industry_id").rows())
    seg = st.segments
    ids = seg.get_column("id").to_list()
    has_parent = "parent_id" in seg.columns
    for row in seg.iter_rows(named=True):
        sid = row["id"]
        st.seg_chain[sid] = row["chain_id"]
        st.seg_name[sid] = row["name"]
        st.seg_stage[sid] = (row.get("stage") or "").strip()
        st.seg_key[sid] = str(row.get("key") or "").strip().lower() in ("true", "1", "是", "y", "yes")
        st.seg_keywords[sid] = lk.split_list(row.get("keywords"))
        if has_parent and row.get("parent_id"):
            st.parent[sid] = row["parent_id"]
    parents = set(st.parent.values())
    st.leaves = [s for s in ids if s not in parents]
    for a, b in st.links.select("from_id", "to_id").rows():
        st.down.setdefault(a, []).append(b)
        st.up.setdefault(b, []).append(a)
    return st


def family(st: Structure, sid: str) -> set[str]:
    """The segment, its ancestors and descendants (PART_OF)."""
    out = {sid}
    p = sid
    while p in st.parent:
        p = st.parent[p]
        out.add(p)
    stack = [sid]
    kids = defaultdict(list)
    for c, p in st.parent.items():
        kids[p].append(c)
    while stack:
        for c in kids.get(stack.pop(), []):
            if c not in out:
                out.add(c)
                stack.append(c)
    return out


def segment_rows(eid: str, segs: list[str], rng, p_confirmed: float) -> list[dict]:
    """enterprise_segments rows of a fictional firm: the first segment takes the larger share."""
    first = 1.0 if len(segs) == 1 else round(rng.uniform(0.55, 0.9), 2)
    return [
        {
            "enterprise_id": eid,
            "segment_id": sg,
            "share": first if k == 0 else round(1 - first, 2),
            "source": FICTIONAL,
            "confidence": "confirmed" if rng.random() < p_confirmed else "likely",
        }
        for k, sg in enumerate(segs)
    ]


def flow_neighbours(st: Structure, sid: str) -> list[str]:
    """Leaf segments next to ``sid`` along SUPPLIES (via the segment or its parents)."""
    fam = [sid]
    p = sid
    while p in st.parent:
        p = st.parent[p]
        fam.append(p)
    out = []
    for f in fam:
        out += st.down.get(f, []) + st.up.get(f, [])
    return out


def industry_word(rng: random.Random, st: Structure, sid: str) -> str:
    words = [w for w in st.seg_keywords.get(sid, []) if is_cjk(w) and 2 <= len(w) <= 6]
    name = clean_word(st.seg_name[sid])
    if is_cjk(name) and len(name) <= 6:
        words.append(name)
    return rng.choice(words) if words else "实业"
