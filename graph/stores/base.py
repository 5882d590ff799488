"""The store protocol: what every store (embedded LadybugDB, Neo4j) offers."""

from __future__ import annotations

import re
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


class WriteAborted(Exception):
    """Raised by a write's ``late`` callback (the caller's, e.g. its last tables turned out invalid): the write
    stops, nothing is swapped in, the staged file and view are removed, and this is re-raised unchanged."""


class QueryRefused(StoreError):
    """The console refused a query before it ran (writes, file access, ...)."""


class QueryFailed(StoreError):
    """The engine could not run a query: ``str()`` is a Chinese message for people, the engine's own
    (English) text is kept apart in ``engine_text`` (the app shows it behind an expander)."""

    def __init__(self, message: str, engine_text: str = ""):
        super().__init__(message)
        self.engine_text = engine_text

    def __reduce__(self):  # keep both parts across the worker's pickle
        return (QueryFailed, (str(self), self.engine_text))


_WHERE = (  # line and column of a syntax error: LadybugDB "(line: 1, offset: 17)", Neo4j "(line 1, column 18 (offset: 17))"
    re.compile(r"line (?P<line>\d+), column (?P<col>\d+)"),
    re.compile(r"line: (?P<line>\d+), offset: (?P<off>\d+)"),
)
_ENGINE_ERRORS = (  # (pattern on the engine's text or code, Chinese message; {0} = the pattern's first group)
    (re.compile(r"Table (\S+) does not exist"), "图中没有标签或关系类型 {0}：可用的标签与关系见「图模式」。"),
    (re.compile(r"Cannot find property (\S+) for"), "属性 {0} 不存在：可用的属性见「图模式」。"),
    (re.compile(r"Variable (\S+) (?:is not in scope|not defined)"), "变量 {0} 未定义：请先在 MATCH 或 WITH 中绑定它。"),
    (re.compile(r"ParameterMissing|Expected parameter|Parameter (\S+) not found", re.I), "缺少查询参数：请在参数中给出查询里每个 $名称 的值（例如 chain=NEV）。"),
    (re.compile(r"Cannot match a built-in function for given function (\S+?)\("), "函数或运算 {0} 不接受这些类型的参数：请检查参数类型（例如文字与数字相加）。"),
    (re.compile(r"[Ff]unction (\S+) does not exist|Unknown function '([^']+)'"), "未知函数 {0}：请检查函数名的拼写。"),
    (re.compile(r"TypeError|Conversion exception|type mismatch|Type mismatch", re.I), "数据类型不匹配：请检查比较、运算与函数参数的类型（例如文字与数字比较）。"),
    (re.compile(r"ArithmeticError|Division by zero|divide by zero", re.I), "计算出错（例如除以零）：请检查查询中的运算。"),
)


def query_failed(engine_text: str, code: str = "", *, prefix: int = 0) -> QueryFailed:
    """The engine's error as :class:`QueryFailed`: a Chinese message saying what kind of mistake it is
    (syntax with its line and column, an unknown label/property/variable, a missing parameter, a type
    or arithmetic error), the engine's text kept apart. ``prefix``: characters the store put before
    the user's query on its first line (Neo4j's ``EXPLAIN``), taken off the reported column.

    >>> e = query_failed("Parser exception: Invalid input <MATCH (s:Segment RETURN>: expected rule oC_SingleQuery (line: 1, offset: 17)")
    >>> str(e), e.engine_text[:16]
    ('查询语句有语法错误（第 1 行第 18 个字符附近）：请检查括号与引号是否成对、逗号和关键字（MATCH、WHERE、RETURN …）的拼写。', 'Parser exception')
    >>> str(query_failed("Invalid input 'RETURN': expected ... (line 1, column 18 (offset: 17))", "Neo.ClientError.Statement.SyntaxError"))[:26]
    '查询语句有语法错误（第 1 行第 18 个字符附近）'
    >>> str(query_failed("Binder exception: Table Segmnt does not exist."))
    '图中没有标签或关系类型 Segmnt：可用的标签与关系见「图模式」。'
    >>> str(query_failed("Binder exception: Cannot find property nme for s."))
    '属性 nme 不存在：可用的属性见「图模式」。'
    >>> str(query_failed("something odd"))
    '查询未能运行：数据库引擎报告了错误（原文见下方）。'
    """
    text = (engine_text or "").strip()
    original = f"{code}: {text}" if code else text
    if "Parser exception" in text or code.endswith("SyntaxError") or "Invalid input" in text:
        where = ""
        for pat in _WHERE:
            m = pat.search(text)
            if m:
                col = int(m.group("col")) if "col" in m.groupdict() and m.group("col") else int(m.group("off")) + 1
                line = int(m.group("line"))
                where = f"（第 {line} 行第 {max(1, col - prefix) if line == 1 else col} 个字符附近）"
                break
        return QueryFailed(f"查询语句有语法错误{where}：请检查括号与引号是否成对、逗号和关键字（MATCH、WHERE、RETURN …）的拼写。", original)
    for pat, msg in _ENGINE_ERRORS:
        m = pat.search(text) or pat.search(code)
        if m:
            names = [g for g in m.groups() if g]
            return QueryFailed(msg.format(*names) if names and "{0}" in msg else msg, original)
    return QueryFailed("查询未能运行：数据库引擎报告了错误（原文见下方）。", original)


@dataclass
class LoadReport:
    nodes: dict[str, int] = field(default_factory=dict)
    relationships: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    beside: Any = None  # the outcome of the work run beside the write (a done Future), if any


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
