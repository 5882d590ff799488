"""Generate the demo city's data (示例市, fictional) around real candidate investors.

Reads the hand-authored chain structure of ``data/demo`` (industries, chains,
segments, segment_links) and the real listed-company excerpt in
``data/public``, and writes the rest of a dataset::

    python -m ingest.demo_gen --seed 20261127 --out data/demo

* ``regions.csv`` — the fictional city 示例市 (379900, under real province
  37 山东) and six counties 379901..379906 (codes that no real division uses);
* ``parks.csv``, ``park_stats.csv`` — 18 parks of four kinds (national
  mixed, provincial mixed, single-industry, 小散乱), KPIs for 2024 and 2025;
  plus the peer parks of five fictional neighbouring cities for the
  province-wide 十强/十快 (:mod:`ingest.demo_peers`, its own random stream);
* ``enterprises.csv`` — fictional local firms (``L00001``…, credit codes
  with valid check characters), the real listed companies the linker
  placed on at least one segment (id = stock code, no revenue: 无数据), and
  fictional outside candidates (``C00001``…, other provinces, real county
  codes in their credit codes) with full attributes, so the target ranking's
  scale/innovation/growth/green factors and its hard gates have data to show;
* ``enterprise_segments.csv`` — fictional placements of local firms and of
  the fictional candidates (source 示例数据（虚构）) and the linker's
  placements of listed companies;
* ``supply_links.csv`` — a few fictional supply relations local↔listed and
  local↔fictional candidate, and fictional ties between local firms inside
  parks and across them (:mod:`ingest.demo_ties`, its own random stream);
* ``projects.csv`` — a fictional investment pipeline in every stage;
* ``dataset.json`` — name, demo flag, description, sources, seed.

Nothing here writes a label: the gap picture comes from per-segment density
parameters drawn with the seed (chain maturity, absent segments, Poisson
counts, log-normal revenue), and the analysis computes the labels. The
fictional candidates use a random stream of their own, so they leave the
local side (and the labels) untouched. The same seed gives byte-identical
files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import random
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
from stdnum.cn import uscc

from ingest import demo_peers, demo_ties
from ingest import link as lk
from ingest.public import chainkg

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_DIR = REPO_ROOT / "data" / "demo"
REGIONS_DIR = REPO_ROOT / "data" / "regions"

AS_OF = dt.date(2026, 11, 27)
FICTIONAL = lk.SOURCE_FICTIONAL
PROVINCE = ("370000", "山东")  # code, short name as in enterprises.province
PROVINCE_NAME = "山东省"  # the real province, repeated so regions.csv reads on its own
CITY = ("379900", "示例市")
COUNTIES = [
    ("379901", "示例市东城区"),
    ("379902", "示例市西城区"),
    ("379903", "示例市南湖区"),
    ("379904", "示例市北山区"),
    ("379905", "示例市清河县"),
    ("379906", "示例市临川县"),
]

ENTERPRISE_COLUMNS = [
    "id", "name", "local", "credit_code", "region_code", "park_id", "province", "revenue", "employees", "founded",
    "listed_code", "qualifications", "patents", "pollution", "energy", "growth",
]  # fmt: skip
PARK_COLUMNS = ["id", "name", "region_code", "level", "star", "area_mu", "focus_industries"]
PARK_STAT_COLUMNS = ["park_id", "period", "fixed_investment", "revenue", "profit", "tax"]
PROJECT_COLUMNS = [
    "id", "name", "stage", "enterprise_id", "park_id", "segment_id", "investment", "land_mu", "stage_date", "signed_on",
    "started_on", "producing_on", "planned_start", "planned_production", "owner", "expected_revenue", "expected_tax",
]  # fmt: skip
SUPPLY_COLUMNS = ["supplier_id", "customer_id", "product", "amount", "source"]
REGION_COLUMNS = ["code", "name", "parent_code"]

#: Characters for fictional trade names (字号).
TRADE_CHARS = "恒瑞华泰鑫宏盛达源通远嘉信博创联宇航锦德丰利安康万晟昊润杰凯捷明辉光腾祥和兴隆荣邦海正诚益金天立永佳威力新聚合众卓越峰汇弘裕鼎"
NAME_FORMS = ("示例市{t}{w}有限公司", "示例市{t}{w}科技有限公司", "示例{t}{w}股份有限公司", "示例市{t}{w}制造有限公司")

#: Density parameters per chain maturity: (base expected firms per leaf segment, P(segment absent), P(segment thin)).
#: A thin segment gets 0.4-2.5 expected firms whatever the city's size; the others share the rest.
MATURITY = {"strong": (13.0, 0.06, 0.15), "medium": (6.0, 0.15, 0.30), "weak": (2.2, 0.30, 0.35)}
#: P(maturity) by industry category.
MATURITY_P = {
    "leading": (("strong", 0.55), ("medium", 0.35), ("weak", 0.10)),
    "emerging": (("strong", 0.15), ("medium", 0.50), ("weak", 0.35)),
    "specialty": (("strong", 0.40), ("medium", 0.40), ("weak", 0.20)),
}

#: Fictional outside candidates: provinces (code, short name as in enterprises.province, weight) —
#: 山东 is left out, the demo city's own province.
CANDIDATE_PROVINCES = (
    ("32", "江苏", 14), ("44", "广东", 13), ("33", "浙江", 12), ("31", "上海", 6), ("34", "安徽", 7), ("41", "河南", 6),
    ("42", "湖北", 6), ("43", "湖南", 5), ("51", "四川", 6), ("35", "福建", 5), ("36", "江西", 4), ("13", "河北", 4),
    ("12", "天津", 3), ("11", "北京", 4), ("50", "重庆", 3), ("61", "陕西", 3),
)  # fmt: skip
CANDIDATE_NAME_FORMS = ("{p}示例{t}{w}有限公司", "{p}示例{t}{w}科技有限公司", "{p}示例{t}{w}股份有限公司", "{p}示例{t}{w}集团有限公司")
#: Expected fictional candidates per gap leaf (local firms ≤ 2) and per other leaf, and P(a gap leaf gets none).
CANDIDATES_PER_GAP, CANDIDATES_PER_OTHER, P_GAP_WITHOUT_CANDIDATES = 3.0, 0.55, 0.12
#: Supply links between fictional candidates and local firms (以商招商 ties).
CANDIDATE_SUPPLY_LINKS = 40

STAGE_ORDER = ("lead", "negotiating", "signed", "started", "producing", "dropped")
PROJECT_STAGE_COUNTS = {"lead": 13, "negotiating": 12, "signed": 12, "started": 12, "producing": 10, "dropped": 6}


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def org_code_check(base8: str) -> str:
    """GB 11714 organisation-code check character for 8 digits/letters."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    val = lambda c: int(c) if c.isdigit() else ord(c) - 55
    c = 11 - sum(val(ch) * w for ch, w in zip(base8, weights)) % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def make_credit_code(rng: random.Random, region_code: str) -> str:
    """A well-formed 统一社会信用代码: 9 (工商) 1 (企业) + region + org code + check (python-stdnum)."""
    base = "".join(rng.choice("0123456789") for _ in range(8))
    body = "91" + region_code + base + org_code_check(base)
    return body + uscc.calc_check_digit(body)


