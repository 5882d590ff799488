"""demo_builder/ (the demo city's generator): deterministic, valid, and a picture that comes from the data."""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from stdnum.cn import uscc

from demo_builder import common, generate
from demo_builder import peers as demo_peers

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
REGIONS = common.REGIONS_DIR
GENERATED = [
    "regions.csv", "parks.csv", "park_stats.csv", "enterprises.csv", "enterprise_segments.csv", "supply_links.csv", "projects.csv", "dataset.json",
]  # fmt: skip
SEED = 20261127


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    a, b = tmp_path_factory.mktemp("a"), tmp_path_factory.mktemp("b")
    info = generate(SEED, a, inputs=DEMO)
    generate(SEED, b, inputs=DEMO)
    return a, b, info


def _read(folder: Path, name: str) -> pl.DataFrame:
    return pl.read_csv(folder / name, infer_schema=False)


def test_same_seed_same_bytes(runs):
    a, b, _ = runs
    for f in GENERATED:
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_other_seed_other_data(runs, tmp_path):
    a, _, _ = runs
    generate(SEED + 1, tmp_path, inputs=DEMO)
    assert (a / "enterprises.csv").read_bytes() != (tmp_path / "enterprises.csv").read_bytes()


def test_shipped_demo_is_the_generator_output(runs):
    """data/demo is exactly what the documented command writes (rerun it after editing segments.csv)."""
    a, _, _ = runs
    for f in GENERATED:
        assert (DEMO / f).read_bytes() == (a / f).read_bytes(), f"{f}: run `python -m demo_builder --seed {SEED} --out data/demo`"


def test_dataset_validates(runs):
    from ingest import load_dataset

    a, _, _ = runs
    for f in ("industries.csv", "chains.csv", "segments.csv", "segment_links.csv"):
        (a / f).write_bytes((DEMO / f).read_bytes())
    res = load_dataset(a)
    assert not res.errors, [i.message for i in res.errors[:5]]


def test_regions_are_fictional_and_collision_free(runs):
    a, _, _ = runs
    reg = _read(a, "regions.csv")
    assert reg.get_column("code").str.contains(r"^\d{6}$").all()
    assert reg.filter(pl.col("code") == "379900").get_column("parent_code").to_list() == ["370000"]
    counties = reg.filter(pl.col("parent_code") == "379900").get_column("code").to_list()
    assert counties == [f"37990{i}" for i in range(1, 7)]
    # the province row is the real one; the city and counties collide with no real code
    provinces = dict(pl.read_csv(REGIONS / "provinces.csv", infer_schema=False).select("code", "name").rows())
    assert reg.filter(pl.col("code") == "370000").get_column("name").to_list() == [provinces["37"]]
    real = set(pl.read_csv(REGIONS / "areas.csv", infer_schema=False).get_column("code").to_list())
    real |= {c + "00" for c in pl.read_csv(REGIONS / "cities.csv", infer_schema=False).get_column("code").to_list()}
    assert not (set(reg.filter(pl.col("code") != "370000").get_column("code").to_list()) & real)


def test_local_enterprises(runs):
    a, _, _ = runs
    ent = _read(a, "enterprises.csv")
    loc = ent.filter(pl.col("local") == "true")
    assert 1500 <= loc.height <= 3000
    assert loc.get_column("id").str.contains(r"^L\d{5}$").all()
    assert loc.get_column("name").str.starts_with("示例").all() and loc.get_column("name").n_unique() == loc.height
    codes = loc.get_column("credit_code").to_list()
    assert all(uscc.is_valid(c) and c.startswith("913799") for c in codes)
    assert len(set(codes)) == len(codes)
    parks = set(_read(a, "parks.csv").get_column("id").to_list())
    assert set(loc.get_column("park_id").to_list()) <= parks
    rev = loc.get_column("revenue").cast(pl.Float64)
    assert 0.5 < (rev.drop_nulls() < 2000).mean() < 0.85  # most are below the above-scale line, not all
    assert rev.null_count() > 0  # some report nothing
    quals = collections.Counter(q for v in loc.get_column("qualifications").drop_nulls().to_list() for q in v.split(";"))
    assert set(quals) <= {"高新技术企业", "专精特新", "专精特新小巨人", "上市"}
    assert quals["高新技术企业"] > quals["专精特新"] > quals["专精特新小巨人"] >= 1
    assert quals["上市"] <= 0.01 * loc.height
    es = _read(a, "enterprise_segments.csv").filter(pl.col("enterprise_id").str.starts_with("L"))
    per = es.group_by("enterprise_id").len()
    assert per.height == loc.height and per.get_column("len").is_between(1, 2).all()
    assert es.get_column("source").eq("示例数据（虚构）").all()


