"""The benchmark's generator, its networkx baselines and its measuring harness (tiny sizes)."""

from __future__ import annotations

import datetime as dt
import sys

import polars as pl
import pytest
from stdnum.cn import uscc

from bench import baselines as B
from bench import compare as C
from bench.generate import credit_codes, generate, parse_size, write_dataset
from bench.measure import _page_entries, run_child
from graph.settings import AnalysisSettings
from graph.view import GraphView

ingest = pytest.importorskip("ingest")


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    d = tmp_path_factory.mktemp("bench2k")
    write_dataset(generate(2_000, seed=3), d)
    return d


@pytest.fixture(scope="module")
def loaded(dataset):
    res = ingest.load_dataset(dataset)
    return res


def test_ingest_accepts_generated_dataset(loaded):
    assert loaded.ok, [str(i) for i in loaded.errors][:5]
    # the only warning is the deliberate recycling loop in chain CH01
    assert all("CH01" in str(w) for w in loaded.warnings), [str(w) for w in loaded.warnings]
    t = loaded.tables
    assert t["enterprises"].height == 2_000
    per_ent = t["enterprise_segments"].height / 2_000
    assert 1.6 < per_ent < 2.2
    local = t["enterprises"].get_column("local").mean()
    assert 0.02 < local < 0.09
    assert t["segments"].get_column("parent_id").is_not_null().sum() > 0
    assert t["supply_links"].height > 0 and t["projects"].height >= 50 and t["park_stats"].height == 2 * t["parks"].height


def test_credit_codes_valid_and_sparse(dataset):
    e = pl.read_csv(dataset / "enterprises.csv", infer_schema=False)
    codes = e.get_column("credit_code").drop_nulls().to_list()
    assert 0.05 * e.height < len(codes) < 0.2 * e.height
    assert all(uscc.is_valid(c) for c in codes)
    import numpy as np

    more = credit_codes(np.array(["370102"] * 500), np.random.default_rng(0))
    assert all(uscc.is_valid(c) and c[2:8] == "370102" for c in more)


def test_seeded_and_deterministic():
    a, b, c = generate(2_000, 5), generate(2_000, 5), generate(2_000, 6)
    for name in a:
        assert a[name].equals(b[name]), name
    assert not a["enterprise_segments"].equals(c["enterprise_segments"])


def test_ids_stay_text(dataset):
    e = pl.read_csv(dataset / "enterprises.csv", infer_schema=False)
    listed = e.get_column("listed_code").drop_nulls()
    assert listed.str.len_chars().eq(6).all()


def test_parse_size():
    assert parse_size("10k") == 10_000 and parse_size("1M") == 1_000_000 and parse_size("2500") == 2_500


def test_networkx_baselines_give_the_same_answer(loaded):
    from graph.analysis import gaps, targets
    from graph.analysis.parks import park_overlap
    from graph.analysis.projects import project_report

    view = GraphView(loaded.tables)
    s = AnalysisSettings()
    as_of = dt.date(2026, 6, 30)
    g = B.build_graph(view)
    ga = C.canon_gaps_analysis(gaps(view, s))
    assert {v[0] for v in ga.values()} == {"broken", "missing", "weak", "strong"}
    assert C.diff(ga, C.canon_gaps_nx(B.gaps(g, s))) == []
    ta = C.canon_targets_analysis(targets(view, s, "NEV-M01"))
    assert ta["ranked"] and C.diff(ta, C.canon_targets_nx(B.targets(g, s, "NEV-M01"))) == []
    oa = C.canon_overlap_analysis(park_overlap(view, s))
    assert oa and C.diff(oa, C.canon_overlap_nx(B.park_overlap(g, s))) == []
    pa = C.canon_projects_analysis(project_report(view, s, as_of=as_of))
    assert pa["stalled"] and C.diff(pa, C.canon_projects_nx(B.project_metrics(g, s, as_of))) == []


def test_diff_sees_a_difference(loaded):
    view = GraphView(loaded.tables)
    g = B.build_graph(view)
    s = AnalysisSettings()
    good = C.canon_gaps_nx(B.gaps(g, s))
    seg = sorted(good)[0]
    bad = {k: list(v) for k, v in good.items()}
    bad[seg][4] += 1  # one candidate more
    assert C.diff(good, bad) and C.diff(good, bad)[0].startswith(f"/{seg}")
    near = {k: list(v) for k, v in good.items()}
    if near[seg][2]:
        near[seg][2] *= 1 + 1e-12  # float noise is not a difference
    assert C.diff(good, near) == []


def test_run_child_reads_peak_memory_of_the_child():
    r = run_child([sys.executable, "-c", "b = bytearray(150 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096])"])
    assert r.rc == 0
    assert r.maxrss_mb >= 150


def test_page_times_formats():
    assert _page_entries({"总览": 0.8, "缺链": 1.2}) == [("demo", {"总览": 0.8, "缺链": 1.2})]
    assert _page_entries([{"page": "a", "seconds": 1.0, "dataset": "1M"}]) == [("1M", {"a": 1.0})]
    assert _page_entries({"demo": {"a": {"seconds": 0.5}}}) == [("demo", {"a": 0.5})]
    assert _page_entries({"store": "fixture", "seconds": {"总览": 1.5}}) == [("fixture", {"总览": 1.5})]
