"""Core commands: ingest, stats, query, template."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from cli.common import add_format_arg, add_store_arg, dumps, emit, format_table, settings_from_args
from graph.i18n import MISSING, NODE_LABEL_ZH, REL_TYPE_ZH
from graph.stores import QueryRefused, StoreError, open_store
from graph.stores.base import StoreBusy


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ingest",
        help="validate a dataset and load it into the store (full refresh)",
        description=(
            "校验数据集（CSV 文件夹或一个 XLSX 工作簿）并整体写入图数据库。任何一行有错误时不写入，"
            "原数据库保持不变。同一时间只有一个写入：另一个导入正在写入时等待 write_lock_wait_s 秒，仍未完成则放弃。"
            "导入时：没有环节的企业按国标行业/主营产品/经营范围自动挂接（待核实），应用“挂接审核”中的人工审核结论，"
            "数据集文件另存为带日期的数据版本（供上传合并与恢复）。"
            "退出码：0 成功（可能有警告），1 数据有错误，2 用法错误或崩溃，3 数据库无法写入（另一个导入正在写入、"
            "磁盘已满等；未写入任何数据，原数据库保持不变）。"
        ),
    )
    p.add_argument("dataset", help="folder of CSV files, or one .xlsx workbook (see data/templates/)")
    add_store_arg(p)
    p.add_argument("--report", metavar="F", help="write every issue (errors and warnings) as JSON to F")
    p.add_argument("--mapping", metavar="PROFILE", help="column mapping of foreign headers: a profile saved with `indmap map` or a profile JSON file")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(func=cmd_ingest, fast_exit=True)  # see cli.exit_now

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


def resolve_mapping(settings, name: str | None):
    """``--mapping``: a profile saved in the workspace, or a JSON file (a path that exists wins)."""
    from ingest.colmap import MappingError, MappingProfile, load_profile_file

    if not name:
        return None
    if Path(name).is_file():
        return load_profile_file(name)
    from graph.workspace import open_workspace
    from graph.workspace.mappings import get_profile

    body = get_profile(open_workspace(settings), name)
    if body is None:
        raise MappingError(f"没有列映射方案 “{name}”：既不是文件，也不在工作区中（`indmap map list` 列出已保存的方案）。")
    return MappingProfile.from_json(body, name=name)


def _print_finish(meta: dict) -> None:
    from ingest.issues import unlinked_note

    link, rev = meta.get("linking") or {}, meta.get("reviews") or {}
    if link.get("links"):
        print(f"自动挂接：{link['unlinked']} 家企业没有环节，其中 {link['considered']} 家有国标行业/主营产品/经营范围，"
              f"{link['linked']} 家挂上 {link['links']} 条待核实挂接（在应用的“挂接审核”页确认）。")  # fmt: skip
    elif link.get("considered"):
        print(f"自动挂接：{link['considered']} 家没有环节的企业有国标行业/主营产品/经营范围，但都没有找到相符的环节。")
    bare = unlinked_note(link)
    if bare:
        print(f"未挂到环节：{bare}")
    if rev.get("applied") or rev.get("not_applied"):
        print(f"人工审核：应用 {rev['applied']} 条（确认 {rev['accept']}、否决 {rev['reject']}、改挂 {rev['move']}）"
              + (f"，{rev['not_applied']} 条未能应用（企业或环节已不在数据中）" if rev.get("not_applied") else "") + "。")  # fmt: skip


def cmd_ingest(args: argparse.Namespace) -> int:
    from graph.stores.heap import freeze_imports, map_large_blocks
    from ingest.colmap import MappingError
    from ingest.pipeline import Invalid, StaleUpload, commit, keep_report, prepare_path

    map_large_blocks()  # what the second phase's thread freed goes back before the snapshot (the peak)
    if getattr(args, "process_ends", False):
        freeze_imports()
    settings = settings_from_args(args)
    try:
        mapping = resolve_mapping(settings, args.mapping)
    except MappingError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    # a CSV folder's second phase of validation runs while the store copies what the first found valid
    prep = prepare_path(settings, args.dataset, mapping, early=True)
    overlapped = prep.pending is not None
    if not overlapped:
        _show_issues(args, prep)
        if not prep.ok:
            return _refuse(args, settings, prep)
    progress = _Progress(enabled=not args.quiet and sys.stderr.isatty())
    try:
        done = commit(prep, author=_os_user(), progress=progress)
    except Invalid:
        _show_issues(args, prep)
        return _refuse(args, settings, prep)
    except (StoreError, StaleUpload) as exc:  # busy, disk full, server gone: nothing was swapped in
        if overlapped:
            _show_issues(args, prep)
        print(f"导入失败：{exc}", file=sys.stderr)
        if not isinstance(exc, StoreBusy):  # a busy store's report belongs to the writer that holds it
            keep_report(settings.store, prep.report, str(args.dataset), ok=False, failure=str(exc))
        return 3
    if overlapped:
        _show_issues(args, prep)
    for w in done.warnings:
        print(w, file=sys.stderr)
    total = time.perf_counter() - t0
    print(
        f"已导入 {args.dataset} → {settings.store}：{done.nodes:,} 个节点，{done.relationships:,} 条关系，"
        f"{len(prep.result.warnings)} 个警告；校验 {prep.validate_seconds:.1f}s，写入 {done.seconds:.1f}s，共 {total:.1f}s。"
    )
    _print_finish(prep.meta)
    if done.version:
        print(f"数据版本 {done.version}（{settings.datasets_path}）：上传合并与恢复以它为准。")
    return _print_snapshot(settings, done)


def _show_issues(args: argparse.Namespace, prep: Any) -> None:
    """The validation's issues (and the report file) once validation is through."""
    from ingest.pipeline import dataset_info

    if args.report:
        Path(args.report).write_text(prep.report, encoding="utf-8")
    for issue in prep.result.issues:
        print(str(issue), file=sys.stderr)
    _, warning = dataset_info(Path(args.dataset))
    if warning:
        print(warning, file=sys.stderr)