def test_listed_candidates(runs):
    a, _, _ = runs
    ent = _read(a, "enterprises.csv").filter((pl.col("local") == "false") & ~pl.col("id").str.starts_with("C"))
    assert ent.height >= 1000
    assert (ent.get_column("id") == ent.get_column("listed_code")).all()
    assert ent.get_column("id").str.contains(r"^\d{6}\.(SH|SZ|BJ)$").all()
    assert ent.get_column("credit_code").is_null().all() and ent.get_column("revenue").is_null().all()
    assert ent.get_column("qualifications").eq("上市").all()
    es = _read(a, "enterprise_segments.csv").filter(~pl.col("enterprise_id").str.contains(r"^[LC]\d{5}$"))
    assert set(es.get_column("enterprise_id").to_list()) == set(ent.get_column("id").to_list())
    assert es.get_column("source").str.ends_with("ChainKnowledgeGraph").all()
    assert set(es.get_column("confidence").to_list()) == {"confirmed", "likely"}


def test_fictional_candidates(runs):
    """Made-up outside firms carry the attributes the listed companies lack, and say they are made up."""
    a, _, info = runs
    ent = _read(a, "enterprises.csv")
    fic = ent.filter(pl.col("id").str.starts_with("C"))
    assert 400 <= fic.height <= 600 and fic.height == info["fictional_candidates"]
    assert fic.get_column("id").str.contains(r"^C\d{5}$").all() and (fic.get_column("local") == "false").all()
    names = fic.get_column("name")
    assert names.str.contains("示例").all() and not names.str.starts_with("示例市").any() and names.n_unique() == fic.height
    assert fic.get_column("listed_code").is_null().all() and fic.get_column("park_id").is_null().all()
    # credit codes: valid, unique, region part = a real county of the enterprise's province (not the demo's own)
    areas = pl.read_csv(REGIONS / "areas.csv", infer_schema=False)
    prov_of_area = dict(areas.select("code", "provinceCode").rows())
    prov_names = {c: n.rstrip("省市") for c, n in pl.read_csv(REGIONS / "provinces.csv", infer_schema=False).select("code", "name").rows()}
    seen = set()
    for code, region, prov in fic.select("credit_code", "region_code", "province").rows():
        assert uscc.is_valid(code) and code.startswith("91") and code[2:8] == region, code
        assert region in prov_of_area and prov_names[prov_of_area[region]] == prov and prov != "山东", (region, prov)
        seen.add(code)
    assert len(seen) == fic.height
    rev = fic.get_column("revenue").cast(pl.Float64)
    assert rev.null_count() < 0.05 * fic.height and rev.max() > 20 * rev.median()  # log-normal with a few large firms
    assert fic.get_column("patents").cast(pl.Int64).drop_nulls().sum() > 0 and fic.get_column("growth").null_count() < fic.height
    quals = collections.Counter(q for v in fic.get_column("qualifications").drop_nulls().to_list() for q in v.split(";"))
    # made up in full: a firm without any says 无 (known none), never an empty (unknown) cell
    assert set(quals) == {"高新技术企业", "专精特新", "专精特新小巨人", "无"}
    assert fic.get_column("qualifications").null_count() == 0
    for col in ("pollution", "energy"):
        grades = collections.Counter(fic.get_column(col).to_list())
        assert set(grades) == {"low", "medium", "high"} and grades["high"] < grades["medium"] < grades["low"], (col, grades)
    es = _read(a, "enterprise_segments.csv").filter(pl.col("enterprise_id").str.starts_with("C"))
    assert es.get_column("source").eq("示例数据（虚构）").all()
    assert es.group_by("enterprise_id").len().get_column("len").is_between(1, 2).all()
    assert set(es.get_column("enterprise_id").to_list()) == set(fic.get_column("id").to_list())
    share = es.get_column("share").cast(pl.Float64)
    assert ((share > 0) & (share <= 1)).all()
    # most gap segments (≤ 2 local firms) have some, and they are not only there
    local = _read(a, "enterprise_segments.csv").filter(pl.col("enterprise_id").str.starts_with("L"))
    local_n = dict(local.group_by("segment_id").len().rows())
    segs = _read(DEMO, "segments.csv")
    parents = set(segs.get_column("parent_id").drop_nulls().to_list())
    leaves = [s for s in segs.get_column("id").to_list() if s not in parents]
    gap = [s for s in leaves if local_n.get(s, 0) <= 2]
    with_cands = set(es.get_column("segment_id").to_list())
    assert sum(s in with_cands for s in gap) >= 0.8 * len(gap)
    assert any(s not in gap for s in with_cands)
    # 以商招商: some supply relations tie them to local firms
    sl = _read(a, "supply_links.csv")
    ties = sl.filter(pl.col("supplier_id").str.starts_with("C") | pl.col("customer_id").str.starts_with("C"))
    assert ties.height >= 10
    assert (ties.get_column("supplier_id").str.starts_with("L") | ties.get_column("customer_id").str.starts_with("L")).all()
    assert ties.get_column("source").eq("示例数据（虚构）").all()


