"""Numbers, settings and provenance written for people, for reports and exports.

Every label and the formatters for people come from :mod:`graph.i18n` (amounts in
万元, 亿元 from 1 亿 up, to one decimal; percentages; scores to one decimal;
``无数据`` for unknown, ``—`` for "does not apply"); this module adds what reports
need on top: per-mu amounts, days, settings as 参数/取值 rows (the settings' own
titles) and the data's provenance (source, date, the demo notice).
"""

from __future__ import annotations

import datetime as dt
from pathlib import PurePath
from typing import Any, Iterable

from graph import i18n
from graph.i18n import (  # noqa: F401 - the labels reports use, re-exported for the report modules
    BASIS_ZH,
    CATEGORY_LONG_ZH,
    CATEGORY_ORDER,
    CATEGORY_ZH,
    FILTER_ZH,
    GAP_LABEL_ZH,
    GATE_ZH,
    GRADE_ZH,
    OVERDUE_KIND_ZH,
    PROJECT_STAGE_ZH,
    SEGMENT_STAGE_ZH,
    money,
    pct,
    per_mu,
    yes_no,
)
from graph.settings import AnalysisSettings

MISSING = i18n.MISSING
NA = i18n.NOT_APPLICABLE
DEMO_NOTICE = "本数据为虚构示例：城市、本地企业、园区与项目均为虚构，仅供演示，不代表任何真实城市或企业。"


def score(value: float | None, *, missing: str = NA) -> str:
    """A 0–100 score or priority to one decimal (``—`` when it does not apply).

    >>> score(84.04), score(None)
    ('84.0', '—')
    """
    return missing if value is None else i18n.score(value)


def days(n: int | None) -> str:
    return MISSING if n is None else f"{n}天"


def num(value: float | int | None, unit: str = "") -> str:
    """A count or measure with its unit: ``12家``, ``44.6亩``.

    >>> num(12, "家"), num(44.6, "亩"), num(None, "亩")
    ('12家', '44.6亩', '无数据')
    """
    if value is None:
        return MISSING
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}".removesuffix(".0")
    return text + unit


def date(value: dt.date | str | None) -> str:
    if value is None or value == "":
        return MISSING
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


# ------------------------------------------------------------------ settings


def settings_rows(settings: dict[str, Any] | AnalysisSettings, keys: Iterable[str] | None = None) -> list[list[str]]:
    """The settings as ``[参数, 取值]`` rows in Chinese (the settings' titles), weights one row each.

    >>> settings_rows(AnalysisSettings(), keys=["weak_min_count", "gate_high_energy"])
    [['弱链：本地企业少于（家）', '3'], ['排除高耗能企业', '是']]
    >>> settings_rows(AnalysisSettings(), keys=["category_weights"])[0]
    ['产业类别系数 · 主导产业', '1']
    """
    if isinstance(settings, AnalysisSettings):
        settings = settings.model_dump()
    wanted = None if keys is None else list(keys)
    fields = AnalysisSettings.model_fields
    rows: list[list[str]] = []
    for name in wanted if wanted is not None else list(settings):
        if name not in settings:
            continue
        info = fields.get(name)
        title = (info.title if info is not None else None) or name
        value = settings[name]
        if isinstance(value, dict):
            sub_model = info.annotation if info is not None else None
            sub_fields = getattr(sub_model, "model_fields", {})
            for k, v in value.items():
                sub = sub_fields.get(k)
                rows.append([f"{title} · {(sub.title if sub is not None else None) or k}", i18n.setting_value(v)])
        else:
            rows.append([title, i18n.setting_value(value)])
    return rows


# ------------------------------------------------------------------ provenance


def is_demo(meta: dict) -> bool:
    """The dataset says it is demo data (a fictional city).

    >>> is_demo({"demo": True}), is_demo({"dataset": "data/demo"}), is_demo({"dataset": "my_city"})
    (True, True, False)
    """
    for key in ("demo", "fictional", "is_demo"):
        if meta.get(key):
            return True
    ds = meta.get("dataset")
    if isinstance(ds, dict):
        return bool(ds.get("demo") or ds.get("fictional"))
    if isinstance(ds, str) and ds.strip():
        # the shipped demo dataset (data/demo or a demo.xlsx workbook)
        name = ds.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1].lower()
        return name in ("demo", "demo.xlsx")
    return False


def data_source(meta: dict) -> str:
    """The dataset's name (``dataset.json``) with its kept version, else its folder's name, else ``无数据``.

    Never the server's paths: an upload's dataset is a folder beside the store, and exports and briefings
    go to every account and beyond.

    >>> data_source({"dataset": "/srv/x/indmap.lbug.datasets/20261129-223842", "dataset_version": "20261129-223842",
    ...              "dataset_info": {"name": "某市数据"}})
    '某市数据（数据版本 20261129-223842）'
    >>> data_source({"dataset": "/home/me/data/demo"}), data_source({})
    ('demo', '无数据')
    """
    info = meta.get("dataset_info") or {}
    name = info.get("name") if isinstance(info, dict) else None
    version = meta.get("dataset_version")
    where = f"数据版本 {version}" if version else PurePath(str(meta.get("dataset") or "")).name
    if name and where:
        return f"{name}（{where}）"
    return str(name or where or MISSING)


def data_date(meta: dict) -> str:
    """The day the data was loaded into the store (``written_at``), else ``无数据``."""
    return date(meta.get("written_at"))


def provenance_rows(meta: dict, **extra: str) -> list[list[str]]:
    """``[项目, 内容]`` rows naming the data source and date (and ``extra`` lines, e.g. 范围)."""
    rows = [["数据来源", data_source(meta)], ["数据日期（导入时间）", data_date(meta)]]
    rows += [[k, v] for k, v in extra.items()]
    rows.append(["生成时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M")])
    if is_demo(meta):
        rows.append(["说明", DEMO_NOTICE])
    return rows
