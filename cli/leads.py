"""Leads (招商线索) and the workspace file: ``indmap leads add|update|list|show``, ``indmap workspace export|restore|info``.

Leads live in the workspace beside the store (setting ``workspace``), never in the graph, so no
ingest changes them. The author of a change is ``--author``, else the operating-system user.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path
from typing import Any

from cli.common import add_format_arg, add_store_arg, dumps, emit, settings_from_args
from graph.i18n import LEAD_FIELD_ZH, LEAD_STATUS_ZH, WORKSPACE_TABLE_ZH
from graph.workspace import WorkspaceError, open_workspace
from graph.workspace.leads import Change, Lead, add_lead, change_text, get_lead, lead_record, list_leads, parse_due, sort_records, update_lead

STATUS_HELP = "、".join(f"{zh} ({key})" for key, zh in LEAD_STATUS_ZH.items())
TABLE_COLUMNS = ["id", "owner", "status_zh", "enterprise_name", "segment_name", "next_step", "due", "days_overdue", "flags", "last_note"]
TABLE_HEADERS = {"owner": "责任人"}  # a lead's owner is a unit or a person
CSV_COLUMNS = [
    "id", "owner", "status", "status_zh", "enterprise_id", "enterprise_name", "segment_id", "segment_name", "chain_id", "next_step",
    "due", "overdue", "days_overdue", "flags", "last_note", "created_at", "created_by", "updated_at",
]


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("leads", help="招商线索: follow targets up with owner, status, due date and notes", description=(
        "招商线索：对招商目标的跟进（责任人、状态、下一步与截止日期、带记录人和日期的跟进记录）。线索保存在图数据库旁的工作区文件中，"
        f"任何导入都不会改动或丢失它们；每次修改都留有审计记录。状态：{STATUS_HELP}。"
    ))
    leads = p.add_subparsers(dest="leads_command", metavar="ACTION", required=True)
    a = leads.add_parser("add", help="create a lead for an enterprise in a segment", description="为某环节的一家企业建立招商线索，输出新线索（含编号 id）。")
    a.add_argument("--enterprise", required=True, metavar="ID", help="enterprise id (must be in the current data)")
    a.add_argument("--segment", required=True, metavar="ID", help="segment id the enterprise is recruited for")
    a.add_argument("--owner", required=True, metavar="TEXT", help="责任单位/人")
    a.add_argument("--due", metavar="DATE", help="due date of the next step, YYYY-MM-DD")
    a.add_argument("--next", metavar="TEXT", help="next step, e.g. 上门拜访")
    a.add_argument("--status", default="to_contact", metavar="S", help="initial status (default 待接触)")
    a.add_argument("--note", metavar="TEXT", help="a first note")
    _author_arg(a)
    _common(a, ("table", "json"))
    a.set_defaults(func=cmd_add)

    u = leads.add_parser("update", help="change status, owner, due date or next step, or add a note", description=(
        f"修改线索的状态、责任人、截止日期或下一步，或追加一条跟进记录；每项修改都记录修改人与时间。状态：{STATUS_HELP}（中文或英文均可）。"
    ))
    u.add_argument("id", type=int, help="lead id")
    u.add_argument("--status", metavar="S", help="new status, e.g. 已接触 or contacted")
    u.add_argument("--owner", metavar="T", help="new owner")
    u.add_argument("--due", metavar="D", help="new due date YYYY-MM-DD (\"\" clears it)")
    u.add_argument("--next", metavar="TEXT", help="new next step (\"\" clears it)")
    u.add_argument("--note", metavar="TEXT", help="append a dated note")
    _author_arg(u)
    _common(u, ("table", "json"))
    u.set_defaults(func=cmd_update)

    li = leads.add_parser("list", help="leads by owner, overdue first", description=(
        "列出线索：按责任人，逾期的在前。逾期＝截止日期已过且状态不是已落地/已放弃。企业已不在当前数据中的线索保留并标注。"
    ))
    li.add_argument("--owner", metavar="T", help="only this owner")
    li.add_argument("--overdue", action="store_true", help="only overdue leads")
    li.add_argument("--status", nargs="+", metavar="S", help="only these statuses")
    li.add_argument("--as-of", metavar="DATE", help="reference date for overdue, YYYY-MM-DD (default today)")
    _common(li, ("table", "json", "csv"))
    li.set_defaults(func=cmd_list)

    s = leads.add_parser("show", help="one lead with its notes and change log", description="一条线索的详情、跟进记录与修改记录。")
    s.add_argument("id", type=int, help="lead id")
    _common(s, ("table", "json"))
    s.set_defaults(func=cmd_show)

    w = sub.add_parser("workspace", help="export, restore or describe the workspace (leads, snapshots)", description=(
        "工作区：招商线索与每次导入的快照所在的 SQLite 文件（WAL 模式），位于图数据库旁（设置 workspace / INDMAP_WORKSPACE）。"
    ))
    ws = w.add_subparsers(dest="workspace_command", metavar="ACTION", required=True)
    e = ws.add_parser("export", help="write the whole workspace to one JSON file", description="把整个工作区（线索、跟进记录、修改记录、快照）导出为一个 JSON 文件。")
    e.add_argument("file", help="output JSON file")
    add_store_arg(e)
    e.set_defaults(func=cmd_export)
    r = ws.add_parser("restore", help="replace the workspace with a JSON export", description=(
        "用 JSON 备份替换工作区内容（一个事务：失败时原内容不变）。工作区已有内容时需加 --replace，"
        "此时先把现有内容另存一份备份。更新版本 indmap 导出的文件会被拒绝。"
    ))
    r.add_argument("file", help="a file written by `indmap workspace export`")
    r.add_argument("--replace", action="store_true", help="allow replacing a workspace that has leads or snapshots (its content is backed up first)")
    add_store_arg(r)
    r.set_defaults(func=cmd_restore)
    i = ws.add_parser("info", help="where the workspace is and what it holds", description="工作区文件的位置、结构版本与各表行数。")
    add_store_arg(i)
    add_format_arg(i, ("table", "json"))
    i.set_defaults(func=cmd_info)


def _common(p: argparse.ArgumentParser, formats: tuple[str, ...]) -> None:
    add_store_arg(p)
    add_format_arg(p, formats)


def _author_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--author", metavar="NAME", help="who makes this change (default: the operating-system user)")


def default_author() -> str:
    try:
        return getpass.getuser() or "未知用户"
    except (OSError, KeyError):
        return "未知用户"


def _err(msg: str) -> int:
    print(f"错误：{msg}", file=sys.stderr)
    return 2


# ------------------------------------------------------------------ the graph side


def lookup(settings: Any, enterprise_ids: list[str], segment_ids: list[str]) -> tuple[dict[str, dict], dict[str, dict]] | None:
    """Rows of these enterprises and segments in the current graph, or None when it cannot be read."""
    from graph import queries as Q
    from graph.stores import StoreError, open_store

    try:
        store = open_store(settings)
    except StoreError:
        return None
    try:
        ents = store.query(Q.ENTERPRISES_BY_ID, {"ids": sorted(set(enterprise_ids))}, row_cap=len(set(enterprise_ids)) + 1).records()
        segs = store.query(Q.SEGMENTS_BY_ID, {"ids": sorted(set(segment_ids))}, row_cap=len(set(segment_ids)) + 1).records()
    except StoreError:
        return None
    finally:
        store.close()
    return {r["id"]: r for r in ents}, {r["id"]: r for r in segs}


def _canonical_ids(settings: Any, args: argparse.Namespace) -> str | None:
    """Set ``args.enterprise`` / ``args.segment`` to the data's ids (any case); the error with suggestions, or None."""
    from graph.lookup import UnknownId, resolve
    from graph.stores import load_view, open_store

    store = open_store(settings)
    try:
        view = load_view(store)
    finally:
        store.close()
    try:
        args.enterprise = resolve(view, "enterprise", args.enterprise)
        args.segment = resolve(view, "segment", args.segment)
    except UnknownId as exc:
        hint = f"（见 `indmap targets --segment {args.segment}` 的企业编号）" if exc.kind == "enterprise" else "（见 `indmap gaps`）"
        return f"{exc}{hint}"
    return None


