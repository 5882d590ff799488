"""Target ranking in pages: the pool prepared once per view and segment, rows (and reasons) only for the page asked for.

Paging must never change an answer: the pages together are the full result, row for row, reasons
included; the whole order (``ranked_ids``, ``ranked_scores``) is there whatever the page; the pool
kept between calls holds nothing that depends on the settings.
"""

from __future__ import annotations

import importlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.analysis import targets
from graph.analysis.memo import MEMO
from graph.settings import AnalysisSettings
from graph.view import GraphView
from tests.analysis_fixture import fixture_tables
from tests.test_analysis_properties import datasets

T = importlib.import_module("graph.analysis.targets")  # the module (the package exports the function under the same name)
PAGES = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

VARIANTS = [
    AnalysisSettings(),
    AnalysisSettings(unknown_value=0.2, min_coverage=0.6),
    AnalysisSettings(target_weights={"scale": 0.0, "innovation": 1.0, "ties": 0.5, "fit": 0.0, "growth": 2.0, "green": 0.1}),
    AnalysisSettings(gate_high_pollution=False, ties_saturation=1),
]


def _dump(res) -> list[dict]:
    return [r.model_dump() for r in res.rows]


@PAGES
@given(datasets(), st.integers(1, 4), st.sampled_from(range(len(VARIANTS))))
def test_pages_together_are_the_full_result(tables, size, variant):
    view, s = GraphView(tables), VARIANTS[variant]
    for seg in tables["segments"]["id"].to_list()[:3]:
        full = targets(view, s, seg, gates=variant != 3)
        ranked = [r for r in _dump(full) if r["rank"] is not None]
        piped = [r for r in _dump(full) if r["rank"] is None]
        assert full.ranked_ids == [r["enterprise_id"] for r in ranked]
        assert full.ranked_scores == [r["score"] for r in ranked]
        got = []
        for offset in range(0, len(ranked) + size, size):
            page = targets(view, s, seg, top=size, offset=offset, gates=variant != 3)
            rows = _dump(page)
            assert rows[len(rows) - len(piped) :] == piped  # every page carries the pipeline rows
            got += rows[: len(rows) - len(piped)]
            assert (page.ranked_ids, page.ranked_scores, page.pool_size, page.ranked_size) == (full.ranked_ids, full.ranked_scores, full.pool_size, full.ranked_size)
            assert (page.gate_removed, page.filter_removed, page.offset) == (full.gate_removed, full.filter_removed, offset)
        assert got == ranked  # ranks, scores, factors, reasons: identical whatever the page
        for r in ranked:
            assert full.rank_of(r["enterprise_id"]) == r["rank"]
        assert all(full.rank_of(r["enterprise_id"]) is None for r in piped)


def test_a_page_on_the_fixture_names_its_place_and_the_total():
    view = GraphView(fixture_tables())
    seg = next(s for s in view.segments.get_column("id").to_list() if targets(view, AnalysisSettings(), s).target_count >= 3)
    full = targets(view, AnalysisSettings(), seg)
    second = targets(view, AnalysisSettings(), seg, top=2, offset=1)
    ranks = [r.rank for r in second.rows if r.rank is not None]
    assert ranks == [2, 3] and second.target_count == full.target_count >= 3
    assert [r.model_dump() for r in second.rows if r.rank] == [r.model_dump() for r in full.rows if r.rank in (2, 3)]
    assert targets(view, AnalysisSettings(), seg, top=5, offset=10_000).rows == [r for r in full.rows if r.rank is None]


def test_the_kept_pool_holds_nothing_of_the_settings():
    """One view answers every settings variant in turn exactly as a fresh view does (nothing kept leaks between them)."""
    tables = fixture_tables()
    view = GraphView(tables)
    segs = view.segments.get_column("id").to_list()
    differ: dict[str, set] = {seg: set() for seg in segs}
    for s in VARIANTS + VARIANTS[::-1]:
        for seg in segs:
            for kw in ({}, {"gates": False}, {"min_revenue": 1.0}):
                kept = targets(view, s, seg, **kw)
                fresh = targets(GraphView(tables), s, seg, **kw)
                assert _dump(kept) == _dump(fresh) and kept.ranked_ids == fresh.ranked_ids, (seg, s, kw)
                differ[seg].add(str(_dump(kept)))
    assert max(len(v) for v in differ.values()) >= 6  # the variants do change the answers (else this test could not fail)


def test_the_pool_is_built_once_per_view_and_segment(monkeypatch):
    view = GraphView(fixture_tables())
    seg = view.segments.get_column("id").to_list()[0]
    calls = []
    real = T._pool
    monkeypatch.setattr(T, "_pool", lambda v, s: calls.append(s) or real(v, s))
    for i, s in enumerate(VARIANTS):
        targets(view, s, seg, top=i)
    assert calls == [seg]
    MEMO.clear(view)  # the memo forgotten: built again
    targets(view, VARIANTS[0], seg)
    assert calls == [seg, seg]


def test_kept_pools_are_bounded(monkeypatch):
    monkeypatch.setattr(T, "POOL_CACHE", 2)
    view = GraphView(fixture_tables())
    segs = view.segments.get_column("id").to_list()[:3]
    for seg in segs:
        targets(view, AnalysisSettings(), seg)
    pools = MEMO.get(view, ("target_pools",), lambda: pytest.fail("the pools entry is missing"))
    assert len(pools) == 2


def test_company_standing_uses_the_rank_in_the_whole_order():
    from graph.analysis.company import company_profile

    view = GraphView(fixture_tables())
    s = AnalysisSettings()
    seen = 0
    for seg in view.segments.get_column("id").to_list():
        full = targets(view, s, seg)
        for row in full.rows[1:3]:
            if row.rank is None:
                continue
            st_ = next(x.standing for x in company_profile(view, s, row.enterprise_id).segments if x.segment_id == seg)
            assert (st_.rank, st_.ranked_size, st_.score, st_.reasons) == (row.rank, full.ranked_size, row.score, row.reasons)
            seen += 1
    assert seen >= 2
