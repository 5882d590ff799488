"""The sidebar: every analysis setting, built from the settings' own field metadata, and the store in use.

A field of :class:`~graph.settings.AnalysisSettings` declares its widget: ``title`` is the label,
``description`` the help text, ``ge``/``le`` the bounds; its type picks the widget (number,
toggle, text; a nested model of weights becomes a group of sliders). :data:`SECTIONS` only
orders them; a new setting in no section shows under 其他. The target weights and gates are set
on the 招商目标 page (:data:`TARGET_STATE`), so they are left out here.
"""

from __future__ import annotations

import math
import types
import typing
from typing import Any, Sequence

import polars as pl
import streamlit as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from graph.i18n import setting_value
from graph.settings import AnalysisSettings, setting_titles

SECTIONS: dict[str, tuple[str, ...]] = {
    "缺口判定": ("above_scale_revenue", "weak_min_count", "weak_priority_multiplier", "supply_saturation", "key_weight", "priority_weights", "category_weights"),
    "招商目标": ("ties_saturation", "unknown_value", "min_coverage"),
    "园区": ("overlap_threshold", "concentration_threshold", "focus_share_threshold", "cohesion_threshold", "park_ranking_weights"),
    "项目": ("stall_days", "intensity_min", "output_per_mu_min", "tax_per_mu_min"),
}
OTHER_SECTION = "其他"
ON_TARGETS_PAGE = ("target_weights", "gate_high_pollution", "gate_high_energy")
#: chosen among the data's cities once the graph is read (webapp.park_ranking.home_sidebar)
WITH_THE_DATA = ("home_region",)
TARGET_STATE = "_target_settings"  # target weights and gates chosen on the 招商目标 page
KEY_PREFIX = "set__"


def setting_key(*parts: str) -> str:
    """Session-state key of a setting's widget: ``set__weak_min_count``, ``set__priority_weights__demand``."""
    return KEY_PREFIX + "__".join(parts)


def _reset_settings() -> None:
    for k in list(st.session_state.keys()):
        if str(k).startswith(KEY_PREFIX):
            del st.session_state[k]
    st.session_state.pop(TARGET_STATE, None)


def sections(fields: dict[str, FieldInfo] | None = None) -> dict[str, list[str]]:
    """Section title -> the sidebar's fields in it (every field not set on the 招商目标 page).

    >>> s = sections()
    >>> s["项目"][:2], "target_weights" in sum(s.values(), [])
    (['stall_days', 'intensity_min'], False)
    """
    fields = AnalysisSettings.model_fields if fields is None else fields
    out: dict[str, list[str]] = {title: [n for n in names if n in fields] for title, names in SECTIONS.items()}
    placed = {n for names in SECTIONS.values() for n in names} | set(ON_TARGETS_PAGE) | set(WITH_THE_DATA)
    rest = [n for n in fields if n not in placed]
    if rest:
        out[OTHER_SECTION] = rest
    return {k: v for k, v in out.items() if v}


def bounds(field: FieldInfo) -> tuple[float | None, float | None]:
    """(lower, upper) bound of a field from its ``ge``/``gt``/``le``/``lt`` metadata."""
    lo = hi = None
    for m in field.metadata:
        lo = getattr(m, "ge", None) if getattr(m, "ge", None) is not None else getattr(m, "gt", lo)
        hi = getattr(m, "le", None) if getattr(m, "le", None) is not None else getattr(m, "lt", hi)
    return lo, hi


def step_for(field: FieldInfo, default: float) -> float | int:
    """A step that suits the field: 1 for counts (10 from 50 up), 0.05 in [0, 1], else half a power of ten.

    >>> [step_for(AnalysisSettings.model_fields[n], d) for n, d in [("weak_min_count", 3), ("stall_days", 90), ("overlap_threshold", 0.6), ("above_scale_revenue", 2000.0), ("tax_per_mu_min", 20.0), ("key_weight", 2.0)]]
    [1, 10, 0.05, 500.0, 5.0, 0.5]
    """
    extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
    if "step" in extra:
        return extra["step"]  # type: ignore[return-value]
    _, hi = bounds(field)
    if field.annotation is int:
        return 1 if abs(default) < 50 else 10
    if hi is not None and hi <= 1:
        return 0.05
    if not default:
        return 1.0
    return 10 ** math.floor(math.log10(abs(default))) / 2


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _is_text(annotation: Any) -> bool:
    args = set(typing.get_args(annotation)) if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union else {annotation}
    return str in args and args <= {str, type(None)}


def _number(name: str, field: FieldInfo, value: Any) -> Any:
    lo, hi = bounds(field)
    cast = int if field.annotation is int else float
    kw: dict[str, Any] = {"step": cast(step_for(field, value))}
    if lo is not None:
        kw["min_value"] = cast(lo)
    if hi is not None:
        kw["max_value"] = cast(hi)
    key = setting_key(name)
    st.session_state.setdefault(key, cast(value))
    return st.number_input(field.title or name, key=key, help=field.description, **kw)


def _weights(name: str, field: FieldInfo, value: dict[str, float]) -> dict[str, float]:
    """A nested model of weights: one slider per factor, labelled with its Chinese title."""
    st.markdown(f"*{field.title or name}*")
    model = field.annotation
    out = dict(value)
    for sub, sub_field in model.model_fields.items():  # type: ignore[union-attr]
        key = setting_key(name, sub)
        st.session_state.setdefault(key, float(value[sub]))
        _, hi = bounds(sub_field)
        top = max(1.0, float(hi or 1.0), float(st.session_state[key]))
        out[sub] = st.slider(sub_field.title or sub, 0.0, top, step=0.05, key=key, help=sub_field.description)
    return out


