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
