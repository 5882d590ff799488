"""Which city a park lies in, and which parks are 本市 (analysis.md, 'Parks').

Definitions as built (README-ready):

* A region's **lineage** is the region, its parent, its parent's parent …
  (``regions.parent_code``). A 6-digit national code missing from ``regions``
  continues by the code's structure (county ``410322`` → city ``410300`` →
  province ``410000``).
* The **city** of a region is the member of its lineage directly below the top
  (the province), or the top itself when that is a city code (``PPCC00``). The
  statistical placeholders 市辖区 / 县 of the four municipalities give way to the
  municipality (北京市 ``110000``); a county directly under a province
  (省直辖县级行政区划, e.g. 济源市 ``419001``) is its own city.
* ``city_code`` as shown is the code as in the built-in division data: 4 digits
  for a city (``410300`` → ``4103``), otherwise the code unchanged.
* **本市** (home): the setting ``home_region``; parks whose region has it in its
  lineage are 本市. Without the setting, home is the city holding most local
  enterprises (an enterprise's ``region_code``, else its park's region; ties by
  code), and the result says it was inferred.
* **Own parks** (the city's parks, compared by overlap, concentration and
  cohesion): 本市 parks and any park with a local enterprise; every park when
  home cannot be determined. Other parks are peer parks, in the ranking only.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import polars as pl

from graph.analysis.scope import memo, require_every_local
from graph.settings import AnalysisSettings
from graph.view import GraphView

_NATIONAL = re.compile(r"^\d{6}$")
_MUNICIPAL_PLACEHOLDERS = {"市辖区", "县"}
_DIRECT_PLACEHOLDERS = {"省直辖县级行政区划", "自治区直辖县级行政区划"}


@dataclass(frozen=True)
class Home:
    """本市: the region code (None when it cannot be determined), its name, whether inferred, and a sentence saying so."""

    code: str | None
    name: str | None
    inferred: bool
    note: str


def _tables(view: GraphView) -> tuple[dict[str, str | None], dict[str, str]]:
    def build() -> tuple[dict[str, str | None], dict[str, str]]:
        reg = view.regions.select("code", "parent_code", "name")
        parent = dict(zip(reg.get_column("code").to_list(), reg.get_column("parent_code").to_list()))
        names = dict(zip(reg.get_column("code").to_list(), reg.get_column("name").to_list()))
        return parent, names

    return memo(view, ("region_tables",), build)


def _structural_parent(code: str) -> str | None:
    if not _NATIONAL.match(code) or code.endswith("0000"):
        return None
    return code[:2] + "0000" if code.endswith("00") else code[:4] + "00"


def lineage(view: GraphView, code: str) -> list[str]:
    """``code`` and its ancestors, nearest first (cycle-safe).

    >>> from graph.analysis._example import tiny_view
    >>> lineage(tiny_view(), "370102")
    ['370102', '370100', '370000']
    """
    parent, _ = _tables(view)
    out, seen = [code], {code}
    while True:
        cur = out[-1]
        nxt = parent.get(cur) if cur in parent else _structural_parent(cur)
        if nxt is None or nxt in seen:
            return out
        out.append(nxt)
        seen.add(nxt)


def city_of(view: GraphView, code: str | None) -> str | None:
    """The city-level region holding ``code`` (None for a province or no code).

    >>> from graph.analysis._example import tiny_view
    >>> city_of(tiny_view(), "370102"), city_of(tiny_view(), "370000")
    ('370100', None)
    """
    if not code:
        return None
    _, names = _tables(view)
    chain = lineage(view, code)
    top = chain[-1]
    if _NATIONAL.match(top) and top.endswith("00") and not top.endswith("0000"):
        return top
    if len(chain) < 2:
        return None
    city = chain[-2]
    if names.get(city) in _MUNICIPAL_PLACEHOLDERS:
        return top
    if names.get(city) in _DIRECT_PLACEHOLDERS:
        return chain[-3] if len(chain) >= 3 else city
    return city


def display_code(code: str | None) -> str | None:
    """A city's code as in the built-in division data: ``410300`` → ``4103``; others unchanged.

    >>> display_code("410300"), display_code("419001"), display_code("410000")
    ('4103', '419001', '410000')
    """
    if code and _NATIONAL.match(code) and code.endswith("00") and not code.endswith("0000"):
        return code[:4]
    return code


def region_name(view: GraphView, code: str | None) -> str | None:
    _, names = _tables(view)
    return names.get(code) if code else None


def _local_regions(view: GraphView) -> Counter:
    """How many local enterprises per region: each its own ``region_code``, else its park's region."""
    require_every_local(view)
    park_region = view.parks.select(pl.col("id").alias("park_id"), pl.col("region_code").alias("park_region"))
    loc = view.enterprises.select("region_code", "park_id", "local").filter(pl.col("local").fill_null(False)).drop("local")
    region = loc.join(park_region, on="park_id", how="left").select(
        pl.when(pl.col("region_code").fill_null("") != "").then(pl.col("region_code")).otherwise(pl.col("park_region")).alias("r")
    )
    counts = region.filter(pl.col("r").fill_null("") != "").group_by("r").len()
    return Counter(dict(counts.iter_rows()))


