"""Analysis results as display/export frames (English column names, Chinese headers via column_config)."""

from __future__ import annotations

from typing import Any, Iterable

import polars as pl
import streamlit as st
from graph.i18n import CATEGORY_LONG_ZH, MISSING, NOT_APPLICABLE, PRIORITY_FACTOR_ZH, SEGMENT_STAGE_ZH, TARGET_FACTOR_ZH, coverage_basis, money, number, pct


def _fmt_value(kind: str, v: Any) -> str:
    if kind == "money":
        return money(v)
    if kind == "pct":
        return pct(v)
    if kind == "int":
        return f"{int(v):,}"
    if kind == "days":
        return f"{int(v)}天"
    if kind == "mu":
        return f"{v:,.1f}亩"
    if kind == "per_mu":
        return f"{v:,.1f}万元/亩"
    if kind == "list":
        return "、".join(str(x) for x in v if x not in (None, "")) or NOT_APPLICABLE
    return number(v) if isinstance(v, float) else str(v)


def people_frame(df: pl.DataFrame, kinds: dict[str, str] | None = None, *, unknown: Iterable[str] = (), keep: Iterable[str] = ()) -> pl.DataFrame:
    """A frame for the data grid with nothing a person should not read: no "None", one way for money.

    Columns in ``kinds`` become text (``money`` 万元/亩元 by :func:`graph.i18n.money`, ``pct``, ``int``, ``days``,
    ``mu``, ``per_mu``, ``list``); a missing value in any other column becomes text too. Missing is ``无数据``
    in the ``unknown`` columns (data we do not have) and ``—`` elsewhere (does not apply). ``keep`` columns
    stay as they are (progress bars and check boxes draw a missing value as empty).

    >>> people_frame(pl.DataFrame({"r": [12000.0, None], "n": ["甲", None], "k": [1, 2]}), {"r": "money"}, unknown=["r"]).rows()
    [('1.2亿元', '甲', 1), ('无数据', '—', 2)]
    """
    kinds = kinds or {}
    unknown, keep = set(unknown), set(keep)
    cols = []
    for c in df.columns:
        if c in keep:
            continue
        na = MISSING if c in unknown else NOT_APPLICABLE
        kind = kinds.get(c)
        if kind is None and not df.get_column(c).null_count():
            continue
        values = df.get_column(c).to_list()
        if kind is None:
            kind = "list" if isinstance(df.schema[c], pl.List) else "plain"
        cols.append(pl.Series(c, [na if v is None or (isinstance(v, float) and v != v) else _fmt_value(kind, v) for v in values], dtype=pl.Utf8))
    return df.with_columns(cols) if cols else df



ENTERPRISE_KINDS = {"revenue": "money", "growth": "pct", "employees": "int", "qualifications": "list", "share": "pct", "segments": "list", "evidence": "plain"}
ENTERPRISE_DATA = ("province", "revenue", "employees", "growth", "qualifications", "pollution", "energy", "share", "confidence", "evidence", "source", "park", "segment", "segments")


def enterprise_table(df: pl.DataFrame) -> pl.DataFrame:
    """A list of enterprises for the grid: the name links to the 企业 page, enums in Chinese, amounts as
    万元/亿元, missing data ``无数据`` (columns ``id``, ``name`` and any of :data:`ENTERPRISE_DATA`)."""
    from graph.i18n import CONFIDENCE_ZH, GRADE_ZH
    from webapp.company import company_urls

    zh = [pl.col(c).replace_strict(m, default=pl.col(c)).alias(c) for c, m in (("confidence", CONFIDENCE_ZH), ("pollution", GRADE_ZH), ("energy", GRADE_ZH)) if c in df.columns]
    if "evidence" in df.columns:
        zh.append(pl.col("evidence").round(2))
    out = company_urls(df.with_columns(zh), "id", "name")
    return people_frame(out, ENTERPRISE_KINDS, unknown=[c for c in ENTERPRISE_DATA if c in out.columns])


def enterprise_columns() -> dict[str, Any]:
    """Column headers of :func:`enterprise_table` (the name is a link; the id is shown small)."""
    from webapp.company import company_column

    cc = st.column_config
    return {
        "id": cc.TextColumn("编号", width="small"), "name": company_column("企业"), "segment": "环节", "segments": cc.TextColumn("环节"), "park": "园区",
        "province": "省份", "revenue": "营收", "employees": "从业人数", "growth": "营收增长", "qualifications": "资质", "share": "业务占比",
        "confidence": "置信度", "evidence": cc.TextColumn("证据强度", help="企业—环节挂接的证据强度（0–1，由 indmap link 计算；人工或虚构挂接为无数据）"),
        "source": cc.TextColumn("来源", width="medium"), "pollution": "污染", "energy": "能耗",
    }  # fmt: skip


