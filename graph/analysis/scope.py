"""Analysis scope (city, park, region).

A :class:`Scope` says which enterprises count as "local" (analysis.md, 'Scope'):

* ``city``: enterprises with ``local = true``;
* ``park:ID``: local enterprises with ``park_id == ID``;
* ``region:CODE``: local enterprises whose ``region_code`` is ``CODE`` or a
  descendant of it (``regions.parent_code`` chain), or whose park lies in such
  a region (a county includes its parks).

Candidates (the target pool, ``candidate_count``) are always the non-local
enterprises (``local = false``), whatever the scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import polars as pl

from graph.analysis.memo import memo  # noqa: F401 - the analysis modules import it from here
from graph.view import GraphView

ExtraLocal = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Scope:
    """Which enterprises are local: ``city``, ``park:ID`` or ``region:CODE``.

    Examples
    --------
    >>> Scope.parse("park:P01")
    Scope(kind='park', value='P01')
    >>> str(Scope.parse("region:370102")), str(Scope.city())
    ('region:370102', 'city')
    """

    kind: str = "city"
    value: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("city", "park", "region"):
            raise ValueError(f"未知范围类型 {self.kind!r}：应为 city、park:编号 或 region:行政区划代码")
        if self.kind == "city" and self.value is not None:
            raise ValueError("范围 city 不带编号")
        if self.kind != "city" and not self.value:
            raise ValueError(f"范围 {self.kind} 需要编号，例如 {self.kind}:{'P01' if self.kind == 'park' else '370102'}")

    @classmethod
    def city(cls) -> "Scope":
        return cls("city")

    @classmethod
    def park(cls, park_id: str) -> "Scope":
        return cls("park", park_id)

    @classmethod
    def region(cls, code: str) -> "Scope":
        return cls("region", code)

    @classmethod
    def parse(cls, text: "str | Scope | None") -> "Scope":
        """Parse ``city``, ``park:ID`` or ``region:CODE`` (a Scope passes through)."""
        if isinstance(text, Scope):
            return text
        if text is None or not str(text).strip() or str(text).strip() == "city":
            return cls.city()
        kind, sep, value = str(text).strip().partition(":")
        if not sep:
            raise ValueError(f"无法识别范围 {text!r}：应为 city、park:编号 或 region:行政区划代码")
        return cls(kind.strip(), value.strip())

    def __str__(self) -> str:
        return "city" if self.kind == "city" else f"{self.kind}:{self.value}"


def region_descendants(view: GraphView, code: str) -> set[str]:
    """``code`` and every region below it (by ``parent_code``), cycle-safe."""

    def build() -> dict[str, list[str]]:
        reg = view.regions.select("code", "parent_code").drop_nulls()
        children: dict[str, list[str]] = {}
        for c, p in reg.iter_rows():
            children.setdefault(p, []).append(c)
        return children

    children = memo(view, ("region_children",), build)
    out = {code}
    stack = [code]
    while stack:
        for ch in children.get(stack.pop(), ()):
            if ch not in out:
                out.add(ch)
                stack.append(ch)
    return out


def check_scope(view: GraphView, scope: Scope) -> None:
    """Raise ``ValueError`` (Chinese message) when a park or region is unknown."""
    if scope.kind == "park" and scope.value not in set(view.parks.get_column("id").to_list()):
        raise ValueError(f"未知园区编号 {scope.value!r}")
    if scope.kind == "region":
        known = set(view.regions.get_column("code").to_list())
        known |= view.enterprise_region_codes()
        known |= set(view.parks.get_column("region_code").drop_nulls().to_list())
        if scope.value not in known:
            raise ValueError(f"未知行政区划代码 {scope.value!r}")


def in_scope_expr(view: GraphView, scope: Scope) -> pl.Expr:
    """A boolean polars expression over ``enterprises``: the enterprise is local in scope."""
    local = pl.col("local").fill_null(False)
    if scope.kind == "city":
        return local
    if scope.kind == "park":
        return local & (pl.col("park_id") == scope.value).fill_null(False)
    codes = region_descendants(view, scope.value or "")
    parks = view.parks.filter(pl.col("region_code").is_in(list(codes))).get_column("id").to_list()
    return local & (pl.col("region_code").is_in(list(codes)).fill_null(False) | pl.col("park_id").is_in(parks).fill_null(False))


def scope_filter(view: GraphView, scope: Scope) -> dict[str, object]:
    """:func:`in_scope_expr` as plain values for a server query: ``city`` (every local enterprise), else the
    local enterprises whose ``park_id`` is in ``parks`` or whose ``region_code`` is in ``codes``.

    >>> from graph.analysis._example import tiny_view
    >>> scope_filter(tiny_view(), Scope.park("P1"))
    {'city': False, 'parks': ['P1'], 'codes': []}
    >>> scope_filter(tiny_view(), Scope.city())["city"]
    True
    """
    if scope.kind == "city":
        return {"city": True, "parks": [], "codes": []}
    if scope.kind == "park":
        return {"city": False, "parks": [scope.value], "codes": []}
    codes = sorted(region_descendants(view, scope.value or ""))
    parks = sorted(view.parks.filter(pl.col("region_code").is_in(codes)).get_column("id").to_list())
    return {"city": False, "parks": parks, "codes": codes}


def require_every_local(view: GraphView) -> None:
    """Raise ``ValueError`` on a view holding only the local enterprises tied to one target pool.

    Such a view (``indmap targets`` on Neo4j, aggregate ``locals_with_pool``:
    :func:`graph.stores.neo4j_scoped.read_scoped_view` with ``local=False``) answers that pool's
    ranking only; what counts local enterprises (presence, parks, cities) must not read it.

    >>> from graph.analysis._example import tiny_view
    >>> require_every_local(tiny_view())
    >>> require_every_local(GraphView({}, aggregates={"locals_with_pool": True}))
    Traceback (most recent call last):
    ...
    ValueError: 该视图只含与候选池有供需关系的本地企业，只能用于招商目标排序（请读取含全部本地企业的视图）
    """
    if view.aggregates.get("locals_with_pool"):
        raise ValueError("该视图只含与候选池有供需关系的本地企业，只能用于招商目标排序（请读取含全部本地企业的视图）")


def scope_flags(view: GraphView, scope: Scope) -> pl.DataFrame:
    """``enterprises`` reduced to id, revenue, ``in_scope`` and ``candidate`` (local = false), memoised."""

    def build() -> pl.DataFrame:
        return view.enterprises.select(
            pl.col("id").alias("enterprise_id"),
            pl.col("revenue"),
            in_scope_expr(view, scope).alias("in_scope"),
            (pl.col("local") == False).fill_null(False).alias("candidate"),  # noqa: E712
        )

    return memo(view, ("scope_flags", str(scope)), build)


def local_ids(view: GraphView, scope: Scope) -> pl.Series:
    """Ids of the enterprises local in ``scope``."""
    f = scope_flags(view, scope)
    return f.filter(pl.col("in_scope")).get_column("enterprise_id")


def normalise_extra(extra_local: Iterable[tuple[str, str]] | None) -> ExtraLocal:
    """Sorted, de-duplicated ``(enterprise_id, segment_id)`` pairs (a hashable memo key)."""
    return tuple(sorted({(str(e), str(s)) for e, s in (extra_local or ())}))
