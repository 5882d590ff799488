"""Every Chinese reason text of the analysis, in one place.

Functions return one line each; numbers are formatted for display only (the
data keeps full precision).
"""

from __future__ import annotations

import math

import polars as pl

# the words come from the one translations module; ``money`` is its formatter, used here as is
from graph.i18n import CATEGORY_ZH, CONFIDENCE_ZH, GRADE_ZH, OVERDUE_KIND_ZH, PARK_INDICATOR_ZH, PROJECT_STAGE_ZH, money  # noqa: F401


def top_pct(frac: float) -> str:
    """``前10%`` style from a top fraction in (0, 1]."""
    return f"前{max(1, math.ceil(frac * 100 - 1e-9))}%"


# ------------------------------------------------------------------ gap labels


def label_reason(label: str, local_count: int, above_scale_count: int, weak_min_count: int, revenue_unknown: bool = False) -> str:
    """The label's reason; ``revenue_unknown``: none of the local enterprises has a known revenue.

    >>> label_reason("weak", 1, 0, 3), label_reason("weak", 4, 0, 3, revenue_unknown=True)
    ('弱链：本地仅1家企业（少于3家），无规上企业', '弱链：规上企业无数据（营收未填）')
    """
    if label == "broken":
        return "断链：上下游本地均有企业，中间缺失"
    if label == "missing":
        return "缺链：本地无企业"
    if label == "weak":
        parts = []
        if local_count < weak_min_count:
            parts.append(f"本地仅{local_count}家企业（少于{weak_min_count}家）")
        if above_scale_count == 0:
            parts.append("规上企业无数据（营收未填）" if revenue_unknown else "无规上企业")
        return "弱链：" + "，".join(parts)
    return f"强链：本地{local_count}家企业，其中规上{above_scale_count}家"


# ------------------------------------------------------------------ gap priority factors


def r_dependents(n: int) -> str:
    return f"下游{n}个本地已有环节依赖此环节" if n else "下游无本地已有环节"


def r_demand(revenue: float, n_direct: int, unknown: bool = False) -> str:
    """The demand factor's reason; ``unknown``: a direct downstream segment has local enterprises, none with a known revenue.

    >>> r_demand(0.0, 1), r_demand(0.0, 1, unknown=True), r_demand(2500.0, 2, unknown=True)
    ('直接下游本地营收为0', '直接下游本地营收无数据', '直接下游本地营收2500万元（部分企业无数据）')
    """
    if n_direct == 0:
        return "无直接下游环节"
    if revenue <= 0:
        return "直接下游本地营收无数据" if unknown else "直接下游本地营收为0"
    if unknown:
        return f"直接下游本地营收{money(revenue)}（部分企业无数据）"
    return f"直接下游本地营收{money(revenue)}"


def r_broken(broken: bool) -> str:
    return "断链：上下游本地均有企业，中间缺失" if broken else "非断链"


def r_key(key: bool) -> str:
    return "关键环节" if key else "非关键环节"


def r_category(category: str | None, weight: float) -> str:
    if category is None:
        return "产业类别无数据"
    return f"{CATEGORY_ZH.get(category, category)}产业（权重{weight:.1f}）"


def r_supply(candidates: int) -> str:
    return f"外地候选企业{candidates}家" if candidates else "暂无外地候选企业"


def cycle_warning(chain_name: str, cycle: list[str]) -> str:
    """A SUPPLIES cycle named for people: the chain's name and its segments' names (ids only where a name is missing).

    >>> cycle_warning("动力电池产业链", ["电池回收", "正极材料"])
    '「动力电池产业链」的环节供应关系存在循环：电池回收 → 正极材料 → 电池回收（已按传递闭包计算上下游）'
    """
    return f"「{chain_name}」的环节供应关系存在循环：{' → '.join(cycle + cycle[:1])}（已按传递闭包计算上下游）"


# ------------------------------------------------------------------ target factors


def standing(pos: int | None, n: int | None) -> str:
    """``本环节3家中排第1`` in a pool of fewer than 10 known values, else ``位于本环节前10%``."""
    if not pos or not n:
        return ""
    if n < 10:
        return f"本环节{n}家中排第{pos}"
    return f"位于本环节{top_pct(pos / n)}"


def r_scale(revenue: float | None, pos: int | None = None, n: int | None = None) -> str:
    if revenue is None:
        return "营收无数据"
    st = standing(pos, n) if revenue > 0 else ""
    return f"营收{money(revenue)}" + (f"，{st}" if st else "")


def r_patents(patents: int | None, pos: int | None = None, n: int | None = None) -> str:
    if patents is None:
        return "专利无数据"
    st = standing(pos, n) if patents > 0 else ""
    return f"专利{patents}件" + (f"，{st}" if st else "")


QUALS_NONE = "无高新技术企业/专精特新资质"
QUALS_UNKNOWN = "高新技术企业/专精特新资质无数据"
TIES_UNKNOWN = "供应关系无数据"


def r_qualifications(found: list[str], known: bool = True) -> str:
    """The qualifications held; "无…" only when the data says none (``无``), else "…无数据"."""
    if found:
        return "、".join(found)
    return QUALS_NONE if known else QUALS_UNKNOWN


