"""Turn a generated dataset into what the measurements need.

* :func:`read_tables` — the typed dataset tables: through ``ingest.load_dataset`` (the real
  path, validation included) when it exists, else a plain typed reader that only understands
  the generator's own files (English headers, ``;`` lists, ISO dates, ``true/false``).
* :func:`write_clean_files` — the graph's node and relationship frames (``graph.mapping``) as
  CSV files in LadybugDB's own input format, one per node/relationship table, for the
  raw-``COPY`` baseline: the store's limit on the same, already clean, data.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from graph.schema import TABLES
from graph.view import conform


def has_ingest() -> bool:
    try:
        from ingest import load_dataset  # noqa: F401
    except ImportError:
        return False
    return True


def builtin_regions() -> pl.DataFrame | None:
    try:
        from ingest.regions import merge_regions
    except ImportError:
        return None
    return merge_regions(None)


def plain_read(path: str | Path) -> dict[str, pl.DataFrame]:
    """Typed tables of a generator-written dataset (no validation; not a user-facing reader)."""
    path = Path(path)
    out: dict[str, pl.DataFrame] = {}
    for name, table in TABLES.items():
        f = path / table.file
        if not f.exists():
            continue
        raw = pl.read_csv(f, infer_schema=False)
        cols = []
        for c in table.columns:
            if c.name not in raw.columns:
                continue
            x = pl.col(c.name)
            if c.type == "bool":
                x = x.str.to_lowercase().is_in(["true", "1", "是", "y"])
            elif c.type in ("float", "share"):
                x = x.cast(pl.Float64)
            elif c.type == "int":
                x = x.cast(pl.Int64)
            elif c.type == "date":
                x = x.str.to_date("%Y-%m-%d")
            elif c.type == "list":
                x = x.str.split(";")
            cols.append(x.alias(c.name))
        out[name] = conform(name, raw.select(cols))
    if "regions" not in out:
        reg = builtin_regions()
        if reg is not None:
            out["regions"] = conform("regions", reg)
    return out


def read_tables(path: str | Path) -> tuple[dict[str, pl.DataFrame], str]:
    """(tables, how): the ingest result when the ingest exists and accepts the dataset."""
    if has_ingest():
        from ingest import load_dataset

        res = load_dataset(str(path))
        if not res.ok:
            errs = [str(i) for i in res.errors][:5]
            raise RuntimeError(f"ingest refused the generated dataset {path}: {errs}")
        return res.tables, "ingest.load_dataset"
    return plain_read(path), "bench.prepare.plain_read"


def _csv_ready(df: pl.DataFrame) -> pl.DataFrame:
    """List columns as LadybugDB list literals ``[a,b]`` (quoted by the CSV writer)."""
    exprs = []
    for name, dtype in df.schema.items():
        if isinstance(dtype, pl.List):
            exprs.append(
                pl.when(pl.col(name).is_null())
                .then(None)
                .otherwise(pl.lit("[") + pl.col(name).list.join(",") + pl.lit("]"))
                .alias(name)
            )
        elif dtype == pl.Utf8:
            # LadybugDB's CSV reader cannot take a line break inside a quoted field, even with
            # PARALLEL=false: the raw-COPY baseline gets a space instead (a few source notes
            # of the demo data carry one)
            exprs.append(pl.col(name).str.replace_all("\r?\n", " ").alias(name))
        else:
            exprs.append(pl.col(name))
    return df.select(exprs)


def write_clean_files(tables: dict[str, pl.DataFrame], out: str | Path) -> dict:
    """Write ``node_<Label>.csv`` and ``rel_<TYPE>.csv`` in LadybugDB's format; return a manifest."""
    from graph.mapping import graph_frames

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    nodes, rels = graph_frames(tables)
    manifest = {"nodes": {}, "rels": {}}
    for kind, prefix, frames in (("nodes", "node", nodes), ("rels", "rel", rels)):
        for name, df in frames.items():
            if df.height:
                f = out / f"{prefix}_{name}.csv"
                ready = _csv_ready(df)
                ready.write_csv(f, date_format="%Y-%m-%d", null_value="")
                manifest[kind][name] = {"file": f.name, "rows": df.height}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1))
    return manifest


def graph_counts(tables: dict[str, pl.DataFrame]) -> tuple[int, int]:
    """(nodes, relationships) the graph of these tables holds."""
    from graph.mapping import graph_frames

    nodes, rels = graph_frames(tables)
    return sum(d.height for d in nodes.values()), sum(d.height for d in rels.values())


__all__ = ["read_tables", "plain_read", "write_clean_files", "graph_counts", "has_ingest"]
