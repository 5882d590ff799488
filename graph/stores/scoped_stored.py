"""Aggregates of the Neo4j scoped view computed once, when the graph is written.

The scoped view (:mod:`graph.stores.neo4j_scoped`) needs a few figures over *every* enterprise:
the distinct candidates of each segment and its sub-segments, the region codes enterprises are
registered in, and (the app) the candidates' provinces and qualifications. Counted by the server
at read time, the first walks every ``OPERATES_IN`` link once per segment of its closure -- 346 s
of a 520 s ``indmap gaps`` at 10M enterprises. The data only changes when the graph is written,
so the writer computes them from the very tables it stages and keeps them in the meta node's
``json`` under :data:`KEY`:

* :meth:`graph.stores.neo4j.Neo4jStore.write` -- the meta json is written by the switch together
  with the new generation (one transaction, or the last step of a batched switch), so readers see
  the counts of exactly the graph they read, never the staged ones early and never a mix;
* ``indmap export --neo4j-admin`` (:mod:`cli.export`) -- the bulk path, whose database never goes
  through the write, carries them in its meta node row.

They are tagged with the generation they were computed for and a format :data:`VERSION`; a
database written by an older indmap (no such key), a meta copied from another database, or a
different format, reads as "not stored" and the scoped view counts on the server as before.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Mapping

import polars as pl

if TYPE_CHECKING:
    from graph.view import GraphView

KEY = "scoped_aggregates"
VERSION = 1


def stored_aggregates(tables: "Mapping[str, pl.DataFrame] | GraphView", generation: str) -> dict[str, Any]:
    """The figures to store for the graph of ``tables`` (or a full view) written as ``generation`` (plain JSON values).

    Same definitions as the full view and the server queries they replace (analysis.md,
    'Segment presence': candidates are ``local = false``; a blank ``local`` is neither).

    >>> from graph.analysis._example import tiny_view
    >>> got = stored_aggregates(tiny_view().tables, "g1")
    >>> got["version"], got["generation"], got["candidate_counts"]
    (1, 'g1', {'S2': 2})
    """
    from graph.analysis.presence import candidate_counts_full
    from graph.view import GraphView

    view = tables if isinstance(tables, GraphView) else GraphView(dict(tables))
    counts = candidate_counts_full(view).sort("segment_id")
    ents = view.enterprises
    cand = ents.filter(pl.col("local").is_null() | (pl.col("local") == False))  # noqa: E712

    def distinct(col: pl.Series) -> list[str]:
        return sorted(v for v in col.drop_nulls().unique().to_list() if v)

    return {
        "version": VERSION,
        "generation": generation,
        "candidate_counts": dict(counts.iter_rows()),
        "enterprise_region_codes": sorted(ents.get_column("region_code").drop_nulls().unique().to_list()),
        "candidate_provinces": distinct(cand.get_column("province")),
        "candidate_qualifications": distinct(cand.get_column("qualifications").explode()),
    }


def read_stored(meta_json: str | None, generation: str) -> dict[str, Any] | None:
    """The stored figures of the live ``generation`` from the meta node's json, else None (count on the server).

    ``candidate_counts`` comes back as a frame (``segment_id``, ``candidate_count``).

    >>> meta = json.dumps({"dataset": "x", KEY: stored_aggregates({}, "g1")})
    >>> read_stored(meta, "g1")["candidate_counts"].height
    0
    >>> read_stored(meta, "g2") is None, read_stored(None, "g1") is None, read_stored('{"dataset": "x"}', "g1") is None
    (True, True, True)
    """
    if not meta_json:
        return None
    try:
        got = json.loads(meta_json).get(KEY)
    except (ValueError, AttributeError):
        return None
    if not isinstance(got, dict) or got.get("version") != VERSION or not generation or got.get("generation") != generation:
        return None
    counts = got.get("candidate_counts") or {}
    frame = pl.DataFrame(
        {"segment_id": list(counts), "candidate_count": [int(n) for n in counts.values()]},
        schema={"segment_id": pl.Utf8, "candidate_count": pl.Int64},
    )
    out = {k: list(got.get(k) or []) for k in ("enterprise_region_codes", "candidate_provinces", "candidate_qualifications")}
    return {"candidate_counts": frame, **out}