def r_ties(supplies_to: int, buys_from: int, known: bool = True) -> str:
    """Supply ties with local enterprises; "无数据" when the dataset has no supply links at all."""
    if not known:
        return TIES_UNKNOWN
    parts = []
    if supplies_to:
        parts.append(f"向本地{supplies_to}家企业供货")
    if buys_from:
        parts.append(f"从本地{buys_from}家企业采购")
    return "，".join(parts) if parts else "与本地企业无供应关系"


def r_fit(share: float | None, confidence: str | None) -> str:
    conf = CONFIDENCE_ZH.get(confidence or "", None)
    conf_txt = f"（{conf}）" if conf else "（置信度无数据）"
    if share is None:
        return "业务占比无数据" + conf_txt
    return f"本环节业务占比{share * 100:.0f}%" + conf_txt


def r_growth(growth: float | None, pos: int | None = None, n: int | None = None) -> str:
    if growth is None:
        return "增长率无数据"
    st = standing(pos, n)
    return f"营收增长{growth * 100:.1f}%" + (f"，{st}" if st else "")


def r_green(pollution: str | None, energy: str | None) -> str:
    p = f"污染{GRADE_ZH[pollution]}" if pollution in GRADE_ZH else "污染等级无数据"
    e = f"能耗{GRADE_ZH[energy]}" if energy in GRADE_ZH else "能耗等级无数据"
    return f"{p}，{e}"


def r_pipeline(stage: str, projects: list[str]) -> str:
    return f"已在项目库（{PROJECT_STAGE_ZH.get(stage, stage)}：{'、'.join(projects)}），不作为新目标"


# ------------------------------------------------------------------ target factors, vectorised
# The texts of the functions above as polars expressions over a frame of candidates (one row per
# target), character for character. Floats are formatted in Python (:func:`money`, :func:`pct_texts`),
# so their digits are exactly those of the functions above.


def _lit(text: str) -> pl.Expr:
    return pl.lit(text, dtype=pl.Utf8)


def x_standing(pos: pl.Expr, n: pl.Expr) -> pl.Expr:
    """:func:`standing` (empty string when pos or n is missing or 0)."""
    pct = ((pos.cast(pl.Float64) / n.cast(pl.Float64)) * 100 - 1e-9).ceil().clip(lower_bound=1.0).cast(pl.Int64)
    small = pl.concat_str(_lit("本环节"), n.cast(pl.Utf8), _lit("家中排第"), pos.cast(pl.Utf8))
    big = pl.concat_str(_lit("位于本环节前"), pct.cast(pl.Utf8), _lit("%"))
    return pl.when(pos.fill_null(0).eq(0) | n.fill_null(0).eq(0)).then(_lit("")).when(n < 10).then(small).otherwise(big)


def _with_standing(head: pl.Expr, st: pl.Expr) -> pl.Expr:
    return pl.when(st == "").then(head).otherwise(pl.concat_str(head, _lit("，"), st))


def x_scale(revenue: pl.Expr, money_text: pl.Expr, pos: pl.Expr, n: pl.Expr) -> pl.Expr:
    """:func:`r_scale`; ``money_text`` is :func:`money` of the revenue."""
    st = pl.when(revenue > 0).then(x_standing(pos, n)).otherwise(_lit(""))
    return pl.when(revenue.is_null()).then(_lit("营收无数据")).otherwise(_with_standing(pl.concat_str(_lit("营收"), money_text), st))


def x_patents(patents: pl.Expr, pos: pl.Expr, n: pl.Expr) -> pl.Expr:
    """:func:`r_patents`."""
    st = pl.when(patents > 0).then(x_standing(pos, n)).otherwise(_lit(""))
    head = pl.concat_str(_lit("专利"), patents.cast(pl.Utf8), _lit("件"))
    return pl.when(patents.is_null()).then(_lit("专利无数据")).otherwise(_with_standing(head, st))


def x_qualifications(flags: list[tuple[pl.Expr, str]], known: pl.Expr) -> pl.Expr:
    """:func:`r_qualifications` of the names whose flag is true, in the order given."""
    found = pl.concat_str([pl.when(f).then(_lit(name)) for f, name in flags], separator="、", ignore_nulls=True)
    return pl.when(found.fill_null("") != "").then(found).when(known).then(_lit(QUALS_NONE)).otherwise(_lit(QUALS_UNKNOWN))


def x_ties(supplies_to: pl.Expr, buys_from: pl.Expr, known: pl.Expr) -> pl.Expr:
    """:func:`r_ties`."""
    to = pl.when(supplies_to.fill_null(0) != 0).then(pl.concat_str(_lit("向本地"), supplies_to.cast(pl.Utf8), _lit("家企业供货")))
    frm = pl.when(buys_from.fill_null(0) != 0).then(pl.concat_str(_lit("从本地"), buys_from.cast(pl.Utf8), _lit("家企业采购")))
    both = pl.concat_str([to, frm], separator="，", ignore_nulls=True)
    return pl.when(~known).then(_lit(TIES_UNKNOWN)).when(both.fill_null("") == "").then(_lit("与本地企业无供应关系")).otherwise(both)


