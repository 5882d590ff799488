"""``indmap parks``: overlap, concentration, the province-wide 十强/十快, per-city counts, per-mu figures, cohesion.

``--format json`` prints one object: ``period``, ``previous_period``, ``overlap``, ``concentration``,
``scale`` and ``speed`` (the ranking rows, as in ``ranking``), ``ranking`` (本市, weights, ``scale``,
``speed``, ``parks`` = per-mu figures, ``comparison`` = 本市 against the best other city),
``by_city`` and ``cohesion``. ``--report NAME`` prints one report's rows (``csv`` needs one). The
table format is in Chinese, with units and rounded numbers; unknown values read "无数据".
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable

from cli import analysis as ca
from cli.common import dumps, emit, format_table

REPORTS = ["all", "overlap", "concentration", "scale", "speed", "by_city", "figures", "cohesion"]
KEYS = ("revenue", "fixed_investment", "tax", "profit")
NA = "无数据"


# ------------------------------------------------------------------ cell formats (table only)


def _num(v: float | None, nd: int = 0) -> str:
    return NA if v is None else f"{v:,.{nd}f}"


def _pct(v: float | None) -> str:
    return NA if v is None else f"{v * 100:.1f}%"


def _pp(v: float | None) -> str:
    return NA if v is None else f"{v * 100:+.1f} 个百分点"


def _score(v: float | None) -> str:
    return "—" if v is None else f"{v:.3f}"


def _yes(v: bool) -> str:
    return "是" if v else ""


def _city(r: dict) -> str:
    return r.get("city_name") or r.get("city_code") or NA


# ------------------------------------------------------------------ Chinese tables: (header, cell) per column

Column = tuple[str, Callable[[dict], str]]

TABLES: dict[str, list[Column]] = {
    "overlap": [
        ("园区甲", lambda r: r["park_a_name"] or r["park_a"]),
        ("园区乙", lambda r: r["park_b_name"] or r["park_b"]),
        ("相似度", lambda r: f"{r['similarity']:.2f}"),
        ("依据", lambda r: "营收" if r["basis"] == "revenue" else "企业数"),
        ("同质化", lambda r: _yes(r["flagged"])),
        ("共同环节", lambda r: "、".join(r["shared_segments"])),
    ],
    "concentration": [
        ("园区", lambda r: r["park_name"] or r["park_id"]),
        ("第一大产业", lambda r: r["top_industry_name"] or r["top_industry_id"] or NA),
        ("占比", lambda r: _pct(r["top_share"])),
        ("申报主导产业占比", lambda r: _pct(r["focus_share"]) if r["focus_industries"] else "未申报"),
        ("依据", lambda r: {"revenue": "营收", "count": "企业数"}.get(r["basis"], NA)),
        ("预警", lambda r: "；".join(r["flags"])),
    ],
    "scale": [
        ("名次", lambda r: str(r["rank"]) if r["rank"] else "—"),
        ("园区", lambda r: r["park_name"] or r["park_id"]),
        ("城市", _city),
        ("本市", lambda r: _yes(r["home"])),
        ("得分(0–1)", lambda r: _score(r["score"])),
        ("主营业务收入(万元)", lambda r: _num(r["values"].get("revenue")) if r["values"] else NA),
        ("固定资产投资(万元)", lambda r: _num(r["values"].get("fixed_investment")) if r["values"] else NA),
        ("税收(万元)", lambda r: _num(r["values"].get("tax")) if r["values"] else NA),
        ("利润总额(万元)", lambda r: _num(r["values"].get("profit")) if r["values"] else NA),
        ("说明", lambda r: r["note"]),
    ],
    "speed": [
        ("名次", lambda r: str(r["rank"]) if r["rank"] else "—"),
        ("园区", lambda r: r["park_name"] or r["park_id"]),
        ("城市", _city),
        ("本市", lambda r: _yes(r["home"])),
        ("得分(0–1)", lambda r: _score(r["score"])),
        ("收入增速", lambda r: _pct(r["values"].get("revenue")) if r["values"] else NA),
        ("固投增速", lambda r: _pct(r["values"].get("fixed_investment")) if r["values"] else NA),
        ("税收增速", lambda r: _pct(r["values"].get("tax")) if r["values"] else NA),
        ("利润增速", lambda r: _pct(r["values"].get("profit")) if r["values"] else NA),
        ("说明", lambda r: r["note"]),
    ],
    "by_city": [
        ("城市", _city),
        ("代码", lambda r: r["city_code"] or NA),
        ("本市", lambda r: _yes(r["home"])),
        ("园区数", lambda r: str(r["parks"])),
        ("十强", lambda r: str(r["top10_scale"])),
        ("十快", lambda r: str(r["top10_speed"])),
        ("二星级及以上", lambda r: str(r["star2plus"])),
    ],
    "figures": [
        ("园区", lambda r: r["park_name"] or r["park_id"]),
        ("城市", _city),
        ("本市", lambda r: _yes(r["home"])),
        ("面积(亩)", lambda r: _num(r["area_mu"])),
        ("亩均营收(万元/亩)", lambda r: _num(r["revenue_per_mu"], 1)),
        ("亩均税收(万元/亩)", lambda r: _num(r["tax_per_mu"], 2)),
        ("固投增速", lambda r: _pct(r["fixed_investment_growth"])),
        ("本市平均", lambda r: _pct(r["home_average_growth"])),
        ("较本市平均", lambda r: _pp(r["vs_home_average"])),
        ("说明", lambda r: r["note"]),
    ],
    "cohesion": [
        ("园区", lambda r: r["park_name"] or r["park_id"]),
        ("本地企业", lambda r: str(r["local_count"])),
        ("区内有供需关联", lambda r: NA if r["tied_count"] is None else str(r["tied_count"])),
        ("关联性", lambda r: _pct(r["cohesion"])),
        ("预警", lambda r: r["flag"] or ""),
        ("主导产业链覆盖", lambda r: _pct(r["chain_coverage"]) + (f"（{r['covered_segments']}/{r['focus_segments']} 个环节）" if r["chain_coverage"] is not None else "")),
        ("说明", lambda r: "；".join(r["notes"])),
    ],
}
TITLES = {
    "overlap": "同质化（园区两两相似度）",
    "concentration": "主导产业突出度",
    "scale": "十强（规模得分，{period}）",
    "speed": "十快（增速得分，{period} 较 {previous}）",
    "by_city": "各市对比（全省）",
    "figures": "亩均效益与固投增速（{period}）",
    "cohesion": "区内企业关联性与主导产业链覆盖",
}


def _table(name: str, rows: list[dict[str, Any]]) -> str:
    cols = TABLES[name]
    return format_table([h for h, _ in cols], [[f(r) for _, f in cols] for r in rows])


# ------------------------------------------------------------------ command


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "parks",
        help="park overlap, concentration, province-wide ranking, cohesion",
        description="园区同质化（余弦相似度）、主导产业突出度；全省十强（规模）/十快（增速）排名与各市对比（本市 vs 其他城市）、"
        "亩均营收/税收与固投增速；区内企业关联性与主导产业链覆盖。本市由设置 home_region 指定（--set home_region=4103），"
        "未设置时取本地企业最多的城市。",
    )
    p.add_argument("--report", choices=REPORTS, default="all", help="which report (default all; csv needs one)")
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


def _print_tables(ranking: dict[str, Any], rows: dict[str, list[dict]], only: str) -> None:
    fill = {"period": ranking["period"] or "—", "previous": ranking["previous_period"] or "—"}
    if only == "all":
        print(f"== 本市对比（{ranking['period'] or '无期间指标'}）==")
        print(ranking["home_note"])
        for c in ranking["comparison"]:
            print(c["sentence"])
        print()
    for name in rows if only == "all" else [only]:
        print(f"== {TITLES[name].format(**fill)} ==")
        print(_table(name, rows[name]) if rows[name] else "（无）")
        print()


def cmd_parks(args: argparse.Namespace) -> int:
    def body(view, a):
        ranking, rows = _parts(view, a, args.period)
        ca._settings_line(a)
        for w in ranking["warnings"]:
            print(f"警告：{w}", file=sys.stderr)
        print(ranking["home_note"], file=sys.stderr)
        if args.format == "table":
            _print_tables(ranking, rows, args.report)
            return 0
        if args.report != "all":
            emit(rows[args.report], args.format)
            return 0
        if args.format == "csv":
            return ca._err("CSV 一次只能输出一个报表，请用 --report 指定：" + "、".join(REPORTS[1:]))
        out = {"period": ranking["period"], "previous_period": ranking["previous_period"]}
        out |= {k: rows[k] for k in ("overlap", "concentration", "scale", "speed")}
        out |= {"ranking": ranking, "by_city": rows["by_city"], "cohesion": rows["cohesion"]}
        print(dumps(out))
        return 0

    return ca._run(args, body)
