"""Scope parsing, region descendants, the per-view memo, and an empty view."""

from __future__ import annotations

import datetime as dt

import pytest

from graph.analysis import Scope, chain_summary, gaps, park_cohesion, park_ranking, project_report, segment_presence, whatif
from graph.analysis.scope import local_ids, region_descendants
from graph.settings import AnalysisSettings
from graph.view import GraphView
from tests.analysis_fixture import fixture_tables

S = AnalysisSettings()


def test_scope_parse_round_trip():
    for text in ("city", "park:P1", "region:370102"):
        assert str(Scope.parse(text)) == text
    assert Scope.parse(None) == Scope.city() == Scope.parse("")
    assert Scope.parse(Scope.park("P1")) == Scope("park", "P1")
    for bad, msg in (("town:1", "未知范围类型"), ("park:", "需要编号"), ("P1", "无法识别范围")):
        with pytest.raises(ValueError, match=msg):
            Scope.parse(bad)


def test_region_scope_includes_descendants_and_parks():
    view = GraphView(fixture_tables())
    assert region_descendants(view, "370100") == {"370100", "370102", "370103"}
    # 370102: L1, L2, L4, L6, L8, L9, L11, L12, L13 registered there (P1 and P3 lie there too)
    assert sorted(local_ids(view, Scope.region("370102")).to_list()) == ["L1", "L11", "L12", "L13", "L2", "L4", "L6", "L8", "L9"]
    # a park's scope never includes local enterprises outside it, nor candidates
    assert sorted(local_ids(view, Scope.park("P2")).to_list()) == ["L10", "L3", "L5", "L7"]
    with pytest.raises(ValueError, match="未知行政区划代码"):
        gaps(view, S, scope="region:999999")


def test_memo_reuses_presence_per_scope_and_threshold():
    view = GraphView(fixture_tables())
    a = segment_presence(view, S)
    assert segment_presence(view, S) is a
    assert segment_presence(view, AnalysisSettings(weak_min_count=5)) is a  # weights/thresholds not used by presence
    b = segment_presence(view, AnalysisSettings(above_scale_revenue=3000))
    assert b is not a
    assert b.filter(b["segment_id"] == "A1")["above_scale_count"].item() == 2  # L1 5000, L2 3000; L3 2500 no more
    assert segment_presence(view, S, extra_local=[("X1", "A3"), ("X1", "A3")]) is segment_presence(view, S, extra_local=[("X1", "A3")])


def test_empty_view():
    view = GraphView({})
    assert gaps(view, S).rows == [] and chain_summary(view, S) == []
    assert segment_presence(view, S).height == 0
    r = park_ranking(view, S)
    assert r.period is None and r.by_city == [] and r.home_region is None
    assert r.comparison[0].sentence == "十强：没有园区数据"
    assert park_cohesion(view, S).rows == []
    rep = project_report(view, S, as_of=dt.date(2026, 1, 1))
    assert rep.total == 0 and all(c.rate is None for c in rep.conversion)
    assert whatif(view, S).rows == []


def test_memo_is_bounded_and_off_the_view():
    import gc

    from graph.analysis.memo import MEMO, AnalysisMemo

    view = GraphView(fixture_tables())
    small = AnalysisMemo(maxsize=8)
    for rev in range(50):  # a user dragging the above-scale slider through 50 values
        small.get(view, ("presence", rev), lambda: rev)
    assert len(small) == 8
    assert isinstance(view.__dict__["_memo_id"], int)  # all the view carries: no entries on it
    assert not [k for k, v in view.__dict__.items() if isinstance(v, dict) and k not in ("tables", "meta", "indexes", "aggregates")]  # indexes: persisted per generation; aggregates: a scoped view's server figures; not memo entries
    # the shared memo forgets a view that is gone
    before = len(MEMO)
    other = GraphView(fixture_tables())
    segment_presence(other, S)
    assert len(MEMO) > before
    del other
    gc.collect()
    assert len(MEMO) == before