def test_dataset_json(runs):
    import json

    a, _, _ = runs
    info = json.loads((a / "dataset.json").read_text(encoding="utf-8"))
    assert info["demo"] is True and info["seed"] == SEED and "虚构" in info["name"] and "示例" in info["name"]
    assert info["description"] and len(info["sources"]) >= 3


def test_projects(runs):
    a, _, _ = runs
    pj = _read(a, "projects.csv")
    assert pj.height >= 60
    assert set(pj.get_column("stage").to_list()) == {"lead", "negotiating", "signed", "started", "producing", "dropped"}
    d = {c: pj.get_column(c).str.to_date(strict=False) for c in ("stage_date", "signed_on", "started_on", "producing_on", "planned_start")}
    frame = pl.DataFrame(d)
    assert frame.filter(pl.col("signed_on") > pl.col("started_on")).is_empty()
    assert frame.filter(pl.col("started_on") > pl.col("producing_on")).is_empty()
    assert (frame.get_column("stage_date") <= common.AS_OF).all()
    asof = common.AS_OF
    active = pj.with_columns(d["stage_date"].alias("sd")).filter(pl.col("stage").is_in(["signed", "started"]))
    assert active.filter((pl.lit(asof) - pl.col("sd")).dt.total_days() > 90).height >= 2  # stalled
    inv, land = pj.get_column("investment").cast(pl.Float64), pj.get_column("land_mu").cast(pl.Float64)
    assert ((inv / land) < 300).sum() >= 2  # below the intensity line
    ent = _read(a, "enterprises.csv").select("id", "name", "local", "listed_code")
    by = pj.join(ent, left_on="enterprise_id", right_on="id", how="inner")
    assert by.filter(pl.col("local") == "false").height > by.height / 2  # investors mostly from outside the city
    # ... and all of them fictional: no real listed company in a made-up project (nor in its name)
    assert by.filter(pl.col("listed_code").is_not_null()).is_empty()
    assert by.filter(pl.col("local") == "false").get_column("name").str.contains("示例").all()  # outside firms: fictional, named 示例
    listed = ent.filter(pl.col("listed_code").is_not_null()).get_column("name").to_list()
    assert not [n for n in pj.get_column("name").to_list() if any(x in n for x in listed if len(x) >= 4)]  # (太阳能 is a listed firm and a word)
    owners = set(pj.get_column("owner").to_list())
    assert "示例市投资促进局" in owners and any(o.endswith("管委会") for o in owners)


