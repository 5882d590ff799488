"""Core commands: ingest, stats, query, template."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from cli.common import add_format_arg, add_store_arg, dumps, emit, settings_from_args
from graph.stores import QueryRefused, StoreError, open_store
from graph.stores.base import StoreBusy


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="validate a dataset and load it into the store (full refresh)",
        description=(
            "校验数据集（CSV 文件夹或一个 XLSX 工作簿）并整体写入图数据库。任何一行有错误时不写入，"
            "原数据库保持不变。同一时间只有一个写入：另一个导入正在写入时等待 write_lock_wait_s 秒，仍未完成则放弃。"
            "退出码：0 成功（可能有警告），1 数据有错误，2 用法错误或崩溃，3 数据库无法写入（另一个导入正在写入、"
            "磁盘已满等；未写入任何数据，原数据库保持不变）。"
        ),
    )
    p.add_argument("dataset", help="folder of CSV files, or one .xlsx workbook (see data/templates/)")
    add_store_arg(p)
    p.add_argument("--report", metavar="F", help="write every issue (errors and warnings) as JSON to F")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("stats", help="node and relationship counts of the store", description="图数据库的节点与关系数量。")
    add_store_arg(p)
    add_format_arg(p, ("table", "json"))
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser(
        "query",
        help="run one read-only Cypher query",
        description=(
            "运行一条只读 Cypher 查询。只允许读子句（MATCH、OPTIONAL MATCH、WITH、UNWIND、RETURN、WHERE、ORDER BY、"
            "SKIP、LIMIT、UNION）和少数只读的模式查询过程（CALL show_tables()、db.labels() 等）；写入、文件、扩展、SHOW、"
            "事务语句和多条语句在运行前即被拒绝。查询在独立的进程中运行，有长度、嵌套层数、内存（query_memory_mb）、"
            "超时（含解析与规划）和行数上限；查询进程崩溃时报错退出（退出码 2）。"
        ),
    )
    p.add_argument("cypher", help="the query, e.g. \"MATCH (c:Chain) RETURN c.id, c.name\"")
    add_store_arg(p)
    p.add_argument("--param", action="append", default=[], metavar="K=V", help="query parameter (V parsed as JSON if it can be, else text); repeatable")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="query timeout (default: setting query_timeout_s = 10)")
    p.add_argument("--row-cap", type=int, metavar="N", help="maximum rows returned (default: setting query_row_cap = 1000)")
    add_format_arg(p)
    p.set_defaults(func=cmd_query)

    p = sub.add_parser(
        "template",
        help="write empty dataset templates with Chinese headers and one example row",
        description="写出数据集模板（中文表头，每个文件一行示例）。",
    )
    p.add_argument("dir", help="output folder (created)")
    p.add_argument("--xlsx", action="store_true", help="write one workbook indmap-template.xlsx instead of CSV files")
    p.set_defaults(func=cmd_template)


# ------------------------------------------------------------------ ingest


class _Progress:
    """A one-line progress bar on stderr (only when it is a terminal, or forced)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.t0 = time.perf_counter()

    def __call__(self, step: str, done: int, total: int) -> None:
        if step == "wait":  # another writer holds the store: always said, terminal or not
            if done == 0:
                print(f"另一个导入正在写入同一个数据库，等待它完成（最多 {total} 秒）…", file=sys.stderr, flush=True)
            return
        if not self.enabled:
            return
        width = 24
        filled = int(width * done / max(total, 1))
        bar = "█" * filled + "·" * (width - filled)
        sys.stderr.write(f"\r写入 [{bar}] {done}/{total} {step:<14} {time.perf_counter() - self.t0:5.1f}s")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def report_path(store_location: str) -> Path | None:
    """Where the last ingest report of an embedded store is kept (beside the file)."""
    if "://" in store_location:
        return None
    p = Path(store_location)
    return p.with_name(p.name + ".last-ingest.json")


