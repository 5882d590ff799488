"""``indmap history``: gaps healed, worsened, new, removed and persistent between two snapshots.

Every successful ingest records a snapshot in the workspace (:mod:`graph.workspace`); this
command compares two of them (default: the last two). JSON: one object with the lists
``healed``, ``worsened``, ``new``, ``removed``, ``persistent`` (and ``relabelled``), the
``snapshots`` and the ``completeness`` series. Tables are in Chinese; warnings go to stderr.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli.common import add_format_arg, add_store_arg, dumps, emit, settings_from_args
from graph.i18n import HISTORY_LIST_RULE_ZH, HISTORY_LIST_ZH, pct
from graph.workspace import WorkspaceError, history, open_workspace

ROW_COLUMNS = ["chain_id", "segment_id", "segment_name", "label_before", "label_after", "local_count_after", "priority_after", "first_seen"]
ROW_HEADERS = {"chain_id": "产业链", "local_count_after": "本地企业", "priority_after": "补链优先级"}
SERIES_WIDTH = 6  # snapshots shown as columns of the completeness table


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "history",
        help="gaps healed, worsened and persistent between two ingests",
        description=(
            "比较两个快照（每次成功导入自动记录一个；默认最近两个）：已补上的缺口、新出现的缺口、新增/移除的环节、"
            "持续存在的缺口及其首次出现日期，以及各产业链完整度的变化序列。"
        ),
    )
    p.add_argument("--from", dest="from_snap", metavar="SNAP", help="earlier snapshot: its number, or a date YYYY-MM-DD (the last snapshot on or before it)")
    p.add_argument("--to", dest="to_snap", metavar="SNAP", help="later snapshot (default: the latest)")
    p.add_argument("--chain", metavar="ID", help="only this chain")
    p.add_argument("--record", action="store_true", help="first record a snapshot of the store as it is now (e.g. a store ingested before snapshots existed)")
    add_store_arg(p)
    add_format_arg(p, ("table", "json"))
    p.set_defaults(func=cmd_history)


def _record(settings: Any) -> int:
    from graph.stores import load_view, open_store
    from graph.workspace import record_ingest_snapshot

    store = open_store(settings)
    try:
        view = load_view(store)
    finally:
        store.close()
    if view.is_empty:
        raise WorkspaceError(f"数据库 {settings.store} 中没有数据：请先导入（indmap ingest 数据集），导入时会自动记录快照。")
    return record_ingest_snapshot(settings, view, dataset=view.meta.get("dataset"), source="manual")


def _chain_id(ws: Any, typed: str | None) -> str | None:
    """The chain id of the snapshots that ``typed`` names (any case); unknown: an error suggesting chains."""
    from graph.lookup import resolve_among
    from graph.workspace.snapshots import load_chains

    if not typed:
        return typed
    pairs = {c.chain_id: c.chain_name for states in load_chains(ws).values() for c in states}
    if not pairs:
        return typed  # no snapshots yet: history says so
    return resolve_among(sorted(pairs.items()), "chain", typed)


def cmd_history(args: argparse.Namespace) -> int:
    from graph.stores import StoreError

    settings = settings_from_args(args)
    try:
        if args.record:
            sid = _record(settings)
            print(f"已记录快照 #{sid}。", file=sys.stderr)
        ws = open_workspace(settings)
        res = history(ws, args.from_snap, args.to_snap, _chain_id(ws, args.chain))
    except (ValueError, WorkspaceError, StoreError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    for w in res.warnings:
        print(f"警告：{w}", file=sys.stderr)
    data = res.model_dump(mode="json")
    if args.format == "json":
        data["from"], data["to"] = data.pop("from_snapshot"), data.pop("to_snapshot")
        print(dumps(data))
        return 0
    _print_tables(data)
    return 0


def _when(snap: dict | None) -> str:
    if snap is None:
        return "—"
    return f"#{snap['id']} {snap['taken_at'][:16].replace('T', ' ')}（{snap.get('dataset') or '数据集不详'}）"


def _print_tables(data: dict[str, Any]) -> None:
    snaps = {s["id"]: s for s in data["snapshots"]}
    print(f"比较：快照 {_when(snaps.get(data['from_snapshot']))} → 快照 {_when(snaps.get(data['to_snapshot']))}")
    if data["chain_id"]:
        print(f"产业链：{data['chain_id']}")
    if data["from_snapshot"] is not None:
        for key, title in HISTORY_LIST_ZH.items():
            rows = data[key]
            rule = f"（{HISTORY_LIST_RULE_ZH[key]}）" if key in HISTORY_LIST_RULE_ZH else ""
            print(f"\n== {title}{rule}：{len(rows)} 个 ==")
            if rows:
                emit(rows, "table", columns=ROW_COLUMNS, people=True, headers=ROW_HEADERS)
    series = data["completeness"]
    if series:
        shown = sorted({p["snapshot_id"] for p in series})[-SERIES_WIDTH:]
        head = {sid: f"#{sid} {snaps[sid]['taken_at'][:10]}" for sid in shown}
        by_chain: dict[str, dict[str, Any]] = {}
        for p in series:
            row = by_chain.setdefault(p["chain_id"], {"产业链": p["chain_name"] or p["chain_id"], **{h: "—" for h in head.values()}})
            if p["snapshot_id"] in head:
                row[head[p["snapshot_id"]]] = pct(p["completeness"])
        print(f"\n== 产业链完整度（末级环节覆盖率；最近 {len(shown)} 个快照）==")
        emit(list(by_chain.values()), "table", columns=["产业链", *head.values()])
