"""The store and the graph view, opened and read once and shared by every session.

``st.cache_resource``: one store per location, one :class:`~graph.view.GraphView` per store
version (a new ingest changes the version, so the app picks it up without a restart). The view
is never mutated.
"""

from __future__ import annotations

import streamlit as st

from graph.settings import Settings
from graph.stores import Store, open_store
from graph.stores import load_view as read_view
from graph.view import GraphView


@st.cache_resource(show_spinner=False, max_entries=4)
def open_cached_store(location: str, _settings: Settings) -> Store:
    """The read-only store at ``location`` (the settings are not hashed: the location stands for them)."""
    return open_store(_settings, read_only=True)


@st.cache_resource(show_spinner="正在读取图谱数据…", max_entries=3)
def load_view(location: str, version: str, _store: Store) -> GraphView:
    """The analysis view, once per store version (shared by all sessions, never mutated).

    One generation, even while an ingest swaps the store; an embedded store maps its persisted
    view (:mod:`graph.stores.viewfile`) instead of reading every table.
    """
    return read_view(_store)
