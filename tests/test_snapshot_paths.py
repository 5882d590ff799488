"""The cheaper ingest paths give the same view and the same snapshot as the plain ones.

The view file orders ``enterprise_segments`` by integer keys and keeps the enterprise row index
it found on the way (:func:`graph.stores.viewfile.order_links`); the snapshot counts candidates
on segment codes (:func:`graph.analysis.presence._count_candidates`). The references here are the
previous formulations: the text sort with the index joined afterwards, the count on text keys.
"""

from __future__ import annotations

import polars as pl
import pytest

from graph.analysis import presence
from graph.mapping import canonical_order
from graph.schema import TABLES
from graph.settings import AnalysisSettings
from graph.stores import viewfile
from graph.view import GraphView, conform
from graph.workspace.snapshots import snapshot_of


def _reference_counts(cand: pl.DataFrame, closure: pl.DataFrame) -> pl.DataFrame:
    return (
        cand.rename({"segment_id": "member_id"})
        .join(closure, on="member_id", how="inner")
        .group_by("segment_id")
        .agg(pl.col("_eidx").n_unique().cast(pl.Int64).alias("candidate_count"))
    )


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from bench.generate import generate, write_dataset
    from ingest import load_dataset

    res = load_dataset(write_dataset(generate(3000, seed=5), tmp_path_factory.mktemp("gen3k") / "gen"))
    assert res.ok
    return res.tables


def _shuffled(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Every table in another row order: the view must sort them back."""
    return {n: df.sample(fraction=1.0, shuffle=True, seed=3) for n, df in tables.items()}


def _write(tmp_path, tables) -> tuple[dict[str, pl.DataFrame], dict[str, pl.Series]]:
    w = viewfile.ViewWriter(tmp_path / "x.view")
    for name in TABLES:
        w.add(name, tables.get(name))
    w.add_indexes()
    w.publish("g", "v")
    loaded = viewfile.load(tmp_path / "x.view", "g", "v")
    assert loaded is not None
    return loaded[0], loaded[1]


@pytest.mark.parametrize("which", ["demo", "generated"])
@pytest.mark.parametrize("shuffle", [False, True])
def test_view_file_same_tables_and_index(which, shuffle, demo_tables, generated, tmp_path):
    source = demo_tables if which == "demo" else generated
    tables, indexes = _write(tmp_path, _shuffled(source) if shuffle else source)
    for name in TABLES:
        assert tables[name].equals(canonical_order(name, conform(name, source.get(name)))), name
    ref = viewfile.eidx_index(tables["enterprises"], tables["enterprise_segments"])
    assert ref is not None and indexes["es_eidx"].equals(ref)


def test_order_links_unknown_enterprise_falls_back():
    ent = pl.DataFrame({"id": ["a", "c"]})
    links = pl.DataFrame({"enterprise_id": ["c", "b", "a"], "segment_id": ["x", "x", "y"]})
    out, idx = viewfile.order_links(ent, links)
    assert out.rows() == [("a", "y"), ("b", "x"), ("c", "x")] and idx is None


def test_order_links_order_and_unsorted_ids():
    links = pl.DataFrame({"enterprise_id": ["b", "a", "a"], "segment_id": ["x", "y", "x"], "n": [1, 2, 3]})
    out, idx = viewfile.order_links(pl.DataFrame({"id": ["a", "b"]}), links)
    assert out.get_column("n").to_list() == [3, 2, 1] and idx.to_list() == [0, 0, 1]
    out, idx = viewfile.order_links(pl.DataFrame({"id": ["b", "a"]}), links)  # not in canonical order: the text sort
    assert out.get_column("n").to_list() == [3, 2, 1] and idx.to_list() == [1, 1, 0]


@pytest.mark.parametrize("which", ["demo", "generated"])
def test_snapshot_same_as_reference(which, demo_tables, generated, tmp_path, monkeypatch):
    source = demo_tables if which == "demo" else generated
    tables, indexes = _write(tmp_path, _shuffled(source))
    settings = AnalysisSettings()
    new = snapshot_of(GraphView(tables, {}, indexes), settings)
    monkeypatch.setattr(presence, "_count_candidates", _reference_counts)
    old = snapshot_of(GraphView(source), settings)  # the tables as validated, no persisted index, text keys
    assert new.model_dump() == old.model_dump()
    assert any(s.label != "strong" for s in new.segments) and new.parks


def test_history_traces_runs_through_labels_like_the_full_states(tmp_path):
    """history() loads full states of the two compared snapshots only; the result is the one
    compare() gives with every snapshot's full states (the previous way)."""
    import random

    from graph.workspace import history
    from graph.workspace.db import Workspace
    from graph.workspace.history import compare, resolve_snapshot
    from graph.workspace.snapshots import ChainState, SegmentState, Snapshot, list_snapshots, load_chains, load_segments, record_snapshot

    ws = Workspace(tmp_path / "h.workspace.sqlite")
    rng = random.Random(4)
    for n in range(9):
        segs = [
            SegmentState(segment_id=f"S{i:02d}", chain_id=f"C{i % 2}", label=rng.choice(["broken", "missing", "weak", "strong"]), priority=rng.random(), local_count=i)
            for i in range(14)
            if rng.random() > 0.15  # some segments absent from some snapshots (new, removed)
        ]
        chains = [ChainState(chain_id=f"C{c}", completeness=rng.random(), completeness_key_weighted=0.5) for c in range(2)]
        record_snapshot(ws, Snapshot(settings={"n": n}, segments=segs, chains=chains), dataset="d", store="s", taken_at=f"2026-01-0{n + 1}T09:00:00+08:00")
    for args in ({}, {"chain_id": "C1"}, {"from_snap": 2, "to_snap": 7}, {"from_snap": 4}, {"to_snap": 1}, {"to_snap": 5, "chain_id": "C0"}):
        snaps = list_snapshots(ws)
        to_id, from_id = resolve_snapshot(snaps, args.get("to_snap")), resolve_snapshot(snaps, args.get("from_snap"))
        if to_id is None and from_id is not None:
            to_id = snaps[-1].id
        upto = to_id if to_id is not None else snaps[-1].id
        chain = args.get("chain_id")
        old = compare(snaps, load_segments(ws, up_to=upto, chain_id=chain), load_chains(ws, chain_id=chain), from_id, to_id, chain)
        new = history(ws, **args)
        assert new.model_dump() == old.model_dump(), args
        assert args or (new.persistent or new.healed or new.worsened or new.new or new.removed)
