"""Structural invariants of the demo city's chain files (data/demo, 示例市 is fictional).

Checks industries.csv, chains.csv, segments.csv and segment_links.csv against the data contract
(graph.schema) and against the real code lists copied into tests/fixtures/codes (GB/T 4754-2017 and
申万 2021): ids, references, enums, segment counts per chain, multi-level structure, a connected
SUPPLIES graph deep enough for 'broken' gaps, and at least one recycling loop.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import pytest

from graph.schema import ENUMS, TABLES

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
CODES = Path(__file__).resolve().parent / "fixtures" / "codes"
FILES = ("industries", "chains", "segments", "segment_links")
TRUE, FALSE = "true", "false"


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = [{k: (v or "").strip() for k, v in r.items()} for r in reader]
        return list(reader.fieldnames or []), rows


def _split(cell: str) -> list[str]:
    for sep in ("；", "、"):
        cell = cell.replace(sep, ";")
    return [x.strip() for x in cell.split(";") if x.strip()]


@pytest.fixture(scope="module")
def demo() -> dict[str, list[dict[str, str]]]:
    return {name: _read(DEMO / f"{name}.csv")[1] for name in FILES}


@pytest.fixture(scope="module")
def gbt_codes() -> dict[str, int]:
    return {r["code"]: int(r["level"]) for r in _read(CODES / "gbt4754_2017_codes.csv")[1]}


@pytest.fixture(scope="module")
def sw_codes() -> dict[str, int]:
    return {r["code"]: int(r["level"]) for r in _read(CODES / "sw2021_industries.csv")[1]}


def test_code_fixtures_are_the_real_lists(gbt_codes, sw_codes):
    assert Counter(gbt_codes.values()) == {1: 20, 2: 97, 3: 473, 4: 1381}
    assert Counter(sw_codes.values()) == {1: 31, 2: 134, 3: 346}
    assert gbt_codes["3841"] == 4 and sw_codes["630701"] == 3  # 锂离子电池制造 / 锂电池


@pytest.mark.parametrize("name", FILES)
def test_headers_follow_the_contract(name):
    header, rows = _read(DEMO / f"{name}.csv")
    table = TABLES[name]
    assert rows, f"{name}.csv is empty"
    unknown = [h for h in header if h not in table.column_names]
    missing = [c.name for c in table.columns if c.required and c.name not in header]
    assert not unknown and not missing, (unknown, missing)
    for col in table.columns:
        if col.required:
            empty = [i + 2 for i, r in enumerate(rows) if not r.get(col.name)]
            assert not empty, f"{name}.{col.name} empty on rows {empty[:5]}"


def test_ids_unique(demo):
    for name in ("industries", "chains", "segments"):
        dup = [k for k, n in Counter(r["id"] for r in demo[name]).items() if n > 1]
        assert not dup, f"duplicate {name} ids: {dup}"
    dup = [k for k, n in Counter((r["from_id"], r["to_id"]) for r in demo["segment_links"]).items() if n > 1]
    assert not dup, f"duplicate links: {dup}"


def test_industries_profile(demo, gbt_codes):
    inds = demo["industries"]
    cats = Counter(r["category"] for r in inds)
    assert set(cats) <= set(ENUMS["category"]), cats
    assert cats["leading"] >= 3 and cats["emerging"] >= 3 and cats["specialty"] >= 2, cats
    bad = [(r["id"], g) for r in inds for g in _split(r["gbt4754"]) if g not in gbt_codes]
    assert not bad, f"unknown GB/T codes: {bad}"
    # the city is fictional and says so
    assert all("虚构" in r["description"] for r in inds)


def test_chains_per_industry(demo):
    ind_ids = {r["id"] for r in demo["industries"]}
    chains = demo["chains"]
    assert len(chains) >= 10
    assert all(r["industry_id"] in ind_ids for r in chains)
    per_ind = Counter(r["industry_id"] for r in chains)
    assert set(per_ind) == ind_ids, "every industry has a chain"
    assert sum(1 for n in per_ind.values() if n >= 2) >= 2, "some industries have two chains"


def test_segments_per_chain_and_enums(demo):
    chain_ids = {r["id"] for r in demo["chains"]}
    segs = demo["segments"]
    assert {r["chain_id"] for r in segs} <= chain_ids
    per_chain = Counter(r["chain_id"] for r in segs)
    wrong = {c: per_chain[c] for c in chain_ids if not 12 <= per_chain[c] <= 40}
    assert not wrong, f"chains outside 12..40 segments: {wrong}"
    assert all(r["stage"] in ENUMS["stage"] for r in segs)
    assert all(r["key"] in (TRUE, FALSE) for r in segs)
    for c in chain_ids:
        rows = [r for r in segs if r["chain_id"] == c]
        assert {r["stage"] for r in rows} == set(ENUMS["stage"]), f"{c} lacks a stage"
        n_key = sum(r["key"] == TRUE for r in rows)
        assert 1 <= n_key <= len(rows) // 2, f"{c}: {n_key} key segments"
        assert all(_split(r["keywords"]) for r in rows), f"{c}: segment without keywords"


def test_parents_same_chain_no_cycles(demo):
    segs = {r["id"]: r for r in demo["segments"]}
    g = nx.DiGraph()
    for s in segs.values():
        if s["parent_id"]:
            assert s["parent_id"] in segs, s["id"]
            assert segs[s["parent_id"]]["chain_id"] == s["chain_id"], s["id"]
            assert s["parent_id"] != s["id"]
            g.add_edge(s["id"], s["parent_id"])
    assert nx.is_directed_acyclic_graph(g)
    multi = {segs[p]["chain_id"] for p in g.nodes if g.in_degree(p) > 0}
    assert len(multi) >= 10, "most chains are multi-level"


def test_segment_codes_are_real(demo, gbt_codes, sw_codes):
    bad_g, bad_s = [], []
    for r in demo["segments"]:
        gs = _split(r["gbt4754"])
        assert gs, f"{r['id']} has no GB/T code"
        bad_g += [(r["id"], g) for g in gs if gbt_codes.get(g) != 4]
        bad_s += [(r["id"], s) for s in _split(r["sw_codes"]) if sw_codes.get(s) != 3]
    assert not bad_g, f"not a GB/T 4754-2017 small class: {bad_g}"
    assert not bad_s, f"not a 申万2021 L3 code: {bad_s}"
    with_sw = sum(1 for r in demo["segments"] if _split(r["sw_codes"]))
    assert with_sw >= 0.8 * len(demo["segments"])


def test_links_refs_and_chain_graphs(demo):
    segs = {r["id"]: r for r in demo["segments"]}
    g = nx.DiGraph()
    for r in demo["segment_links"]:
        a, b = r["from_id"], r["to_id"]
        assert a in segs and b in segs, (a, b)
        assert a != b, f"self link {a}"
        g.add_edge(a, b)
    by_chain: dict[str, list[str]] = defaultdict(list)
    for s in segs.values():
        by_chain[s["chain_id"]].append(s["id"])
    for chain, nodes in by_chain.items():
        h = nx.DiGraph()
        h.add_nodes_from(nodes)
        h.add_edges_from((a, b) for a, b in g.edges if a in h and b in h)
        assert nx.is_weakly_connected(h), f"{chain}: SUPPLIES graph not connected"
        depth = nx.dag_longest_path_length(nx.condensation(h))
        assert depth >= 3, f"{chain}: SUPPLIES depth {depth}"
        middle = [n for n in nodes if nx.ancestors(h, n) and nx.descendants(h, n)]
        assert len(middle) >= 3, f"{chain}: too few segments that could be 'broken'"
    cross = [(a, b) for a, b in g.edges if segs[a]["chain_id"] != segs[b]["chain_id"]]
    assert cross, "some segments are shared between chains via links"


def test_recycling_loop_present(demo):
    g = nx.DiGraph((r["from_id"], r["to_id"]) for r in demo["segment_links"])
    cycles = list(nx.simple_cycles(g))
    assert cycles, "at least one recycling loop"
    assert any("BAT-D05" in c and "BAT-U05" in c for c in cycles), "battery recycling feeds cathode material"