def _widget(name: str, field: FieldInfo, value: Any) -> Any:
    """The widget of one setting, its value returned (unknown types are shown, not edited)."""
    ann = field.annotation
    if _is_model(ann):
        return _weights(name, field, value)
    if ann is bool:
        key = setting_key(name)
        st.session_state.setdefault(key, bool(value))
        return st.toggle(field.title or name, key=key, help=field.description)
    if ann in (int, float):
        return _number(name, field, value)
    if _is_text(ann):
        key = setting_key(name)
        st.session_state.setdefault(key, value or "")
        text = st.text_input(field.title or name, key=key, help=field.description).strip()
        return text or (None if type(None) in typing.get_args(ann) else "")
    st.caption(f"{field.title or name}：{value}（在设置文件中修改）")
    return value


def settings_sidebar(base: AnalysisSettings) -> AnalysisSettings:
    """Editable thresholds and weights (defaults from the settings file/environment)."""
    data = base.model_dump()
    fields = AnalysisSettings.model_fields
    with st.sidebar.expander("分析参数（阈值与权重）", icon=":material/tune:"):
        for title, names in sections().items():
            st.markdown(f"**{title}**")
            for name in names:
                data[name] = _widget(name, fields[name], data[name])
        st.caption("招商目标的权重与门槛在「招商目标」页调整。")
        st.button("恢复默认参数", on_click=_reset_settings, icon=":material/restart_alt:", width="stretch", key="reset_settings")
    extra = st.session_state.get(TARGET_STATE) or {}
    if extra.get("target_weights"):
        data["target_weights"] = dict(extra["target_weights"])
    for gate in ("gate_high_pollution", "gate_high_energy"):
        if gate in extra:
            data[gate] = bool(extra[gate])
    try:
        return AnalysisSettings.model_validate(data)
    except Exception as exc:  # noqa: BLE001
        st.sidebar.error(f"参数无效，已使用默认值：{exc}")
        return base


def when_zh(stamp: str) -> str:
    """An ISO time stamp for people, to the minute in local time: ``2026-11-28 17:00``.

    >>> when_zh("2026-11-28T17:00:56+00:00")[:10], when_zh(""), when_zh("昨天")
    ('2026-11-28', '无数据', '昨天')
    """
    import datetime as dt

    if not stamp:
        return "无数据"
    try:
        t = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if t.tzinfo is not None:
        t = t.astimezone()
    return t.strftime("%Y-%m-%d %H:%M")


def store_sidebar(location: str, *, error: bool, empty: bool, demo: bool, written_at: str, show_location: bool = True) -> None:
    """Which store is open and when it was written (or why it shows nothing); its path or URI only when
    ``show_location`` (an admin, or a local app without accounts: not the server's paths to every account)."""
    with st.sidebar:
        if demo:
            st.warning("示例数据（虚构城市）", icon=":material/info:")
        where = location if len(location) < 48 else "…" + location[-46:]
        head = f"数据库：`{where}`" if show_location else "数据库"
        if error:
            st.caption(f"{head}（无法读取）")
        elif empty:
            st.caption(f"{head}（空）")
        else:
            st.caption(f"{head}  \n导入时间：{when_zh(written_at)}")


def params_rows(settings: dict | AnalysisSettings, keys: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """One row per leaf setting: key, Chinese name, value, default and whether it was changed.

    >>> rows = params_rows(AnalysisSettings(weak_min_count=4), keys=["weak_min_count"])
    >>> [(r["参数"], r["名称"], r["值"], r["默认"], r["已修改"]) for r in rows]
    [('weak_min_count', '弱链：本地企业少于（家）', 4, 3, True)]
    """
    if isinstance(settings, AnalysisSettings):
        settings = settings.model_dump()
    default = AnalysisSettings().model_dump()
    titles = setting_titles()
    rows = []
    for k, v in settings.items():
        if keys is not None and k not in keys:
            continue
        pairs = [(f"{k}.{kk}", vv, default.get(k, {}).get(kk)) for kk, vv in v.items()] if isinstance(v, dict) else [(k, v, default.get(k))]
        for path, value, dflt in pairs:
            rows.append({"参数": path, "名称": titles.get(path, ""), "值": value, "默认": dflt, "已修改": value != dflt})
    return rows


def show_params(settings: dict | AnalysisSettings, keys: Sequence[str] | None = None, *, label: str = "参数") -> None:
    """The settings a result was computed with ("参数"), changed ones marked."""
    rows = params_rows(settings, keys)
    changed = sum(1 for r in rows if r["已修改"])
    title = f"{label}（{'默认' if not changed else f'{changed} 项已修改'}）"
    with st.expander(title, icon=":material/settings:"):
        df = pl.DataFrame(
            [{"参数": r["名称"] or r["参数"], "取值": setting_value(r["值"]), "默认": setting_value(r["默认"]), "已修改": "是" if r["已修改"] else "否"} for r in rows],
            schema={"参数": pl.Utf8, "取值": pl.Utf8, "默认": pl.Utf8, "已修改": pl.Utf8},
        )
        st.dataframe(df, hide_index=True, width="stretch")
        st.caption("在侧栏「分析参数」中修改；设置文件与环境变量中的名称见 README.md 的配置表。")

