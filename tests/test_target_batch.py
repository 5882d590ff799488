"""targets_many (the reports' ranking of many segments in one pass) equals targets() segment by segment.

Pure: the demo and a generated dataset (4,000 enterprises), every segment of every chain, for settings and
filter variants, scopes and page sizes, with the pools stacked in one pass and cut into many runs. The
results are compared whole (rows with reasons, counts per gate and filter, the ranked order and the
scores to the last bit).
"""

from __future__ import annotations

import pytest

from graph.analysis import target_batch
from graph.analysis.target_batch import targets_many
from graph.analysis.targets import targets
from graph.settings import AnalysisSettings
from graph.view import GraphView


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    from bench.generate import generate, write_dataset
    from ingest import load_dataset

    res = load_dataset(write_dataset(generate(4_000, seed=23), tmp_path_factory.mktemp("target_batch") / "gen"))
    assert res.ok, [str(i) for i in res.errors[:5]]
    return GraphView(res.tables)


@pytest.fixture(scope="module")
def demo(demo_tables):
    return GraphView(demo_tables)


def _segments(view: GraphView) -> list[str]:
    return view.segments.get_column("id").to_list()


def _scopes(view: GraphView) -> list[str]:
    parks = view.parks.get_column("id").to_list()[:1]
    regions = view.enterprises.filter(view.enterprises["local"]).get_column("region_code").drop_nulls().unique().sort().to_list()[:1]
    return ["city", *(f"park:{p}" for p in parks), *(f"region:{r}" for r in regions)]


VARIANTS = [
    ({}, {}),
    ({}, {"gates": False}),
    ({"min_coverage": 0.8, "gate_high_energy": False}, {}),
    ({"target_weights": {"scale": 0, "innovation": 0, "ties": 0, "fit": 0, "growth": 0, "green": 0}}, {}),
    ({"target_weights": {"scale": 1, "innovation": 0, "ties": 0.4, "fit": 0, "growth": 0.3, "green": 0}, "unknown_value": 0.2}, {}),
    ({}, {"province": "江苏省", "min_revenue": 1000.0}),
    ({}, {"listed_only": True, "qualifications": ["专精特新"]}),
]


def _compare(view: GraphView, settings: AnalysisSettings, segments: list[str], **kw) -> None:
    many = targets_many(view, settings, segments, **kw)
    assert list(many) == segments
    for seg in segments:
        one = targets(view, settings, seg, **kw)
        got = many[seg]
        assert got == one, seg
        assert (got.ranked_ids, got.ranked_scores, got.offset) == (one.ranked_ids, one.ranked_scores, one.offset), seg  # excluded from ==


@pytest.mark.parametrize("which", ["demo", "generated"])
@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_every_segment_ranks_as_on_its_own(which, variant, request):
    view = request.getfixturevalue(which)
    overrides, kw = VARIANTS[variant]
    settings = AnalysisSettings(**overrides)
    segments = _segments(view)
    ranked = targets_many(view, settings, segments)
    assert sum(r.ranked_size for r in ranked.values()) > 0 and sum(len(r.rows) for r in ranked.values()) > 0
    _compare(view, settings, segments, top=None if variant == 0 else 1, **kw)  # all rows once; the report's first target


@pytest.mark.parametrize("which", ["demo", "generated"])
def test_scopes_pages_and_runs(which, request, monkeypatch):
    view = request.getfixturevalue(which)
    settings = AnalysisSettings()
    segments = _segments(view)[::-3]  # any order: the results come back in the order asked
    for scope in _scopes(view)[1:]:
        _compare(view, settings, segments, scope=scope, top=2)
    _compare(view, settings, segments, top=0)
    monkeypatch.setattr(target_batch, "ROWS_PER_PASS", 40)  # many small runs, a big segment alone
    assert len(target_batch._passes(target_batch._pool_rows(view, segments), 40)) > 5
    _compare(view, settings, segments, top=1, gates=False, province="广东")


def test_the_demo_has_ties_the_gates_and_the_pipeline_to_compare(demo):
    """The comparisons above see every kind of row: pipeline rows, both gates removing, ties."""
    res = targets_many(demo, AnalysisSettings(), _segments(demo))
    assert any(r.in_pipeline for t in res.values() for r in t.rows)
    assert all(sum(t.gate_removed[g] for t in res.values()) > 0 for g in ("pollution", "energy"))
    assert any(r.factors["ties"] > 0 for t in res.values() for r in t.rows if r.rank is not None)


def test_unknown_segment_is_refused_as_by_targets(demo):
    with pytest.raises(ValueError, match="未知环节编号"):
        targets_many(demo, AnalysisSettings(), ["NO-SUCH"])
