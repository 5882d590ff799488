"""``indmap link``: place enterprises on chain segments (writes enterprise_segments.csv)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cli.common import emit

DESCRIPTION = """\
按环节规则（segments.csv 的 sw_codes 申万行业代码、gbt4754 国标行业代码、keywords 关键词）把企业挂到产业链环节上，
写出可人工审核的 enterprise_segments.csv（enterprise_id, segment_id, share, source, confidence）。

两种企业来源：
  * 上市公司（默认）：ingest/data/public/listed_companies.csv 的申万行业 + listed_products.csv 的主营产品
    （ChainKnowledgeGraph）；企业编号为规范化股票代码，如 600373.SH。
  * 本地企业名录（--enterprises）：自己的 enterprises.csv，可带 products/主营产品、keywords/关键词/经营范围、
    gbt4754/国标行业代码、sw_codes/申万行业代码 列；都没有时只用企业名称匹配。

规则：行业代码相同或为其下级（申万 L1⊃L2⊃L3；国标 门类/大类⊃中类⊃小类）= 行业匹配；关键词是产品名称的子串
= 产品匹配（产品名带关键词没有的“设备/服务/贸易…”等词时不算；同一链内长关键词优先）。两者都有为
confirmed（已确认），只有一种为 likely（待核实）。已知营收占比合计不足 10% 的产品是副业，不作依据；只凭产品
挂接时还须占比已知、且企业申万二级行业与环节相同；只凭行业代码挂接时，该代码须不被同一链多个环节共用、且
该行业的企业有相当比例（≥25%）生产本环节产品。详见 ingest/link.py。
share = 匹配产品可靠营收占比之和（封顶 1，未知则留空）。

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
    p.add_argument("--review", action="store_true", help="add enterprise_name and segment_name columns for reviewing (remove before ingest)")
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
    if args.enterprises:
        path = Path(args.enterprises)
        if not path.is_file():
            print(f"找不到企业名录 “{path}”", file=sys.stderr)
            return 2
        try:
            links = lk.link_table(segments, lk.read_text_csv(path), data_source=args.source_label, min_confidence=args.min_confidence)
        except ValueError as exc:
            print(f"数据错误：{exc}", file=sys.stderr)
            return 1
        n_ent = None
    else:
        from ingest.public import chainkg

        companies = chainkg.load_companies(args.companies or chainkg.PUBLIC_DIR)
        products = chainkg.load_products(args.products or chainkg.PUBLIC_DIR)
        links = lk.link_listed(segments, companies, products, min_confidence=args.min_confidence)
        n_ent = companies.height
    lk.write_links(links, args.out, review=args.review)
    if not args.quiet:
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
                "seconds": round(time.perf_counter() - t0, 2),
                "out": str(args.out),
            }
        ]
        emit(summary, "table", out=sys.stderr)
    return 0
