"""Seeded synthetic datasets in the contract's CSV format, at city, province and national scale.

``python -m bench.generate --size 100k --out DIR --seed 1`` writes the dataset files of
docs/data-contract (industries, chains, segments, segment_links, enterprises,
enterprise_segments, supply_links, parks, park_stats, projects; regions are omitted, so the
built-in national division codes are used). Everything is vectorised (numpy + polars), so a
million enterprises take seconds, not minutes.

Shape of a dataset of ``n`` enterprises (1M: about 3.1M relationships):

* 25 segments per chain (8 upstream, 9 midstream, 8 downstream), chains scaled with ``n``
  (12 / 24 / 40 chains at 10k / 100k / 1M, so 1,000 segments at 1M); three sub-segments per
  chain (``PART_OF``), ``SUPPLIES`` links from each stage into the next (plus a recycling loop
  in one chain, which the contract allows with a warning);
* 5 % local enterprises (济南 counties, most of them in a park), the rest candidates from other
  provinces; every enterprise has a real county code (``REGISTERED_IN``);
* 1 to 3 segments per enterprise, 2 on average (``OPERATES_IN``), inside one chain; local
  enterprises avoid about a third of the segments so that every gap label occurs;
* ``n / 10`` supply links (a third of them to a local customer), parks (20 / 100 / 200) with
  two periods of statistics, and ``n / 200`` projects at every stage with consistent dates;
* 10 % of the enterprises carry a valid 统一社会信用代码 (check characters computed, both the
  organisation code's and the credit code's), the rest leave it empty.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

SIZES = {"2k": 2_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000, "1M": 1_000_000}

SEGS_PER_CHAIN = 25
STAGE_OF_POS = ["upstream"] * 8 + ["midstream"] * 9 + ["downstream"] * 8
POS_CODE = [f"U{i + 1:02d}" for i in range(8)] + [f"M{i + 1:02d}" for i in range(9)] + [f"D{i + 1:02d}" for i in range(8)]
SUB_POS = {3: 2, 12: 11, 20: 19}  # sub-segment position -> parent position, in every chain

# Real county-level division codes (national statistical codes, 2022). The "city" is 济南.
LOCAL_COUNTIES = ["370102", "370103", "370104", "370105", "370112", "370113", "370114", "370115", "370116", "370124", "370126"]
OTHER_COUNTIES = [
    ("110108", "北京"), ("120116", "天津"), ("130102", "河北"), ("210106", "辽宁"), ("230103", "黑龙江"),
    ("310104", "上海"), ("310115", "上海"), ("320102", "江苏"), ("320583", "江苏"), ("320506", "江苏"),
    ("330106", "浙江"), ("330108", "浙江"), ("340104", "安徽"), ("350206", "福建"), ("370202", "山东"),
    ("370212", "山东"), ("410105", "河南"), ("420106", "湖北"), ("430104", "湖南"), ("440106", "广东"),
    ("440305", "广东"), ("440306", "广东"), ("450103", "广西"), ("500112", "重庆"), ("510104", "四川"),
    ("510107", "四川"), ("530102", "云南"), ("610113", "陕西"),
]
INDUSTRY_NAMES = [
    ("新能源汽车", "leading"), ("新一代信息技术", "emerging"), ("高端装备", "leading"), ("生物医药", "emerging"),
    ("新材料", "emerging"), ("绿色化工", "specialty"), ("现代食品", "specialty"), ("节能环保", "emerging"),
]
QUALS = ["高新技术企业", "专精特新", "专精特新小巨人", "上市", "科技型中小企业"]
PRODUCTS = [f"产品{i:02d}" for i in range(60)]
OWNERS = ["投资促进局一处", "投资促进局二处", "高新区管委会", "经开区招商局", "莱芜区招商中心", "章丘区商务局"]
PROJECT_STAGES = ["lead", "negotiating", "signed", "started", "producing", "dropped"]



def parse_size(s: str | int) -> int:
    if isinstance(s, int):
        return s
    if s in SIZES:
        return SIZES[s]
    s2 = s.lower().replace("_", "")
    mult = 1
    if s2.endswith("k"):
        mult, s2 = 1_000, s2[:-1]
    elif s2.endswith("m"):
        mult, s2 = 1_000_000, s2[:-1]
    return int(float(s2) * mult)


def size_label(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000}M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def n_chains_for(n: int) -> int:
    if n <= 20_000:
        return 12
    if n <= 200_000:
        return 24
    return 40


def n_parks_for(n: int) -> int:
    if n <= 20_000:
        return 20
    if n <= 200_000:
        return 100
    return 200


def credit_codes(regions: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Valid 18-character unified social credit codes for the given 6-digit region codes.

    Layout: '9' (市场监管), '1' (企业), region (6), organisation code (8 digits + its GB 11714
    check character), then the GB 32100 check character.
    """
    from ingest.uscc import make_codes

    org = rng.integers(0, 10, size=(len(regions), 8))
    return np.array(make_codes(list(regions), org), dtype="U18")


