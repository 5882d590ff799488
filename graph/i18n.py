"""Every Chinese label shown to people, and the one way numbers are written for them.

One home for the words of the UI, the CLI tables and the exports (the reason
texts themselves are built in :mod:`graph.analysis.reasons` from these words):

* enum values of the dataset contract (category, segment stage, grade,
  confidence, park level, project stage), derived from
  :data:`graph.schema.ENUMS` (the first accepted Chinese spelling is the label);
* gap labels, priority and target factor names, overdue kinds, scope kinds,
  issue severities;
* column headers of result tables (:data:`COLUMN_ZH`) with the kind of value
  each column holds (:data:`COLUMN_KIND`), so a table for people is written by
  :func:`cell` with units and rounding.

Formatting (:func:`money`, :func:`per_mu`, :func:`mu`, :func:`pct`, :func:`score`, :func:`cell`): amounts in
万元 with at most one decimal, 亿元 from 1 亿 up; 万元/亩 to one decimal, areas with thousands separators;
fractions as percentages with one decimal; scores to one decimal; anything missing is ``无数据`` (never
``None``, ``nan`` or 0). JSON and CSV for scripts keep English keys and full precision; only tables for people go through here.

Nothing here imports Streamlit or the ingest.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, Mapping

from graph.schema import ENUMS, NODES, RELS, TABLES

MISSING = "无数据"
NOT_APPLICABLE = "—"

# ------------------------------------------------------------------ enums of the contract
ENUM_ZH: dict[str, dict[str, str]] = {name: {en: zh[0] for en, zh in values.items()} for name, values in ENUMS.items()}

CATEGORY_ZH = ENUM_ZH["category"]  # leading -> 主导
CATEGORY_LONG_ZH = {k: f"{v}产业" for k, v in CATEGORY_ZH.items()}  # leading -> 主导产业
CATEGORY_ORDER = {k: i for i, k in enumerate(CATEGORY_ZH)}  # leading, emerging, specialty
SEGMENT_STAGE_ZH = ENUM_ZH["stage"]  # upstream -> 上游
SEGMENT_STAGE_ORDER = {k: i for i, k in enumerate(SEGMENT_STAGE_ZH)}  # upstream, midstream, downstream
GRADE_ZH = ENUM_ZH["grade"]  # low -> 低
CONFIDENCE_ZH = ENUM_ZH["confidence"]  # confirmed -> 已确认
PARK_LEVEL_ZH = ENUM_ZH["park_level"]  # national -> 国家级
PROJECT_STAGE_ZH = ENUM_ZH["project_stage"]  # lead -> 线索

# ------------------------------------------------------------------ analysis vocabulary
GAP_LABEL_ZH = {"strong": "强链", "weak": "弱链", "missing": "缺链", "broken": "断链"}
GAP_LABELS = ("broken", "missing", "weak", "strong")  # the order gaps are listed in
PRIORITY_FACTOR_ZH = {"dependents": "下游依赖", "demand": "本地需求", "broken": "断链", "key": "关键环节", "category": "产业类别", "supply": "可招对象"}
TARGET_FACTOR_ZH = {"scale": "规模", "innovation": "创新", "ties": "本地关联", "fit": "业务契合", "growth": "成长", "green": "绿色"}
GATE_ZH = {"pollution": "高污染", "energy": "高耗能"}
FILTER_ZH = {"province": "省份", "listed": "上市公司", "listed_only": "上市公司", "min_revenue": "最低营收", "qualifications": "资质", "min_coverage": "最低数据覆盖"}
OVERDUE_KIND_ZH = {"start": "开工", "production": "投产"}
SCOPE_KIND_ZH = {"city": "全市", "park": "园区", "region": "区县"}
BASIS_ZH = {"revenue": "按营收", "count": "按企业数", "none": MISSING}
SEVERITY_ZH = {"error": "错误", "warning": "警告"}

# ------------------------------------------------------------------ the bureau's own work (graph/workspace)
LEAD_STATUS_ZH = {"to_contact": "待接触", "contacted": "已接触", "negotiating": "洽谈中", "signed": "已签约", "landed": "已落地", "abandoned": "已放弃"}
LEAD_FIELD_ZH = {"owner": "责任人", "status": "状态", "due": "截止日期", "next_step": "下一步", "created": "创建"}
HISTORY_LIST_ZH = {
    "healed": "已补上的缺口",
    "worsened": "新出现的缺口",
    "persistent": "持续存在的缺口",
    "new": "新增环节",
    "removed": "已移除的环节",
    "relabelled": "其他标签变化",
}
HISTORY_LIST_RULE_ZH = {"healed": "断链/缺链 → 弱链/强链", "worsened": "弱链/强链 → 断链/缺链", "persistent": "前后都是断链/缺链", "relabelled": "弱链 ↔ 强链"}
# accounts and link review (the app's 用户 section, 挂接审核 page, `indmap user`)
ROLE_ZH = {"viewer": "查看", "editor": "编辑", "admin": "管理员"}
ROLE_RIGHTS_ZH = {
    "viewer": "查看所有页面与导出",
    "editor": "查看，并上传数据、审核挂接、编辑线索",
    "admin": "编辑的全部权限，并管理用户",
}
REVIEW_DECISION_ZH = {"accept": "确认", "reject": "否决", "move": "改挂", "undo": "撤销审核"}
PARK_KPI_ZH = {"revenue": "主营业务收入", "fixed_investment": "固定资产投资", "profit": "利润总额", "tax": "税收"}
# the province-wide park ranking (十强/十快): its indicators in weight order, and the per-city counts
PARK_INDICATOR_ZH = {k: PARK_KPI_ZH[k] for k in ("revenue", "fixed_investment", "tax", "profit")}
PARK_MEASURE_ZH = {"top10_scale": "十强", "top10_speed": "十快", "star2plus": "二星级及以上园区"}
PERIOD_KIND_ZH = {"year": "年度", "half": "半年", "quarter": "季度", "month": "月度"}

# the graph's node labels and relationship types for people (the 数据 page's counts), from the schema
NODE_LABEL_ZH = {n.label: TABLES[n.table].zh for n in NODES.values()}
REL_TYPE_ZH = {r.type: r.zh or r.type for r in RELS.values()}
# the workspace's tables (indmap workspace info) and the run summary of indmap link
WORKSPACE_TABLE_ZH = {
    "leads": "招商线索", "lead_notes": "跟进记录", "lead_changes": "变更记录", "snapshots": "导入快照", "snapshot_segments": "快照·环节",
    "snapshot_chains": "快照·产业链", "snapshot_parks": "快照·园区", "users": "账号", "login_failures": "登录失败记录",
    "mapping_profiles": "列映射方案", "link_reviews": "挂接审核", "scenarios": "推演情景",
}  # fmt: skip
LINK_SUMMARY_ZH = {"links": "挂接数", "enterprises_linked": "已挂接企业", "enterprises_in": "企业总数", "segments_linked": "有企业的环节",
                   "segments_in": "环节总数", "confirmed": "已确认", "likely": "待核实", "seconds": "用时（秒）", "out": "输出文件"}  # fmt: skip
# a park's level for people ("other" is any level below provincial: 市级, 县级, ...)
PARK_LEVEL_LONG_ZH = {"national": "国家级", "provincial": "省级", "other": "市县级及其他"}

# ------------------------------------------------------------------ column headers for people
# field name of a result row -> Chinese header
COLUMN_ZH: dict[str, str] = {
    "id": "编号",
    # gaps and chains
    "chain_id": "产业链编号",
    "chain_name": "产业链",
    "chain": "产业链",
    "industry_id": "产业编号",
    "industry_name": "产业",
    "industry": "产业",
    "category": "产业类别",
    "segment_id": "环节编号",
    "segment_name": "环节",
    "segment": "环节",
    "stage": "阶段",
    "key": "关键环节",
    "label": "标签",
    "label_zh": "标签",
    "label_reason": "标签理由",
    "local_count": "本地企业",
    "local_revenue": "本地营收",
    "above_scale_count": "规上企业",
    "candidate_count": "外地候选",
    "priority": "补链优先级",
    "reasons": "理由",
    "segment_count": "环节数",
    "leaf_count": "末级环节",
    "present_leaf_count": "本地已有末级环节",
    "completeness": "完整度",
    "completeness_key_weighted": "完整度（关键加权）",
    "top_gap": "首要缺口",
    "broken": "断链",
    "missing": "缺链",
    "weak": "弱链",
    "strong": "强链",
    # targets
    "rank": "名次",
    "enterprise_id": "企业编号",
    "name": "名称",
    "province": "省份",
    "revenue": "营收",
    "listed_code": "股票代码",
    "qualifications": "资质",
    "score": "得分",
    "coverage": "数据覆盖",
    "in_pipeline": "已在项目库",
    "pipeline_stage": "项目阶段",
    "pipeline_projects": "相关项目",
    # parks
    "park_id": "园区编号",
    "park_name": "园区",
    "park_a": "园区甲编号",
    "park_a_name": "园区甲",
    "park_b": "园区乙编号",
    "park_b_name": "园区乙",
    "similarity": "相似度",
    "basis": "口径",
    "flagged": "提示",
    "shared_segments": "共有环节",
    "total": "合计",
    "top_industry_id": "第一大产业编号",
    "top_industry_name": "第一大产业",
    "top_share": "第一大产业占比",
    "focus_industries": "申报主导产业",
    "focus_share": "申报主导产业占比",
    "flags": "提示",
    "period": "期间",
    "previous_period": "上期",
    "fixed_investment": "固定资产投资",
    "revenue_rank": "收入名次",
    "investment_rank": "固投名次",
    "revenue_growth": "收入增速",
    "investment_growth": "固投增速",
    "note": "说明",
    "city_code": "城市代码",
    "city_name": "城市",
    "home": "本市",
    "park_score": "得分(0–1)",
    "parts": "分项",
    "values": "数值",
    "level": "级别",
    "top10": "入选前十",
    "tax": "税收",
    "profit": "利润总额",
    "tax_growth": "税收增速",
    "profit_growth": "利润增速",
    "parks": "园区数",
    "top10_scale": "十强",
    "top10_speed": "十快",
    "star2plus": "二星级及以上",
    "star": "星级",
    "area_mu": "面积",
    "revenue_per_mu": "亩均营收",
    "fixed_investment_growth": "固投增速",
    "home_average_growth": "本市平均固投增速",
    "vs_home_average": "较本市平均",
    "tied_count": "区内有供需关联",
    "cohesion": "关联性",
    "flag": "预警",
    "chain_coverage": "主导产业链覆盖",
    "covered_segments": "已有环节",
    "focus_segments": "主导产业链环节",
    "notes": "说明",
    # projects
    "project_id": "项目编号",
    "stage_zh": "阶段",
    "count": "项目数",
    "investment": "投资额",
    "by_stage": "各阶段",
    "from_stage": "起始阶段",
    "to_stage": "下一阶段",
    "reached_from": "到达起始阶段",
    "reached_to": "到达下一阶段",
    "rate": "转化率",
    "owner": "责任单位",
    "stage_date": "阶段日期",
    "days": "天数",
    "land_mu": "用地",
    "intensity": "投资强度",
    "output_per_mu": "亩均产出",
    "tax_per_mu": "亩均税收",
    "kind": "类型",
    "planned": "计划日期",
    "days_overdue": "逾期天数",
    "reason": "说明",
    # what-if
    "label_zh_before": "推演前",
    "label_zh_after": "推演后",
    "local_count_before": "本地企业（前）",
    "local_count_after": "本地企业（后）",
    "priority_before": "优先级（前）",
    "priority_after": "优先级（后）",
    "changed": "有变化",
    "completeness_before": "完整度（前）",
    "completeness_after": "完整度（后）",
    "completeness_key_weighted_before": "关键加权完整度（前）",
    "completeness_key_weighted_after": "关键加权完整度（后）",
    "counts_before": "标签计数（前）",
    "counts_after": "标签计数（后）",
    # report sections of the CLI
    "overlap": "园区同质化",
    "concentration": "主导产业突出度",
    "scale": "十强（规模）",
    "speed": "十快（增速）",
    "by_city": "各市对比",
    "figures": "亩均效益与固投增速",
    "funnel": "项目漏斗",
    "by_park": "按园区",
    "by_chain": "按产业链",
    "conversion": "阶段转化率",
    "stalled": "停滞项目",
    "overdue": "逾期督查",
    "fills": "补链项目",
    "chains": "产业链",
    "segments": "环节",
    # leads and history
    "status_zh": "状态",
    "enterprise_name": "企业",
    "next_step": "下一步",
    "due": "截止日期",
    "last_note": "最新跟进",
    "created_at": "建立时间",
    "created_by": "建立人",
    "updated_at": "最后更新",
    "label_before": "之前",
    "label_after": "之后",
    "first_seen": "首次出现",
}

# field name -> how its values are written for people (see :func:`cell`); the rest are plain
COLUMN_KIND: dict[str, str] = {
    **dict.fromkeys(["local_revenue", "revenue", "investment", "fixed_investment", "total_revenue", "amount", "tax", "profit"], "money"),
    **dict.fromkeys(["intensity", "output_per_mu", "tax_per_mu", "revenue_per_mu"], "money_per_mu"),
    **dict.fromkeys(["completeness", "completeness_key_weighted", "completeness_before", "completeness_after", "completeness_key_weighted_before",
                     "completeness_key_weighted_after", "top_share", "focus_share", "revenue_growth", "investment_growth", "growth", "rate", "share",
                     "coverage", "tax_growth", "profit_growth", "fixed_investment_growth", "home_average_growth", "cohesion", "chain_coverage"], "pct"),
    **dict.fromkeys(["priority", "priority_before", "priority_after", "score"], "score"),
    "similarity": "ratio", "park_score": "fraction3", "vs_home_average": "points",
    **dict.fromkeys(["land_mu", "area_mu"], "mu"),
    **dict.fromkeys(["days", "days_overdue"], "days"),
    **dict.fromkeys(["stage", "from_stage", "to_stage", "pipeline_stage"], "stage"),
    **dict.fromkeys(["label", "label_before", "label_after"], "gap_label"),
    "category": "category", "basis": "basis", "kind": "overdue_kind",
    **dict.fromkeys(["reasons", "flags", "warnings", "notes"], "sentences"),
}  # fmt: skip

# columns whose missing value means "does not apply" (written ``—``), not "unknown" (``无数据``):
# a strong segment has no priority, an enterprise outside the pipeline no project stage, ...
NOT_APPLICABLE_COLUMNS = frozenset([
    "priority", "priority_before", "priority_after", "pipeline_stage", "pipeline_projects", "top_gap", "rank", "label_reason", "note",
    "previous_period", "reason", "next_step", "due", "days_overdue", "last_note", "label_before", "label_after", "flag", "park_score",
])  # fmt: skip

# ------------------------------------------------------------------ formatting

def is_missing(value: Any) -> bool:
    """None, NaN or an empty string.

    >>> [is_missing(v) for v in (None, float("nan"), "", 0, "0")]
    [True, True, True, False, False]
    """
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value == ""


def money(wan: float | None) -> str:
    """An amount in 万元 for people: ``850万元``, ``1147.2万元``, ``1.2亿元`` from 1 亿 (10,000 万元) up.

    >>> money(850), money(1147.25), money(12000), money(50000), money(None)
    ('850万元', '1147.2万元', '1.2亿元', '5.0亿元', '无数据')
    """
    if is_missing(wan):
        return MISSING
    if abs(wan) >= 10000:
        return f"{wan / 10000:.1f}亿元"
    return f"{wan:.0f}万元" if float(wan).is_integer() else f"{wan:.1f}万元"


def per_mu(wan: float | None) -> str:
    """万元/亩 to one decimal, as the app shows it: ``9.0万元/亩`` beside ``26.6万元/亩``, ``1,234.6万元/亩``."""
    return MISSING if is_missing(wan) else f"{wan:,.1f}万元/亩"


def mu(area: float | None) -> str:
    """An area as the app: ``60,430亩``, ``44.6亩`` (thousands separators, one decimal when it has one)."""
    return MISSING if is_missing(area) else f"{area:,.1f}".removesuffix(".0") + "亩"


def pct(fraction: float | None, digits: int = 1) -> str:
    """A fraction as a percentage: ``0.125`` → ``12.5%``.

    >>> pct(0.125), pct(-0.03), pct(1), pct(None)
    ('12.5%', '-3.0%', '100.0%', '无数据')
    """
    if is_missing(fraction):
        return MISSING
    return f"{fraction * 100:.{digits}f}%"


def score(value: float | None) -> str:
    """A 0–100 score or priority to one decimal.

    >>> score(84.04), score(100), score(None)
    ('84.0', '100.0', '无数据')
    """
    if is_missing(value):
        return MISSING
    return f"{value:.1f}"


def number(value: float | int | None) -> str:
    """A plain number: integers with thousands separators, other values to at most two decimals.

    >>> number(12345), number(0.6), number(1234.567), number(None)
    ('12,345', '0.6', '1,234.57', '无数据')
    """
    if is_missing(value):
        return MISSING
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    text = f"{value:,.2f}".rstrip("0")
    return text.rstrip(".")


def yes_no(value: bool | None) -> str:
    """``是`` / ``否`` (missing: ``无数据``)."""
    if value is None:
        return MISSING
    return "是" if value else "否"


def setting_value(value: Any) -> str:
    """A setting's value for people: 是/否, numbers without trailing zeros, ``未设置`` for none.

    >>> [setting_value(v) for v in (True, 0.25, 2000.0, None, "4103", 3)]
    ['是', '0.25', '2000', '未设置', '4103', '3']
    """
    if value is None or value == "":
        return "未设置"  # e.g. home_region: 本市 inferred from the data
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, float):
        return number(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(_text(v) for v in value if not is_missing(v)) or NOT_APPLICABLE
    if isinstance(value, Mapping):
        return "；".join(f"{_key_zh(str(k))} {_text(v)}" for k, v in value.items()) or NOT_APPLICABLE
    return str(value)


def _key_zh(key: str) -> str:
    """A key inside a dict cell (label counts, counts by stage) in Chinese."""
    return GAP_LABEL_ZH.get(key) or PROJECT_STAGE_ZH.get(key) or column_zh(key)


def _stage(value: str) -> str:
    return PROJECT_STAGE_ZH.get(value) or SEGMENT_STAGE_ZH.get(value) or value


_KIND_FORMAT = {
    "money": money,
    "money_per_mu": per_mu,
    "pct": pct,
    "score": score,
    "ratio": lambda v: f"{v:.2f}",
    "fraction3": lambda v: f"{v:.3f}",
    "points": lambda v: f"{v * 100:+.1f}个百分点",
    "mu": mu,
    "days": lambda v: f"{int(v)}天",
    "stage": _stage,
    "gap_label": lambda v: GAP_LABEL_ZH.get(v, v),
    "category": lambda v: CATEGORY_LONG_ZH.get(v, v),
    "basis": lambda v: BASIS_ZH.get(v, v),
    "overdue_kind": lambda v: OVERDUE_KIND_ZH.get(v, v),
    "sentences": lambda v: "；".join(str(x) for x in v) if isinstance(v, (list, tuple)) else str(v),
}


def cell(column: str, value: Any) -> str:
    """The value of result column ``column`` written for people (units, rounding, Chinese enums).

    A missing value is ``无数据``; one that does not apply (a strong segment has no priority,
    :data:`NOT_APPLICABLE_COLUMNS`) and an empty list are ``—``.

    >>> cell("revenue", 25000), cell("completeness", 0.5), cell("priority", 84.04), cell("stage", "signed")
    ('2.5亿元', '50.0%', '84.0', '签约')
    >>> cell("revenue", None), cell("priority", None), cell("local", True), cell("qualifications", ["高新技术企业", "专精特新"])
    ('无数据', '—', '是', '高新技术企业、专精特新')
    """
    if isinstance(value, (list, tuple, dict)) and not value:
        return NOT_APPLICABLE
    if is_missing(value):
        return NOT_APPLICABLE if column in NOT_APPLICABLE_COLUMNS else MISSING
    fmt = _KIND_FORMAT.get(COLUMN_KIND.get(column, ""))
    if fmt is not None and not isinstance(value, bool):
        return fmt(value)
    return _text(value)


def column_zh(column: str) -> str:
    """The Chinese header of a result column (the name itself when it has none).

    >>> column_zh("segment_name"), column_zh("f_scale"), column_zh("f_dependents"), column_zh("unknown_field")
    ('环节', '规模', '下游依赖', 'unknown_field')
    """
    if column in COLUMN_ZH:
        return COLUMN_ZH[column]
    if column.startswith("f_"):
        factor = column[2:]
        return TARGET_FACTOR_ZH.get(factor) or PRIORITY_FACTOR_ZH.get(factor) or column
    return column


def headers_zh(columns: list[str]) -> dict[str, str]:
    """``{column: Chinese header}`` for renaming a frame for people, headers kept unique.

    >>> headers_zh(["chain", "chain_name", "segment_id"])
    {'chain': '产业链', 'chain_name': '产业链（chain_name）', 'segment_id': '环节编号'}
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for c in columns:
        zh = column_zh(c)
        if zh in used:
            zh = f"{zh}（{c}）"
        used.add(zh)
        out[c] = zh
    return out


def coverage_basis(factor_coverage: Mapping[str, float]) -> str:
    """``依据 4/6 项``: the target factors backed by data, a half-known factor (one part of two) counted ½.

    >>> coverage_basis({"scale": 1.0, "innovation": 0.5, "ties": 1.0, "fit": 1.0, "growth": 0.0, "green": 0.5})
    '依据 4/6 项'
    >>> coverage_basis({"scale": 1.0, "innovation": 0.5, "ties": 1.0, "fit": 1.0, "growth": 0.0, "green": 0.0})
    '依据 3½/6 项'
    >>> coverage_basis({"scale": 0.0, "innovation": 0.5, "ties": 0.0, "fit": 0.0, "growth": 0.0, "green": 0.0})
    '依据 ½/6 项'
    """
    n = sum(v or 0.0 for v in factor_coverage.values())
    whole = int(n + 1e-9)
    half = n - whole > 0.25
    return f"依据 {whole if whole or not half else ''}{'½' if half else ''}/{len(factor_coverage)} 项"
