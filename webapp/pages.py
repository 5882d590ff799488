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
    """``st.navigation`` over the :data:`PAGES` this session may open (``access``: :class:`webapp.auth.Access`,
    :meth:`~webapp.auth.Access.may_open`), by section. A page left out is not reachable by its address either;
    when 总览 is not among them 园区 opens at ``/`` (a park account's)."""
    keys = [k for k in PAGES if access is None or access.may_open(k)]
    home = next(k for k in (DEFAULT_PAGE, "parks", *keys) if k in keys)
    sections: dict[str, list[Any]] = {}
    for key in keys:
        p = PAGES[key]
        page = st.Page(p.file, title=p.title, icon=p.icon, url_path=None if key == home else key, default=key == home)
        sections.setdefault(p.section, []).append(page)
    return st.navigation(sections, expanded=True)  # every page listed (13 with 挂接审核 and 用户)


def may_open(page: str) -> bool:
    """Whether this session may open page ``page`` (:meth:`webapp.auth.Access.may_open`)."""
    from webapp.auth import current

    return current().may_open(page)


def page_link(page: str, label: str, *, icon: str | None = None, params: dict[str, str] | None = None, container: Any = None) -> None:
    """A link to page ``page`` (a key of :data:`PAGES`) carrying query parameters; none to a page this session may not open."""
    if not may_open(page):
        return
    where = container if container is not None else st
    where.page_link(PAGES[page].file, label=label, icon=icon, query_params=params or None)