def _refuse(args: argparse.Namespace, settings: Any, prep: Any) -> int:
    """The dataset has errors: nothing written, the report kept, how to go on."""
    from ingest.pipeline import keep_report

    keep_report(settings.store, prep.report, str(args.dataset), ok=False)
    res = prep.result
    print(
        f"\n数据有 {len(res.errors)} 个错误、{len(res.warnings)} 个警告：未写入任何数据，原数据库保持不变。"
        f"修正上面列出的行后重新运行 `{_rerun(args)}`。",
        file=sys.stderr,
    )
    return 1


def _rerun(args: argparse.Namespace) -> str:
    """The ingest command as it was given (the store and mapping too), to paste after fixing the data.

    >>> import argparse
    >>> _rerun(argparse.Namespace(dataset="my data", store="/tmp/x.lbug", mapping=None))
    "indmap ingest 'my data' --store /tmp/x.lbug"
    """
    import shlex

    words = ["indmap", "ingest", str(args.dataset)]
    for flag in ("store", "mapping"):
        if getattr(args, flag, None):
            words += [f"--{flag}", str(getattr(args, flag))]
    return shlex.join(words)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return "命令行"


def _print_snapshot(settings: Any, done: Any) -> int:
    """After a successful write: say what the snapshot recorded (exit 2 when it could not be recorded)."""
    if done.snapshot is None:
        print(
            f"错误：数据已导入，但本次快照未能记录（{done.snapshot_error}）。历史比较会缺少这一次；"
            f"处理后可运行 `indmap history --record` 补记当前数据的快照。",
            file=sys.stderr,
        )
        return 2
    res, sid = done.history, done.snapshot
    if res is None or res.from_snapshot is None:
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
    rows = [["节点", NODE_LABEL_ZH.get(k, k), k, f"{v:,}"] for k, v in stats["nodes"].items()]
    rows += [["关系", REL_TYPE_ZH.get(k, k), k, f"{v:,}"] for k, v in stats["relationships"].items()]
    print(format_table(["类别", "名称", "图中标签", "数量"], rows))
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
        if getattr(exc, "engine_text", ""):
            print(f"引擎原文：{exc.engine_text}", file=sys.stderr)
        return 2
    records = res.records() if args.format != "table" else [{k: MISSING if v is None else v for k, v in r.items()} for r in res.records()]
    emit(records, args.format, columns=res.columns)  # the table says 无数据 for a null; JSON/CSV keep null/blank for scripts
    if res.truncated:
        print(f"结果已截断：只返回前 {res.row_cap} 行（用 --row-cap 调整）。", file=sys.stderr)
    return 0


# ---------------------------------------------------------------- template


def cmd_template(args: argparse.Namespace) -> int:
    from ingest.templates import write_templates

    written = write_templates(Path(args.dir), xlsx=args.xlsx)
    for f in written:
        print(f)
    return 0