def _join_lists(mask_matrix: np.ndarray, words: list[str]) -> pl.Series:
    """Rows of a boolean matrix -> ';'-joined words (empty string -> null)."""
    n = mask_matrix.shape[0]
    parts = [pl.when(pl.lit(pl.Series(mask_matrix[:, j]))).then(pl.lit(w)).otherwise(None) for j, w in enumerate(words)]
    df = pl.DataFrame({"_": np.zeros(n, dtype=np.int8)}).select(pl.concat_str(parts, separator=";", ignore_nulls=True).alias("q"))
    return df.get_column("q").replace("", None)


def _dates(days: np.ndarray, base: str = "2015-01-01") -> pl.Series:
    """Dates ``base + days`` as a polars Date series."""
    return pl.Series(np.datetime64(base, "D") + days.astype("timedelta64[D]")).cast(pl.Date)


def _nullable(values: np.ndarray, null: np.ndarray) -> pl.Series:
    """``values`` with nulls where ``null`` is true (no object arrays: fast at 1M rows)."""
    return pl.select(pl.when(pl.lit(pl.Series(~null))).then(pl.lit(pl.Series(values)))).to_series()


def generate(n: int, seed: int = 1) -> dict[str, pl.DataFrame]:
    """The dataset tables (as text-ready polars frames, contract column names).

    The sections draw from one random generator in a fixed order (segment links, enterprises, their
    segments, supply links, parks, projects): keep that order, or the same seed writes other data.
    """
    rng = np.random.default_rng(seed)
    n_chains = n_chains_for(n)
    n_parks = n_parks_for(n)
    industries, chains, chain_ids = _industries_chains(n_chains, seed)
    segments, seg_ids = _segments(chain_ids)
    segment_links = _segment_links(chain_ids, rng)
    park_ids = np.array([f"P{i + 1:03d}" for i in range(n_parks)])
    enterprises, local = _enterprises(n, park_ids, rng)
    enterprise_segments = _enterprise_segments(n, seed, n_chains, seg_ids, local, enterprises, rng)
    ent_ids = enterprises.get_column("id")
    supply_links = _supply_links(n, local, ent_ids, rng)
    parks, park_stats = _parks(park_ids, len(industries), rng)
    projects = _projects(n, ent_ids, park_ids, seg_ids, rng)
    return {
        "industries": industries,
        "chains": chains,
        "segments": segments,
        "segment_links": segment_links,
        "enterprises": enterprises,
        "enterprise_segments": enterprise_segments,
        "supply_links": supply_links,
        "parks": parks,
        "park_stats": park_stats,
        "projects": projects,
    }


