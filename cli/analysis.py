"""Analysis commands: gaps, chains, targets, projects, whatif (``parks`` is in :mod:`cli.parks`).

Output: ``--format table`` (default), ``json`` or ``csv`` on stdout. ``gaps``,
``chains`` and ``targets`` print a JSON list of rows; ``projects`` and
``whatif`` print one report (``--report``) as a list of rows,
or every report as one JSON object with ``--report all`` (the default for
table and JSON). The settings used (one JSON line), warnings and the gate and
filter counts of ``targets`` go to stderr, so stdout stays machine-readable.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from cli.common import add_format_arg, add_store_arg, dumps, emit, settings_from_args, settings_table
from graph.i18n import FILTER_ZH, GATE_ZH, PROJECT_STAGE_ZH, column_zh
from graph.settings import AnalysisSettings

SEGMENT_HEADERS = {"stage": "环节位置"}  # in segment rows, ``stage`` is upstream/midstream/downstream

# the settings each command's result depends on (the table format prints these as 参数/取值)
GAP_SETTINGS = ["above_scale_revenue", "weak_min_count", "key_weight", "priority_weights", "category_weights", "weak_priority_multiplier", "supply_saturation"]
TARGET_SETTINGS = ["target_weights", "ties_saturation", "unknown_value", "min_coverage", "gate_high_pollution", "gate_high_energy"]
PROJECT_SETTINGS = ["stall_days", "intensity_min", "output_per_mu_min", "tax_per_mu_min", *GAP_SETTINGS]
PARK_SETTINGS = ["home_region", "park_ranking_weights", "overlap_threshold", "concentration_threshold", "focus_share_threshold", "cohesion_threshold"]

# ------------------------------------------------------------------ plumbing


def load_view(args: argparse.Namespace, settings: Any):
    """Open the store named by the settings and read its analysis view (tests may replace this)."""
    from graph.stores import load_view as read_view, open_store

    store = open_store(settings)
    try:
        return read_view(store)
    finally:
        store.close()


def open_scoped(settings: Any):
    """gaps, chains, targets and parks on Neo4j: the store to read the scoped view from
    (:mod:`graph.stores.neo4j_scoped`: local enterprises, the rest as aggregates computed by the
    server); None on the embedded store, which maps its whole persisted view in milliseconds."""
    if not settings.is_neo4j:
        return None
    from graph.stores import open_store

    return open_store(settings)


def _coerce(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


def analysis_settings(args: argparse.Namespace) -> tuple[Any, AnalysisSettings]:
    """Settings (file, environment, --store) with ``--set key=value`` overrides of the analysis part."""
    settings = settings_from_args(args)
    data = settings.analysis.model_dump()
    for item in getattr(args, "set", None) or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--set 需要 键=值 形式，例如 --set weak_min_count=4 或 --set target_weights.ties=0.3（收到 {item!r}）")
        node = data
        parts = key.strip().split(".")
        for p in parts[:-1]:
            if not isinstance(node.get(p), dict):
                raise ValueError(f"未知分析设置 {key!r}")
            node = node[p]
        if parts[-1] not in node:
            raise ValueError(f"未知分析设置 {key!r}；可用：{', '.join(sorted(node))}")
        node[parts[-1]] = _coerce(value.strip())
    return settings, AnalysisSettings(**data)


def _common(p: argparse.ArgumentParser, formats=("table", "json", "csv")) -> None:
    add_store_arg(p)
    add_format_arg(p, formats)
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override an analysis setting, e.g. weak_min_count=4, target_weights.ties=0.3 (repeatable)")


def _share_arg(text: str) -> float:
    """A number between 0 and 1 (argparse type)."""
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"需要 0 到 1 之间的数，例如 0.5（收到 {text!r}）") from None
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError(f"需要 0 到 1 之间的数，例如 0.5（收到 {text!r}）")
    return v


def _scope_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scope", default="city", metavar="SCOPE", help="city (default), park:ID or region:CODE")


def _err(msg: str) -> int:
    print(f"错误：{msg}", file=sys.stderr)
    return 2


def _settings_line(a: AnalysisSettings, args: argparse.Namespace | None = None, keys: list[str] | None = None) -> None:
    """The settings used, on stderr: a short 参数/取值 table for people (``--format table``), else one JSON line."""
    if args is not None and getattr(args, "format", None) == "table":
        print("参数（用 --set 设置项=值 修改）：\n" + settings_table(a, keys) + "\n", file=sys.stderr)
        return
    print("设置 (settings): " + json.dumps(a.model_dump(), ensure_ascii=False, separators=(",", ":")), file=sys.stderr)


# what each id option names (case-insensitive; a miss suggests "您是否要找…")
ID_ARGS = {"segment": "segment", "chain": "chain", "enterprise": "enterprise", "project": "project"}


def resolve_ids(view: Any, args: argparse.Namespace) -> None:
    """Replace the ids typed in ``args`` by the data's ids (any case); an unknown one raises with suggestions."""
    from graph.lookup import resolve

    for attr, kind in ID_ARGS.items():
        value = getattr(args, attr, None)
        if isinstance(value, str) and value:
            setattr(args, attr, resolve(view, kind, value))
        elif isinstance(value, list):
            setattr(args, attr, [resolve(view, kind, v) for v in value])
    if getattr(args, "add", None):
        args.add = [resolve(view, "enterprise", x.strip()) for item in args.add for x in item.split(",") if x.strip()]
    scope = getattr(args, "scope", None)
    if isinstance(scope, str) and ":" in scope:
        kind, _, value = scope.partition(":")
        kind = kind.strip().lower()
        if kind in ("park", "region") and value.strip():
            args.scope = f"{kind}:{resolve(view, kind, value.strip())}"


