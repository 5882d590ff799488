"""``indmap report``: briefings for leaders as Word (.docx) or PDF (.pdf).

* ``indmap report chain --chain ID --out FILE`` — 产业链招商报告;
* ``indmap report supervision --out FILE`` — 督查通报;
* ``indmap report city --out FILE`` — 全市产业链招商报告, one page per chain.

The format follows the file name. Numbers come from the same analysis as
``indmap gaps/targets/projects/parks`` (``--set``, ``--scope`` and ``--as-of``
as there). The file is written whole or not at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

from cli.analysis import _run, _scope_arg
from cli.common import add_store_arg, settings_from_args

EPILOG = """examples:
  indmap report chain --chain NEV --out 新能源汽车.docx
  indmap report chain --chain NEV --scope park:P01 --out 新能源汽车_高新区.pdf
  indmap report supervision --as-of 2026-06-30 --out 督查通报.pdf
  indmap report city --out 全市产业链.docx
"""


def _as_of(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"--as-of 日期格式应为 YYYY-MM-DD（收到 {text!r}）") from None


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder (no half-written report).

    The file gets the permissions any new file of the user gets (0644 under the usual umask), not the
    temporary file's 0600: a briefing is written to be handed on.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    mask = os.umask(0)
    os.umask(mask)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            os.fchmod(f.fileno(), 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_report(args: argparse.Namespace) -> int:
    from reports import FontMissing, find_cjk_font, render, report_format

    try:
        ext = report_format(args.out)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2

    def body(view, a, store):
        t0 = time.perf_counter()
        view, pools = report_inputs(store, view)
        try:
            font = find_cjk_font(settings_from_args(args).report_font)
        except FontMissing as exc:  # the PDF embeds it and the map picture is drawn with it
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        as_of = _as_of(getattr(args, "as_of", None))
        if args.kind == "chain":
            from reports.chain import chain_report

            rep = chain_report(view, a, args.chain, scope=args.scope, font_path=str(font.path), as_of=as_of, top=args.top, pools=pools)
        elif args.kind == "city":
            from reports.chain import city_report

            rep = city_report(view, a, scope=args.scope, font_path=str(font.path), as_of=as_of, pools=pools)
        else:
            from reports.supervision import supervision_report

            rep = supervision_report(view, a, as_of=as_of)
        data = render(rep, ext, font)
        out = Path(args.out)
        write_atomic(out, data)
        print(f"已生成{rep.title}：{out}（{len(data) / 1024:,.0f} KB，{time.perf_counter() - t0:.1f} 秒）")
        return 0

    return _run(args, body, scoped=True, with_store=True)


def report_inputs(store, view):
    """The view a report is built on and the view each segment's targets are ranked on.

    On Neo4j (``store`` open, ``view`` scoped) the scoped view plus the projects' investors, read
    by id, and for each segment the scoped view plus the target pools of a batch of segments, read
    as one (:class:`reports.pools.SegmentPools`, as the app's report buttons build them: never the
    whole graph, never a query per segment); on the embedded store the view as it is and no pools
    (it holds every candidate).
    """
    if store is None or not view.scoped:
        return view, None
    from graph.stores.neo4j_scoped import add_companies, add_pools
    from reports.pools import SegmentPools, pool_sizes

    investors = view.projects.get_column("enterprise_id").drop_nulls().to_list()
    return add_companies(store, view, investors), SegmentPools(lambda ids: add_pools(store, view, ids), pool_sizes(view))


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "report",
        help="briefings for leaders as Word or PDF (chain, supervision, city)",
        description="生成可直接交给领导的报告：Word（.docx，可编辑）或 PDF（.pdf，内嵌中文字体），格式由 --out 的扩展名决定。",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    kinds = p.add_subparsers(dest="kind", metavar="KIND", required=True)

    def common(q: argparse.ArgumentParser) -> None:
        q.add_argument("--out", required=True, metavar="FILE", help="output file: FILE.docx (Word) or FILE.pdf")
        add_store_arg(q)
        q.add_argument("--set", action="append", metavar="KEY=VALUE", help="override an analysis setting, e.g. weak_min_count=4 (repeatable)")
        q.set_defaults(func=cmd_report)

    q = kinds.add_parser("chain", help="产业链招商报告 for one chain", description="产业链招商报告：图谱、完整度与标签计数、缺口（优先级与理由）、断链与缺链环节的推荐招商目标、补链项目、参数与数据日期。")
    q.add_argument("--chain", required=True, metavar="ID", help="chain id, e.g. NEV")
    q.add_argument("--top", type=int, default=5, metavar="N", help="targets listed per broken or missing segment (default 5)")
    _scope_arg(q)
    q.add_argument("--as-of", metavar="DATE", help="reference date of the projects filling the chain, YYYY-MM-DD (default today)")
    common(q)

    q = kinds.add_parser("supervision", help="督查通报: overdue, stalled, per-mu flags, park 十强/十快", description="督查通报：按责任单位列出逾期项目与逾期天数、停滞项目、投资强度与亩均效益预警、园区十强/十快。")
    q.add_argument("--as-of", metavar="DATE", help="reference date YYYY-MM-DD (default today)")
    common(q)

    q = kinds.add_parser("city", help="全市产业链招商报告: one page per chain", description="全市产业链招商报告：产业链总览，然后每条产业链一页（图谱、完整度、各缺口环节与首选招商目标）。")
    _scope_arg(q)
    q.add_argument("--as-of", metavar="DATE", help="reference date of the projects, YYYY-MM-DD (default today)")
    common(q)
