"""``indmap export --neo4j-admin DIR``: the stored graph as CSV files for ``neo4j-admin database import full``.

For a graph too big to load through Bolt, or to seed a Neo4j cluster / a new
database offline: one CSV file per node label and per relationship type, each
with its typed header row, plus ``import.sh`` (the exact command) and
``constraints.cypher`` (uniqueness constraints and indexes to create once the
database is online; the bulk importer creates none).

Header conventions (Neo4j 5 import tool): ``id:ID(Segment)`` (the ``id``
property, in the ``Segment`` id space), typed properties (``revenue:double``,
``patents:long``, ``local:boolean``, ``founded:date``,
``qualifications:string[]`` with array delimiter ``;``), ``:LABEL``;
relationships ``:START_ID(Enterprise)``, ``:END_ID(Segment)``, ``:TYPE``.
An empty field means "no property": empty lists are not kept (they read back
as null).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import sys
from pathlib import Path
from typing import Any

import polars as pl

from cli.common import add_store_arg, settings_from_args

ARRAY_DELIMITER = ";"

# graph.schema property types -> neo4j-admin header types (STRING needs none)
ADMIN_TYPES = {"STRING": "", "DOUBLE": "double", "INT64": "long", "BOOLEAN": "boolean", "DATE": "date", "STRING[]": "string[]"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export",
        help="export the stored graph as files for other tools (neo4j-admin bulk import)",
        description=(
            "把图数据库导出为 neo4j-admin database import full 可直接导入的 CSV 文件（带类型表头），"
            "并写出 import.sh（导入命令）和 constraints.cypher（导入后建立的唯一约束与索引）。"
        ),
    )
    p.add_argument(
        "--neo4j-admin",
        metavar="DIR",
        required=True,
        help="output folder (created) for nodes_*.csv, rels_*.csv, import.sh, constraints.cypher",
    )
    add_store_arg(p)
    p.set_defaults(func=cmd_export)


# ------------------------------------------------------------------ headers


def node_header(label: str) -> list[str]:
    """``id:ID(Label)``, typed properties, ``:LABEL``.

    >>> node_header("Chain")
    ['id:ID(Chain)', 'name', 'industry_id', ':LABEL']
    """
    from graph.schema import NODES

    out = []
    for p in NODES[label].props:
        if p.name == "id":
            out.append(f"id:ID({label})")
        else:
            t = ADMIN_TYPES[p.type]
            out.append(f"{p.name}:{t}" if t else p.name)
    return out + [":LABEL"]


def rel_header(rtype: str) -> list[str]:
    """``:START_ID(Src)``, ``:END_ID(Dst)``, typed properties, ``:TYPE``.

    >>> rel_header("OPERATES_IN")
    [':START_ID(Enterprise)', ':END_ID(Segment)', 'share:double', 'source', 'confidence', 'evidence:double', ':TYPE']
    """
    from graph.schema import RELS

    spec = RELS[rtype]
    props = []
    for p in spec.props:
        t = ADMIN_TYPES[p.type]
        props.append(f"{p.name}:{t}" if t else p.name)
    return [f":START_ID({spec.src})", f":END_ID({spec.dst})"] + props + [":TYPE"]


# ------------------------------------------------------------------- writer


def _admin_column(name: str, dtype: pl.DataType) -> pl.Expr:
    """A frame column as neo4j-admin reads it: lists joined with ``;`` (nulls dropped); an empty string or list
    becomes null, an empty field = no property (polars would quote an empty string: a property ``""``);
    the rest as polars writes it (``true``/``false``, ISO dates)."""
    col = pl.col(name)
    if isinstance(dtype, pl.List):
        col = col.list.eval(pl.element().drop_nulls().cast(pl.Utf8)).list.join(ARRAY_DELIMITER)
    elif dtype != pl.Utf8:
        return col
    return pl.when(col == "").then(None).otherwise(col).alias(name)


def _check_lists(df: pl.DataFrame) -> None:
    """Refuse a list element holding the array delimiter (it would split into two elements)."""
    for name, dtype in df.schema.items():
        if not isinstance(dtype, pl.List):
            continue
        bad = df.select(pl.col(name).explode().cast(pl.Utf8)).filter(pl.col(name).str.contains(ARRAY_DELIMITER, literal=True))
        if bad.height:
            raise ValueError(f"列表元素里含有分隔符 '{ARRAY_DELIMITER}'：{bad.item(0, 0)!r}")


def write_frame(path: Path, header: list[str], df: pl.DataFrame, kind: str) -> int:
    """Write ``df`` plus the ``:LABEL`` / ``:TYPE`` column ``kind`` under ``header`` (polars' CSV writer: no
    Python object per row, so 10M enterprises take seconds, not minutes); the row count.

    >>> import tempfile
    >>> f = Path(tempfile.mkdtemp()) / "n.csv"
    >>> df = pl.DataFrame({"id": ["a", "b"], "q": [["x", None, "y"], []], "ok": [True, None], "s": ["", 'say "hi", ok']})
    >>> write_frame(f, ["id:ID(T)", "q:string[]", "ok:boolean", "s", ":LABEL"], df, "T")
    2
    >>> print(f.read_text(encoding="utf-8"), end="")
    id:ID(T),q:string[],ok:boolean,s,:LABEL
    a,x;y,true,,T
    b,,,"say ""hi"", ok",T
    """
    _check_lists(df)
    out = df.select([_admin_column(n, t) for n, t in df.schema.items()] + [pl.lit(kind).alias("\x00kind")])
    out.columns = header
    out.write_csv(path, include_header=True, line_terminator="\n")
    return out.height


def _source_tables(store: Any) -> Any:
    """The tables to export: an embedded store's persisted view (memory-mapped, so only the frame being
    written is in memory: a 10M-enterprise store no longer needs the whole graph three times over; its
    row indexes also spare the stored counts a join), else every table read from the store."""
    from graph.stores.embedded import EmbeddedStore

    if isinstance(store, EmbeddedStore):
        view = store.read_view()
        if not view.scoped:  # a full view (a scoped one lacks the non-local enterprises)
            return view
    return store.read_tables()


def export_neo4j_admin(tables: Any, meta: dict, out: Path) -> dict[str, Any]:
    """Write the node/relationship CSV files, ``import.sh`` and ``constraints.cypher`` into ``out``.

    ``tables`` is any mapping of dataset tables (frames are made and written one at a time), or a
    full :class:`~graph.view.GraphView`.
    Returns ``{"nodes": {label: rows}, "relationships": {type: rows}, "files": [...]}``.
    """
    from graph.mapping import SRC, DST, iter_frames
    from graph import queries as Q
    from graph.stores import scoped_stored
    from graph.view import GraphView

    source = tables  # the stored counts use a view's row indexes
    if isinstance(tables, GraphView):
        tables = tables.tables
    out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {"nodes": {}, "relationships": {}, "files": []}
    node_files, rel_files = [], []
    for kind, name, df in iter_frames(tables):
        if kind == "node":
            summary["nodes"][name] = write_frame(out / f"nodes_{name}.csv", node_header(name), df, name)
            node_files.append(f"nodes_{name}.csv")
        else:
            df = df.select([SRC, DST] + [c for c in df.columns if c not in (SRC, DST)])
            summary["relationships"][name] = write_frame(out / f"rels_{name}.csv", rel_header(name), df, name)
            rel_files.append(f"rels_{name}.csv")
        del df

    # provenance, as Neo4jStore.write keeps it (read_meta / version work on the imported database)
    meta = dict(meta)
    meta["counts"] = {"nodes": summary["nodes"], "relationships": summary["relationships"]}
    generation = "neo4j-admin-" + dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    # what the scoped view would otherwise count on the server at every read (graph.stores.scoped_stored)
    meta[scoped_stored.KEY] = scoped_stored.stored_aggregates(source, generation)
    meta_row = pl.DataFrame(
        {"id": [Q.META_ID], "json": [json.dumps(meta, ensure_ascii=False, default=str)], "generation": [generation], "written_at": [str(meta.get("written_at", ""))]}
    )
    write_frame(out / f"nodes_{Q.META_LABEL}.csv", [f"id:ID({Q.META_LABEL})", "json", "generation", "written_at", ":LABEL"], meta_row, Q.META_LABEL)
    node_files.append(f"nodes_{Q.META_LABEL}.csv")

    live = [s for s in Q.schema_statements() if not s.startswith("DROP ")]  # a new database: nothing to drop
    (out / "constraints.cypher").write_text(";\n".join(live) + ";\n", encoding="utf-8")
    script = out / "import.sh"
    script.write_text(import_script(node_files, rel_files), encoding="utf-8")
    script.chmod(0o755)
    summary["files"] = node_files + rel_files + ["constraints.cypher", "import.sh"]
    return summary


def import_command(node_files: list[str], rel_files: list[str], database: str = "$DATABASE", folder: str = "$DIR") -> list[str]:
    """The ``neo4j-admin database import full`` argument list."""
    args = [
        "neo4j-admin",
        "database",
        "import",
        "full",
        database,  # first: --nodes/--relationships take several values and would swallow it
        "--id-type=string",
        f"--array-delimiter={ARRAY_DELIMITER}",
        "--multiline-fields=true",
        "--overwrite-destination=false",
    ]
    args += [f"--nodes={folder}/{f}" for f in node_files]
    args += [f"--relationships={folder}/{f}" for f in rel_files]
    return args


def import_script(node_files: list[str], rel_files: list[str]) -> str:
    lines = [
        "#!/bin/sh",
        "# Bulk-import the graph exported by `indmap export --neo4j-admin` into a NEW Neo4j 5 database.",
        "# Run on the Neo4j server as the user that owns its data folder; the target database must not",
        "# exist yet (or be stopped: `STOP DATABASE x` and remove it first).",
        "#   ./import.sh            # database `neo4j` (on Community: stop the server first)",
        "#   ./import.sh indmap     # Enterprise: then `CREATE DATABASE indmap` in the system database",
        "# Afterwards create the constraints and indexes:  cypher-shell -d <db> -f constraints.cypher",
        "# and point indmap at it:  INDMAP_STORE=bolt://host:7687 INDMAP_NEO4J_DATABASE=<db>",
        "set -eu",
        'DIR="$(cd "$(dirname "$0")" && pwd)"',
        'DATABASE="${1:-neo4j}"',
    ]
    args = import_command(node_files, rel_files, database='"$DATABASE"', folder='"$DIR"')
    quoted = [a if a.startswith('"') or "$" in a else shlex.quote(a) for a in args]
    body = " \\\n  ".join([" ".join(quoted[:5])] + quoted[5:])
    return "\n".join(lines) + "\n" + body + "\n"


# ------------------------------------------------------------------ command


def cmd_export(args: argparse.Namespace) -> int:
    from graph.stores import StoreError, open_store

    settings = settings_from_args(args)
    store = open_store(settings)
    try:
        tables = _source_tables(store)
        meta = store.read_meta()
    except StoreError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        store.close()
    out = Path(args.neo4j_admin)
    try:
        summary = export_neo4j_admin(tables, meta, out)
    except ValueError as exc:
        print(f"无法导出：{exc}", file=sys.stderr)
        return 1
    n_nodes = sum(summary["nodes"].values())
    n_rels = sum(summary["relationships"].values())
    print(f"已导出 {n_nodes} 个节点、{n_rels} 条关系到 {out}（{len(summary['files'])} 个文件）。")
    print(f"导入 Neo4j：在 Neo4j 服务器上运行 {out / 'import.sh'} [数据库名]，然后 cypher-shell -f constraints.cypher。")
    return 0