def dataset_info(path: Path) -> dict[str, Any]:
    """Optional ``dataset.json`` beside the CSV files: name, demo flag, description, sources."""
    from ingest.safety import file_kind

    f = path / "dataset.json" if path.is_dir() else path.with_name("dataset.json")
    if file_kind(f):
        print(f"警告：{f} 是符号链接或特殊文件，已拒绝读取（忽略）", file=sys.stderr)
        return {}
    if not f.is_file():
        return {}
    try:
        info = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"警告：无法读取 {f}：{exc}（忽略）", file=sys.stderr)
        return {}
    return {"dataset_info": info, "demo": bool(info.get("demo"))}


def _keep_report(store_location: str, report: str, dataset: str, ok: bool, failure: str | None = None) -> None:
    """The report kept beside an embedded store for the 数据 page: what the last attempt did, truthfully.

    Written after the swap for a successful ingest, and with ``ok: false``
    (and the reason) when validation or the write failed.
    """
    side = report_path(store_location)
    if side is None:
        return
    side.parent.mkdir(parents=True, exist_ok=True)
    payload = json.loads(report)
    payload.update({"dataset": dataset, "ok": ok, "at": time.strftime("%Y-%m-%dT%H:%M:%S")})
    if failure:
        payload["failure"] = failure
    tmp = side.with_name(side.name + ".tmp")
    try:
        tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, side)
    except OSError as exc:  # disk full as well: the report is a convenience, the exit code says what happened
        tmp.unlink(missing_ok=True)
        print(f"警告：无法保存导入报告 {side}：{exc.strerror or exc}", file=sys.stderr)


def cmd_ingest(args: argparse.Namespace) -> int:
    from ingest import load_dataset
    from ingest.issues import report_json

    settings = settings_from_args(args)
    t0 = time.perf_counter()
    store = open_store(settings, read_only=False)
    stage = store.stage()  # each validated table goes to disk as it is done: memory holds one table at a time
    try:
        res = load_dataset(args.dataset, settings, stage=stage)
        t_validate = time.perf_counter() - t0
        report = report_json(res.issues)
        if args.report:
            Path(args.report).write_text(report, encoding="utf-8")
        for issue in res.issues:
            print(str(issue), file=sys.stderr)
        if not res.ok:
            _keep_report(settings.store, report, str(args.dataset), ok=False)
            print(
                f"\n数据有 {len(res.errors)} 个错误、{len(res.warnings)} 个警告：未写入任何数据，原数据库保持不变。"
                f"修正上面列出的行后重新运行 `indmap ingest {args.dataset}`。",
                file=sys.stderr,
            )
            return 1
        meta: dict[str, Any] = dict(res.meta)
        meta.update(dataset_info(Path(args.dataset)))
        meta["issues"] = json.loads(report)
        meta["validate_seconds"] = round(t_validate, 3)
        progress = _Progress(enabled=not args.quiet and sys.stderr.isatty())
        try:
            load = store.write(res.tables, meta=meta, progress=progress)
        except StoreError as exc:  # busy, disk full, server gone: nothing was swapped in
            print(f"导入失败：{exc}", file=sys.stderr)
            if not isinstance(exc, StoreBusy):  # a busy store's report belongs to the writer that holds it
                _keep_report(settings.store, report, str(args.dataset), ok=False, failure=str(exc))
            return 3
        _keep_report(settings.store, report, str(args.dataset), ok=True)
        n_nodes = sum(load.nodes.values())
        n_rels = sum(load.relationships.values())
        print(
            f"已导入 {args.dataset} → {store.location}：{n_nodes:,} 个节点，{n_rels:,} 条关系，"
            f"{len(res.warnings)} 个警告；校验 {t_validate:.1f}s，写入 {load.seconds:.1f}s，共 {time.perf_counter() - t0:.1f}s。"
        )
        return record_snapshot_after_ingest(settings, _written_view(store, res.tables, meta), meta, str(args.dataset))
    finally:
        stage.discard()  # a no-op once the store adopted it as the new view
        store.close()


