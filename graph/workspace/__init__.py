"""The bureau's own work, kept beside the graph and never refreshed by an ingest.

One SQLite file (WAL mode) per store: leads (招商线索) with notes and an audit log, and a
snapshot of every successful ingest for history. Where it lives: the ``workspace``
setting, else ``<store>.workspace.sqlite`` beside an embedded store, or
``data/store/neo4j.workspace.sqlite`` with Neo4j (:attr:`graph.settings.Settings.workspace_path`).

Modules: :mod:`~graph.workspace.db` (file, transactions, schema migrations),
:mod:`~graph.workspace.leads`, :mod:`~graph.workspace.snapshots`,
:mod:`~graph.workspace.history` (pure comparison), :mod:`~graph.workspace.backup`
(export/restore as JSON).
"""

from __future__ import annotations

from typing import Any

from graph.settings import Settings
from graph.view import GraphView
from graph.workspace.db import SCHEMA_VERSION, Workspace, WorkspaceError
from graph.workspace.history import HistoryResult, compare, resolve_snapshot
from graph.workspace.snapshots import Snapshot, list_snapshots, load_chains, load_labels, load_segments, record_snapshot, snapshot_of

__all__ = [
    "SCHEMA_VERSION",
    "Workspace",
    "WorkspaceError",
    "open_workspace",
    "record_ingest_snapshot",
    "history",
    "HistoryResult",
]


def open_workspace(settings: Settings) -> Workspace:
    """The workspace of the store named by ``settings`` (created on first use)."""
    return Workspace(settings.workspace_path)


def record_ingest_snapshot(settings: Settings, view: GraphView | None, *, dataset: str | None, source: str = "ingest", meta: dict[str, Any] | None = None, snapshot: Snapshot | None = None) -> int:
    """Analyse ``view`` (city scope, ``settings.analysis``) and append the snapshot; returns its id.

    Called once an ingest's write has succeeded (the CLI's ``ingest``; later the app's upload).
    ``snapshot``: the analysis already done (:func:`snapshot_of`, e.g. beside the write); ``view`` unused then.
    """
    snap = snapshot if snapshot is not None else snapshot_of(view, settings.analysis)  # type: ignore[arg-type]
    return record_snapshot(open_workspace(settings), snap, dataset=dataset, store=settings.store if not settings.is_neo4j else _safe_uri(settings.store), source=source, meta=meta)


def history(ws: Workspace, from_snap: str | int | None = None, to_snap: str | int | None = None, chain_id: str | None = None) -> HistoryResult:
    """Compare two snapshots of ``ws`` (ids or dates; default the last two)."""
    snaps = list_snapshots(ws)
    to_id = resolve_snapshot(snaps, to_snap)
    from_id = resolve_snapshot(snaps, from_snap)
    if to_id is None and from_id is not None:
        later = [s.id for s in snaps if s.id > from_id]
        to_id = later[-1] if later else from_id
    upto = to_id if to_id is not None else (snaps[-1].id if snaps else None)
    if from_id is None and upto is not None:  # compare's default: the snapshot before
        from_id = max((s.id for s in snaps if s.id < upto), default=None)
    # full states of the two compared snapshots only; the runs are traced back through labels
    labels, chains = load_labels(ws, up_to=upto, chain_id=chain_id), load_chains(ws, chain_id=chain_id)
    segments = load_segments(ws, chain_id=chain_id, ids=[i for i in (from_id, upto) if i is not None])
    if chain_id is not None and snaps and not labels and not chains:
        raise ValueError(f"快照中没有产业链 {chain_id!r}：请检查产业链编号（见 `indmap chains`）。")
    return compare(snaps, segments, chains, from_id, to_id, chain_id, labels=labels)


def _safe_uri(uri: str) -> str:
    """A Neo4j URI without any user:password part."""
    scheme, sep, rest = uri.partition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}" if sep else uri
