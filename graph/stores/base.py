"""The store protocol: what every store (embedded LadybugDB, Neo4j) offers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol, runtime_checkable

import polars as pl

ProgressFn = Callable[[str, int, int], None]  # (step, done, total); step "wait": (seconds waited, seconds allowed) for another writer


@dataclass
class QueryResult:
    """Rows of a read-only query, capped."""

    columns: list[str]
    rows: list[list[Any]]
    truncated: bool = False
    elapsed_ms: float = 0.0
    row_cap: int = 0

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, r)) for r in self.rows]


def take_rows(rows: Iterable[Any], row_cap: int) -> tuple[list[list[Any]], bool]:
    """At most ``row_cap`` rows (each as a list) and whether more were there.

    >>> take_rows(iter([(1,), (2,), (3,)]), 2)
    ([[1], [2]], True)
    """
    out: list[list[Any]] = []
    for row in rows:
        if len(out) >= row_cap:
            return out, True
        out.append(list(row))
    return out, False


class Steps:
    """Counts the steps of a write and reports each to an optional progress callback."""

    def __init__(self, total: int, progress: ProgressFn | None = None):
        self.total, self.done, self.progress = total, 0, progress

    def __call__(self, step: str) -> None:
        self.done += 1
        if self.progress:
            self.progress(step, self.done, self.total)


class StoreError(RuntimeError):
    """A store could not be opened, written or queried; the message is for users."""


class StoreBusy(StoreError):
    """Another writer held the store for longer than ``write_lock_wait_s``; nothing was written."""


class WriteFailed(StoreError):
    """A write failed (disk full, engine error); nothing was swapped in and the previous store is intact."""


class QueryRefused(StoreError):
    """The console refused a query before it ran (writes, file access, ...)."""


@dataclass
class LoadReport:
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@runtime_checkable
class Store(Protocol):
    """A graph store.

    ``write`` is a full refresh: readers see the old graph until the new one
    is complete, never a half-written one, and writing the same tables twice
    gives the same graph. ``read_tables`` returns the dataset tables (contract
    columns and types, see :mod:`graph.view`) so analysis is store-agnostic.
    """

    location: str

    def write(self, tables: dict[str, pl.DataFrame], meta: dict | None = None, progress: ProgressFn | None = None) -> LoadReport: ...

    def read_tables(self) -> dict[str, pl.DataFrame]: ...

    def read_meta(self) -> dict: ...

    def read_view(self) -> Any:
        """The analysis view (:class:`graph.view.GraphView`) of one generation of the graph."""
        ...

    def stats(self) -> dict[str, dict[str, int]]: ...

    def query(self, cypher: str, params: dict[str, Any] | None = None, *, timeout_s: float | None = None, row_cap: int | None = None) -> QueryResult: ...

    def version(self) -> str:
        """A token that changes whenever the stored graph changes (for cache invalidation)."""
        ...

    def open(self) -> None:
        """Connect or open the file now, so that a missing store is reported before any query."""
        ...

    def close(self) -> None: ...