def _industries_chains(n_chains: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:
    n_ind = min(len(INDUSTRY_NAMES), max(4, n_chains // 5))
    industries = pl.DataFrame(
        {
            "id": [f"I{i + 1:02d}" for i in range(n_ind)],
            "name": [INDUSTRY_NAMES[i][0] for i in range(n_ind)],
            "category": [INDUSTRY_NAMES[i][1] for i in range(n_ind)],
            "gbt4754": [f"{3600 + i * 10};{3610 + i * 10}" for i in range(n_ind)],
            "description": [f"合成数据（seed={seed}）" for _ in range(n_ind)],
        }
    )
    chain_ids = ["NEV"] + [f"CH{c:02d}" for c in range(1, n_chains)]
    chains = pl.DataFrame(
        {
            "id": chain_ids,
            "name": [f"{INDUSTRY_NAMES[c % n_ind][0]}产业链{c + 1}" for c in range(n_chains)],
            "industry_id": [f"I{c % n_ind + 1:02d}" for c in range(n_chains)],
        }
    )
    return industries, chains, chain_ids


def _segments(chain_ids: list[str]) -> tuple[pl.DataFrame, list[str]]:
    seg_ids, seg_chain, seg_stage, seg_parent, seg_key, seg_name, seg_kw = [], [], [], [], [], [], []
    for c, cid in enumerate(chain_ids):
        for p in range(SEGS_PER_CHAIN):
            seg_ids.append(f"{cid}-{POS_CODE[p]}")
            seg_chain.append(cid)
            seg_stage.append(STAGE_OF_POS[p])
            seg_parent.append(f"{cid}-{POS_CODE[SUB_POS[p]]}" if p in SUB_POS else None)
            seg_key.append("true" if (p * 7 + c) % 6 == 0 else "false")
            seg_name.append(f"链{c + 1}环节{POS_CODE[p]}")
            seg_kw.append(f"关键词{c}-{p};材料{p}")
    n_seg = len(seg_ids)
    segments = pl.DataFrame(
        {
            "id": seg_ids,
            "chain_id": seg_chain,
            "name": seg_name,
            "stage": seg_stage,
            "parent_id": seg_parent,
            "key": seg_key,
            "gbt4754": ["3612"] * n_seg,
            "sw_codes": [None] * n_seg,
            "keywords": seg_kw,
        },
        schema_overrides={"sw_codes": pl.Utf8},
    )
    return segments, seg_ids


def _segment_links(chain_ids: list[str], rng: np.random.Generator) -> pl.DataFrame:
    # SUPPLIES: every segment of a stage feeds 1-2 segments of the next stage (same chain),
    # plus one recycling loop (downstream -> upstream) in the second chain.
    link_from, link_to = [], []
    stage_pos = {"upstream": list(range(0, 8)), "midstream": list(range(8, 17)), "downstream": list(range(17, 25))}
    nxt = {"upstream": "midstream", "midstream": "downstream"}
    for c, cid in enumerate(chain_ids):
        for p in range(SEGS_PER_CHAIN):
            st = STAGE_OF_POS[p]
            if st not in nxt:
                continue
            cands = stage_pos[nxt[st]]
            k = 1 + int(rng.integers(0, 2))
            for q in rng.choice(cands, size=k, replace=False):
                link_from.append(f"{cid}-{POS_CODE[p]}")
                link_to.append(f"{cid}-{POS_CODE[int(q)]}")
        if c == 1:  # a recycling loop: D08 -> U01 -> M01 -> D08
            for p, q in ((24, 0), (0, 8), (8, 24)):
                link_from.append(f"{cid}-{POS_CODE[p]}")
                link_to.append(f"{cid}-{POS_CODE[q]}")
    return (
        pl.DataFrame({"from_id": link_from, "to_id": link_to})
        .unique(maintain_order=True)
        .with_columns(pl.when(pl.col("from_id").str.ends_with("D08") & pl.col("to_id").str.ends_with("U01")).then(pl.lit("回收循环")).otherwise(None).alias("note"))
    )


def _enterprises(n: int, park_ids: np.ndarray, rng: np.random.Generator) -> tuple[pl.DataFrame, np.ndarray]:
    n_parks = len(park_ids)
    local = rng.random(n) < 0.05
    local[:3] = True  # small sizes: always some locals
    other_codes = np.array([c for c, _ in OTHER_COUNTIES])
    other_prov = np.array([p for _, p in OTHER_COUNTIES])
    oc = rng.integers(0, len(other_codes), n)
    lc = rng.integers(0, len(LOCAL_COUNTIES), n)
    region = np.where(local, np.array(LOCAL_COUNTIES)[lc], other_codes[oc])
    province = np.where(local, "山东", other_prov[oc])
    # parks are not equally popular: a few large parks, many small ones
    park_pick = np.minimum((rng.pareto(1.2, n) * n_parks / 8).astype(np.int64), n_parks - 1)
    in_park = local & (rng.random(n) < 0.8)
    revenue = np.round(rng.lognormal(7.5, 1.6, n), 1)  # median ~1,800 万元
    revenue_null = rng.random(n) < 0.05
    has_code = rng.random(n) < 0.10
    codes = np.full(n, "", dtype="U18")
    codes[has_code] = credit_codes(region[has_code], rng)
    listed = rng.random(n) < 0.01
    listed_codes = np.char.zfill(rng.integers(1, 700_000, n).astype(str), 6)
    qual_mask = np.column_stack([rng.random(n) < p for p in (0.15, 0.08, 0.02, 0.0, 0.05)])
    qual_mask[:, 3] = listed
    grades = np.array(["low", "medium", "high"])
    pollution = _nullable(grades[rng.choice(3, n, p=[0.6, 0.3, 0.1])], rng.random(n) < 0.1)
    energy = _nullable(grades[rng.choice(3, n, p=[0.6, 0.3, 0.1])], rng.random(n) < 0.1)
    growth = _nullable(np.round(rng.normal(0.08, 0.2, n), 3), rng.random(n) < 0.1)
    ent = pl.DataFrame(
        {
            "local": local,
            "credit_code": _nullable(codes, ~has_code),
            "region_code": region,
            "park_id": _nullable(park_ids[park_pick], ~in_park),
            "province": province,
            "revenue": _nullable(revenue, revenue_null),
            "employees": rng.integers(5, 5000, n),
            "founded": _dates(rng.integers(0, 12_000, n), "1990-01-01"),
            "listed_code": _nullable(listed_codes, ~listed),
            "qualifications": _join_lists(qual_mask, QUALS),
            "patents": rng.poisson(6, n),
            "pollution": pollution,
            "energy": energy,
            "growth": growth,
        }
    )
    id_col = pl.lit("E") + pl.int_range(0, n, eager=False).cast(pl.Utf8).str.zfill(7)
    enterprises = ent.with_columns(
        id=id_col,
        name=pl.lit("样本") + pl.int_range(0, n).cast(pl.Utf8).str.zfill(7) + pl.lit("科技有限公司"),
        local=pl.when(pl.col("local")).then(pl.lit("true")).otherwise(pl.lit("false")),
    ).select(
        "id", "name", "local", "credit_code", "region_code", "park_id", "province", "revenue", "employees",
        "founded", "listed_code", "qualifications", "patents", "pollution", "energy", "growth",
    )
    return enterprises, local


def _enterprise_segments(
    n: int, seed: int, n_chains: int, seg_ids: list[str], local: np.ndarray, enterprises: pl.DataFrame, rng: np.random.Generator
) -> pl.DataFrame:
    """Two segments per enterprise on average; locals stay out of about a third of the segments."""
    idx = np.arange(n)
    n_seg = len(seg_ids)
    k = rng.choice([1, 2, 3], n, p=[0.3, 0.4, 0.3])
    chain_of = (rng.pareto(0.8, n) * n_chains / 6).astype(np.int64) % n_chains  # some chains are crowded
    start = rng.integers(0, SEGS_PER_CHAIN, n)
    step = rng.integers(1, 13, n)
    rows_e = np.repeat(idx, k)
    j = np.arange(len(rows_e)) - np.repeat(np.cumsum(k) - k, k)
    pos = (start[rows_e] + j * step[rows_e]) % SEGS_PER_CHAIN
    seg_idx = chain_of[rows_e] * SEGS_PER_CHAIN + pos
    # local enterprises stay out of about a third of the segments (gaps), chosen per segment
    seg_local_ok = np.random.default_rng(seed + 7).random(n_seg) > 0.35
    keep = ~local[rows_e] | seg_local_ok[seg_idx]
    rows_e, seg_idx = rows_e[keep], seg_idx[keep]
    m = len(rows_e)
    share = np.round(rng.uniform(0.05, 1.0, m), 2)
    share_null = rng.random(m) < 0.3
    seg_id_arr = np.array(seg_ids)
    return pl.DataFrame(
        {
            "enterprise_id": enterprises.get_column("id").gather(pl.Series(rows_e)),
            "segment_id": seg_id_arr[seg_idx],
            "share": _nullable(share, share_null),
            "source": np.array(["生成", "关键词匹配", "人工"])[rng.choice(3, m, p=[0.5, 0.3, 0.2])],
            "confidence": np.array(["confirmed", "likely"])[rng.choice(2, m, p=[0.6, 0.4])],
        }
    )


def _supply_links(n: int, local: np.ndarray, ent_ids: pl.Series, rng: np.random.Generator) -> pl.DataFrame:
    """n / 10 supply links; a third of them go to a local customer."""
    n_sup = max(10, n // 10)
    local_idx = np.flatnonzero(local)
    sup = rng.integers(0, n, n_sup)
    cus = rng.integers(0, n, n_sup)
    to_local = rng.random(n_sup) < 0.33
    cus[to_local] = local_idx[rng.integers(0, len(local_idx), int(to_local.sum()))]
    return (
        pl.DataFrame(
            {
                "supplier_id": ent_ids.gather(pl.Series(sup)),
                "customer_id": ent_ids.gather(pl.Series(cus)),
                "product": np.array(PRODUCTS)[rng.integers(0, len(PRODUCTS), n_sup)],
                "amount": np.round(rng.lognormal(5, 1.5, n_sup), 1),
                "source": "生成",
            }
        )
        .filter(pl.col("supplier_id") != pl.col("customer_id"))
        .unique(["supplier_id", "customer_id", "product"], maintain_order=True)
    )


def _parks(park_ids: np.ndarray, n_ind: int, rng: np.random.Generator) -> tuple[pl.DataFrame, pl.DataFrame]:
    n_parks = len(park_ids)
    levels = np.array(["national", "provincial", "other"])
    focus = [
        ";".join(sorted({f"I{(p % n_ind) + 1:02d}", f"I{((p * 3 + 1) % n_ind) + 1:02d}"})) for p in range(n_parks)
    ]
    parks = pl.DataFrame(
        {
            "id": park_ids,
            "name": [f"济南第{p + 1}产业园" for p in range(n_parks)],
            "region_code": np.array(LOCAL_COUNTIES)[np.arange(n_parks) % len(LOCAL_COUNTIES)],
            "level": levels[rng.choice(3, n_parks, p=[0.1, 0.3, 0.6])],
            "star": rng.integers(0, 6, n_parks),
            "area_mu": np.round(rng.uniform(500, 30_000, n_parks), 0),
            "focus_industries": focus,
        }
    )
    base_rev = np.round(rng.lognormal(12, 1.0, n_parks), 1)
    grow = rng.normal(1.08, 0.12, n_parks)
    park_stats = pl.DataFrame(
        {
            "park_id": np.concatenate([park_ids, park_ids]),
            "period": ["2024"] * n_parks + ["2025"] * n_parks,
            "fixed_investment": np.round(np.concatenate([base_rev * 0.2, base_rev * 0.2 * grow]), 1),
            "revenue": np.concatenate([base_rev, np.round(base_rev * np.abs(grow), 1)]),
            "profit": np.round(np.concatenate([base_rev * 0.06, base_rev * 0.05 * grow]), 1),
            "tax": np.round(np.concatenate([base_rev * 0.03, base_rev * 0.03 * np.abs(grow)]), 1),
        }
    )
    return parks, park_stats


def _projects(n: int, ent_ids: pl.Series, park_ids: np.ndarray, seg_ids: list[str], rng: np.random.Generator) -> pl.DataFrame:
    """n / 200 projects (at least 50) at every stage, dates consistent with the stage reached."""
    n_parks, n_seg = len(park_ids), len(seg_ids)
    seg_id_arr = np.array(seg_ids)
    n_proj = max(50, n // 200)
    stage = np.array(PROJECT_STAGES)[rng.choice(6, n_proj, p=[0.25, 0.2, 0.2, 0.15, 0.12, 0.08])]
    d_signed = rng.integers(2_900, 4_100, n_proj)  # 2022-12 .. 2026-03
    d_started = d_signed + rng.integers(20, 300, n_proj)
    d_producing = d_started + rng.integers(100, 600, n_proj)
    signed, started, producing = (_dates(d, "2015-01-01") for d in (d_signed, d_started, d_producing))
    reached = {
        "lead": 0, "negotiating": 0, "signed": 1, "started": 2, "producing": 3, "dropped": 1,
    }
    lvl = np.array([reached[s] for s in stage])
    proj_ent = rng.integers(0, n, n_proj)
    no_ent = rng.random(n_proj) < 0.1
    proj = pl.DataFrame(
        {
            "id": [f"PRJ{i + 1:05d}" for i in range(n_proj)],
            "name": [f"合成项目{i + 1}" for i in range(n_proj)],
            "stage": stage,
            "enterprise_id": _nullable(ent_ids.to_numpy()[proj_ent], no_ent),
            "park_id": _nullable(park_ids[rng.integers(0, n_parks, n_proj)], rng.random(n_proj) < 0.1),
            "segment_id": _nullable(seg_id_arr[rng.integers(0, n_seg, n_proj)], rng.random(n_proj) < 0.1),
            "investment": np.round(rng.lognormal(10, 1.0, n_proj), 0),
            "land_mu": np.round(rng.uniform(20, 600, n_proj), 0),
            "lvl": lvl,
            "signed_on": signed,
            "started_on": started,
            "producing_on": producing,
            "owner": np.array(OWNERS)[rng.integers(0, len(OWNERS), n_proj)],
            "expected_revenue": np.round(rng.lognormal(10.5, 1.0, n_proj), 0),
            "expected_tax": np.round(rng.lognormal(7.5, 1.0, n_proj), 0),
        }
    )
    return proj.with_columns(
        signed_on=pl.when(pl.col("lvl") >= 1).then(pl.col("signed_on")),
        started_on=pl.when(pl.col("lvl") >= 2).then(pl.col("started_on")),
        producing_on=pl.when(pl.col("lvl") >= 3).then(pl.col("producing_on")),
        planned_start=pl.col("signed_on") + pl.duration(days=90),
        planned_production=pl.col("signed_on") + pl.duration(days=540),
    ).with_columns(
        stage_date=pl.coalesce("producing_on", "started_on", "signed_on", pl.col("planned_start") - pl.duration(days=200)),
        # lead / negotiating projects have no signing yet: their plan is relative to first contact
        planned_start=pl.when(pl.col("lvl") >= 1).then(pl.col("planned_start")),
    ).select(
        "id", "name", "stage", "enterprise_id", "park_id", "segment_id", "investment", "land_mu", "stage_date",
        "signed_on", "started_on", "producing_on", "planned_start", "planned_production", "owner",
        "expected_revenue", "expected_tax",
    )


def write_dataset(tables: dict[str, pl.DataFrame], out: str | Path) -> Path:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.write_csv(out / f"{name}.csv", date_format="%Y-%m-%d", null_value="")
    return out


def counts(tables: dict[str, pl.DataFrame]) -> dict[str, int]:
    """Rows per file and the relationships the graph will hold (as data-contract.md maps them)."""
    e = tables["enterprises"]
    rels = (
        tables["enterprise_segments"].height
        + tables["supply_links"].height
        + tables["segment_links"].height
        + e.get_column("region_code").is_not_null().sum()
        + e.get_column("park_id").is_not_null().sum()
        + tables["segments"].get_column("parent_id").is_not_null().sum()
        + tables["segments"].height
        + tables["chains"].height
    )
    out = {name: df.height for name, df in tables.items()}
    out["relationships_approx"] = int(rels)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.generate", description="合成数据集（数据契约的 CSV 格式）")
    ap.add_argument("--size", default="10k", help="enterprises: 2k, 10k, 100k, 1M or a number (default 10k)")
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    n = parse_size(args.size)
    t0 = time.perf_counter()
    tables = generate(n, args.seed)
    t1 = time.perf_counter()
    write_dataset(tables, args.out)
    t2 = time.perf_counter()
    c = counts(tables)
    print(
        f"{args.out}: {n:,} enterprises, {c['enterprise_segments']:,} enterprise_segments, "
        f"{c['supply_links']:,} supply_links, {c['segments']:,} segments, ~{c['relationships_approx']:,} relationships; "
        f"generated {t1 - t0:.1f}s, written {t2 - t1:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
