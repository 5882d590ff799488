"""``indmap parks``: overlap, concentration, the province-wide 十强/十快, per-city counts, per-mu figures, cohesion.

``--format json`` prints one object: ``period``, ``previous_period``, ``overlap``, ``concentration``,
``scale`` and ``speed`` (the ranking rows, as in ``ranking``), ``ranking`` (本市, weights, ``scale``,
``speed``, ``parks`` = per-mu figures, ``comparison`` = 本市 against the best other city),
``by_city`` and ``cohesion``. ``--report NAME`` prints one report's rows (``csv`` needs one). The
table format is in Chinese, with units and rounded numbers (shared segments by name); unknown values read "无数据".
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from cli import analysis as ca
from cli.common import dumps, emit
from graph.i18n import column_zh

REPORTS = ["all", "overlap", "concentration", "scale", "speed", "by_city", "figures", "cohesion"]
KEYS = ("revenue", "fixed_investment", "tax", "profit")
GROWTH_COLUMN = {"revenue": "revenue_growth", "fixed_investment": "investment_growth", "tax": "tax_growth", "profit": "profit_growth"}

#: Columns of each report in the table for people (headers and formats from graph.i18n) and in CSV.
PARK_COLUMNS = {
    "overlap": ["park_a", "park_a_name", "park_b", "park_b_name", "similarity", "basis", "flagged", "shared_segments"],
    "concentration": ["park_id", "park_name", "basis", "top_industry_id", "top_industry_name", "top_share", "focus_industries", "focus_share", "flagged", "flags"],
    "scale": ["rank", "park_id", "park_name", "city_code", "city_name", "home", "score", "top10", "parts", "values", "missing", "note"],
    "speed": ["rank", "park_id", "park_name", "city_code", "city_name", "home", "score", "top10", "parts", "values", "missing", "note"],
    "by_city": ["city_code", "city_name", "home", "parks", "top10_scale", "top10_speed", "star2plus"],
    "figures": ["park_id", "park_name", "city_code", "city_name", "home", "level", "star", "area_mu", "revenue", "tax", "revenue_per_mu", "tax_per_mu", "fixed_investment_growth", "home_average_growth", "vs_home_average", "note"],
    "cohesion": ["park_id", "park_name", "local_count", "tied_count", "cohesion", "flag", "chain_coverage", "covered_segments", "focus_segments", "notes"],
}
#: The same reports in the table for people: ranking rows flattened (one column per indicator), ids left out.
TABLE_COLUMNS = {
    "overlap": ["park_a_name", "park_b_name", "similarity", "basis", "flagged", "shared_segments"],
    "concentration": ["park_name", "top_industry_name", "top_share", "focus_share", "basis", "flags"],
    "scale": ["rank", "park_name", "city_name", "home", "park_score", *KEYS, "note"],
    "speed": ["rank", "park_name", "city_name", "home", "park_score", *GROWTH_COLUMN.values(), "note"],
    "by_city": ["city_name", "city_code", "home", "parks", "top10_scale", "top10_speed", "star2plus"],
    "figures": ["park_name", "city_name", "home", "area_mu", "revenue_per_mu", "tax_per_mu", "fixed_investment_growth", "home_average_growth", "vs_home_average", "note"],
    "cohesion": ["park_name", "local_count", "tied_count", "cohesion", "flag", "chain_coverage", "covered_segments", "focus_segments", "notes"],
}


def _flat(name: str, rows: list[dict[str, Any]], segment_names: dict[str, str]) -> list[dict[str, Any]]:
    """Rows for the table: ranking rows with one column per indicator (growth columns for speed), shared segments by name."""
    if name == "overlap":
        return [{**r, "shared_segments": [segment_names.get(s, s) for s in r["shared_segments"]]} for r in rows]
    if name not in ("scale", "speed"):
        return rows
    out = []
    for r in rows:
        d = {**r, "park_score": r["score"], "city_name": r["city_name"] or r["city_code"]}
        for k in KEYS:
            d[k if name == "scale" else GROWTH_COLUMN[k]] = (r["values"] or {}).get(k)
        out.append(d)
    return out


# ------------------------------------------------------------------ command


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "parks",
        help="park overlap, concentration, province-wide ranking, cohesion",
        description="园区同质化（余弦相似度）、主导产业突出度；全省十强（规模）/十快（增速）排名与各市对比（本市 vs 其他城市）、"
        "亩均营收/税收与固投增速；区内企业关联性与主导产业链覆盖。本市由设置 home_region 指定（--set home_region=4103），"
        "未设置时取本地企业最多的城市。",
    )
    p.add_argument("--report", choices=REPORTS, default="all", help="which report (default all; csv needs one): " + ", ".join(f"{r} {column_zh(r)}" for r in REPORTS[1:]))
    p.add_argument("--period", metavar="P", help="reference period for the ranking, e.g. 2025, 2025-H1, 2025-Q2, 2025-05 (default latest)")
    ca._common(p)
    p.set_defaults(func=cmd_parks)


def _parts(view: Any, a: Any, period: str | None) -> tuple[dict[str, Any], dict[str, list[dict]]]:
    from graph.analysis import park_cohesion, park_concentration, park_overlap, park_ranking

    rank = park_ranking(view, a, period=period)
    ranking = rank.model_dump(mode="json", exclude={"settings", "by_city", "scope"})
    rows = {
        "overlap": [p.model_dump(mode="json") for p in park_overlap(view, a).pairs],
        "concentration": [c.model_dump(mode="json", exclude={"settings", "scope"}) for c in park_concentration(view, a)],
        "scale": ranking["scale"],
        "speed": ranking["speed"],
        "by_city": [c.model_dump(mode="json") for c in rank.by_city],
        "figures": ranking["parks"],
        "cohesion": [r.model_dump(mode="json") for r in park_cohesion(view, a).rows],
    }
    return ranking, rows


def _print_tables(ranking: dict[str, Any], rows: dict[str, list[dict]], only: str, segment_names: dict[str, str]) -> None:
    when = f"{ranking['period']} 较 {ranking['previous_period']}" if ranking["period"] else "无期间指标"
    if only == "all":
        print(f"== 本市对比（{when}） ==")
        print(ranking["home_note"])
        for c in ranking["comparison"]:
            print(c["sentence"])
        print()
    for name in rows if only == "all" else [only]:
        print(f"== {column_zh(name)} ({name}){'，' + when if name in ('scale', 'speed', 'figures') else ''} ==")
        print("（无）" if not rows[name] else "", end="")
        if rows[name]:
            emit(_flat(name, rows[name], segment_names), "table", columns=TABLE_COLUMNS[name], people=True)
        print()


def cmd_parks(args: argparse.Namespace) -> int:
    def body(view, a):
        ranking, rows = _parts(view, a, args.period)
        ca._settings_line(a, args, ca.PARK_SETTINGS)
        for w in ranking["warnings"]:
            print(f"警告：{w}", file=sys.stderr)
        if args.format != "table" or args.report != "all":  # the full table prints it under 本市对比
            print(ranking["home_note"], file=sys.stderr)
        if args.format == "table":
            seg = view.tables["segments"]
            _print_tables(ranking, rows, args.report, dict(zip(seg.get_column("id").to_list(), seg.get_column("name").to_list())))
            return 0
        if args.report != "all":
            emit(rows[args.report], args.format, columns=PARK_COLUMNS[args.report] if args.format == "csv" else None)
            return 0
        if args.format == "csv":
            return ca._err("CSV 一次只能输出一个报表，请用 --report 指定：" + "、".join(REPORTS[1:]))
        out = {"period": ranking["period"], "previous_period": ranking["previous_period"]}
        out |= {k: rows[k] for k in ("overlap", "concentration", "scale", "speed")}
        out |= {"ranking": ranking, "by_city": rows["by_city"], "cohesion": rows["cohesion"]}
        print(dumps(out))
        return 0

    return ca._run(args, body, scoped="no-counts")