def _written_view(store: Any, tables: Any, meta: dict) -> Any:
    """The view of what was just written: the store's own (the embedded store's persisted view), else the staged tables."""
    from graph.view import GraphView

    if getattr(store, "persists_view", False):
        return store.read_view()
    return GraphView(tables, meta=meta)


def record_snapshot_after_ingest(settings: Any, view: Any, meta: dict, dataset: str) -> int:
    """After a successful write: append this ingest's snapshot to the workspace and say what changed.

    The analysis runs on the view just written (the stores read back exactly these tables). A
    snapshot that cannot be recorded does not undo the ingest: exit 2 with what to do.
    """
    from graph.workspace import WorkspaceError, history, open_workspace, record_ingest_snapshot

    try:
        sid = record_ingest_snapshot(settings, view, dataset=dataset)
        res = history(open_workspace(settings), to_snap=sid)
    except (WorkspaceError, ValueError, OSError) as exc:
        print(
            f"错误：数据已导入，但本次快照未能记录（{exc}）。历史比较会缺少这一次；"
            f"处理后可运行 `indmap history --record` 补记当前数据的快照。",
            file=sys.stderr,
        )
        return 2
    if res.from_snapshot is None:
        print(f"已记录快照 #{sid}（工作区 {settings.workspace_path}）；下次导入后可用 `indmap history` 查看变化。")
    else:
        print(
            f"已记录快照 #{sid}：与快照 #{res.from_snapshot} 相比，补上缺口 {len(res.healed)} 个，新出现缺口 {len(res.worsened)} 个，"
            f"持续缺口 {len(res.persistent)} 个，新增环节 {len(res.new)} 个，移除环节 {len(res.removed)} 个（详见 `indmap history`）。"
        )
    return 0


# ------------------------------------------------------------------- stats


def cmd_stats(args: argparse.Namespace) -> int:
    store = open_store(settings_from_args(args))
    try:
        stats = store.stats()
        meta = store.read_meta()
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.format == "json":
        print(dumps(stats))
        return 0
    if meta.get("demo"):
        print("数据集：示例数据（城市与本地企业为虚构）", file=sys.stderr)
    rows = [{"kind": "node", "name": k, "count": v} for k, v in stats["nodes"].items()]
    rows += [{"kind": "relationship", "name": k, "count": v} for k, v in stats["relationships"].items()]
    emit(rows, "table")
    return 0


# ------------------------------------------------------------------- query


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """``k=v`` pairs; ``v`` is JSON when it parses (numbers, lists, true), else text.

    >>> parse_params(["chain=NEV", "n=3", "ids=[\\"a\\"]", "code=00123"])
    {'chain': 'NEV', 'n': 3, 'ids': ['a'], 'code': '00123'}
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise ValueError(f"参数 {pair!r} 应写成 K=V，例如 --param chain=NEV")
        k, v = pair.split("=", 1)
        k = k.strip()
        try:
            out[k] = json.loads(v)  # JSON has no leading zeros: "00123" stays text
        except json.JSONDecodeError:
            out[k] = v
    return out


def cmd_query(args: argparse.Namespace) -> int:
    try:
        params = parse_params(args.param)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from graph.worker import run_query

    try:
        res = run_query(settings_from_args(args), args.cypher, params, timeout_s=args.timeout, row_cap=args.row_cap)
    except QueryRefused as exc:
        print(f"已拒绝：{exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    emit(res.records(), args.format, columns=res.columns)
    if res.truncated:
        print(f"结果已截断：只返回前 {res.row_cap} 行（truncated；用 --row-cap 调整）。", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- template


def cmd_template(args: argparse.Namespace) -> int:
    from ingest.templates import write_templates

    written = write_templates(Path(args.dir), xlsx=args.xlsx)
    for f in written:
        print(f)
    return 0