def _run(args: argparse.Namespace, body, *, scoped: bool | str = False, pool: bool = False, with_store: bool = False) -> int:
    """Settings, the view, ids resolved, then ``body``.

    ``scoped``: on Neo4j the scoped view (``"no-counts"``: without candidate counts, for commands
    that do not use them; ``"pool-only"``: without the local side either, which ``pool`` then
    reads for that pool alone -- ``targets``; ``"presence"``: without the local side, whose presence
    in ``--scope`` the server then counts per segment, nor the projects -- ``gaps``, ``chains``); ``pool``: plus the target
    pool of ``--segment``; ``with_store``: ``body`` gets the open Neo4j store as a third argument (None on
    the embedded store) to read more by id.
    """
    from graph.stores import StoreError

    store = None
    try:
        settings, a = analysis_settings(args)
        store = open_scoped(settings) if scoped else None
        if store is None:
            view = load_view(args, settings)
        else:
            from graph.stores.neo4j_scoped import read_scoped_view

            lean = scoped in ("pool-only", "presence")
            view = read_scoped_view(store, candidates=scoped not in ("no-counts", "pool-only"), local=not lean, projects=scoped != "presence")
        if view.meta.get("demo"):
            name = (view.meta.get("dataset_info") or {}).get("name") or "示例数据"
            print(f"数据集：{name}（示例数据，城市与本地企业为虚构）", file=sys.stderr)
        resolve_ids(view, args)
        if scoped == "presence" and store is not None:
            from graph.stores.neo4j_scoped import add_presence

            view = add_presence(store, view, args.scope, a.above_scale_revenue)
        if pool and store is not None:
            from graph.stores.neo4j_scoped import add_pool

            view = add_pool(store, view, args.segment)
        return body(view, a, store) if with_store else body(view, a)
    except StoreError as exc:
        return _err(str(exc))
    except ValueError as exc:
        return _err(str(exc))
    finally:
        if store is not None:
            store.close()


def _emit_report(parts: dict[str, list[dict]], args: argparse.Namespace, columns: dict[str, list[str]], extra: dict | None = None) -> int:
    """One report as rows, or all of them (table: sections; json: one object)."""
    chosen = args.report
    if chosen != "all":
        emit(parts[chosen], args.format, columns=columns.get(chosen), people=True)
        return 0
    if args.format == "csv":
        return _err("CSV 一次只能输出一个报表，请用 --report 指定：" + "、".join(parts))
    if args.format == "json":
        print(dumps({**(extra or {}), **parts}))
        return 0
    for name, rows in parts.items():
        print(f"== {column_zh(name)} ({name}) ==")
        emit(rows, "table", columns=columns.get(name), people=True)
        print()
    return 0