def _choice_w(rng: random.Random, items: list[Any], weights: list[float]) -> Any:
    return rng.choices(items, weights=weights, k=1)[0]


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(round(rng.gauss(lam, math.sqrt(lam)))))
    l, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= l:
            return k
        k += 1


def _fmt(v: Any, nd: int = 1) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return f"{v:.{nd}f}"
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, (list, tuple)):
        return ";".join(str(x) for x in v)
    return str(v)


def _write(path: Path, columns: list[str], rows: list[dict[str, Any]], nd: dict[str, int] | None = None) -> None:
    nd = nd or {}
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for r in rows:
            w.writerow([_fmt(r.get(c), nd.get(c, 1)) for c in columns])


def _clean_word(s: str) -> str:
    for ch in "（(":
        s = s.split(ch)[0]
    return s.strip()


def _is_cjk(s: str) -> bool:
    return bool(s) and all("\u4e00" <= ch <= "\u9fff" for ch in s)


# --------------------------------------------------------------------------
# structure
# --------------------------------------------------------------------------


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


def _family(st: Structure, sid: str) -> set[str]:
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


def _segment_rows(eid: str, segs: list[str], rng, p_confirmed: float) -> list[dict]:
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


def _flow_neighbours(st: Structure, sid: str) -> list[str]:
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


