"""Build the demo dataset: every part in order from one seed, then the CSV files and ``dataset.json``; the command line."""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

from demo_builder import peers, ties
from demo_builder.common import CITY, COUNTIES, DEMO_DIR, ENTERPRISE_COLUMNS, FICTIONAL, PARK_COLUMNS, PARK_STAT_COLUMNS, PROJECT_COLUMNS, PROVINCE, PROVINCE_NAME, REGION_COLUMNS, REGIONS_DIR, SUPPLY_COLUMNS, clean_word, write
from demo_builder.firms import make_candidates, make_locals, make_supply_links
from demo_builder.outside import make_fictional_candidates
from demo_builder.parks import make_park_stats, make_parks, plan_density, specialise
from demo_builder.projects import make_projects
from demo_builder.structure import family, read_structure
from ingest import link as lk
from ingest.public import chainkg


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
            {"name": "全国行政区划代码（ingest/data/regions）", "used_for": "外地虚构企业的信用代码与所在区县", "url": "https://github.com/modood/Administrative-divisions-of-China", "licence": "WTFPL"},
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
    local_ties = ties.make_local_ties(
        random.Random(f"{seed}:ties"), locals_, st.down, lambda s: family(st, s), lambda s: clean_word(st.seg_name[s]), FICTIONAL
    )
    supply_rows = sorted(supply_rows + fict_supply + local_ties, key=lambda r: (r["supplier_id"], r["customer_id"], r["product"]))
    ents = locals_ + cands + fict
    # peer parks of the neighbouring cities: their own random stream too
    ind_names = dict(st.industries.select("id", "name").rows())
    inds = sorted({st.chain_industry[c] for c in st.chain_industry})
    words = {i: clean_word(ind_names[i])[:4] for i in inds}
    peer_regions, peer_parks, peer_stats = peers.make_peers(random.Random(f"{seed}:peers"), inds, words)
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
    write(out / "regions.csv", REGION_COLUMNS, regions)
    write(out / "parks.csv", PARK_COLUMNS, park_rows, {"area_mu": 0})
    write(out / "park_stats.csv", PARK_STAT_COLUMNS, stats)
    write(out / "enterprises.csv", ENTERPRISE_COLUMNS, ent_rows, {"growth": 3})
    write(out / "enterprise_segments.csv", lk.LINK_COLUMNS, es_rows, {"share": 4, "evidence": 3})
    write(out / "supply_links.csv", SUPPLY_COLUMNS, supply_rows)
    write(out / "projects.csv", PROJECT_COLUMNS, projects)
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
        prog="python -m demo_builder",
        description="生成示例市（虚构）的园区、本地企业、项目等演示数据，并用真实上市公司作为候选招商企业。同一种子生成的文件逐字节相同。",
    )
    p.add_argument("--seed", type=int, default=20261127, help="random seed (default: 20261127)")
    p.add_argument("--out", default=str(DEMO_DIR), help="output folder (default: data/demo)")
    p.add_argument("--inputs", help="folder with industries/chains/segments/segment_links.csv (default: --out)")
    p.add_argument("--public", default=str(chainkg.PUBLIC_DIR), help="listed-company excerpt folder (default: ingest/data/public)")
    args = p.parse_args(argv)
    res = generate(args.seed, Path(args.out), Path(args.inputs) if args.inputs else None, Path(args.public))
    for k, v in res.items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
