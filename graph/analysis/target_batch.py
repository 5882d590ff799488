"""The target ranking of several segments in one pass (the reports' broken and missing segments).

:func:`graph.analysis.targets.targets` ranks one segment's pool; a report asks it for every broken
and missing segment of every chain (306 calls at 1M enterprises, a few dozen polars steps each).
:func:`targets_many` stacks the pools of many segments in one frame (a ``_seg`` column) and runs
each step once over it: the percentiles, the ranks and the gate and filter counts are taken per
segment (``over``), every other value is computed row by row exactly as for one segment, so each
segment's :class:`~graph.analysis.results.TargetResult` equals the one :func:`targets` returns
(``tests/test_target_batch.py`` compares them for every segment and several settings).
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import polars as pl

from graph.analysis.presence import segment_closure
from graph.analysis.results import TargetResult
from graph.analysis.scope import Scope, check_scope
from graph.analysis.target_rows import target_rows
from graph.analysis.targets import (
    GROUP,
    _candidate_rows,
    _coverage,
    _factors,
    _filter_steps,
    _member_rows,
    _pool_frame,
    _rank,
    _segment_row,
    _settled,
)
from graph.settings import AnalysisSettings
from graph.view import GraphView

SEG = GROUP  # the position of a row's segment in the list asked for
#: pool rows (candidates' links into a segment and its sub-segments) ranked in one pass at most; more segments
#: are ranked a run at a time (a stack of every pool of a chain held up to 70 MB more at 1M enterprises)
ROWS_PER_PASS = 30_000


def _pool_rows(view: GraphView, segment_ids: list[str]) -> list[np.ndarray]:
    """Each segment's pool rows (rows of ``_es_base``: its candidates' links into it and its sub-segments), in table order."""
    closure = segment_closure(view).filter(pl.col("segment_id").is_in(segment_ids))
    members: dict[str, list[str]] = {}
    for seg, member in closure.iter_rows():
        members.setdefault(seg, []).append(member)
    flat, offsets = _candidate_rows(view)
    return [_member_rows(flat, offsets, members.get(seg, [])) for seg in segment_ids]


def _passes(rows: list[np.ndarray], budget: int) -> list[list[int]]:
    """Segment positions cut into runs whose pool rows stay within ``budget`` (a bigger segment makes a run alone).

    >>> _passes([np.zeros(3), np.zeros(3), np.zeros(5), np.zeros(1)], 6)
    [[0, 1], [2, 3]]
    """
    out: list[list[int]] = []
    total = budget + 1
    for i, r in enumerate(rows):
        if total + len(r) > budget or not out:
            out.append([])
            total = 0
        out[-1].append(i)
        total += len(r)
    return out


def _pools(view: GraphView, rows: list[np.ndarray]) -> pl.DataFrame:
    """The pools of the segments stacked (:func:`graph.analysis.targets._pool` of each, ``_seg`` its position in ``rows``), segment after segment."""
    if not rows:
        return _pool_frame(view, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    owner = np.concatenate([np.full(len(r), i, dtype=np.int64) for i, r in enumerate(rows)])
    return _pool_frame(view, np.concatenate(rows), owner)


def _counts(frame: pl.DataFrame, n: int) -> list[int]:
    """Rows per segment position 0 … n-1 (0 for a segment without rows)."""
    got = np.bincount(frame.get_column(SEG).to_numpy(), minlength=n) if frame.height else np.zeros(n, dtype=np.int64)
    return [int(x) for x in got]


def _cut(pool: pl.DataFrame, steps: list[tuple[str, pl.Expr]], n: int) -> tuple[pl.DataFrame, dict[str, list[int]]]:
    """Apply the conditions in order: (remaining rows, name -> rows removed per segment position)."""
    removed: dict[str, list[int]] = {}
    for name, cond in steps:
        before = _counts(pool, n)
        pool = pool.filter(cond)
        removed[name] = [b - a for b, a in zip(before, _counts(pool, n))]
    return pool, removed


def targets_many(
    view: GraphView,
    settings: AnalysisSettings,
    segment_ids: Iterable[str],
    *,
    scope: Scope | str = Scope.city(),
    top: int | None = None,
    gates: bool = True,
    province: str | None = None,
    listed_only: bool = False,
    min_revenue: float | None = None,
    qualifications: Iterable[str] = (),
) -> dict[str, TargetResult]:
    """Segment id -> the :func:`graph.analysis.targets.targets` result of that segment, all ranked in one pass.

    Parameters
    ----------
    view : GraphView
    settings : AnalysisSettings
        As :func:`~graph.analysis.targets.targets` reads it.
    segment_ids : iterable of str
        The segments (each once; an unknown id raises ``ValueError`` as there).
    scope, top, gates, province, listed_only, min_revenue, qualifications
        As :func:`~graph.analysis.targets.targets` (the first page, ``offset`` 0).

    Returns
    -------
    dict of str to TargetResult
        In the order asked, each equal to ``targets(view, settings, segment_id, ...)``.

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> from graph.analysis.targets import targets
    >>> many = targets_many(tiny_view(), AnalysisSettings(), ["S2", "S1"], gates=False, top=1)
    >>> list(many), many["S2"] == targets(tiny_view(), AnalysisSettings(), "S2", gates=False, top=1)
    (['S2', 'S1'], True)
    """
    scope = Scope.parse(scope)
    check_scope(view, scope)
    segs = list(dict.fromkeys(segment_ids))
    seg_rows = [_segment_row(view, s) for s in segs]
    rows = _pool_rows(view, segs)
    qualifications = list(qualifications)  # read once per run
    out: dict[str, TargetResult] = {}
    for run in _passes(rows, ROWS_PER_PASS):  # a few segments at a time: the stacked pools stay small
        args = (settings, scope, top, gates, province, listed_only, min_revenue, qualifications)
        out |= _rank_run(view, [segs[i] for i in run], [seg_rows[i] for i in run], [rows[i] for i in run], *args)
    return out


def _rank_run(view: GraphView, segs: list[str], seg_rows: list[dict], rows: list[np.ndarray], settings: AnalysisSettings, scope: Scope,
              top: int | None, gates: bool, province: str | None, listed_only: bool, min_revenue: float | None,
              qualifications: Iterable[str]) -> dict[str, TargetResult]:
    """:func:`targets_many` for segments whose pool rows are ``rows``, stacked in one frame."""
    n = len(segs)
    pool = _coverage(_settled(_pools(view, rows), view, view.has_supply_links()), settings)
    pool_size = _counts(pool, n)
    gate_steps = [(name, (pl.col(name) != "high").fill_null(True) if gates and on else pl.lit(True))
                  for name, on in (("pollution", settings.gate_high_pollution), ("energy", settings.gate_high_energy))]
    pool, gate_removed = _cut(pool, gate_steps, n)
    quals = [q.strip() for q in qualifications if q and q.strip()]
    pool, filter_removed = _cut(pool, _filter_steps(settings, province, listed_only, min_revenue, quals), n)
    ranked = _rank(_factors(pool, view, scope, settings, by=SEG), settings, by=SEG)
    return _results(ranked, segs, seg_rows, scope, settings, top, pool_size, _counts(pool, n), gate_removed, filter_removed)


def _results(ranked: pl.DataFrame, segs: list[str], seg_rows: list[dict], scope: Scope, settings: AnalysisSettings, top: int | None,
             pool_size: list[int], ranked_size: list[int], gate_removed: dict[str, list[int]],
             filter_removed: dict[str, list[int]]) -> dict[str, TargetResult]:
    """One result per segment from the stacked ranked frame: the first ``top`` targets and the pipeline rows as rows."""
    keep = pl.col("_in_pipe") if top is not None and top <= 0 else pl.col("_in_pipe") | (pl.col("_rank") <= (top if top is not None else ranked.height))
    shown = ranked.filter(keep)
    rows = target_rows(shown)
    shown_n = _counts(shown, len(segs))
    fresh = ranked.filter(~pl.col("_in_pipe")).group_by(SEG, maintain_order=True).agg("enterprise_id", "score")
    order = {i: (ids, scores) for i, ids, scores in fresh.iter_rows()}
    out: dict[str, TargetResult] = {}
    at = 0
    for i, seg in enumerate(segs):
        ids, scores = order.get(i, ([], []))
        out[seg] = TargetResult(
            segment_id=seg, segment_name=seg_rows[i].get("name"), chain_id=seg_rows[i].get("chain_id"), scope=str(scope),
            pool_size=pool_size[i], ranked_size=ranked_size[i], gate_removed={k: v[i] for k, v in gate_removed.items()},
            filter_removed={k: v[i] for k, v in filter_removed.items()}, rows=rows[at : at + shown_n[i]], offset=0,
            ranked_ids=ids, ranked_scores=scores, settings=settings.model_dump(),
        )  # fmt: skip
        at += shown_n[i]
    return out