def home(view: GraphView, settings: AnalysisSettings) -> Home:
    """本市 from ``settings.home_region``, else inferred (the city holding most local enterprises).

    Raises ``ValueError`` for a ``home_region`` that is neither a known region nor above any park.

    >>> from graph.analysis._example import tiny_view
    >>> home(tiny_view(), AnalysisSettings()).code
    '370100'
    """

    def build() -> Home:
        if settings.home_region:
            return _given_home(view, settings.home_region)
        counts: Counter = Counter()
        for r, n in _local_regions(view).items():  # one lookup per region, not per enterprise
            if c := city_of(view, r):
                counts[c] += n
        if not counts:
            return Home(None, None, True, "无法推断本市：本地企业没有行政区划或所在园区信息；请在「本市」设置中指定本市")
        code = min(counts, key=lambda c: (-counts[c], c))
        name = region_name(view, code) or code
        note = f"本市按本地企业最多的城市推断为{name}（区划代码 {display_code(code)}，{counts[code]:,} 家本地企业）；可在「本市」设置中指定"
        return Home(code, name, True, note)

    return memo(view, ("home", settings.home_region), build)


def _given_home(view: GraphView, code: str) -> Home:
    parent, _ = _tables(view)
    regions = view.parks.get_column("region_code").drop_nulls().unique().to_list()
    if code not in parent and not any(code in lineage(view, r) for r in regions):
        raise ValueError(f"「本市」设置 {code!r} 不是已知的行政区划代码，也没有园区位于其中：请填写本市的行政区划代码，例如 4103 或 410300")
    name = region_name(view, code) or code
    return Home(code, name, False, f"本市：{name}（{display_code(code)}，按「本市」设置）")


def park_places(view: GraphView, settings: AnalysisSettings) -> pl.DataFrame:
    """Per park (sorted by id): ``park_id``, ``park_name``, ``city`` (6-digit key), ``city_code``, ``city_name``, ``home``.

    >>> from graph.analysis._example import tiny_view
    >>> park_places(tiny_view(), AnalysisSettings()).row(0)
    ('P1', '示例园区', '370100', '3701', None, True)
    """

    def build() -> pl.DataFrame:
        h = home(view, settings)
        rows = []
        for pid, name, region in view.parks.select("id", "name", "region_code").sort("id").iter_rows():
            city = city_of(view, region)
            is_home = bool(h.code and region and h.code in lineage(view, region))
            rows.append((pid, name, city, display_code(city), region_name(view, city), is_home))
        schema = {"park_id": pl.Utf8, "park_name": pl.Utf8, "city": pl.Utf8, "city_code": pl.Utf8, "city_name": pl.Utf8, "home": pl.Boolean}
        return pl.DataFrame(rows, schema=schema, orient="row")

    return memo(view, ("park_places", settings.home_region), build)


def own_parks(view: GraphView, settings: AnalysisSettings) -> set[str]:
    """The city's own parks: 本市 parks and parks with a local enterprise (all parks when home is unknown).

    >>> from graph.analysis._example import tiny_view
    >>> own_parks(tiny_view(), AnalysisSettings())
    {'P1'}
    """

    def build() -> frozenset[str]:
        places = park_places(view, settings)
        if home(view, settings).code is None:
            return frozenset(places.get_column("park_id").to_list())
        require_every_local(view)
        with_locals = view.enterprises.select("park_id", "local").filter(pl.col("local").fill_null(False)).get_column("park_id").drop_nulls().unique().to_list()
        return frozenset(places.filter(pl.col("home")).get_column("park_id").to_list()) | frozenset(with_locals)

    return set(memo(view, ("own_parks", settings.home_region), build))