def gap_frame(rows: Iterable[Any]) -> pl.DataFrame:
    """GapRow list -> one row per segment with a column per priority factor."""
    out = []
    for r in rows:
        d = {
            "chain_id": r.chain_id,
            "chain": r.chain_name,
            "segment_id": r.segment_id,
            "segment": r.segment_name,
            "stage": SEGMENT_STAGE_ZH.get(r.stage or "", r.stage),
            "key": bool(r.key),
            "label": r.label_zh,
            "priority": r.priority,
            "local_count": r.local_count,
            "above_scale_count": r.above_scale_count,
            "local_revenue": money(r.local_revenue),
            "candidate_count": r.candidate_count,
        }
        for f in PRIORITY_FACTOR_ZH:
            d[f"f_{f}"] = r.factors.get(f)
        d["reasons"] = "；".join([x for x in ([r.label_reason] if r.label_reason else []) + list(r.reasons) if x])
        out.append(d)
    schema = {
        "chain_id": pl.Utf8, "chain": pl.Utf8, "segment_id": pl.Utf8, "segment": pl.Utf8, "stage": pl.Utf8, "key": pl.Boolean,
        "label": pl.Utf8, "priority": pl.Float64, "local_count": pl.Int64, "above_scale_count": pl.Int64,
        "local_revenue": pl.Utf8, "candidate_count": pl.Int64,
        **{f"f_{f}": pl.Float64 for f in PRIORITY_FACTOR_ZH}, "reasons": pl.Utf8,
    }
    return pl.DataFrame(out, schema=schema)


def gap_columns() -> dict[str, Any]:
    cc = st.column_config
    cols: dict[str, Any] = {
        "chain_id": None,
        "chain": cc.TextColumn("产业链"),
        "segment_id": cc.TextColumn("环节编号", width="small"),
        "segment": cc.TextColumn("环节"),
        "stage": cc.TextColumn("位置", width="small"),
        "key": cc.CheckboxColumn("关键", width="small"),
        "label": cc.TextColumn("标签", width="small"),
        "priority": cc.ProgressColumn("优先级", min_value=0, max_value=100, format="%.1f", help="0–100，因素加权和（见 analysis.md）"),
        "local_count": cc.NumberColumn("本地企业", format="%d"),
        "above_scale_count": cc.NumberColumn("规上", format="%d"),
        "local_revenue": cc.TextColumn("本地营收"),
        "candidate_count": cc.NumberColumn("外地候选", format="%d"),
        "reasons": cc.TextColumn("理由", width="large"),
    }
    for f, zh in PRIORITY_FACTOR_ZH.items():
        cols[f"f_{f}"] = cc.ProgressColumn(zh, min_value=0.0, max_value=1.0, format="%.2f", help=f"因素「{zh}」得分（0–1）")
    return cols


def chain_frame(rows: Iterable[Any]) -> pl.DataFrame:
    out = []
    for r in rows:
        out.append(
            {
                "chain_id": r.chain_id,
                "category": CATEGORY_LONG_ZH.get(r.category or "", r.category),
                "industry": r.industry_name,
                "chain": r.chain_name,
                "segments": r.segment_count,
                "leaves": r.leaf_count,
                "completeness_pct": round(100 * r.completeness, 1),
                "completeness_key_weighted_pct": round(100 * r.completeness_key_weighted, 1),
                "strong": r.counts.get("strong", 0),
                "weak": r.counts.get("weak", 0),
                "broken": r.counts.get("broken", 0),
                "missing": r.counts.get("missing", 0),
            }
        )
    schema = {
        "chain_id": pl.Utf8, "category": pl.Utf8, "industry": pl.Utf8, "chain": pl.Utf8, "segments": pl.Int64, "leaves": pl.Int64,
        "completeness_pct": pl.Float64, "completeness_key_weighted_pct": pl.Float64,
        "strong": pl.Int64, "weak": pl.Int64, "broken": pl.Int64, "missing": pl.Int64,
    }
    return pl.DataFrame(out, schema=schema)


def chain_columns() -> dict[str, Any]:
    cc = st.column_config
    return {
        "chain_id": cc.TextColumn("编号", width="small"),
        "category": cc.TextColumn("类别", width="small"),
        "industry": cc.TextColumn("产业", width=110),
        "chain": cc.TextColumn("产业链", width=290),
        "segments": cc.NumberColumn("环节", format="%d", width=56),
        "leaves": cc.NumberColumn("末级环节", format="%d", width="small"),
        "completeness_pct": cc.ProgressColumn("完整度", min_value=0.0, max_value=100.0, format="%.1f%%", help="末级环节中本地有企业的比例（%）", width=150),
        "completeness_key_weighted_pct": cc.ProgressColumn("完整度（关键加权）", min_value=0.0, max_value=100.0, format="%.1f%%", help="关键环节按权重计（%）", width=150),
        "strong": cc.NumberColumn("强链", format="%d", width=56),
        "weak": cc.NumberColumn("弱链", format="%d", width=56),
        "broken": cc.NumberColumn("断链", format="%d", width=56),
        "missing": cc.NumberColumn("缺链", format="%d", width=56),
    }


