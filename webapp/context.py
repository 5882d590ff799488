"""What a page runs on: the settings in force, the store and the graph view.

``app.py`` calls :func:`setup` once per run, before the page: it draws the settings sidebar,
opens the store and reads the view (both cached, :mod:`webapp.store`), draws the store's
sidebar lines and leaves a :class:`Ctx` in ``st.session_state`` for the page (:func:`ctx`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from graph.hints import DEMO, ingest_command  # noqa: F401 - ingest_command: the pages' hint, re-exported
from graph.settings import AnalysisSettings, Settings, load_settings
from graph.stores import Store, StoreError
from graph.view import GraphView
from reports.fmt import is_demo  # the demo flag of the store's meta (reports say it too)
from webapp.auth import current, is_loopback
from webapp.park_ranking import home_sidebar
from webapp.sidebar import settings_sidebar, store_sidebar
from webapp.store import load_view, open_cached_store

CTX_KEY = "_indmap_ctx"


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


def _base_settings() -> Settings:
    try:
        return load_settings()
    except Exception as exc:  # noqa: BLE001 - a bad settings file must not blank the app
        st.sidebar.error(f"设置文件或环境变量有误，已使用默认设置：{exc}")
        return Settings()


def _open(c: Ctx) -> None:
    """Open the store and read the view into ``c`` (errors become ``c.error``)."""
    try:
        store = open_cached_store(c.settings.store, c.settings)
        c.store = store
        c.version = store.version()
        if c.version:
            c.view = _read_view(c, store)
            c.meta = dict(c.view.meta or {})
    except StoreError as exc:
        c.error = str(exc)
    except Exception as exc:  # noqa: BLE001 - show any store failure as a message, not a blank page
        c.error = f"无法读取数据库 {c.settings.store}：{exc}"


def _read_view(c: Ctx, store: Store) -> GraphView:
    """The embedded store's whole view; on Neo4j the scoped view (:mod:`webapp.neo4j_view`)."""
    from webapp.neo4j_view import is_neo4j, scoped_view

    if is_neo4j(store):
        return scoped_view(c.settings.store, c.version, store)
    return load_view(c.settings.store, c.version, store)


def protect_error_details() -> None:
    """Tracebacks (server paths, code) only for a server on loopback; others see a short message."""
    if not is_loopback(st.get_option("server.address")) and st.get_option("client.showErrorDetails") != "none":
        st.set_option("client.showErrorDetails", "none")


def setup() -> Ctx:
    """Render the sidebar, open store and view; keep the context for the page."""
    base = _base_settings()
    settings = base.model_copy(update={"analysis": settings_sidebar(base.analysis)})
    c = Ctx(settings=settings, location=settings.store)
    _open(c)
    # 本市 (home_region) is chosen among the cities that hold parks, so once the graph is read
    c.settings = settings.model_copy(update={"analysis": home_sidebar(c.view, settings.analysis)})
    store_sidebar(c.location, error=bool(c.error), empty=c.empty, demo=c.demo, written_at=str(c.meta.get("written_at") or ""), show_location=current().can("admin"))
    st.session_state[CTX_KEY] = c
    return c


def ctx() -> Ctx:
    """The context :func:`setup` left for this run."""
    c = st.session_state.get(CTX_KEY)
    if c is None:  # page run on its own (tests): build it here
        c = setup()
    return c


def require_data(c: Ctx, *, scoped: bool = False) -> GraphView:
    """The view, or an explanation of how to load data (and stop the page).

    ``scoped``: the page computes everything from a scoped view (Neo4j, :mod:`webapp.neo4j_view`);
    otherwise the page gets the whole graph (on Neo4j read in full now, once per store version).
    """
    if not scoped and not c.empty and c.view is not None and c.view.scoped:
        from webapp.neo4j_view import full_view

        try:
            c.view = full_view(c)
        except StoreError as exc:
            c.error, c.view = str(exc), None
    show_error(c)
    if c.empty:
        empty_store_message(c)
        st.stop()
    assert c.view is not None
    return c.view


def show_error(c: Ctx) -> None:
    """The store's error, if any: in full (it names the store's path or URI) to an admin only."""
    if c.error:
        st.error(c.error if current().can("admin") else "无法读取数据库，请联系管理员（错误详情与数据库位置只向管理员显示）。",
                 icon=":material/error:")


def server_path(path) -> str:
    """A file on the server (the workspace) as the page names it: its path to an admin only (it lies beside the store)."""
    return f"`{path}`" if current().can("admin") else "服务器上（位置只向管理员显示）"


def empty_store_message(c: Ctx) -> None:
    if not current().can("admin"):  # the command names the server's paths: for an admin only
        up = "，或在「数据」页上传数据集" if current().can("edit") else ""
        st.info(f"数据库中还没有数据。请联系管理员导入数据{up}。", icon=":material/upload_file:")
        return
    demo = DEMO.is_dir()
    st.info(
        f"数据库中还没有数据（{c.location}）。请先导入数据集{'，例如示例数据（在终端中运行）' if demo else ''}：\n\n"
        f"```\n{ingest_command(c.location) if demo else ingest_command(c.location, '数据集文件夹或工作簿.xlsx')}\n```\n\n"
        "导入后刷新本页即可。导入自己的数据：按模板准备 CSV 文件夹或 XLSX 工作簿，把上面命令中的示例数据路径换成它；"
        "也可以在设置中把数据库指向已有的数据库或 Neo4j 服务器（见 README.md 的配置表）。",
        icon=":material/upload_file:",
    )
