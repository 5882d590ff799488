"""Built-in national division codes (province, city, county incl. development zones).

Shipped as package data under ``ingest/data/regions/`` (see its ``SOURCES.md``). Every level uses the
6-digit national code: province ``370000``, city ``370100``, county ``370102``.

>>> r = builtin_regions()
>>> r.filter(pl.col("code") == "370102").row(0)
('370102', '历下区', '370100', 'county')
>>> pad_region_code(pl.Series(["37", "3701", "370102", "X1", None])).to_list()
['370000', '370100', '370102', 'X1', None]
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from ingest.bundled import bundled_dir

REGIONS_DIR = bundled_dir("regions")

REGION_SCHEMA = {"code": pl.Utf8, "name": pl.Utf8, "parent_code": pl.Utf8, "level": pl.Utf8}


def _read(name: str) -> pl.DataFrame:
    return pl.read_csv(REGIONS_DIR / name, infer_schema=False)


@lru_cache(maxsize=1)
def builtin_regions() -> pl.DataFrame:
    """All built-in divisions: ``code``, ``name``, ``parent_code``, ``level``.

    Codes are unique and every ``parent_code`` exists. ``level`` is ``province``, ``city``, ``county`` or ``zone`` (county-level
    functional zone, code digits 5-6 in 71..79).
    """
    prov = _read("provinces.csv").select(
        (pl.col("code") + "0000").alias("code"),
        pl.col("name"),
        pl.lit(None, pl.Utf8).alias("parent_code"),
        pl.lit("province").alias("level"),
    )
    city = _read("cities.csv").select(
        (pl.col("code") + "00").alias("code"),
        pl.col("name"),
        (pl.col("provinceCode") + "0000").alias("parent_code"),
        pl.lit("city").alias("level"),
    )
    tail = pl.col("code").str.slice(4, 2).cast(pl.Int32)
    area = _read("areas.csv").select(
        pl.col("code"),
        pl.col("name"),
        (pl.col("cityCode") + "00").alias("parent_code"),
        pl.when(tail.is_between(71, 79)).then(pl.lit("zone")).otherwise(pl.lit("county")).alias("level"),
    )
    # cities without counties (东莞市 441900, 中山市, 儋州市) are listed again as their own "area": keep the city
    area = area.join(city.select("code"), on="code", how="anti")
    return pl.concat([prov, city, area]).sort("code")


def pad_region_code(codes: pl.Series) -> pl.Series:
    """Pad 2- and 4-digit division codes to the 6-digit form; anything else unchanged."""
    return codes.to_frame("c").select(pad_region_expr(pl.col("c"))).to_series().alias(codes.name)


def pad_region_expr(c: pl.Expr) -> pl.Expr:
    return (
        pl.when(c.str.contains(r"^\d{2}$"))
        .then(c + "0000")
        .when(c.str.contains(r"^\d{4}$"))
        .then(c + "00")
        .otherwise(c)
    )


def merge_regions(dataset: pl.DataFrame | None) -> pl.DataFrame:
    """Built-in codes plus a dataset's own ``regions`` rows (a dataset row wins on the same code)."""
    base = builtin_regions().select("code", "name", "parent_code")
    if dataset is None or dataset.height == 0:
        return base
    own = dataset.select("code", "name", "parent_code")
    return pl.concat([base.join(own, on="code", how="anti"), own]).sort("code")


# ---------------------------------------------------------------- names -> codes (column mapping)

_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "区", "县", "旗", "盟")
_PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划")


def short_name(name: str) -> str:
    """A division name without its administrative suffix, for a second-chance match.

    >>> short_name("南京市"), short_name("广西壮族自治区"), short_name("鼓楼区"), short_name("市")
    ('南京', '广西', '鼓楼', '市')
    """
    for suf in _SUFFIXES:
        if name.endswith(suf) and len(name) > len(suf):
            return name[: -len(suf)]
    return name


@dataclass(frozen=True)
class RegionMatch:
    """The code for some division names, or why there is none (``ambiguous`` lists the candidates)."""

    code: str | None
    problem: str | None = None  # "unknown" | "ambiguous"
    candidates: tuple[str, ...] = ()


class RegionNames:
    """Resolve 省/市/区县 names against the built-in division codes.

    >>> r = RegionNames()
    >>> r.resolve(county="鼓楼区").problem, len(r.resolve(county="鼓楼区").candidates)
    ('ambiguous', 4)
    >>> r.resolve(city="南京市", county="鼓楼区").code, r.resolve(province="福建", county="鼓楼区").code
    ('320106', '350102')
    >>> r.resolve(province="北京市", city="北京市", county="朝阳区").code, r.resolve(city="济源市").code
    ('110105', '419001')
    >>> r.resolve(city="苏州").code, r.resolve(county="不存在区").problem, r.resolve().code
    ('320500', 'unknown', None)
    """

    def __init__(self, regions: pl.DataFrame | None = None):
        df = builtin_regions() if regions is None else regions
        self.rows = {c: (n, p, lv) for c, n, p, lv in df.select("code", "name", "parent_code", "level").iter_rows()}
        self.by_name: dict[str, list[str]] = {}
        self.by_short: dict[str, list[str]] = {}
        for code, (name, _p, _lv) in self.rows.items():
            self.by_name.setdefault(name, []).append(code)
            self.by_short.setdefault(short_name(name), []).append(code)
        self._cache: dict[tuple, RegionMatch] = {}

    def _find(self, name: str, levels: tuple[str, ...]) -> list[str]:
        exact = [c for c in self.by_name.get(name, []) if self.rows[c][2] in levels]
        if exact:
            return exact
        return [c for c in self.by_short.get(short_name(name), []) if self.rows[c][2] in levels]

    def _lineage_names(self, code: str) -> set[str]:
        out: set[str] = set()
        parent = self.rows[code][1]
        while parent and parent in self.rows:
            name = self.rows[parent][0]
            if name not in _PLACEHOLDERS:
                out |= {name, short_name(name)}
            parent = self.rows[parent][1]
        return out

    def _within(self, codes: list[str], *names: str | None) -> list[str]:
        for n in names:
            if n:
                codes = [c for c in codes if n in self._lineage_names(c) or short_name(n) in self._lineage_names(c)]
        return codes

    def label(self, code: str) -> str:
        """``南京市鼓楼区（320106）``."""
        parent = self.rows[code][1]
        pname = self.rows[parent][0] if parent in self.rows else ""
        pname = "" if pname in _PLACEHOLDERS else pname
        return f"{pname}{self.rows[code][0]}（{code}）"

    def resolve(self, province: str | None = None, city: str | None = None, county: str | None = None) -> RegionMatch:
        key = (province, city, county)
        if key not in self._cache:
            self._cache[key] = self._resolve(*(unicodedata.normalize("NFKC", x).strip() if x else None for x in key))
        return self._cache[key]

    def _resolve(self, province: str | None, city: str | None, county: str | None) -> RegionMatch:
        if county:
            found = self._within(self._find(county, ("county", "zone")), province, city if city and city != province else None)
        elif city:
            found = self._within(self._find(city, ("city",)), province) or self._within(self._find(city, ("county", "zone")), province)
            if not found and province:  # a municipality named as its own city (北京市 / 北京市)
                found = [c for c in self._find(city, ("province",)) if short_name(self.rows[c][0]) == short_name(province)]
        elif province:
            found = self._find(province, ("province",))
        else:
            return RegionMatch(None)
        if len(found) == 1:
            return RegionMatch(found[0])
        if not found:
            return RegionMatch(None, "unknown")
        return RegionMatch(None, "ambiguous", tuple(self.label(c) for c in sorted(found)))
