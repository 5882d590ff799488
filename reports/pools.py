"""The views a report ranks its segments' targets on, read a batch of segments at a time.

On Neo4j a report holds the scoped view (local enterprises and aggregates); each broken or missing
segment's targets rank on that view plus the segment's candidate pool. Reading one pool per
segment cost a query round per segment (186 for the 全市产业链招商报告 at 100,000 enterprises).
:class:`SegmentPools` reads the pools of a batch of segments as one
(:func:`graph.stores.neo4j_scoped.add_pools`), the batches cut where their candidates reach
:data:`POOL_BATCH_CANDIDATES` so that a national dataset never holds every pool at once, and keeps
only the batch in use.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

# candidates (the server's per-segment counts, summed over a batch's segments) read in one batch: at
# 1M enterprises the broken and missing segments' pools hold about half of them
POOL_BATCH_CANDIDATES = 100_000


class SegmentPools:
    """Segment id -> the view to rank that segment's targets on, loaded a batch of segments at a time.

    Parameters
    ----------
    load : callable
        A list of segment ids -> one view holding the pools of all of them.
    sizes : mapping of str to int, optional
        Each segment's pool size (candidates in it and its sub-segments); a segment without one
        is read in a batch of its own.
    budget : int, optional
        Candidates per batch (the sum of ``sizes``; default :data:`POOL_BATCH_CANDIDATES`); a bigger
        segment makes a batch alone.

    Examples
    --------
    >>> loads = []
    >>> pools = SegmentPools(lambda ids: loads.append(ids) or f"view of {'+'.join(ids)}", {"a": 2, "b": 2, "c": 3}, budget=4)
    >>> pools.plan(["a", "b", "c"])
    >>> pools("a"), pools("b"), pools("c"), pools("a")
    ('view of a+b', 'view of a+b', 'view of c', 'view of a+b')
    >>> loads
    [['a', 'b'], ['c'], ['a', 'b']]
    >>> pools("d"), pools.batches
    ('view of d', [['a', 'b'], ['c'], ['d']])
    """

    def __init__(self, load: Callable[[list[str]], Any], sizes: Mapping[str, int] | None = None, budget: int | None = None) -> None:
        self._load = load
        self._sizes = dict(sizes or {})
        self._budget = POOL_BATCH_CANDIDATES if budget is None else budget
        self.batches: list[list[str]] = []
        self._batch_of: dict[str, int] = {}
        self._current: tuple[int, Any] | None = None

    def plan(self, segment_ids: Iterable[str]) -> None:
        """Cut the segments not planned yet into batches, in the order given (the order the report asks them)."""
        batch: list[str] = []
        total = 0
        for seg in dict.fromkeys(segment_ids):
            if seg in self._batch_of:
                continue
            n = self._sizes.get(seg, self._budget)
            if batch and total + n > self._budget:
                self._add(batch)
                batch, total = [], 0
            batch.append(seg)
            total += n
        if batch:
            self._add(batch)

    def _add(self, batch: list[str]) -> None:
        for seg in batch:
            self._batch_of[seg] = len(self.batches)
        self.batches.append(batch)

    def batch_of(self, segment_id: str) -> int:
        """The number of the batch that reads ``segment_id``'s pool (planned now when it was not)."""
        if segment_id not in self._batch_of:
            self.plan([segment_id])
        return self._batch_of[segment_id]

    def __call__(self, segment_id: str) -> Any:
        """The view holding ``segment_id``'s pool (its batch, loaded unless it is the one in use)."""
        i = self.batch_of(segment_id)
        if self._current is None or self._current[0] != i:
            self._current = None  # let the previous batch go before the next is read
            self._current = (i, self._load(self.batches[i]))
        return self._current[1]


def pool_sizes(view: Any) -> dict[str, int]:
    """Segment id -> candidates in it and its sub-segments, as the server counted them for a scoped view
    (a segment the counts leave out has none); empty for a view without them.

    >>> import polars as pl
    >>> from graph.view import GraphView
    >>> segments = pl.DataFrame({"id": ["S1", "S2"], "chain_id": ["C", "C"]})
    >>> pool_sizes(GraphView({"segments": segments}, aggregates={"candidate_counts": pl.DataFrame({"segment_id": ["S1"], "candidate_count": [3]})}))
    {'S1': 3, 'S2': 0}
    """
    counts = view.aggregates.get("candidate_counts")
    if counts is None:
        return {}
    counted = {s: int(n or 0) for s, n in counts.select("segment_id", "candidate_count").iter_rows()}
    return {s: counted.get(s, 0) for s in view.segments.get_column("id").to_list()} | counted
