"""Stores behind one protocol: the embedded LadybugDB file (default) and Neo4j."""

from __future__ import annotations

from graph.settings import Settings
from graph.stores.base import LoadReport, QueryFailed, QueryRefused, QueryResult, Store, StoreBusy, StoreError, WriteFailed

__all__ = ["open_store", "load_view", "Store", "StoreError", "StoreBusy", "WriteFailed", "QueryRefused", "QueryFailed", "QueryResult", "LoadReport"]


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
    """The :class:`~graph.view.GraphView` the analysis runs on, of one generation of the graph.

    The embedded store maps its persisted view (milliseconds at a million enterprises) or
    reads its tables; the Neo4j store answers what it can with aggregate queries.
    """
    reader = getattr(store, "read_view", None)
    if reader is not None:
        return reader()
    from graph.view import GraphView

    return GraphView(*read_generation(store))


def read_generation(store: Store, retries: int = 5) -> tuple[dict, dict]:
    """Tables and meta of one generation: read again if a writer swapped generations in between."""
    for _ in range(retries):
        before = store.version()
        tables, meta = store.read_tables(), store.read_meta()
        if store.version() == before:
            break
    return tables, meta
