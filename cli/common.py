"""Helpers shared by the CLI command modules: common flags, settings, output."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import sys
from typing import Any, Iterable, Sequence

from graph.i18n import cell, column_zh, setting_value
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


MIN_WRAP = 16  # a column is never wrapped narrower than this (display columns)
BREAK_AFTER = "；;，,、。 )）"
NO_LINE_START = "；;，,、。)）：:%"


def wrap_cell(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` display columns (a CJK character counts two).

    A line breaks after ``；，、`` or a space when one lies in its last third, else at the width;
    nothing is cut off.

    >>> wrap_cell("下游6个本地已有环节依赖此环节；直接下游本地营收3.2亿元；非断链", 34)
    ['下游6个本地已有环节依赖此环节；', '直接下游本地营收3.2亿元；非断链']
    >>> wrap_cell("短", 10), wrap_cell("", 10)
    (['短'], [''])
    """
    lines: list[str] = []
    for para in text.split("\n"):
        while _width(para) > width:
            cut, used, brk = 0, 0, 0
            for j, ch in enumerate(para):
                w = _width(ch)
                if used + w > width:
                    break
                used += w
                cut = j + 1
                if ch in BREAK_AFTER and used >= width * 2 // 3:
                    brk = j + 1
            if not brk and 1 < cut < len(para) and para[cut] in NO_LINE_START:
                cut -= 1  # closing punctuation stays with the character before it
            cut = brk or max(cut, 1)
            lines.append(para[:cut].rstrip())
            para = para[cut:].lstrip()
        lines.append(para)
    return lines


def _fit(widths: list[int], budget: int) -> list[int]:
    """Narrow columns until the table fits ``budget`` display columns: the last one (reasons, notes)
    first, down to 30, then the widest of the others (never below :data:`MIN_WRAP`). A table that
    still does not fit is left wider than the terminal rather than wrapped into slivers.

    >>> _fit([10, 30, 80], 100), _fit([10, 50, 80], 80), _fit([20, 20, 20, 80], 60)
    ([10, 30, 56], [10, 36, 30], [16, 16, 16, 30])
    """
    out = list(widths)
    gaps = 2 * (len(out) - 1)
    over = sum(out) + gaps - budget
    if over > 0 and len(out) > 1:
        out[-1] -= min(over, max(0, out[-1] - 30))
    while sum(out) + gaps > budget:
        i = max(range(len(out) - 1), key=lambda k: (out[k], k)) if len(out) > 1 else 0
        if out[i] <= MIN_WRAP:
            break
        out[i] -= 1
    return out


def terminal_width() -> int:
    """The terminal's width (``COLUMNS`` when set); 160 when output goes to a file or pipe."""
    import shutil

    return max(60, shutil.get_terminal_size(fallback=(160, 24)).columns)


def format_table(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, width: int | None = None) -> str:
    """A plain-text table; long cells wrap onto further lines (never cut) so it fits ``width`` columns.

    >>> print(format_table(["编号", "理由"], [["NEV-U07", "下游6个本地已有环节依赖此环节；直接下游本地营收3.2亿元"]], width=40))
    编号     理由
    -------  -------------------------------
    NEV-U07  下游6个本地已有环节依赖此环节；
             直接下游本地营收3.2亿元
    """
    body = [[_cell(v) for v in r] for r in rows]
    widths = [_width(c) for c in columns]
    for r in body:
        for i, v in enumerate(r):
            widths[i] = max(widths[i], max((_width(x) for x in v.split("\n")), default=0))
    widths = _fit(widths, width or terminal_width())

    def lines(vals: Sequence[str]) -> list[str]:
        cells = [wrap_cell(v, w) for v, w in zip(vals, widths)]
        out = []
        for k in range(max(len(c) for c in cells)):
            parts = [(c[k] if k < len(c) else "") for c in cells]
            out.append("  ".join(p + " " * (w - _width(p)) for p, w in zip(parts, widths)).rstrip())
        return out

    out = lines(list(columns)) + ["  ".join("-" * w for w in widths)]
    for r in body:
        out += lines(r)
    return "\n".join(out)


def settings_table(settings: Any, keys: Sequence[str] | None = None) -> str:
    """The settings a result used, for people: 参数 (the settings' Chinese titles), 取值, 设置项.

    A group of weights is one row (``下游依赖 0.25、本地需求 0.2、…``); a changed value says its
    default; ``设置项`` is the name ``--set`` takes.

    >>> from graph.settings import AnalysisSettings
    >>> print(settings_table(AnalysisSettings(weak_min_count=4), ["weak_min_count", "category_weights"]))
    参数                      取值                                    设置项
    ------------------------  --------------------------------------  ----------------
    弱链：本地企业少于（家）  4（默认 3）                             weak_min_count
    产业类别系数              主导产业 1、新兴产业 0.8、特色产业 0.6  category_weights
    """
    from graph.settings import AnalysisSettings

    current = settings.model_dump() if isinstance(settings, AnalysisSettings) else dict(settings)
    default = AnalysisSettings().model_dump()
    fields = AnalysisSettings.model_fields
    rows = []
    for key in keys if keys is not None else list(current):
        if key not in current or key not in fields:
            continue
        info, value, dflt = fields[key], current[key], default.get(key)
        if isinstance(value, dict):
            subs = info.annotation.model_fields  # type: ignore[union-attr]
            text = "、".join(f"{(subs[k].title if k in subs else None) or k} {setting_value(v)}" for k, v in value.items())
            if value != dflt:
                text += "（已修改）"
        else:
            text = setting_value(value) + ("" if value == dflt else f"（默认 {setting_value(dflt)}）")
        rows.append([info.title or key, text, key])
    return format_table(["参数", "取值", "设置项"], rows)


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
