"""The app's pages: one registry of file, title, icon and navigation section, and links between pages.

``app.py`` builds ``st.navigation`` from :data:`PAGES`; a page links to another by its key
(:func:`page_link`), so a page file can move without touching its callers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st


@dataclass(frozen=True)
class Page:
    file: str  # relative to app.py
    title: str
    icon: str
    section: str
    need: str = "read"  # the right a session needs to see it (webapp.auth: read, edit, admin)


PAGES: dict[str, Page] = {
    "overview": Page("app_pages/overview.py", "总览", ":material/dashboard:", "研判"),
    "chain": Page("app_pages/chain_map.py", "产业链图谱", ":material/account_tree:", "研判"),
    "gaps": Page("app_pages/gaps.py", "缺链清单", ":material/playlist_add_check:", "研判"),
    "history": Page("app_pages/history.py", "变化", ":material/timeline:", "研判"),
    "targets": Page("app_pages/targets.py", "招商目标", ":material/person_search:", "招商"),
    "company": Page("app_pages/company.py", "企业", ":material/domain:", "招商"),
    "leads": Page("app_pages/leads.py", "线索", ":material/assignment_ind:", "招商"),
    "whatif": Page("app_pages/whatif.py", "推演", ":material/science:", "招商"),
    "projects": Page("app_pages/projects.py", "项目", ":material/assignment:", "招商"),
    "parks": Page("app_pages/parks.py", "园区", ":material/factory:", "园区"),
    "cypher": Page("app_pages/console.py", "Cypher 查询", ":material/terminal:", "分析与数据"),
    "data": Page("app_pages/data.py", "数据", ":material/database:", "分析与数据"),
    "review": Page("app_pages/review.py", "挂接审核", ":material/fact_check:", "分析与数据", need="edit"),
    "users": Page("app_pages/users.py", "用户", ":material/manage_accounts:", "管理", need="admin"),
}
DEFAULT_PAGE = "overview"


def navigation(access: Any = None) -> Any:
    """``st.navigation`` over :data:`PAGES` this session may see (``access``: :class:`webapp.auth.Access`), by section."""
    sections: dict[str, list[Any]] = {}
    for key, p in PAGES.items():
        if access is not None and not access.can(p.need):
            continue
        default = key == DEFAULT_PAGE
        page = st.Page(p.file, title=p.title, icon=p.icon, url_path=None if default else key, default=default)
        sections.setdefault(p.section, []).append(page)
    return st.navigation(sections, expanded=True)  # every page listed (13 with 挂接审核 and 用户)


def page_link(page: str, label: str, *, icon: str | None = None, params: dict[str, str] | None = None, container: Any = None) -> None:
    """A link to page ``page`` (a key of :data:`PAGES`) carrying query parameters."""
    where = container if container is not None else st
    where.page_link(PAGES[page].file, label=label, icon=icon, query_params=params or None)