def test_picture_comes_out_of_the_analysis(runs):
    """Every gap label occurs, some parks overlap, some are concentrated and some are not."""
    from graph.analysis import gaps, park_concentration, park_overlap
    from graph.settings import AnalysisSettings
    from graph.view import GraphView
    from ingest import load_dataset

    a, _, _ = runs
    for f in ("industries.csv", "chains.csv", "segments.csv", "segment_links.csv"):
        (a / f).write_bytes((DEMO / f).read_bytes())
    view = GraphView(load_dataset(a).tables)
    settings = AnalysisSettings()
    labels = collections.Counter(r.label for r in gaps(view, settings).rows)
    assert set(labels) == {"strong", "weak", "missing", "broken"}, labels
    assert all(n >= 10 for n in labels.values()), labels
    assert sum(p.flagged for p in park_overlap(view, settings).pairs) >= 5
    gap_rows = gaps(view, settings).rows
    assert len({r.chain_id for r in gap_rows if r.label == "broken"}) >= 5  # several chains are cut somewhere
    conc = park_concentration(view, settings)
    flags = [r.flagged for r in conc]
    assert any(flags) and not all(flags)
    # the outside candidates leave the local picture alone but make the target gates bite somewhere
    from graph.analysis.targets import targets

    gap_segs = sorted({r.segment_id for r in gaps(view, settings).rows if r.label in ("missing", "broken")})
    removed = sum(sum(targets(view, settings, s).gate_removed.values()) for s in gap_segs[:40])
    assert removed > 0


def test_credit_code_helper():
    import random

    rng = random.Random(1)
    for _ in range(200):
        c = common.make_credit_code(rng, "379903")
        assert uscc.is_valid(c) and c[2:8] == "379903"
    assert common.org_code_check("D2143569") == "X"  # GB 11714 worked example


def test_peer_parks_of_neighbouring_cities(runs):
    """Peer parks: fictional neighbours with two periods, no firms; the province-wide picture comes out of the ranking."""
    from graph.analysis import park_cohesion, park_concentration, park_ranking
    from graph.settings import AnalysisSettings
    from graph.view import GraphView
    from ingest import load_dataset

    a, _, info = runs
    parks, stats = _read(a, "parks.csv"), _read(a, "park_stats.csv")
    peers = parks.filter(pl.col("id").str.starts_with("N"))
    assert info["peer_parks"] == peers.height >= 40
    assert set(peers.get_column("region_code").to_list()) == {c.code for c in demo_peers.CITIES}
    names = set(pl.read_csv(REGIONS / "cities.csv", infer_schema=False).get_column("name").to_list())
    assert not {c.name for c in demo_peers.CITIES} & names  # fictional: no real city has these names
    periods = stats.filter(pl.col("park_id").str.starts_with("N")).group_by("park_id").agg(pl.col("period").sort())
    assert periods.filter(pl.col("period").list.len() == 2).height >= peers.height - 3
    for f in ("industries.csv", "chains.csv", "segments.csv", "segment_links.csv"):
        (a / f).write_bytes((DEMO / f).read_bytes())
    view = GraphView(load_dataset(a).tables)
    s = AnalysisSettings()
    r = park_ranking(view, s)
    assert (r.home_region, r.home_inferred) == ("379900", True)
    assert len(r.by_city) == 6 and sum(c.top10_scale for c in r.by_city) == 10
    assert any(c.best_count and c.best_count > (c.home_count or 0) for c in r.comparison)  # a neighbour leads somewhere
    # peer parks carry no firms: left out of concentration and cohesion
    coh = park_cohesion(view, s).rows
    own = {x.park_id for x in park_concentration(view, s)} | {x.park_id for x in coh}
    assert own == set(parks.filter(~pl.col("id").str.starts_with("N")).get_column("id").to_list())
    # local↔local ties make some parks cohesive and leave others flagged 区内企业关联性不强
    flagged = [x.flag is not None for x in coh]
    assert any(flagged) and not all(flagged) and max(x.cohesion for x in coh) > 0.4