def _records(settings: Any, leads: list[Lead], as_of: dt.date) -> list[dict[str, Any]]:
    found = lookup(settings, [x.enterprise_id for x in leads], [x.segment_id for x in leads]) if leads else ({}, {})
    if found is None:
        print("警告：无法读取图数据库，未检查线索的企业是否仍在当前数据中。", file=sys.stderr)
        return [lead_record(x, as_of) for x in leads]
    return [lead_record(x, as_of, set(found[0]), set(found[1])) for x in leads]


# ------------------------------------------------------------------ commands


def cmd_add(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    found = lookup(settings, [args.enterprise], [args.segment])
    if found is None:
        return _err(f"无法读取图数据库 {settings.store}：请先导入数据（indmap ingest 数据集），线索要对应数据中的企业与环节。")
    ents, segs = found
    if args.enterprise not in ents or args.segment not in segs:  # typed in another case, or a name
        problem = _canonical_ids(settings, args)
        if problem:
            return _err(problem)
        ents, segs = lookup(settings, [args.enterprise], [args.segment]) or ({}, {})
    try:
        lead = add_lead(
            open_workspace(settings),
            enterprise_id=args.enterprise,
            segment_id=args.segment,
            owner=args.owner,
            author=args.author or default_author(),
            due=args.due,
            next_step=args.next,
            status=args.status,
            enterprise_name=ents[args.enterprise].get("name"),
            segment_name=segs[args.segment].get("name"),
            chain_id=segs[args.segment].get("chain_id"),
            note=args.note,
        )
    except (ValueError, WorkspaceError) as exc:
        return _err(str(exc))
    if ents[args.enterprise].get("local"):
        print("提示：该企业是本地企业（local = true）；线索通常针对外地目标企业。", file=sys.stderr)
    _print_lead(lead_record(lead, dt.date.today(), set(ents), set(segs)), args.format)
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    given = {k: v for k, v in (("status", args.status), ("owner", args.owner), ("due", args.due), ("next_step", args.next)) if v is not None}
    try:
        lead, changed = update_lead(open_workspace(settings), args.id, author=args.author or default_author(), note=args.note, **given)
    except (ValueError, WorkspaceError) as exc:
        return _err(str(exc))
    done = [LEAD_FIELD_ZH[f] for f in changed] + (["跟进记录"] if args.note and args.note.strip() else [])
    print(f"线索 #{lead.id} 已更新：{'、'.join(done) if done else '没有变化（与原值相同）'}。", file=sys.stderr)
    (rec,) = _records(settings, [lead], dt.date.today())
    _print_lead(rec, args.format)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    try:
        as_of = parse_due(args.as_of) or dt.date.today()
        leads = list_leads(open_workspace(settings), owner=args.owner, status=args.status)
    except (ValueError, WorkspaceError) as exc:
        return _err(str(exc))
    rows = sort_records(_records(settings, leads, as_of))
    if args.overdue:
        rows = [r for r in rows if r["overdue"]]
    if args.format == "json":
        print(dumps(rows))
    elif args.format == "csv":
        emit(rows, "csv", columns=CSV_COLUMNS)
    else:
        table = [{**r, "enterprise_name": r["enterprise_name"] or r["enterprise_id"], "segment_name": r["segment_name"] or r["segment_id"]} for r in rows]
        emit(table, "table", columns=TABLE_COLUMNS, people=True, headers=TABLE_HEADERS)
        n_over = sum(1 for r in rows if r["overdue"])
        print(f"共 {len(rows)} 条线索，逾期 {n_over} 条（截至 {as_of.isoformat()}）。", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    try:
        lead = get_lead(open_workspace(settings), args.id)
    except WorkspaceError as exc:
        return _err(str(exc))
    (rec,) = _records(settings, [lead], dt.date.today())
    _print_lead(rec, args.format, history=True)
    return 0


def _print_lead(rec: dict[str, Any], fmt: str, history: bool = False) -> None:
    if fmt == "json":
        print(dumps(rec))
        return
    lines = [
        ("编号", rec["id"]), ("企业", f"{rec['enterprise_name'] or ''}（{rec['enterprise_id']}）"),
        ("环节", f"{rec['segment_name'] or ''}（{rec['segment_id']}）"), ("责任人", rec["owner"]), ("状态", rec["status_zh"]),
        ("下一步", rec["next_step"] or "—"), ("截止日期", rec["due"] or "—"),
        ("逾期", f"{rec['days_overdue']} 天" if rec["overdue"] else "否"), ("建立", f"{rec['created_at'][:16].replace('T', ' ')} {rec['created_by']}"),
    ]
    lines += [("提示", f) for f in rec["flags"]]
    for k, v in lines:
        print(f"{k}：{v}")
    if history:
        print("\n跟进记录：" if rec["notes"] else "\n跟进记录：（无）")
        for n in rec["notes"]:
            print(f"  {n['at'][:16].replace('T', ' ')}  {n['author']}：{n['text']}")
        print("修改记录：")
        for c in rec["changes"]:
            print(f"  {c['at'][:16].replace('T', ' ')}  {c['author']}  {change_text(Change(**c))}")


# ------------------------------------------------------------------ workspace


def cmd_export(args: argparse.Namespace) -> int:
    from graph.workspace.backup import write_export

    settings = settings_from_args(args)
    try:
        counts = write_export(open_workspace(settings), args.file)
    except (OSError, WorkspaceError) as exc:
        return _err(str(exc))
    print(f"已导出工作区 {settings.workspace_path} → {args.file}：" + "，".join(f"{k} {v} 行" for k, v in counts.items()))
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from graph.workspace.backup import is_empty, read_backup, restore_workspace, write_export

    settings = settings_from_args(args)
    try:
        data = read_backup(args.file)
        ws = open_workspace(settings)
        if not is_empty(ws):
            if not args.replace:
                return _err(f"工作区 {ws.path} 已有线索或快照：确认要用备份替换它时加 --replace（现有内容会先另存一份）。")
            keep = ws.path.with_name(f"{ws.path.name}.before-restore-{dt.datetime.now():%Y%m%d-%H%M%S}.json")
            write_export(ws, keep)
            print(f"现有工作区内容已另存为 {keep}", file=sys.stderr)
        counts = restore_workspace(ws, data)
    except (OSError, WorkspaceError) as exc:
        return _err(str(exc))
    print(f"已从 {args.file} 恢复工作区 {settings.workspace_path}：" + "，".join(f"{k} {v} 行" for k, v in counts.items()))
    return 0


def cmd_info(args: argparse.Namespace) -> int:
    settings = settings_from_args(args)
    ws = open_workspace(settings)
    try:
        with ws.read() as con:
            counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in ws.tables() if t != "sqlite_sequence"}
        version = ws.schema_version()
    except WorkspaceError as exc:
        return _err(str(exc))
    info = {"path": str(Path(ws.path).resolve()), "schema_version": version, "rows": counts}
    if args.format == "json":
        print(dumps(info))
    else:
        print(f"工作区：{info['path']}（结构版本 {version}）")
        emit([{"table": WORKSPACE_TABLE_ZH.get(k, k), "rows": v} for k, v in counts.items()], "table", people=True, headers={"table": "内容", "rows": "行数"})
    return 0