def x_fit(share_pct_text: pl.Expr, confidence: pl.Expr) -> pl.Expr:
    """:func:`r_fit`; ``share_pct_text`` is ``f"{share * 100:.0f}"`` (null when the share is missing)."""
    conf = confidence.replace_strict({k: f"（{v}）" for k, v in CONFIDENCE_ZH.items()}, default="（置信度无数据）", return_dtype=pl.Utf8)
    conf = conf.fill_null("（置信度无数据）")
    head = pl.when(share_pct_text.is_null()).then(_lit("业务占比无数据")).otherwise(pl.concat_str(_lit("本环节业务占比"), share_pct_text, _lit("%")))
    return pl.concat_str(head, conf)


def x_growth(growth_pct_text: pl.Expr, pos: pl.Expr, n: pl.Expr) -> pl.Expr:
    """:func:`r_growth`; ``growth_pct_text`` is ``f"{growth * 100:.1f}"`` (null when the growth is missing)."""
    head = pl.concat_str(_lit("营收增长"), growth_pct_text, _lit("%"))
    return pl.when(growth_pct_text.is_null()).then(_lit("增长率无数据")).otherwise(_with_standing(head, x_standing(pos, n)))


def x_green(pollution: pl.Expr, energy: pl.Expr) -> pl.Expr:
    """:func:`r_green`."""
    p = pollution.replace_strict({k: f"污染{v}" for k, v in GRADE_ZH.items()}, default="污染等级无数据", return_dtype=pl.Utf8).fill_null("污染等级无数据")
    e = energy.replace_strict({k: f"能耗{v}" for k, v in GRADE_ZH.items()}, default="能耗等级无数据", return_dtype=pl.Utf8).fill_null("能耗等级无数据")
    return pl.concat_str(p, _lit("，"), e)


def x_pipeline(stage: pl.Expr, projects: pl.Expr, offered: pl.Expr) -> pl.Expr:
    """:func:`r_pipeline` when ``offered`` is false (signed or later), else the short note of an earlier stage; null without a stage."""
    zh = stage.replace_strict(PROJECT_STAGE_ZH, default=stage, return_dtype=pl.Utf8)
    ids = projects.fill_null([]).list.join("、")
    body = pl.concat_str(_lit("已在项目库（"), zh, _lit("："), ids, _lit("）"))
    return pl.when(stage.is_null()).then(None).when(offered).then(body).otherwise(pl.concat_str(body, _lit("，不作为新目标")))


def pct_texts(values: list[float | None], digits: int) -> list[str | None]:
    """``f"{v * 100:.{digits}f}"`` of every value, None for a missing one."""
    fmt = f"{{:.{digits}f}}".format
    return [None if v is None else fmt(v * 100) for v in values]


# ------------------------------------------------------------------ parks and projects

LOW_CONCENTRATION = "主导产业不突出"


def r_focus_low(share: float, threshold: float) -> str:
    return f"申报主导产业营收占比{share * 100:.0f}%（低于{threshold * 100:.0f}%）"


ONE_PERIOD = "仅一期数据，无法计算增速"


def r_no_previous(previous: str) -> str:
    return f"缺少上一期（{previous}）数据，无法计算增速"


def r_no_period(period: str) -> str:
    return f"无{period}期数据"


LOW_COHESION = "区内企业关联性不强"
NO_LOCAL_FIRMS = "园区内没有本地企业数据"
NO_SUPPLY_DATA = "数据中没有供应关系（supply_links.csv），关联性未知"
NO_FOCUS = "未申报主导产业"
FOCUS_NO_CHAINS = "申报的主导产业没有产业链"
NO_AREA = "无面积数据"
NO_GROWTH_DATA = "两期都有数据但无法计算任何增速"


def r_missing_values(keys: list[str]) -> str:
    return f"缺少{'、'.join(PARK_INDICATOR_ZH.get(k, k) for k in keys)}数据（计0）"


def r_missing_growth(keys: list[str]) -> str:
    return f"无法计算{'、'.join(PARK_INDICATOR_ZH.get(k, k) for k in keys)}增速（缺数据或上期不为正，计0）"


def r_one_firm() -> str:
    return "园区仅1家本地企业，无从关联"


def r_stalled(stage: str, days: int) -> str:
    return f"{PROJECT_STAGE_ZH.get(stage, stage)}后{days}天无进展"


def r_intensity(value: float, minimum: float) -> str:
    return f"投资强度{value:.0f}万元/亩，低于{minimum:g}万元/亩"


def r_output(value: float, minimum: float) -> str:
    return f"亩均产出{value:.0f}万元/亩，低于{minimum:g}万元/亩"


def r_tax(value: float, minimum: float) -> str:
    return f"亩均税收{value:.1f}万元/亩，低于{minimum:g}万元/亩"


def r_overdue(kind: str, days: int) -> str:
    return f"计划{OVERDUE_KIND_ZH.get(kind, kind)}已逾期{days}天"
