"""A fictional investment pipeline in every stage: mostly fictional outside firms brought into thin segments.

Which segments get a project follows where listed companies could be recruited (drawn from the main
random stream as always, so the park figures stay the same), but the investor is fictional: a fictional
outside candidate placed in that segment (else in its chain) or a fictional local firm. A real listed
company is never put into a made-up project, so no stalled or overdue list names a real firm.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from typing import Any, Callable

import polars as pl

from demo_builder.common import AS_OF, PROJECT_STAGE_COUNTS, STAGE_ORDER, clean_word
from demo_builder.parks import Park
from demo_builder.structure import Structure


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
    """A fictional investment pipeline: most projects bring fictional outside firms (``fict``) into thin segments;
    the segments follow the listed companies' ``links`` (drawn from ``rng``), the investor is drawn from ``rng_inv``."""
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
        figures = _figures(rng)
        dates = _dates(rng, stage)
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
                "name": f"{short}{clean_word(st.seg_name[seg])}{kind}项目",
                "stage": stage,
                "enterprise_id": ent,
                "park_id": park.id if park else None,
                "segment_id": seg if rng.random() < 0.92 else None,
                "investment": figures["investment"],
                "land_mu": figures["land_mu"],
                **dates,
                "owner": owner,
                "expected_revenue": figures["expected_revenue"] if stage != "lead" else None,
                "expected_tax": figures["expected_tax"] if stage != "lead" else None,
            }
        )
    return projects


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


def _fictional_investor(st: Structure, fict_links: list[dict[str, Any]], rng_inv: random.Random) -> Callable[[str], str | None]:
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


def _figures(rng: random.Random) -> dict[str, float]:
    """Investment (log-normal around 4.5 亿元), land from a drawn intensity, expected revenue and tax."""
    investment = round(math.exp(rng.gauss(math.log(45000), 0.9)), -1)
    intensity = math.exp(rng.gauss(math.log(520), 0.45))  # 万元/亩
    land = round(max(5.0, investment / intensity), 1)
    exp_rev = round(investment * rng.uniform(0.5, 2.2), -1)
    exp_tax = round(exp_rev * rng.uniform(0.025, 0.08), 1)
    return {"investment": investment, "land_mu": land, "expected_revenue": exp_rev, "expected_tax": exp_tax}


def _dates(rng: random.Random, stage: str) -> dict[str, dt.date | None]:
    """The stage date and the earlier dates, walking backwards from it (some signed/started projects stall)."""
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
    return {
        "stage_date": stage_date,
        "signed_on": signed_on,
        "started_on": started_on,
        "producing_on": producing_on,
        "planned_start": planned_start,
        "planned_production": planned_production,
    }
