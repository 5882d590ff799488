"""Helpers shared by the CLI command modules: common flags, settings, output."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from typing import Any, Iterable, Sequence

from graph.i18n import cell, column_zh
from graph.settings import Settings, load_settings
from graph.spreadsheet import neutralise


def add_store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--store",
        metavar="S",
        help="embedded store file, or a bolt:// / neo4j:// URI (default: setting INDMAP_STORE, else data/store/indmap.lbug)",
    )


def add_format_arg(p: argparse.ArgumentParser, choices: Sequence[str] = ("table", "json", "csv")) -> None:
    p.add_argument("--format", choices=list(choices), default="table", help="output format (default: table)")


def settings_from_args(args: argparse.Namespace, **extra: Any) -> Settings:
    return load_settings(store=getattr(args, "store", None), **extra)


def _json_default(o: Any) -> Any:
    if isinstance(o, (dt.date, dt.datetime)):
        return o.isoformat()
    if hasattr(o, "model_dump"):
        return o.model_dump(mode="json")
    if isinstance(o, (set, frozenset, tuple)):
        return list(o)
    return str(o)


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if abs(v) >= 1000:
            return f"{v:,.1f}".removesuffix(".0")
        return f"{v:.4g}"
    if isinstance(v, (list, tuple)):
        return "; ".join(_cell(x) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}={_cell(x)}" for k, x in v.items())
    return str(v)


def _raw(v: Any) -> str:
    """A CSV cell: numbers at full precision without separators, lists joined by ';'."""
    if v is None:
        return ""
    if isinstance(v, (list, tuple)):
        return ";".join(_raw(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, default=_json_default)
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _csv_cell(v: Any) -> str:
    text = _raw(v)
    return text if isinstance(v, (bool, int, float)) else neutralise(text)


def _width(s: str) -> int:
    # CJK characters take two columns in a terminal
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def format_table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    body = [[_cell(v) for v in r] for r in rows]
    widths = [_width(c) for c in columns]
    for r in body:
        for i, v in enumerate(r):
            widths[i] = min(max(widths[i], _width(v)), 60)

    def line(vals: Sequence[str]) -> str:
        out = []
        for v, w in zip(vals, widths):
            if _width(v) > w:
                while _width(v) > w - 1:
                    v = v[:-1]
                v += "…"
            out.append(v + " " * (w - _width(v)))
        return "  ".join(out).rstrip()

    lines = [line(list(columns)), line(["-" * w for w in widths])]
    lines += [line(r) for r in body]
    return "\n".join(lines)


def people_table(records: list[dict[str, Any]], columns: Sequence[str], headers: dict[str, str] | None = None) -> str:
    """A table for people: Chinese headers, values with units and rounding, missing values as 无数据.

    A column ``x`` is left out when ``x_zh`` (its Chinese twin) is shown too.
    """
    columns = [c for c in columns if f"{c}_zh" not in columns]
    head = [(headers or {}).get(c) or column_zh(c) for c in columns]
    return format_table(head, [[cell(c, r.get(c)) for c in columns] for r in records])


def emit(
    records: list[dict[str, Any]],
    fmt: str,
    *,
    columns: Sequence[str] | None = None,
    out=None,
    people: bool = False,
    headers: dict[str, str] | None = None,
) -> None:
    """Print a list of row objects as a table, JSON (list of objects) or CSV.

    ``people``: the table (not JSON or CSV) is written for people (:func:`people_table`);
    ``headers`` overrides Chinese headers of some columns.
    """
    out = out or sys.stdout
    if columns is None:
        columns = list(records[0].keys()) if records else []
    if fmt == "json":
        out.write(dumps(records) + "\n")
    elif fmt == "csv":  # formula-like text neutralised, as in the app's exports; numbers stay numbers
        w = csv.writer(out, lineterminator="\n")
        w.writerow([neutralise(str(c)) for c in columns])
        for r in records:
            w.writerow([_csv_cell(r.get(c)) for c in columns])
    elif people:
        out.write(people_table(records, columns, headers) + "\n")
    else:
        out.write(format_table(columns, [[r.get(c) for c in columns] for r in records]) + "\n")
