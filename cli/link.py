"""``indmap link``: place enterprises on chain segments (writes enterprise_segments.csv)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cli.common import emit
from graph.i18n import LINK_SUMMARY_ZH

DESCRIPTION = """\
按环节规则（segments.csv 的 sw_codes 申万行业代码、gbt4754 国标行业代码、keywords 关键词）把企业挂到产业链环节上，
写出可人工审核的 enterprise_segments.csv（enterprise_id, segment_id, share, source, confidence）。

两种企业来源：
  * 上市公司（默认）：ingest/data/public/listed_companies.csv 的申万行业 + listed_products.csv 的主营产品
    （ChainKnowledgeGraph，2021 年），另加其后上市等该来源未收录的公司（listed_companies_tushare.csv，
    只有简称与 tushare 行业标签）；企业编号为规范化股票代码，如 600373.SH。
  * 本地企业名录（--enterprises）：自己的 enterprises.csv，可带 products/主营产品、keywords/关键词/经营范围、
    gbt4754/国标行业代码、sw_codes/申万行业代码 列；都没有时只用企业名称匹配。

规则：行业代码相同或为其下级（申万 L1⊃L2⊃L3；国标 门类/大类⊃中类⊃小类）= 行业匹配；关键词按分词边界出现在
产品名称中 = 产品匹配（先去掉“销售/生产/提供/研发…”等经营用语；关键词在名称末尾为强匹配；“靶材”也匹配以“靶”
结尾的产品如“铝靶”；产品图谱中关键词的产品小类也算；带“设备/服务/贸易…”等后缀的不算）；关键词出现在企业全称中
= 名称匹配（弱证据）。行业与产品都匹配为 confirmed（已确认），其余为 likely（待核实）。同一链多个环节共用的
行业代码，按产品或名称证据选择环节，没有证据时不挂接（摘要中计数）；没有任何产品数据的企业，行业代码唯一
对应的环节照常挂接（likely）。只凭产品挂接时须是主营（已知营收占比合计 ≥ 10%）、关键词为产品中心词且行业大类
相符。没有申万行业的上市公司用其 tushare 行业标签对应的申万行业作较弱的行业证据（只有标签明确对应某环节时
才单独挂接，否则由名称选择；均为 likely）。详见 ingest/linking/__init__.py。
share = 匹配产品可靠营收占比之和（封顶 1，未知则留空）；--review 另附 evidence（证据强度 0–1，可据此排序审核）。

例：
  indmap link --dataset data/demo --out /tmp/enterprise_segments.csv
  indmap link --segments data/demo/segments.csv --companies ingest/data/public/listed_companies.csv \\
      --products ingest/data/public/listed_products.csv --out links.csv --min-confidence confirmed
  indmap link --dataset data/demo --enterprises my_enterprises.csv --out local_links.csv --review
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "link",
        help="place enterprises on segments by industry codes and product keywords (writes enterprise_segments.csv)",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    src = p.add_argument_group("segments (one of)")
    src.add_argument("--segments", metavar="FILE", help="segments.csv with sw_codes / gbt4754 / keywords columns")
    src.add_argument("--dataset", metavar="DIR", help="dataset folder; its segments.csv is used")
    p.add_argument("--companies", metavar="FILE", help="listed companies (default: ingest/data/public/listed_companies.csv)")
    p.add_argument("--products", metavar="FILE", help="listed companies' main products (default: ingest/data/public/listed_products.csv)")
    p.add_argument("--enterprises", metavar="FILE", help="link this enterprise list (CSV, UTF-8 or GBK) instead of the listed companies")
    p.add_argument("--source-label", metavar="TEXT", default="企业名录", help="data source named in `source` for --enterprises (default: 企业名录)")
    p.add_argument("--out", metavar="FILE", required=True, help="output CSV (enterprise_segments.csv layout)")
    p.add_argument(
        "--min-confidence",
        choices=["likely", "confirmed"],
        default="likely",
        help="keep links at or above this confidence (default: likely = all)",
    )
    p.add_argument(
        "--review",
        action="store_true",
        help="add enterprise_name, segment_name and evidence (0-1, sort by it) columns for reviewing (remove before ingest)",
    )
    p.add_argument("--quiet", action="store_true", help="no summary")
    p.set_defaults(func=cmd_link)


