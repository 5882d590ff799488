"""Analysis results cached per (store location, store version, settings JSON, arguments).

The view itself is not hashed (leading underscore): the store version stands for
it. Results are pydantic models; ``st.cache_data`` hands every caller its own copy.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import streamlit as st

from webapp.context import Ctx
from webapp.neo4j_view import pool_view, whatif_view  # Neo4j: a segment ranked on its pool, a what-if with the landed companies
from graph.settings import AnalysisSettings


def _s(settings_json: str) -> AnalysisSettings:
    return AnalysisSettings.model_validate_json(settings_json)


@st.cache_data(show_spinner=False, max_entries=128)
def _gaps(_view, location: str, version: str, settings_json: str, scope: str, chain_id: str | None, extra: tuple):
    from graph.analysis import gaps

    return gaps(_view, _s(settings_json), scope=scope, chain_id=chain_id, extra_local=extra)


@st.cache_data(show_spinner=False, max_entries=64)
def _chain_summary(_view, location: str, version: str, settings_json: str, scope: str, extra: tuple):
    from graph.analysis import chain_summary

    return chain_summary(_view, _s(settings_json), scope=scope, extra_local=extra)


@st.cache_data(show_spinner=False, max_entries=128)
def _targets(_view, location, version, settings_json, segment_id, scope, gates, province, listed_only, min_revenue, quals, top=None, offset=0):
    return _targets_now(_view, settings_json, segment_id, scope, gates, province, listed_only, min_revenue, quals, top, offset)


def _targets_now(view, settings_json, segment_id, scope, gates, province, listed_only, min_revenue, quals, top=None, offset=0):
    from graph.analysis import targets

    return targets(
        view,
        _s(settings_json),
        segment_id,
        scope=scope,
        top=top,
        offset=offset,
        gates=gates,
        province=province,
        listed_only=listed_only,
        min_revenue=min_revenue,
        qualifications=quals,
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _parks(_view, location: str, version: str, settings_json: str):
    from graph.analysis import park_concentration, park_overlap

    s = _s(settings_json)
    return park_overlap(_view, s), park_concentration(_view, s), _park_ranking(_view, location, version, settings_json)


@st.cache_data(show_spinner=False, max_entries=16)
def _park_ranking(_view, location: str, version: str, settings_json: str):
    from graph.analysis import park_ranking

    return park_ranking(_view, _s(settings_json))


@st.cache_data(show_spinner=False, max_entries=16)
def _cohesion(_view, location: str, version: str, settings_json: str):
    from graph.analysis import park_cohesion

    return park_cohesion(_view, _s(settings_json))


@st.cache_data(show_spinner=False, max_entries=32)
def _projects(_view, location: str, version: str, settings_json: str, as_of: dt.date | None, park_id: str | None = None):
    from graph.analysis import project_report

    return project_report(_view, _s(settings_json), as_of=as_of, park_id=park_id)


class ProjectCounts(NamedTuple):
    """What 总览 shows of the project report: the funnel and three counts."""

    total: int
    funnel: list
    stalled: int
    overdue: int


@st.cache_data(show_spinner=False, max_entries=16)
def _project_counts(_view, location: str, version: str, settings_json: str, as_of: dt.date):
    rep = _projects(_view, location, version, settings_json, as_of, None)  # the same entry as the 项目 page's first view (today, every park)
    return ProjectCounts(rep.total, rep.funnel, len(rep.stalled), rep.overdue_projects)


@st.cache_data(show_spinner=False, max_entries=32)
def _whatif(_view, location: str, version: str, settings_json: str, add: tuple, projects: tuple, scope: str, chain_id: str | None):
    from graph.analysis import whatif

    return whatif(_view, _s(settings_json), add=list(add), projects=list(projects), scope=scope, chain_id=chain_id)


def gaps(c: Ctx, scope: str = "city", chain_id: str | None = None, extra: tuple = ()):
    return _gaps(c.view, c.location, c.version, c.settings_json, scope, chain_id, tuple(extra))


def chain_summary(c: Ctx, scope: str = "city", extra: tuple = ()):
    return _chain_summary(c.view, c.location, c.version, c.settings_json, scope, tuple(extra))


def targets(c: Ctx, segment_id: str, *, scope: str = "city", gates: bool = True, province: str | None = None,
            listed_only: bool = False, min_revenue: float | None = None, quals: tuple = (), top: int | None = None, offset: int = 0):
    """The ranking of one segment; rows (with reasons) for the ranked targets offset+1 … offset+top only (all when top is None)."""
    return _targets(pool_view(c, segment_id), c.location, c.version, c.settings_json, segment_id, scope, gates, province, listed_only, min_revenue, tuple(quals), top, offset)


def all_targets(c: Ctx, segment_id: str, **kw):
    """Every row with its reasons, computed now and not kept (an export builds it once, when clicked); arguments as :func:`targets`."""
    args = {"scope": "city", "gates": True, "province": None, "listed_only": False, "min_revenue": None, "quals": ()} | kw
    return _targets_now(pool_view(c, segment_id), c.settings_json, segment_id, args["scope"], args["gates"], args["province"], args["listed_only"],
                        args["min_revenue"], tuple(args["quals"]))  # fmt: skip


def parks(c: Ctx):
    """(OverlapResult, list[ConcentrationRow], ParkRanking)."""
    return _parks(c.view, c.location, c.version, c.settings_json)


def park_ranking(c: Ctx):
    """ParkRanking alone (总览 shows it without paying for the overlap of every pair of parks)."""
    return _park_ranking(c.view, c.location, c.version, c.settings_json)


def cohesion(c: Ctx):
    """CohesionResult of the city's own parks."""
    return _cohesion(c.view, c.location, c.version, c.settings_json)


def projects(c: Ctx, as_of: dt.date | None = None, park_id: str | None = None):
    """The project report, of one park's projects when ``park_id`` is given (every figure)."""
    return _projects(c.view, c.location, c.version, c.settings_json, as_of, park_id)


def project_counts(c: Ctx) -> ProjectCounts:
    """Today's funnel, total, stalled and overdue counts of every project (:func:`projects`'s figures).

    Kept apart so 总览 does not copy the whole report out of the cache on every run (every stalled,
    intensity and overdue row: a 3 MB pickle, 0.14 s to read at 1M).
    """
    return _project_counts(c.view, c.location, c.version, c.settings_json, dt.date.today())


def whatif(c: Ctx, add: tuple = (), projects: tuple = (), scope: str = "city", chain_id: str | None = None):
    return _whatif(whatif_view(c, tuple(add), tuple(projects)), c.location, c.version, c.settings_json, tuple(add), tuple(projects), scope, chain_id)