# --------------------------------------------------------------------------
# generator
# --------------------------------------------------------------------------


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
                i = _choice_w(rng, inds, [weight[x] for x in inds])
                if i not in focus:
                    focus.append(i)
            name = f"{short}{'、'.join(_clean_word(ind_names[i])[:4] for i in focus)}产业集聚区"
            level, star, area = "provincial", rng.choice((3, 4)), rng.uniform(15000, 30000)
        elif kind == "single":
            focus = [_choice_w(rng, inds, [weight[x] for x in inds])]
            name = f"{short}{_clean_word(ind_names[focus[0]])}产业园"
            level, star, area = rng.choice(("provincial", "other", "other")), rng.choice((2, 3, 3, 4)), rng.uniform(5000, 16000)
        else:
            focus = [_choice_w(rng, inds, [weight[x] for x in inds])]
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
        maturity[c] = _choice_w(rng, [o for o, _ in opts], [w for _, w in opts])
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
    counts = {s: _poisson(rng, thin[s] if s in thin else lam[s] * scale) for s in st.leaves}
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


def _industry_word(rng: random.Random, st: Structure, sid: str) -> str:
    words = [w for w in st.seg_keywords.get(sid, []) if _is_cjk(w) and 2 <= len(w) <= 6]
    name = _clean_word(st.seg_name[sid])
    if _is_cjk(name) and len(name) <= 6:
        words.append(name)
    return rng.choice(words) if words else "实业"


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
            park = _choice_w(
                rng, parks, [p.size * p.affinity.get(ind, 0.1) * p.chain_pref.get(chain, 1.0) * p.seg_boost.get(s, 1.0) for p in parks]
            )
            # name
            word = _industry_word(rng, st, s)
            for _attempt in range(50):
                t = rng.choice(TRADE_CHARS) + rng.choice(TRADE_CHARS)
                if t[0] == t[1]:
                    continue
                name = rng.choice(NAME_FORMS).format(t=t, w=word)
                if name not in used_names:
                    break
            used_names.add(name)
            # scale
            med = 1150.0 * seg_scale[s] * {"scattered": 0.45, "single": 1.25, "national": 1.4, "mixed": 1.0}[park.kind]
            revenue = med * math.exp(rng.gauss(0, 1.15))
            if rng.random() < 0.02:
                revenue *= rng.uniform(8, 25)  # a few anchor firms
            revenue_v: float | None = round(revenue, 1)
            if rng.random() < 0.03:
                revenue_v = None  # not reported
            employees = max(3, int(round((revenue / rng.uniform(25, 90)) * math.exp(rng.gauss(0, 0.25)))))
            founded = dt.date(1993, 1, 1) + dt.timedelta(days=rng.randint(0, (dt.date(2025, 12, 31) - dt.date(1993, 1, 1)).days))
            # qualifications
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
            patents = 0
            lam_p = 0.6 + (9 if "高新技术企业" in quals else 0) + (12 if "专精特新" in quals else 0) + math.log10(max(revenue, 10))
            patents = _poisson(rng, lam_p * math.exp(rng.gauss(0, 0.5)))
            patents_v: int | None = patents if rng.random() > 0.05 else None
            # pollution / energy: heavier upstream (materials), lighter for services
            heavy = 0.22 if st.seg_stage.get(s) == "upstream" else 0.08
            pol = _choice_w(rng, ["low", "medium", "high"], [1 - heavy - 0.05, heavy, 0.05 + (0.04 if park.kind == "scattered" else 0)])
            eng = _choice_w(rng, ["low", "medium", "high"], [1 - heavy - 0.04, heavy, 0.04 + (0.03 if pol == "high" else 0)])
            growth = max(-0.6, min(1.5, rng.gauss(0.06 + (0.06 if cat == "emerging" else 0), 0.16)))
            ents.append(
                {
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
                    "_trade": t,
                }
            )
            # segments: 1, sometimes 2 (the same product in another chain, or a neighbour along SUPPLIES)
            segs = [s]
            if rng.random() < 0.28:
                kws = set(st.seg_keywords.get(s, []))
                same_kw = [o for o in st.leaves if o != s and st.seg_chain[o] != chain and o in present and kws & set(st.seg_keywords.get(o, []))]
                near = [o for o in _flow_neighbours(st, s) if o in present and o in counts and o != s]
                pool = sorted(set(same_kw)) if same_kw and rng.random() < 0.6 else sorted(set(near))
                if pool:
                    segs.append(rng.choice(pool))
            es_rows += _segment_rows(eid, segs, rng, p_confirmed=0.88)
    return ents, es_rows


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