def cmd_link(args: argparse.Namespace) -> int:
    import polars as pl

    from ingest import link as lk

    if bool(args.segments) == bool(args.dataset):
        print("用法错误：请给出 --segments FILE 或 --dataset DIR 之一", file=sys.stderr)
        return 2
    seg_path = Path(args.segments) if args.segments else Path(args.dataset) / "segments.csv"
    if not seg_path.is_file():
        print(f"找不到环节文件 “{seg_path}”：请给出 segments.csv 的路径，或包含它的数据集文件夹", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        segments = lk.read_segments(seg_path)
    except ValueError as exc:
        print(f"数据错误：{exc}", file=sys.stderr)
        return 1
    report = lk.LinkReport()
    if args.enterprises:
        path = Path(args.enterprises)
        if not path.is_file():
            print(f"找不到企业名录 “{path}”", file=sys.stderr)
            return 2
        try:
            links = lk.link_table(segments, lk.read_text_csv(path), data_source=args.source_label, min_confidence=args.min_confidence, report=report)
        except ValueError as exc:
            print(f"数据错误：{exc}", file=sys.stderr)
            return 1
        n_ent = None
    else:
        from ingest.public import chainkg

        companies = chainkg.load_companies(args.companies or chainkg.PUBLIC_DIR)
        products = chainkg.load_products(args.products or chainkg.PUBLIC_DIR)
        links = lk.link_listed(segments, companies, products, min_confidence=args.min_confidence, report=report)
        n_ent = companies.height
    lk.write_links(links.sort(["segment_id", "evidence", "enterprise_id"], descending=[False, True, False]) if args.review else links, args.out, review=args.review)
    if not args.quiet:
        _summary(links, segments, report, n_ent, time.perf_counter() - t0, args.out)
    return 0


def _summary(links, segments, report, n_ent, seconds: float, out: str) -> None:
    """The run summary (stderr): counts, then what could not be done and why."""
    by_conf = dict(links.group_by("confidence").len().rows()) if links.height else {}
    summary = [
        {
            "links": links.height,
            "enterprises_linked": links.get_column("enterprise_id").n_unique() if links.height else 0,
            "enterprises_in": n_ent,
            "segments_linked": links.get_column("segment_id").n_unique() if links.height else 0,
            "segments_in": segments.height,
            "confirmed": by_conf.get("confirmed", 0),
            "likely": by_conf.get("likely", 0),
            "seconds": round(seconds, 2),
            "out": str(out),
        }
    ]
    emit(summary, "table", out=sys.stderr, people=True, headers=LINK_SUMMARY_ZH)
    if report.names_only:
        print("注意：企业名录没有产品/关键词列，也没有行业代码列，只能按企业名称挂接，所有结果均为 likely（待核实）。", file=sys.stderr)
    if report.empty_segments:
        shown = "、".join(report.empty_segments[:10]) + (f" 等{len(report.empty_segments)}个" if len(report.empty_segments) > 10 else "")
        print(f"注意：{len(report.empty_segments)} 个环节既无关键词也无行业代码，无法挂接任何企业：{shown}（在 segments.csv 中补充 keywords 或 sw_codes/gbt4754）。", file=sys.stderr)
    if report.ambiguous:
        print(
            f"注意：有 {report.ambiguous} 处（企业 × 产业链）企业的行业代码被该链多个环节共用，且没有产品或名称证据可以选择，未挂接（补充其主营产品，或为环节设置更细的行业代码）。",
            file=sys.stderr,
        )
