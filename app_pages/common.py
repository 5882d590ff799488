"""Shared plumbing of the app's pages: settings sidebar, cached store/view/analysis, links.

``app.py`` calls :func:`setup` once per run (before the page runs): it renders the
sidebar (analysis settings, store info), opens the store (``st.cache_resource``,
one per location), reads the graph into a :class:`~graph.view.GraphView` once per
store version (``st.cache_resource``: shared, never mutated) and leaves a
:class:`Ctx` in ``st.session_state`` for the page (:func:`ctx`). Analysis results
are ``st.cache_data`` keyed by store location, version and the settings JSON.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import polars as pl
import streamlit as st

from graph.schema import ENUM_ZH
from graph.settings import AnalysisSettings, Settings, load_settings
from graph.stores import Store, StoreError, open_store
from graph.view import GraphView

CTX_KEY = "_indmap_ctx"
INGEST_HINT = "indmap ingest data/demo"

LABEL_ZH = {"strong": "强链", "weak": "弱链", "missing": "缺链", "broken": "断链"}
LABEL_COLOR_MD = {"strong": "green", "weak": "orange", "missing": "gray", "broken": "red"}


def label_badge(label: str) -> str:
    """Markdown badge of a gap label (colours as on the chain map)."""
    return f":{LABEL_COLOR_MD.get(label, 'gray')}-badge[{LABEL_ZH.get(label, label)}]"
CATEGORY_ZH = {"leading": "主导产业", "emerging": "新兴产业", "specialty": "特色产业"}
STAGE_ZH = {"upstream": "上游", "midstream": "中游", "downstream": "下游"}
ENUM_LEVEL_ZH = ENUM_ZH["park_level"]
GRADE_ZH = ENUM_ZH["grade"]
PROJECT_STAGE_ZH = {"lead": "线索", "negotiating": "洽谈", "signed": "签约", "started": "开工", "producing": "投产", "dropped": "终止"}
PRIORITY_FACTORS_ZH = {"dependents": "下游依赖", "demand": "本地需求", "broken": "断链", "key": "关键环节", "category": "产业类别", "supply": "可招对象"}
TARGET_FACTORS_ZH = {"scale": "规模", "innovation": "创新", "ties": "本地关联", "fit": "业务契合", "growth": "成长", "green": "绿色"}

PAGES = {
    "overview": "app_pages/overview.py",
    "chain": "app_pages/chain_map.py",
    "gaps": "app_pages/gaps.py",
    "targets": "app_pages/targets.py",
    "parks": "app_pages/parks.py",
    "projects": "app_pages/projects.py",
    "whatif": "app_pages/whatif.py",
    "cypher": "app_pages/console.py",
    "data": "app_pages/data.py",
}


# ------------------------------------------------------------------ context


@dataclass
class Ctx:
    """What a page needs: settings in force, the store and the graph view (None when empty)."""

    settings: Settings
    store: Store | None = None
    view: GraphView | None = None
    version: str = ""
    error: str | None = None
    location: str = ""
    meta: dict = field(default_factory=dict)

    @property
    def analysis(self) -> AnalysisSettings:
        return self.settings.analysis

    @property
    def settings_json(self) -> str:
        return self.settings.analysis.model_dump_json()

    @property
    def empty(self) -> bool:
        return self.view is None or self.view.is_empty

    @property
    def demo(self) -> bool:
        return is_demo(self.meta)


def is_demo(meta: dict) -> bool:
    """The dataset says it is demo data (a fictional city)."""
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


@st.cache_resource(show_spinner=False, max_entries=4)
def _open_store(location: str, _settings: Settings) -> Store:
    return open_store(_settings, read_only=True)


@st.cache_resource(show_spinner="正在读取图谱数据…", max_entries=3)
def _load_view(location: str, version: str, _store: Store) -> GraphView:
    """The whole graph as typed tables, once per store version (shared by all sessions, never mutated)."""
    tables = _store.read_tables()
    meta = _store.read_meta()
    return GraphView(tables, meta)


def setup() -> Ctx:
    """Render the sidebar, open store and view; keep the context for the page."""
    try:
        base = load_settings()
    except Exception as exc:  # noqa: BLE001 - a bad settings file must not blank the app
        st.sidebar.error(f"设置文件或环境变量有误，已使用默认设置：{exc}")
        base = Settings()
    analysis = settings_sidebar(base.analysis)
    settings = base.model_copy(update={"analysis": analysis})
    c = Ctx(settings=settings, location=settings.store)
    try:
        store = _open_store(settings.store, settings)
        c.store = store
        version = store.version()
        c.version = version
        if version:
            c.view = _load_view(settings.store, version, store)
            c.meta = dict(c.view.meta or {})
    except StoreError as exc:
        c.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - show any store failure as a message, not a blank page
        c.error = f"无法读取数据库 {settings.store}：{exc}"
    from app_pages.parkview import home_sidebar  # 本市 needs the view: chosen once the graph is read

    c.settings = settings.model_copy(update={"analysis": home_sidebar(c.view, analysis)})
    store_sidebar(c)
    st.session_state[CTX_KEY] = c
    return c


def ctx() -> Ctx:
    """The context :func:`setup` left for this run."""
    c = st.session_state.get(CTX_KEY)
    if c is None:  # page run on its own (tests): build it here
        c = setup()
    return c


def require_data(c: Ctx) -> GraphView:
    """The view, or an explanation of how to load data (and stop the page)."""
    if c.error:
        st.error(c.error, icon=":material/error:")
    if c.empty:
        empty_store_message(c)
        st.stop()
    assert c.view is not None
    return c.view


def empty_store_message(c: Ctx) -> None:
    st.info(
        f"数据库中还没有数据（{c.location}）。请先导入数据集，例如示例数据：\n\n"
        f"```\n{INGEST_HINT}\n```\n\n"
        "导入自己的数据：按模板准备 CSV 文件夹或 XLSX 工作簿后运行 `indmap ingest 路径`；"
        "也可以用环境变量 `INDMAP_STORE` 指向已有的数据库或 Neo4j（bolt://…）。",
        icon=":material/upload_file:",
    )


# ------------------------------------------------------------------ sidebar

_NUM_FIELDS: list[tuple[str, str, str, dict]] = [
    # (field, label, group, widget kwargs)
    ("above_scale_revenue", "规上企业营收门槛（万元）", "gap", {"min_value": 0.0, "step": 500.0}),
    ("weak_min_count", "弱链：本地企业少于（家）", "gap", {"min_value": 1, "step": 1}),
    ("weak_priority_multiplier", "弱链优先级系数", "gap", {"min_value": 0.0, "max_value": 1.0, "step": 0.05}),
    ("supply_saturation", "候选企业达到（家）视为充足", "gap", {"min_value": 1, "step": 1}),
    ("key_weight", "关键环节在加权完整度中的权重", "gap", {"min_value": 1.0, "step": 0.5}),
    ("overlap_threshold", "同质化相似度阈值", "park", {"min_value": 0.0, "max_value": 1.0, "step": 0.05}),
    ("concentration_threshold", "主导产业突出度阈值", "park", {"min_value": 0.0, "max_value": 1.0, "step": 0.05}),
    ("focus_share_threshold", "申报主导产业营收占比阈值", "park", {"min_value": 0.0, "max_value": 1.0, "step": 0.05}),
    ("cohesion_threshold", "区内企业关联性阈值", "park", {"min_value": 0.0, "max_value": 1.0, "step": 0.05}),
    ("stall_days", "停滞天数", "project", {"min_value": 1, "step": 10}),
    ("intensity_min", "投资强度下限（万元/亩）", "project", {"min_value": 0.0, "step": 50.0}),
    ("output_per_mu_min", "亩均产出下限（万元/亩）", "project", {"min_value": 0.0, "step": 50.0}),
    ("tax_per_mu_min", "亩均税收下限（万元/亩）", "project", {"min_value": 0.0, "step": 5.0}),
]
_GROUP_ZH = {"gap": "缺口判定", "park": "园区", "project": "项目"}
PARK_RANKING_ZH = {"revenue": "主营业务收入", "fixed_investment": "固定资产投资", "tax": "税收", "profit": "利润总额"}
_WEIGHT_GROUPS = [
    ("priority_weights", "缺口优先级权重", PRIORITY_FACTORS_ZH),
    ("category_weights", "产业类别系数", CATEGORY_ZH),
    ("park_ranking_weights", "园区排名权重（十强/十快）", PARK_RANKING_ZH),
]
TARGET_STATE = "_target_settings"  # target weights and gates chosen on the 招商目标 page


def _skey(*parts: str) -> str:
    return "set__" + "__".join(parts)


def _reset_settings() -> None:
    for k in list(st.session_state.keys()):
        if str(k).startswith("set__"):
            del st.session_state[k]
    st.session_state.pop(TARGET_STATE, None)


def settings_sidebar(base: AnalysisSettings) -> AnalysisSettings:
    """Editable thresholds and weights (defaults from the settings file/environment)."""
    data = base.model_dump()
    with st.sidebar.expander("分析参数（阈值与权重）", icon=":material/tune:"):
        for group, title in _GROUP_ZH.items():
            st.markdown(f"**{title}**")
            for name, label, g, kw in _NUM_FIELDS:
                if g != group:
                    continue
                key = _skey(name)
                st.session_state.setdefault(key, data[name])
                data[name] = st.number_input(label, key=key, **kw)
        for name, title, labels in _WEIGHT_GROUPS:
            st.markdown(f"**{title}**")
            sub = dict(data[name])
            for f, zh in labels.items():
                key = _skey(name, f)
                st.session_state.setdefault(key, float(sub[f]))
                sub[f] = st.slider(f"{zh}（{f}）", 0.0, 1.0, step=0.05, key=key)
            data[name] = sub
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


def store_sidebar(c: Ctx) -> None:
    with st.sidebar:
        if c.demo:
            st.warning("示例数据（虚构城市）", icon=":material/info:")
        where = c.location if len(c.location) < 48 else "…" + c.location[-46:]
        if c.error:
            st.caption(f"数据库：`{where}`（无法读取）")
        elif c.empty:
            st.caption(f"数据库：`{where}`（空）")
        else:
            when = c.meta.get("written_at") or ""
            st.caption(f"数据库：`{where}`  \n导入时间：{when}")


def show_params(settings: dict | AnalysisSettings, keys: Sequence[str] | None = None, *, label: str = "参数") -> None:
    """The settings a result was computed with ("参数"), changed ones marked."""
    if isinstance(settings, AnalysisSettings):
        settings = settings.model_dump()
    default = AnalysisSettings().model_dump()
    rows = []
    for k, v in settings.items():
        if keys is not None and k not in keys:
            continue
        if isinstance(v, dict):
            for kk, vv in v.items():
                rows.append({"参数": f"{k}.{kk}", "值": vv, "默认": default.get(k, {}).get(kk), "已修改": vv != default.get(k, {}).get(kk)})
        else:
            rows.append({"参数": k, "值": v, "默认": default.get(k), "已修改": v != default.get(k)})
    changed = sum(1 for r in rows if r["已修改"])
    title = f"{label}（{'默认' if not changed else f'{changed} 项已修改'}）"
    with st.expander(title, icon=":material/settings:"):
        unset = "未设置"  # e.g. home_region: inferred
        df = pl.DataFrame([{**r, "值": unset if r["值"] is None else str(r["值"]), "默认": unset if r["默认"] is None else str(r["默认"])} for r in rows]) if rows else pl.DataFrame()
        st.dataframe(df, hide_index=True, width="stretch")


# ------------------------------------------------------------------ query params


def synced_select(
    label: str,
    options: Sequence[Any],
    *,
    param: str,
    format_func: Callable[[Any], str] = str,
    container: Any = None,
    help: str | None = None,
    default: Any = None,
    key: str | None = None,
) -> Any:
    """A selectbox whose value follows ``st.query_params[param]`` (shareable links) and writes it back."""
    where = container if container is not None else st
    key = key or f"qp__{param}"
    options = list(options)
    if not options:
        return None
    want = st.query_params.get(param)
    current = st.session_state.get(key)
    if current not in options:
        if want in options:
            current = want
        elif default in options:
            current = default
        else:
            current = options[0]
        st.session_state[key] = current
    value = where.selectbox(label, options, key=key, format_func=format_func, help=help)
    if value is not None and st.query_params.get(param) != str(value):
        st.query_params[param] = str(value)
    return value


def scope_picker(view: GraphView, *, container: Any = None, key: str = "scope") -> str:
    """City / park / region choice as a scope string (``city``, ``park:ID``, ``region:CODE``).

    The park goes into the ``park`` query parameter.
    """
    where = container if container is not None else st
    from app_pages.parkview import own_park_ids  # peer parks of other cities have no firms to scope on

    parks = view.parks.filter(pl.col("id").is_in(own_park_ids(view, ctx().analysis))).sort("id")
    park_names = dict(zip(parks.get_column("id").to_list(), parks.get_column("name").to_list()))
    regions = _scope_regions(view)
    kinds = ["city", "park", "region"] if regions else ["city", "park"]
    kind_zh = {"city": "全市", "park": "园区", "region": "区县"}
    kind_key = f"{key}__kind"
    if kind_key not in st.session_state:
        st.session_state[kind_key] = "park" if st.query_params.get("park") in park_names else "city"
    kind = where.segmented_control("范围", kinds, format_func=kind_zh.get, key=kind_key, required=True) if parks.height or regions else "city"
    if kind == "park" and park_names:
        pid = synced_select("园区", list(park_names), param="park", format_func=lambda p: park_names.get(p) or p, container=where, key=f"{key}__park")
        return f"park:{pid}"
    if kind == "region" and regions:
        code = where.selectbox("区县", list(regions), format_func=lambda c: f"{regions[c]}（{c}）", key=f"{key}__region")
        return f"region:{code}"
    if "park" in st.query_params:
        del st.query_params["park"]
    return "city"


def _scope_regions(view: GraphView) -> dict[str, str]:
    """Regions that hold parks or local enterprises (the useful region scopes)."""
    codes = set(view.parks.get_column("region_code").drop_nulls().to_list())
    codes |= set(view.enterprises.filter(pl.col("local").fill_null(False)).get_column("region_code").drop_nulls().to_list())
    reg = view.regions.filter(pl.col("code").is_in(sorted(codes))).sort("code")
    return dict(zip(reg.get_column("code").to_list(), reg.get_column("name").to_list()))


def scope_zh(view: GraphView, scope: str) -> str:
    if scope == "city":
        return "全市"
    kind, _, value = scope.partition(":")
    if kind == "park":
        hit = view.parks.filter(pl.col("id") == value)
        return f"园区 {hit.item(0, 'name') if hit.height else value}"
    hit = view.regions.filter(pl.col("code") == value)
    return f"区县 {hit.item(0, 'name') if hit.height else value}"


# ------------------------------------------------------------------ names and small helpers


def names(view: GraphView, table: str, key: str = "id") -> dict[str, str]:
    df = view.tables[table]
    return dict(zip(df.get_column(key).to_list(), df.get_column("name").to_list()))


def chain_options(view: GraphView) -> list[str]:
    """Chain ids ordered by industry category (leading, emerging, specialty), then id."""
    order = {"leading": 0, "emerging": 1, "specialty": 2}
    ch = view.chains.join(view.industries.select(pl.col("id").alias("industry_id"), "category"), on="industry_id", how="left")
    rows = sorted(ch.iter_rows(named=True), key=lambda r: (order.get(r["category"], 9), r["id"]))
    return [r["id"] for r in rows]


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def md(text: Any) -> str:
    """Data text (names from a dataset) made inert inside Streamlit markdown."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def fmt_wan(v: float | None) -> str:
    if v is None:
        return "—"
    if abs(v) >= 10000:
        return f"{v / 10000:,.2f} 亿元"
    return f"{v:,.0f} 万元"


def fmt_pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def today() -> dt.date:
    return dt.date.today()


def page_link(page: str, label: str, *, icon: str | None = None, params: dict[str, str] | None = None, container: Any = None) -> None:
    where = container if container is not None else st
    where.page_link(PAGES[page], label=label, icon=icon, query_params=params or None)


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, default=str)


# ------------------------------------------------------------------ what-if basket

WHATIF_KEY = "whatif_basket"


def basket() -> list[dict]:
    """Targets and projects chosen for 推演: dicts with kind, enterprise_id, segment_id, project_id, label."""
    return st.session_state.setdefault(WHATIF_KEY, [])


def add_to_basket(item: dict) -> bool:
    b = basket()
    ident = (item.get("kind"), item.get("enterprise_id"), item.get("segment_id"), item.get("project_id"))
    if any((x.get("kind"), x.get("enterprise_id"), x.get("segment_id"), x.get("project_id")) == ident for x in b):
        return False
    b.append(item)
    return True
