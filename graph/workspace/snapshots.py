"""Snapshots: what one ingest looked like, kept in the workspace for history.

Every successful ingest records one (analysis.md, "Over time"): the time, the dataset,
each segment's label, priority and local count, each chain's completeness, each park's
KPIs, all computed by the same analysis functions as everywhere else (city scope, the
settings in force, which are stored with the snapshot). :func:`snapshot_of` is pure;
:func:`record_snapshot` appends it to the workspace in one transaction (a failed ingest
never gets here, so it records nothing).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.settings import AnalysisSettings
from graph.view import GraphView
from graph.workspace.db import Workspace, now

GAP_LABELS = frozenset({"broken", "missing"})  # a "gap" in history: healed leaves it, worsened enters it


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SegmentState(_Model):
    segment_id: str
    segment_name: str | None = None
    chain_id: str
    label: str
    priority: float | None = None
    local_count: int = 0


class ChainState(_Model):
    chain_id: str
    chain_name: str | None = None
    completeness: float
    completeness_key_weighted: float
    leaf_count: int = 0
    present_leaf_count: int = 0
    counts: dict[str, int] = Field(default_factory=dict)


class ParkState(_Model):
    park_id: str
    park_name: str | None = None
    kpis: dict[str, Any] = Field(default_factory=dict)


class Snapshot(_Model):
    """The analysed state of one graph (city scope) under one set of settings."""

    scope: str = "city"
    settings: dict[str, Any]
    segments: list[SegmentState] = Field(default_factory=list)
    chains: list[ChainState] = Field(default_factory=list)
    parks: list[ParkState] = Field(default_factory=list)


class SnapshotInfo(_Model):
    """A recorded snapshot without its rows."""

    id: int
    taken_at: str
    dataset: str | None = None
    store: str | None = None
    source: str
    scope: str = "city"
    settings: dict[str, Any] = Field(default_factory=dict)
    counts: dict[str, int] = Field(default_factory=dict)  # segments per label


def snapshot_of(view: GraphView, settings: AnalysisSettings) -> Snapshot:
    """Segments, chains and park KPIs of ``view`` (city scope) as a snapshot.

    Examples
    --------
    >>> from graph.analysis._example import tiny_view
    >>> snap = snapshot_of(tiny_view(), AnalysisSettings())
    >>> [(s.segment_id, s.label, s.local_count) for s in snap.segments]
    [('S1', 'weak', 1), ('S1a', 'weak', 1), ('S2', 'broken', 0), ('S3', 'weak', 1)]
    >>> snap.chains[0].completeness, snap.parks[0].kpis["stats"]["revenue"]
    (0.6666666666666666, 125.0)
    """
    from graph.analysis import chain_summary, gaps

    gap = gaps(view, settings, scope="city")
    segments = sorted(
        (
            SegmentState(
                segment_id=r.segment_id,
                segment_name=r.segment_name,
                chain_id=r.chain_id,
                label=r.label,
                priority=r.priority,
                local_count=r.local_count,
            )
            for r in gap.rows
        ),
        key=lambda s: s.segment_id,
    )
    chains = [
        ChainState(
            chain_id=c.chain_id,
            chain_name=c.chain_name,
            completeness=c.completeness,
            completeness_key_weighted=c.completeness_key_weighted,
            leaf_count=c.leaf_count,
            present_leaf_count=c.present_leaf_count,
            counts=dict(c.counts),
        )
        for c in chain_summary(view, settings, scope="city")
    ]
    return Snapshot(settings=settings.model_dump(mode="json"), segments=segments, chains=chains, parks=_park_states(view, settings))


def _park_states(view: GraphView, settings: AnalysisSettings) -> list[ParkState]:
    """Per park: its figures for the reference period, its 十强/十快 rows and its concentration row."""
    from graph.analysis import park_concentration, park_ranking

    ranking = park_ranking(view, settings)
    drop = {"park_id", "park_name", "settings", "scope", "industry_shares"}
    scale = {r.park_id: r.model_dump(mode="json", exclude=drop) for r in ranking.scale}
    speed = {r.park_id: r.model_dump(mode="json", exclude=drop) for r in ranking.speed}
    conc = {r.park_id: r.model_dump(mode="json", exclude=drop) for r in park_concentration(view, settings)}
    stats: dict[str, dict] = {}
    if ranking.period is not None:
        for r in view.park_stats.iter_rows(named=True):
            if r["period"] == ranking.period:
                stats[r["park_id"]] = {k: v for k, v in r.items() if k != "park_id"}
    out = []
    for r in view.parks.sort("id").iter_rows(named=True):
        p = r["id"]
        kpis = {"period": ranking.period, "stats": stats.get(p), "scale": scale.get(p), "speed": speed.get(p), "concentration": conc.get(p)}
        out.append(ParkState(park_id=p, park_name=r.get("name"), kpis=kpis))
    return out


# ------------------------------------------------------------------ workspace I/O


def record_snapshot(
    ws: Workspace,
    snap: Snapshot,
    *,
    dataset: str | None,
    store: str | None,
    source: str = "ingest",
    meta: dict[str, Any] | None = None,
    taken_at: str | None = None,
) -> int:
    """Append ``snap`` to the workspace (one transaction); returns the new snapshot id."""
    at = taken_at or now()
    with ws.write() as con:
        cur = con.execute(
            "INSERT INTO snapshots(taken_at, dataset, store, source, scope, settings, meta) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (at, dataset, store, source, snap.scope, _dumps(snap.settings), _dumps(meta or {})),
        )
        sid = int(cur.lastrowid)
        con.executemany(
            "INSERT INTO snapshot_segments(snapshot_id, segment_id, segment_name, chain_id, label, priority, local_count) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(sid, s.segment_id, s.segment_name, s.chain_id, s.label, s.priority, s.local_count) for s in snap.segments],
        )
        con.executemany(
            "INSERT INTO snapshot_chains(snapshot_id, chain_id, chain_name, completeness, completeness_key_weighted, leaf_count, present_leaf_count, counts)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(sid, c.chain_id, c.chain_name, c.completeness, c.completeness_key_weighted, c.leaf_count, c.present_leaf_count, _dumps(c.counts)) for c in snap.chains],
        )
        con.executemany(
            "INSERT INTO snapshot_parks(snapshot_id, park_id, park_name, kpis) VALUES (?, ?, ?, ?)",
            [(sid, p.park_id, p.park_name, _dumps(p.kpis)) for p in snap.parks],
        )
    return sid


def list_snapshots(ws: Workspace) -> list[SnapshotInfo]:
    """Every snapshot, oldest first, with its segment counts per label."""
    with ws.read() as con:
        counts: dict[int, dict[str, int]] = {}
        for sid, label, n in con.execute("SELECT snapshot_id, label, count(*) FROM snapshot_segments GROUP BY snapshot_id, label"):
            counts.setdefault(sid, {})[label] = n
        rows = con.execute("SELECT id, taken_at, dataset, store, source, scope, settings FROM snapshots ORDER BY id").fetchall()
    return [
        SnapshotInfo(
            id=r["id"],
            taken_at=r["taken_at"],
            dataset=r["dataset"],
            store=r["store"],
            source=r["source"],
            scope=r["scope"],
            settings=json.loads(r["settings"]),
            counts={k: counts.get(r["id"], {}).get(k, 0) for k in ("broken", "missing", "weak", "strong")},
        )
        for r in rows
    ]


def load_segments(ws: Workspace, up_to: int | None = None, chain_id: str | None = None, ids: list[int] | None = None) -> dict[int, dict[str, SegmentState]]:
    """Segment states per snapshot id (snapshots up to ``up_to``, or those in ``ids``; one chain when given)."""
    sql = "SELECT snapshot_id, segment_id, segment_name, chain_id, label, priority, local_count FROM snapshot_segments WHERE 1 = 1"
    params: list[Any] = []
    if ids is not None:
        sql += f" AND snapshot_id IN ({', '.join('?' for _ in ids)})"
        params.extend(ids)
    if up_to is not None:
        sql += " AND snapshot_id <= ?"
        params.append(up_to)
    if chain_id is not None:
        sql += " AND chain_id = ?"
        params.append(chain_id)
    out: dict[int, dict[str, SegmentState]] = {}
    with ws.read() as con:
        for r in con.execute(sql, params):
            d = dict(r)
            sid = d.pop("snapshot_id")
            out.setdefault(sid, {})[d["segment_id"]] = SegmentState(**d)
    return out


def load_labels(ws: Workspace, up_to: int | None = None, chain_id: str | None = None) -> dict[int, dict[str, str]]:
    """Segment labels per snapshot id (snapshots up to ``up_to``; one chain when given): what the
    history traces runs back through, without building a state per row (a workspace of 100
    snapshots at 1M holds 100,000 rows)."""
    sql = "SELECT snapshot_id, segment_id, label FROM snapshot_segments WHERE (? IS NULL OR snapshot_id <= ?) AND (? IS NULL OR chain_id = ?)"
    out: dict[int, dict[str, str]] = {}
    with ws.read() as con:
        cur = con.execute(sql, (up_to, up_to, chain_id, chain_id))
        cur.row_factory = None  # plain tuples
        for sid, seg, label in cur:
            out.setdefault(sid, {})[seg] = label
    return out


def load_chains(ws: Workspace, chain_id: str | None = None) -> dict[int, list[ChainState]]:
    """Chain completeness per snapshot id."""
    sql = "SELECT snapshot_id, chain_id, chain_name, completeness, completeness_key_weighted, leaf_count, present_leaf_count, counts FROM snapshot_chains"
    params: tuple = ()
    if chain_id is not None:
        sql += " WHERE chain_id = ?"
        params = (chain_id,)
    out: dict[int, list[ChainState]] = {}
    with ws.read() as con:
        for r in con.execute(sql + " ORDER BY snapshot_id, chain_id", params):
            d = dict(r)
            sid = d.pop("snapshot_id")
            d["counts"] = json.loads(d["counts"])
            out.setdefault(sid, []).append(ChainState(**d))
    return out


def load_parks(ws: Workspace, park_id: str | None = None) -> dict[int, list[ParkState]]:
    """Park KPIs per snapshot id."""
    sql = "SELECT snapshot_id, park_id, park_name, kpis FROM snapshot_parks"
    params: tuple = ()
    if park_id is not None:
        sql += " WHERE park_id = ?"
        params = (park_id,)
    out: dict[int, list[ParkState]] = {}
    with ws.read() as con:
        for r in con.execute(sql + " ORDER BY snapshot_id, park_id", params):
            out.setdefault(r["snapshot_id"], []).append(ParkState(park_id=r["park_id"], park_name=r["park_name"], kpis=json.loads(r["kpis"])))
    return out


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)