TARGET_PAGE_SIZES = (50, 100, 200)  # rows per page of the 招商目标 table (the first is the default)


def target_frame(rows: Iterable[Any], stage_zh: dict[str, str]) -> pl.DataFrame:
    out = []
    for r in rows:
        d = {
            "rank": r.rank,
            "enterprise_id": r.enterprise_id,
            "name": r.name,
            "province": r.province or MISSING,
            "revenue": money(r.revenue),
            "listed_code": r.listed_code or NOT_APPLICABLE,
            "qualifications": MISSING if r.qualifications is None else ("、".join(r.qualifications) or NOT_APPLICABLE),
            "score": r.score,
            "coverage": None if r.coverage is None else r.coverage * 100,
            "basis": coverage_text(r.factor_coverage),
        }
        for f in TARGET_FACTOR_ZH:
            d[f"f_{f}"] = r.factors.get(f)
        d["reasons"] = "；".join(r.reasons)
        d["pipeline"] = (stage_zh.get(r.pipeline_stage or "", r.pipeline_stage) or "在途") if r.in_pipeline else ""
        out.append(d)
    schema = {
        "rank": pl.Int64, "enterprise_id": pl.Utf8, "name": pl.Utf8, "province": pl.Utf8, "revenue": pl.Utf8,
        "listed_code": pl.Utf8, "qualifications": pl.Utf8, "score": pl.Float64, "coverage": pl.Float64, "basis": pl.Utf8,
        **{f"f_{f}": pl.Float64 for f in TARGET_FACTOR_ZH}, "reasons": pl.Utf8, "pipeline": pl.Utf8,
    }
    from webapp.company import company_urls

    return company_urls(pl.DataFrame(out, schema=schema), "enterprise_id", "name")  # the name links to the 企业 page


def coverage_text(factor_coverage: dict[str, float]) -> str:
    """:func:`graph.i18n.coverage_basis` over the six target factors (``依据 4/6 项``)."""
    return coverage_basis({f: factor_coverage.get(f, 0.0) for f in TARGET_FACTOR_ZH})


def target_columns() -> dict[str, Any]:
    from webapp.company import company_column

    cc = st.column_config
    cols: dict[str, Any] = {
        "rank": cc.NumberColumn("名次", format="%d", width="small"),
        "enterprise_id": cc.TextColumn("编号", width="small"),
        "name": company_column("企业"),
        "province": cc.TextColumn("省份", width="small"),
        "revenue": cc.TextColumn("营收"),
        "listed_code": cc.TextColumn("股票代码", width="small"),
        "qualifications": cc.TextColumn("资质"),
        "score": cc.ProgressColumn("得分", min_value=0, max_value=100, format="%.1f"),
        "coverage": cc.ProgressColumn(
            "数据覆盖", min_value=0.0, max_value=100.0, format="%.0f%%", width="small",
            help="得分中有数据支撑的权重占比；无数据的因素按中性值计（默认 0.5）",
        ),
        "basis": cc.TextColumn("依据", width="small", help="有数据的因素项数（两部分中只知一部分的计 ½）"),
        "reasons": cc.TextColumn("理由", width="large"),
        "pipeline": cc.TextColumn("已在项目中", help="签约及以后阶段的项目企业不作为新目标"),
    }
    for f, zh in TARGET_FACTOR_ZH.items():
        cols[f"f_{f}"] = cc.ProgressColumn(zh, min_value=0.0, max_value=1.0, format="%.2f", help=f"因素「{zh}」得分（0–1）")
    return cols


def models_frame(rows: Iterable[Any], *, exclude: Iterable[str] = ("settings", "scope")) -> pl.DataFrame:
    """Generic: pydantic rows to a frame (lists joined, dicts as k=v)."""
    ex = set(exclude)
    out = []
    for r in rows:
        d = r.model_dump(mode="json") if hasattr(r, "model_dump") else dict(r)
        for k in list(d):
            if k in ex:
                d.pop(k)
            elif isinstance(d[k], list):
                d[k] = "；".join(str(x) for x in d[k])
            elif isinstance(d[k], dict):
                d[k] = "；".join(f"{kk}={vv}" for kk, vv in d[k].items())
        out.append(d)
    if not out:
        return pl.DataFrame()
    df = pl.DataFrame(out, infer_schema_length=None, strict=False)
    # all-null columns would show "None": make them empty text
    return df.with_columns([pl.col(c).cast(pl.Utf8) for c, t in df.schema.items() if t == pl.Null])