def _province_counties(regions_dir: Path) -> dict[str, list[str]]:
    """Real county-level codes per province (``data/regions/areas.csv``), development zones left out."""
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
    counties = _province_counties(regions_dir)
    provs = [(c, n) for c, n, _ in CANDIDATE_PROVINCES]
    pweights = [w for _, _, w in CANDIDATE_PROVINCES]
    local_n: dict[str, int] = defaultdict(int)
    for e in locals_:
        local_n[e["_seg"]] += 1
    slots: list[str] = []
    for s in st.leaves:
        if local_n.get(s, 0) <= 2 and st.seg_key.get(s):
            # key segments (关键环节) are what a city recruits for first: always some outside firms, more of them
            k = 2 + _poisson(rng, 1.5 * CANDIDATES_PER_GAP - 2)
        elif local_n.get(s, 0) <= 2:
            k = 0 if rng.random() < P_GAP_WITHOUT_CANDIDATES else 1 + _poisson(rng, CANDIDATES_PER_GAP - 1)
        else:
            k = _poisson(rng, CANDIDATES_PER_OTHER)
        slots += [s] * k
    rng.shuffle(slots)
    used_names: set[str] = set()
    used_codes: set[str] = set()
    ents: list[dict[str, Any]] = []
    es_rows: list[dict[str, Any]] = []
    for n, s in enumerate(slots, start=1):
        chain = st.seg_chain[s]
        cat = st.industry_category.get(st.chain_industry[chain], "specialty")
        pcode, pname = _choice_w(rng, provs, pweights)
        county = rng.choice(counties[pcode])
        word = _industry_word(rng, st, s)
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
        # scale: outside candidates are larger than the city's own firms; a few are very large
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
        patents_v: int | None = _poisson(rng, lam_p * math.exp(rng.gauss(0, 0.6))) if rng.random() > 0.03 else None
        # materials (upstream) pollute and use energy most, manufacturing (midstream) less, services least
        grades = {"upstream": [0.62, 0.24, 0.14], "midstream": [0.72, 0.18, 0.10]}.get(st.seg_stage.get(s, ""), [0.85, 0.11, 0.04])
        pol = _choice_w(rng, ["low", "medium", "high"], grades)
        eng = _choice_w(rng, ["low", "medium", "high"], [0.5, 0.3, 0.2] if pol == "high" else grades)
        growth = max(-0.5, min(2.0, rng.gauss(0.09 + (0.06 if cat == "emerging" else 0), 0.2)))
        eid = f"C{n:05d}"
        ents.append(
            {
                "id": eid,
                "name": name,
                "local": False,
                "credit_code": credit,
                "region_code": county,
                "park_id": None,
                "province": pname,
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
        )
        segs = [s]
        if rng.random() < 0.25:
            near = sorted({o for o in _flow_neighbours(st, s) if o in counts and o != s and st.seg_chain[o] == chain})
            if near:
                segs.append(rng.choice(near))
        es_rows += _segment_rows(eid, segs, rng, p_confirmed=0.8)
    # 以商招商: a few supply relations with local firms along SUPPLIES (either direction)
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
            sup, cus, product = c["id"], rng.choice(local_by_seg[b]), _clean_word(st.seg_name[s])
        elif up:
            a = rng.choice(sorted(up))
            sup, cus, product = rng.choice(local_by_seg[a]), c["id"], _clean_word(st.seg_name[a])
        else:
            continue
        key = (sup, cus, product)
        if key not in supply:
            supply[key] = {"supplier_id": sup, "customer_id": cus, "product": product, "amount": round(math.exp(rng.gauss(7.0, 1.0)), 1), "source": FICTIONAL}
    return ents, es_rows, list(supply.values())


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
        fam_a, fam_b = sorted(_family(st, a)), sorted(_family(st, b))
        loc_a = [e for f in fam_a for e in local_by_seg.get(f, [])]
        loc_b = [e for f in fam_b for e in local_by_seg.get(f, [])]
        cand_a = sorted({c for f in fam_a for c in cand_by_seg.get(f, [])})
        cand_b = sorted({c for f in fam_b for c in cand_by_seg.get(f, [])})
        if rng.random() < 0.55 and loc_a and cand_b:
            sup, cus = rng.choice(loc_a)["id"], rng.choice(cand_b)
            product = _clean_word(st.seg_name[a])
        elif cand_a and loc_b:
            sup, cus = rng.choice(cand_a), rng.choice(loc_b)["id"]
            product = _clean_word(st.seg_name[a])
        else:
            continue
        key = (sup, cus, product)
        if key not in supply:
            supply[key] = {"supplier_id": sup, "customer_id": cus, "product": product, "amount": round(math.exp(rng.gauss(7.2, 1.0)), 1), "source": FICTIONAL}
    supply_rows = sorted(supply.values(), key=lambda r: (r["supplier_id"], r["customer_id"], r["product"]))
    return supply_rows


def _project_dates(rng: random.Random, stage: str) -> dict[str, dt.date | None]:
    """A project's dates, walking backwards from its stage date (signed/started ones stalled about half the time)."""
    stalled = stage in ("signed", "started") and rng.random() < 0.45
    age = rng.randint(95, 420) if stalled else rng.randint(3, 85) if stage in ("signed", "started") else rng.randint(5, 300)
    stage_date = AS_OF - dt.timedelta(days=age)
    signed_on = started_on = producing_on = planned_start = planned_production = None
    if stage in ("signed", "started", "producing"):
        if stage == "signed":
            signed_on = stage_date
        elif stage == "started":
            started_on = stage_date
            signed_on = started_on - dt.timedelta(days=rng.randint(30, 300))
        else:
            producing_on = stage_date
            started_on = producing_on - dt.timedelta(days=rng.randint(180, 720))
            signed_on = started_on - dt.timedelta(days=rng.randint(30, 300))
        planned_start = signed_on + dt.timedelta(days=rng.randint(45, 240))
        planned_production = planned_start + dt.timedelta(days=rng.randint(240, 720))
    elif stage == "dropped" and rng.random() < 0.5:
        signed_on = stage_date - dt.timedelta(days=rng.randint(60, 400))
        planned_start = signed_on + dt.timedelta(days=rng.randint(45, 240))
    elif stage == "negotiating" and rng.random() < 0.4:
        planned_start = stage_date + dt.timedelta(days=rng.randint(120, 400))
    return {"stage_date": stage_date, "signed_on": signed_on, "started_on": started_on, "producing_on": producing_on,
            "planned_start": planned_start, "planned_production": planned_production}  # fmt: skip


def _project_segments(st: Structure, links: pl.DataFrame, local_links: list[dict[str, Any]]) -> tuple[dict[str, list[str]], list[str], list[str]]:
    """Listed companies by segment, and the leaf segments they could be recruited into: thin ones (≤ 2 local firms), the rest."""
    local_count: dict[str, int] = defaultdict(int)
    for r in local_links:
        local_count[r["segment_id"]] += 1
    cand_by_seg: dict[str, list[str]] = defaultdict(list)
    for e, s in links.select("enterprise_id", "segment_id").rows():
        cand_by_seg[s].append(e)
    gap_segs = [s for s in st.leaves if local_count.get(s, 0) <= 2 and cand_by_seg.get(s)]
    other_segs = [s for s in st.leaves if local_count.get(s, 0) > 2 and cand_by_seg.get(s)]
    return cand_by_seg, gap_segs, other_segs


def _fictional_investor(st: Structure, fict_links: list[dict[str, Any]], rng_inv: random.Random):
    """A draw of a fictional outside firm for a segment: one placed in it, else one placed in its chain."""
    fict_by_seg: dict[str, set[str]] = defaultdict(set)
    fict_by_chain: dict[str, set[str]] = defaultdict(set)
    for r in fict_links:
        fict_by_seg[r["segment_id"]].add(r["enterprise_id"])
        fict_by_chain[st.seg_chain[r["segment_id"]]].add(r["enterprise_id"])

    def fictional(seg: str) -> str | None:
        pool = sorted(fict_by_seg.get(seg) or fict_by_chain.get(st.seg_chain[seg]) or [])
        return rng_inv.choice(pool) if pool else None

    return fictional


def make_projects(
    rng: random.Random,
    st: Structure,
    parks: list[Park],
    locals_: list[dict[str, Any]],
    links: pl.DataFrame,
    local_links: list[dict[str, Any]],
    fict: list[dict[str, Any]],
    fict_links: list[dict[str, Any]],
    rng_inv: random.Random,
) -> list[dict[str, Any]]:
    """A fictional investment pipeline: most projects bring outside firms into thin segments. The investors are
    fictional (``fict`` or local firms): a real listed company is never put into a made-up project. The segments
    still follow where listed companies could be recruited (``links``, drawn from ``rng`` as before, so the park
    figures stay); the investor is drawn from ``rng_inv`` (:func:`_fictional_investor`)."""
    cand_by_seg, gap_segs, other_segs = _project_segments(st, links, local_links)
    fictional = _fictional_investor(st, fict_links, rng_inv)
    park_by_ind: dict[str, list[Park]] = defaultdict(list)
    for p in parks:
        for i in p.focus:
            park_by_ind[i].append(p)
    name_of = {e["id"]: e["name"] for e in locals_ + fict}
    trade_of = {e["id"]: e["_trade"] for e in locals_}
    locals_all = locals_
    projects = []
    pid = 0
    stage_list = [s for s in STAGE_ORDER for _ in range(PROJECT_STAGE_COUNTS[s])]
    for stage in stage_list:
        pid += 1
        r = rng.random()
        if r < 0.72 and gap_segs:
            seg = rng.choice(gap_segs)
            rng.choice(sorted(set(cand_by_seg[seg])))  # the draw of the listed company the demo used to name here
            ent = fictional(seg)
        elif r < 0.86 and other_segs:
            seg = rng.choice(other_segs)
            rng.choice(sorted(set(cand_by_seg[seg])))
            ent = fictional(seg)
        else:
            e = rng.choice(locals_all)
            seg, ent = e["_seg"], e["id"]
        if stage == "lead" and rng.random() < 0.25:
            ent = None  # 意向企业未定
        ind = st.chain_industry[st.seg_chain[seg]]
        cand_parks = park_by_ind.get(ind) or parks
        park = rng.choice(cand_parks) if rng.random() < 0.85 else rng.choice(parks)
        if stage == "lead" and rng.random() < 0.3:
            park = None
        investment = round(math.exp(rng.gauss(math.log(45000), 0.9)), -1)
        intensity = math.exp(rng.gauss(math.log(520), 0.45))  # 万元/亩
        land = round(max(5.0, investment / intensity), 1)
        exp_rev = round(investment * rng.uniform(0.5, 2.2), -1)
        exp_tax = round(exp_rev * rng.uniform(0.025, 0.08), 1)
        dates = _project_dates(rng, stage)
        owner = f"{park.name}管委会" if park and rng.random() < 0.6 else "示例市投资促进局"
        if ent is None:
            short = "意向企业待定："
        elif ent in trade_of:
            short = trade_of[ent]
        else:
            short = name_of.get(ent, "")
        kind = rng.choice(("生产基地", "建设", "扩产", "产业化", "研发及生产"))
        projects.append(
            {
                "id": f"PJ{pid:03d}",
                "name": f"{short}{_clean_word(st.seg_name[seg])}{kind}项目",
                "stage": stage,
                "enterprise_id": ent,
                "park_id": park.id if park else None,
                "segment_id": seg if rng.random() < 0.92 else None,
                "investment": investment,
                "land_mu": land,
                **dates,
                "owner": owner,
                "expected_revenue": exp_rev if stage != "lead" else None,
                "expected_tax": exp_tax if stage != "lead" else None,
            }
        )
    return projects


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


def dataset_info(seed: int) -> dict[str, Any]:
    """``dataset.json``: what the CLI records at ingest and the app shows (name, demo flag, sources)."""
    return {
        "name": "示例市（虚构城市）招商产业链示例数据",
        "demo": True,
        "description": (
            "示例数据：示例市是虚构的地级市。真实的部分只有候选上市公司的名称、股票代码、省份、申万行业和主营产品，"
            "以及据此由 indmap link 计算出的企业—环节挂接；本地企业、园区及其指标、项目、供应关系、"
            "外地虚构候选企业（编号 C00001…，名称带“示例”）及其营收、专利、增速、资质、污染与能耗等级，"
            "以及用于全省十强/十快对比的邻近城市（东岭市、西河市、北原市、南渠市、岚川市）及其园区和园区指标全部为虚构，"
            "由固定种子生成，仅供演示，不代表任何真实城市或企业。产业链结构依据公开资料编制（见 CHAINS.md）。"
        ),
        "sources": [
            {"name": "ChainKnowledgeGraph（刘焕勇）", "used_for": "上市公司申万行业与主营产品", "url": "https://github.com/liuhuanyong/ChainKnowledgeGraph", "licence": "未声明，作者要求署名"},
            {"name": "tushare stock_basic（经 henrylin99/stock_web_app）", "used_for": "上市公司简称、省份、上市日期", "url": "https://github.com/henrylin99/stock_web_app", "licence": "仓库 MIT；tushare 转载条款未核实"},
            {"name": "TPEx 产业价值链资讯平台（经 tcleungg/industry_chain_crawler）", "used_for": "产业链上中下游环节结构（已改写）", "url": "https://ic.tpex.org.tw", "licence": "未核实"},
            {"name": "GB/T 4754-2017、申万行业分类 2021", "used_for": "环节的行业代码", "url": "https://github.com/wssmao/industry_category", "licence": "国家标准 / 公开分类"},
            {"name": "全国行政区划代码（data/regions）", "used_for": "外地虚构企业的信用代码与所在区县", "url": "https://github.com/modood/Administrative-divisions-of-China", "licence": "WTFPL"},
            {"name": "示例数据（虚构）", "used_for": "示例市本地企业、园区、项目、供应关系、外地虚构候选企业、邻近城市及其园区", "url": None, "licence": "本项目生成"},
        ],
        "seed": seed,
    }


def generate(
    seed: int, out: Path, inputs: Path | None = None, public_dir: Path = chainkg.PUBLIC_DIR, regions_dir: Path = REGIONS_DIR
) -> dict[str, Any]:
    """Write the generated files into ``out``; return counts."""
    rng = random.Random(seed)
    inputs = inputs or out
    out.mkdir(parents=True, exist_ok=True)
    st = read_structure(inputs)

    # regions
    regions = [{"code": PROVINCE[0], "name": PROVINCE_NAME, "parent_code": None}, {"code": CITY[0], "name": CITY[1], "parent_code": PROVINCE[0]}] + [
        {"code": c, "name": n, "parent_code": CITY[0]} for c, n in COUNTIES
    ]

    parks = make_parks(rng, st)
    target_total = rng.randint(1900, 2300)
    counts, maturity = plan_density(rng, st, target_total)

    specialise(rng, st, parks, counts)

    locals_, local_links = make_locals(rng, st, parks, counts)
    cands, links = make_candidates(st, public_dir)
    supply_rows = make_supply_links(rng, st, locals_, links)
    # fictional outside candidates: their own random stream, so the local side stays as it was
    rng_c = random.Random(f"{seed}:candidates")
    fict, fict_links, fict_supply = make_fictional_candidates(rng_c, st, counts, locals_, regions_dir)
    # projects bring fictional firms only: a real listed company is never put into a made-up project
    projects = make_projects(rng, st, parks, locals_, links, local_links, fict, fict_links, random.Random(f"{seed}:investors"))
    stats = make_park_stats(rng, parks, locals_)
    # supply ties among local firms, inside parks and across them (cohesion): their own random stream
    local_ties = demo_ties.make_local_ties(
        random.Random(f"{seed}:ties"), locals_, st.down, lambda s: _family(st, s), lambda s: _clean_word(st.seg_name[s]), FICTIONAL
    )
    supply_rows = sorted(supply_rows + fict_supply + local_ties, key=lambda r: (r["supplier_id"], r["customer_id"], r["product"]))
    ents = locals_ + cands + fict
    # peer parks of the neighbouring cities: their own random stream too
    ind_names = dict(st.industries.select("id", "name").rows())
    inds = sorted({st.chain_industry[c] for c in st.chain_industry})
    words = {i: _clean_word(ind_names[i])[:4] for i in inds}
    peer_regions, peer_parks, peer_stats = demo_peers.make_peers(random.Random(f"{seed}:peers"), inds, words)
    es_rows = local_links + list(links.select(lk.LINK_COLUMNS).iter_rows(named=True)) + fict_links

    # ---- write
    park_rows = [
        {"id": p.id, "name": p.name, "region_code": p.region_code, "level": p.level, "star": p.star, "area_mu": p.area_mu, "focus_industries": p.focus}
        for p in parks
    ] + peer_parks
    regions += peer_regions
    stats += peer_stats
    ent_rows = [{k: v for k, v in e.items() if not k.startswith("_")} for e in ents]
    es_rows.sort(key=lambda r: (r["enterprise_id"], r["segment_id"]))
    _write(out / "regions.csv", REGION_COLUMNS, regions)
    _write(out / "parks.csv", PARK_COLUMNS, park_rows, {"area_mu": 0})
    _write(out / "park_stats.csv", PARK_STAT_COLUMNS, stats)
    _write(out / "enterprises.csv", ENTERPRISE_COLUMNS, ent_rows, {"growth": 3})
    _write(out / "enterprise_segments.csv", lk.LINK_COLUMNS, es_rows, {"share": 4, "evidence": 3})
    _write(out / "supply_links.csv", SUPPLY_COLUMNS, supply_rows)
    _write(out / "projects.csv", PROJECT_COLUMNS, projects)
    (out / "dataset.json").write_text(json.dumps(dataset_info(seed), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    by_stage = defaultdict(int)
    for pj in projects:
        by_stage[pj["stage"]] += 1
    return {
        "seed": seed,
        "local_enterprises": len(locals_),
        "listed_candidates": len(cands),
        "fictional_candidates": len(fict),
        "fictional_candidate_links": len(fict_links),
        "enterprise_segments": len(es_rows),
        "listed_links": links.height,
        "supply_links": len(supply_rows),
        "fictional_candidate_supply_links": len(fict_supply),
        "local_supply_ties": len(local_ties),
        "parks": len(parks),
        "peer_parks": len(peer_parks),
        "projects": dict(by_stage),
        "chain_maturity": maturity,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m ingest.demo_gen",
        description="生成示例市（虚构）的园区、本地企业、项目等演示数据，并用真实上市公司作为候选招商企业。同一种子生成的文件逐字节相同。",
    )
    p.add_argument("--seed", type=int, default=20261127, help="random seed (default: 20261127)")
    p.add_argument("--out", default=str(DEMO_DIR), help="output folder (default: data/demo)")
    p.add_argument("--inputs", help="folder with industries/chains/segments/segment_links.csv (default: --out)")
    p.add_argument("--public", default=str(chainkg.PUBLIC_DIR), help="listed-company excerpt folder (default: data/public)")
    args = p.parse_args(argv)
    res = generate(args.seed, Path(args.out), Path(args.inputs) if args.inputs else None, Path(args.public))
    for k, v in res.items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
