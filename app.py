"""招商产业链图谱: the Streamlit app (`streamlit run app.py`).

Thin on purpose: page config, then settings → cached store → graph view
(:func:`app_pages.common.setup`, which also draws the sidebar), then the page.
Every page lives in ``app_pages/``; offline assets in ``static/``.
"""

from __future__ import annotations

import streamlit as st

from app_pages.common import PAGES, protect_error_details, setup

protect_error_details()  # served beyond this machine: no tracebacks with server paths
st.set_page_config(page_title="招商产业链图谱", page_icon="🧭", layout="wide", initial_sidebar_state="expanded")

_ICONS = {
    "overview": ("总览", ":material/dashboard:"),
    "chain": ("产业链图谱", ":material/account_tree:"),
    "gaps": ("缺链清单", ":material/playlist_add_check:"),
    "targets": ("招商目标", ":material/person_search:"),
    "parks": ("园区", ":material/factory:"),
    "projects": ("项目", ":material/assignment:"),
    "whatif": ("推演", ":material/science:"),
    "cypher": ("Cypher 查询", ":material/terminal:"),
    "data": ("数据", ":material/database:"),
}


def _page(key: str, default: bool = False) -> st.Page:
    title, icon = _ICONS[key]
    return st.Page(PAGES[key], title=title, icon=icon, url_path=None if default else key, default=default)


nav = st.navigation(
    {
        "研判": [_page("overview", default=True), _page("chain"), _page("gaps")],
        "招商": [_page("targets"), _page("whatif"), _page("projects")],
        "园区": [_page("parks")],
        "分析与数据": [_page("cypher"), _page("data")],
    }
)
setup()
nav.run()