# ------------------------------------------------------------------ register


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gaps", help="gap label and priority of every segment", description="各产业链环节的缺链/断链/弱链/强链标签与补链优先级（0–100），附每个因子的中文理由。")
    p.add_argument("--chain", metavar="ID", help="only this chain")
    _scope_arg(p)
    _common(p)
    p.set_defaults(func=cmd_gaps)

    p = sub.add_parser("chains", help="completeness and label counts per chain", description="各产业链完整度（叶子环节中本地已有的比例，及关键环节加权）与标签计数。")
    _scope_arg(p)
    _common(p)
    p.set_defaults(func=cmd_chains)

    p = sub.add_parser("targets", help="ranked target enterprises for a segment", description="某环节的招商目标企业排名（外地企业），含硬性门槛、筛选与每个因子的理由。")
    p.add_argument("--segment", required=True, metavar="ID", help="segment id")
    p.add_argument("--top", type=int, default=20, metavar="N", help="number of ranked targets (default 20; 0 = all)")
    p.add_argument("--no-gates", action="store_true", help="switch off the high-pollution / high-energy gates")
    p.add_argument("--province", metavar="P", help="only enterprises of this province")
    p.add_argument("--listed", action="store_true", help="only listed enterprises")
    p.add_argument("--min-revenue", type=float, metavar="X", help="minimum revenue, 万元")
    p.add_argument("--qualification", nargs="+", default=[], metavar="Q", help="required qualifications, e.g. 专精特新 高新技术企业")
    p.add_argument(
        "--min-coverage",
        type=_share_arg,
        metavar="X",
        help="drop targets whose coverage (share of the factor weight backed by known data, 0-1) is below X (setting min_coverage)",
    )
    _scope_arg(p)
    _common(p)
    p.set_defaults(func=cmd_targets)

    p = sub.add_parser("projects", help="project pipeline report", description="招商项目漏斗、阶段转化率、停滞项目、投资强度与亩均效益、逾期督查、补链情况。")
    p.add_argument("--as-of", metavar="DATE", help="reference date YYYY-MM-DD (default today)")
    p.add_argument(
        "--report",
        choices=["all", "funnel", "by_park", "by_chain", "conversion", "stalled", "intensity", "overdue", "fills"],
        default="all",
        help="which report (default all; csv needs one)",
    )
    _common(p)
    p.set_defaults(func=cmd_projects)

    p = sub.add_parser("whatif", help="land targets or projects and compare before/after", description="假设目标企业（或项目）落地本地某环节，对比前后的环节标签、完整度与优先级。")
    p.add_argument("--segment", metavar="S", help="segment the added enterprises land in")
    p.add_argument("--add", action="append", default=[], metavar="ID[,ID]", help="enterprise ids to land in --segment (repeatable)")
    p.add_argument("--project", nargs="+", default=[], metavar="P", help="project ids: their enterprise lands in their segment")
    p.add_argument("--chain", metavar="ID", help="compare this chain (default: the chains of the added segments)")
    p.add_argument("--report", choices=["all", "chains", "segments"], default="all", help="which report (default all; csv needs one)")
    _scope_arg(p)
    _common(p)
    p.set_defaults(func=cmd_whatif)


# ------------------------------------------------------------------ commands

GAP_COLUMNS = ["chain_id", "segment_id", "segment_name", "stage", "label_zh", "local_count", "local_revenue", "above_scale_count", "candidate_count", "priority", "reasons"]


def cmd_gaps(args: argparse.Namespace) -> int:
    from graph.analysis import gaps

    def body(view, a):
        res = gaps(view, a, scope=args.scope, chain_id=args.chain)
        _settings_line(a, args, GAP_SETTINGS)
        for w in res.warnings:
            print(f"警告：{w}", file=sys.stderr)
        emit(res.records(), args.format, columns=GAP_COLUMNS if args.format != "json" else None, people=True, headers=SEGMENT_HEADERS)
        return 0

    return _run(args, body, scoped="presence")


CHAIN_COLUMNS = ["chain_id", "chain_name", "category", "segment_count", "leaf_count", "completeness", "completeness_key_weighted", "broken", "missing", "weak", "strong", "top_gap"]


def cmd_chains(args: argparse.Namespace) -> int:
    from graph.analysis import chain_summary

    def body(view, a):
        rows = []
        seg = view.tables["segments"] if args.format == "table" else None  # people read the top gap by name
        names = dict(zip(seg.get_column("id").to_list(), seg.get_column("name").to_list())) if seg is not None else {}
        for c in chain_summary(view, a, scope=args.scope):
            d = c.model_dump(mode="json", exclude={"settings"})
            if args.format != "json":
                d.update(d.pop("counts"))
            if names and d.get("top_gap"):
                d["top_gap"] = names.get(d["top_gap"]) or d["top_gap"]
            rows.append(d)
        _settings_line(a, args, GAP_SETTINGS)
        emit(rows, args.format, columns=CHAIN_COLUMNS if args.format != "json" else None, people=True)
        return 0

    return _run(args, body, scoped="presence")


def _target_counts(res: Any, fmt: str) -> None:
    """Pool size and what the gates and filters removed, on stderr (JSON counts for scripts)."""
    if fmt != "table":
        print(f"候选池 (pool): {res.pool_size} 家；参与排名 (ranked): {res.ranked_size} 家", file=sys.stderr)
        print("门槛剔除 (gates): " + json.dumps(res.gate_removed, ensure_ascii=False), file=sys.stderr)
        print("筛选剔除 (filters): " + json.dumps(res.filter_removed, ensure_ascii=False), file=sys.stderr)
        return
    gates = "，".join(f"{GATE_ZH.get(k, k)} {n} 家" for k, n in res.gate_removed.items()) or "未启用"
    filters = "，".join(f"{FILTER_ZH.get(k, k)} {n} 家" for k, n in res.filter_removed.items()) or "无"
    print(f"候选池 {res.pool_size} 家，参与排名 {res.ranked_size} 家；门槛剔除：{gates}；筛选剔除：{filters}", file=sys.stderr)


