"""The local side of segment presence counted by the Neo4j server (part of :mod:`graph.queries`, which re-exports it).

``indmap gaps`` / ``indmap chains`` on Neo4j (:func:`graph.stores.neo4j_scoped.add_presence`) ask the
server for what analysis.md's 'Segment presence' takes from the local enterprises instead of reading
them: per segment (itself and its sub-segments) the local enterprises in scope (``local_count``), their
revenue weighted by ``min(1, Σ share)`` (``local_revenue``; null when none of them has a known
revenue: unknown, not 0) and those at or above the above-scale
threshold (``above_scale_count``). One row per segment crosses Bolt.

The walk starts at the local enterprises (``local = true``, indexed: about 5 % of a national graph) and
follows their ``OPERATES_IN`` links; ``$up`` maps each segment to the segments whose closure holds it
(itself and its ``PART_OF`` ancestors). Float sums add in one defined order -- ascending values, one
after the other from 0.0 -- which :func:`graph.analysis.presence.ordered_sum` follows on the embedded
store, so both stores give the same bits. Scope: ``$city`` (every local enterprise), else those whose
``park_id`` is in ``$parks`` or whose ``region_code`` is in ``$codes``
(:func:`graph.analysis.scope.scope_filter`).
"""

from __future__ import annotations

SCOPED_LOCAL_PRESENCE = (
    "MATCH (e:Enterprise)-[r:OPERATES_IN]->(m:Segment) "
    "WHERE e.local = true AND ($city OR e.park_id IN $parks OR e.region_code IN $codes) "
    "UNWIND coalesce($up[m.id], []) AS seg "
    "WITH seg, e, coalesce(r.share, 1.0) AS share ORDER BY share "
    "WITH seg, e, collect(share) AS shares "
    "WITH seg, e.revenue AS rev, reduce(a = 0.0, x IN shares | a + x) AS w "
    "WITH seg, rev, coalesce(rev, 0.0) * (CASE WHEN w > 1.0 THEN 1.0 ELSE w END) AS p ORDER BY p "
    "WITH seg, count(*) AS n, sum(CASE WHEN rev >= $above THEN 1 ELSE 0 END) AS above, count(rev) AS known, collect(p) AS ps "
    "RETURN collect([seg, n, CASE WHEN known = 0 THEN null ELSE reduce(a = 0.0, x IN ps | a + x) END, above]) AS rows"
)
