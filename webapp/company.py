"""The 企业 page's helpers: company search and profile (cached), and links to a company's page from anywhere.

Every company name in the app links to its page (``company?enterprise=ID``):

* in a dataframe, a column of :func:`company_urls` shown with :func:`company_column` (a
  ``LinkColumn`` that displays the name);
* in a panel or list, :func:`company_link` (an ``st.page_link``, same tab, same session).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import polars as pl
import streamlit as st

from webapp.context import Ctx
from webapp.neo4j_view import company_view, enterprise_names, pool_view, search_view
from webapp.pages import PAGES, page_link

PARAM = "enterprise"  # the query parameter naming the company shown
URL_PATH = "company"  # the page's url path (webapp.pages registers the page under its key)


def company_url(enterprise_id: str, name: str | None = None) -> str:
    """A relative link to the company's page; the name rides in the fragment, for display only.

    >>> company_url("300750.SZ", "宁德时代"), company_url("A B")
    ('company?enterprise=300750.SZ#宁德时代', 'company?enterprise=A%20B#A B')
    """
    return f"{URL_PATH}?{PARAM}={quote(enterprise_id, safe='.-_')}#{name or enterprise_id}"


def company_urls(df: pl.DataFrame, id_col: str, name_col: str, out: str | None = None) -> pl.DataFrame:
    """``df`` with column ``out`` (default ``name_col``) holding :func:`company_url` of each row.

    A row without an id keeps its plain name (no link).
    """
    url = pl.concat_str([pl.lit(f"{URL_PATH}?{PARAM}="), pl.col(id_col).map_elements(lambda i: quote(i, safe=".-_"), return_dtype=pl.Utf8), pl.lit("#"), pl.coalesce(pl.col(name_col), pl.col(id_col))])
    return df.with_columns(pl.when(pl.col(id_col).is_not_null()).then(url).otherwise(pl.col(name_col)).alias(out or name_col))


def company_column(label: str = "企业", *, help: str | None = "点击打开企业页面", width: Any = "medium") -> Any:
    """The ``column_config`` entry of a :func:`company_urls` column: shows the name, links to the page."""
    return st.column_config.LinkColumn(label, display_text=r"#(.+)$", help=help, width=width)


def company_link(enterprise_id: str, name: str | None = None, *, container: Any = None, icon: str | None = ":material/domain:") -> None:
    """A link to the company's page in a panel (same tab)."""
    page_link("company", name or enterprise_id, icon=icon, params={PARAM: enterprise_id}, container=container)


@st.cache_data(show_spinner=False, max_entries=256)
def _search(_view: Any, location: str, version: str, query: str, limit: int, park_id: str | None = None, _hidden: frozenset[str] = frozenset()) -> list[Any]:
    from graph.lookup import search_enterprises

    return search_enterprises(_view, query, limit=limit, hidden=_hidden)  # _hidden follows park_id (the cache key)


@st.cache_data(show_spinner=False, max_entries=128)
def _profile(_view: Any, location: str, version: str, settings_json: str, enterprise_id: str, _rank_view: Any = None) -> Any:
    from graph.analysis.company import company_profile
    from graph.settings import AnalysisSettings

    return company_profile(_view, AnalysisSettings.model_validate_json(settings_json), enterprise_id, rank_view=_rank_view)


@st.cache_data(show_spinner=False, max_entries=16)
def _unseen(_view: Any, location: str, version: str, park_id: str, _access: Any) -> frozenset[str]:
    return frozenset(_access.unseen(_view.enterprises.select("id", "local", "park_id")))  # keyed on the park it follows


def unseen(c: Ctx) -> frozenset[str]:
    """The local firms this session may not see (:meth:`webapp.auth.Access.unseen`: a park account, other parks'
    firms; empty otherwise), from the view's local enterprises (the Neo4j scoped view holds every one), cached."""
    from webapp.auth import current

    acc = current()
    return frozenset() if acc.park_id is None or c.view is None else _unseen(c.view, c.location, c.version, acc.park_id, acc)


def search(c: Ctx, query: str, limit: int = 20) -> list[Any]:
    """:func:`graph.lookup.search_enterprises`, cached per store version (on Neo4j over the search index, :func:`search_view`),
    without the firms this session may not see (:func:`unseen`)."""
    from webapp.auth import current

    # filtered before the ranking's head(limit): asking for limit + len(hidden) hits built ~1M of them at 1M
    return _search(search_view(c), c.location, c.version, query.strip(), limit, current().park_id, unseen(c))


def resolve_enterprise(c: Ctx, text: str) -> str:
    """:func:`graph.lookup.resolve` of an enterprise id as typed; on Neo4j an exact id is looked up by id
    (the search index is read only for an id in another case or a miss, whose message suggests names).

    Raises :class:`graph.lookup.UnknownId`, whose suggestions leave out the firms this session may not see (:func:`unseen`).
    """
    from graph.lookup import UnknownId, resolve

    if c.view is not None and c.view.scoped and c.store is not None and text in enterprise_names(c, [text]):
        return text
    try:
        return resolve(search_view(c), "enterprise", text)
    except UnknownId as exc:
        hidden = unseen(c)
        if not hidden:
            raise
        raise UnknownId(exc.kind, exc.text, [s for s in exc.suggestions if s[0] not in hidden]) from None


def profile(c: Ctx, enterprise_id: str) -> Any:
    """:func:`graph.analysis.company.company_profile` with the settings in force, cached.

    On Neo4j the profile's view is the scoped view plus the company (:func:`company_view`) and each
    segment is ranked on its pool (:func:`pool_view`), as on the 招商目标 page.
    """
    view = company_view(c, enterprise_id)
    rank_view = (lambda segment_id: pool_view(c, segment_id)) if c.view is not None and c.view.scoped else None
    return _profile(view, c.location, c.version, c.settings_json, enterprise_id, rank_view)