TARGET_COLUMNS = ["rank", "enterprise_id", "name", "province", "revenue", "score", "coverage", "pipeline_stage", "reasons"]


def cmd_targets(args: argparse.Namespace) -> int:
    from graph.analysis import targets

    def body(view, a):
        if args.min_coverage is not None:
            a = AnalysisSettings.model_validate({**a.model_dump(), "min_coverage": args.min_coverage})
        res = targets(
            view,
            a,
            args.segment,
            scope=args.scope,
            top=args.top or None,
            gates=not args.no_gates,
            province=args.province,
            listed_only=args.listed,
            min_revenue=args.min_revenue,
            qualifications=args.qualification,
        )
        _settings_line(a, args, TARGET_SETTINGS)
        _target_counts(res, args.format)
        rows = res.records()
        if args.format == "table":
            for r in rows:
                if r["pipeline_stage"]:
                    zh = PROJECT_STAGE_ZH.get(r["pipeline_stage"], r["pipeline_stage"])
                    r["pipeline_stage"] = f"已在项目库:{zh}" if r["in_pipeline"] else f"项目库:{zh}"
        emit(rows, args.format, columns=TARGET_COLUMNS if args.format != "json" else None, people=True)
        return 0

    return _run(args, body, scoped="pool-only", pool=True)


PROJECT_COLUMNS = {
    "funnel": ["stage", "stage_zh", "count", "investment"],
    "by_park": ["id", "name", "count", "investment", "by_stage"],
    "by_chain": ["id", "name", "count", "investment", "by_stage"],
    "conversion": ["from_stage", "to_stage", "reached_from", "reached_to", "rate"],
    "stalled": ["project_id", "name", "stage", "owner", "stage_date", "days", "flags"],
    "intensity": ["project_id", "name", "stage", "investment", "land_mu", "intensity", "output_per_mu", "tax_per_mu", "flags"],
    "overdue": ["owner", "project_id", "name", "stage", "kind", "planned", "days_overdue", "reason"],
    "fills": ["project_id", "name", "stage", "chain_id", "segment_id", "segment_name", "label_zh", "priority"],
}


def cmd_projects(args: argparse.Namespace) -> int:
    from graph.analysis import project_report

    def body(view, a):
        as_of = None
        if args.as_of:
            try:
                as_of = dt.date.fromisoformat(args.as_of)
            except ValueError:
                raise ValueError(f"--as-of 日期格式应为 YYYY-MM-DD（收到 {args.as_of!r}）") from None
        rep = project_report(view, a, as_of=as_of)
        _settings_line(a, args, PROJECT_SETTINGS)
        for w in rep.warnings:
            print(f"警告：{w}", file=sys.stderr)
        d = rep.model_dump(mode="json")
        parts = {k: d[k] for k in PROJECT_COLUMNS}
        return _emit_report(parts, args, PROJECT_COLUMNS, extra={"as_of": d["as_of"], "total": d["total"]})

    return _run(args, body)


WHATIF_COLUMNS = {
    "chains": ["chain_id", "chain_name", "completeness_before", "completeness_after", "completeness_key_weighted_before", "completeness_key_weighted_after", "counts_before", "counts_after"],
    "segments": ["chain_id", "segment_id", "segment_name", "label_zh_before", "label_zh_after", "local_count_before", "local_count_after", "priority_before", "priority_after", "changed"],
}


def cmd_whatif(args: argparse.Namespace) -> int:
    from graph.analysis import whatif

    ids = [x.strip() for item in args.add for x in item.split(",") if x.strip()]
    if ids and not args.segment:
        return _err("--add 需要配合 --segment 指定落地环节")
    if not ids and not args.project:
        return _err("请用 --segment S --add 企业编号 或 --project 项目编号 指定假设落地的对象")

    def body(view, a):
        res = whatif(view, a, add=[(e, args.segment) for e in args.add], projects=args.project, scope=args.scope, chain_id=args.chain)
        _settings_line(a, args, GAP_SETTINGS)
        for w in res.warnings:
            print(f"警告：{w}", file=sys.stderr)
        d = res.model_dump(mode="json")
        parts = {"chains": d["chains"], "segments": d["rows"]}
        return _emit_report(parts, args, WHATIF_COLUMNS, extra={"added": d["added"], "projects": d["projects"], "changed_segments": d["changed_segments"], "scope": d["scope"]})

    return _run(args, body)
