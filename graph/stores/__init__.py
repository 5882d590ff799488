"""Stores behind one protocol: the embedded LadybugDB file (default) and Neo4j."""

from __future__ import annotations

from graph.settings import Settings
from graph.stores.base import LoadReport, QueryRefused, QueryResult, Store, StoreError

__all__ = ["open_store", "load_view", "Store", "StoreError", "QueryRefused", "QueryResult", "LoadReport"]


def open_store(settings: Settings, *, read_only: bool = True) -> Store:
    """Open the store named by ``settings.store``: a bolt/neo4j URI or a file path.

    ``read_only`` only matters for the embedded store: readers open the file
    read-only (many processes may do so at once); ``write`` swaps in a new file.
    """
    if settings.is_neo4j:
        from graph.stores.neo4j import Neo4jStore

        return Neo4jStore.from_settings(settings)
    from graph.stores.embedded import EmbeddedStore

    return EmbeddedStore(settings.store, settings=settings, read_only=read_only)


def load_view(store: Store):
    """Read the whole graph back into a :class:`~graph.view.GraphView` for analysis."""
    from graph.view import GraphView

    return GraphView(store.read_tables(), meta=store.read_meta())
