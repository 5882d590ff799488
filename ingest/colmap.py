"""Column mapping: a bureau's own headers (an enterprise-information export, a park office's sheet) onto the contract.

:func:`suggest` proposes, for every header of a file, the contract column it stands for:

1. the contract's own spellings — English name, Chinese name, the schema's ``Column.aliases``, ``编号/id``
   forms (:func:`ingest.readers.match_header`);
2. headers that mean nothing to the contract (电话, 邮箱, 法定代表人, 注册资本, …: :data:`IGNORED_WORDS`) map
   to nothing;
3. region names (所属城市, 所属区县, …) map to ``region_code``: several such columns may, and their names are
   resolved against the built-in division codes (:class:`ingest.regions.RegionNames`) when the file is read;
4. the rest by fuzzy matching (rapidfuzz's normalised Levenshtein ratio ≥ :data:`FUZZY_CUTOFF` against every
   spelling of the table's columns), best score first, one header per column.

A :class:`MappingProfile` keeps a reviewed mapping under a name (in the workspace, or a JSON file): per table
the header → column choices, values for columns the file lacks (``defaults``, e.g. ``local`` = 是), the column
an ``id`` is taken from when the file has none (``id_from``, e.g. the credit code), and the file or sheet names
that hold the table. The reader applies it (:func:`ingest.readers.read_dataset`); the result is validated like
any dataset.

>>> m = suggest(["企业名称", "统一社会信用代码", "所属城市", "电话", "营业总收入"], "enterprises")
>>> {h: s.column for h, s in m.items()}
{'企业名称': 'name', '统一社会信用代码': 'credit_code', '所属城市': 'region_code', '电话': None, '营业总收入': 'revenue'}
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from graph.schema import TABLES, Table
from ingest.issues import IssueList, issue, phrase
from ingest.regions import RegionNames, pad_region_expr
from ingest.safety import ReadLimits

FUZZY_CUTOFF = 75.0
#: words of headers that have no place in the contract (an export's contact and registration details)
IGNORED_WORDS = (
    "电话", "手机", "邮箱", "email", "e-mail", "传真", "网址", "官网", "网站", "法定代表人", "法人", "负责人", "联系人",
    "地址", "注册资本", "实缴资本", "资本", "类型", "状态", "曾用名", "英文名", "纳税人识别号", "注册号", "组织机构代码",
    "营业期限", "核准日期", "登记机关", "人员规模", "简介", "qq", "微信", "序号", "股东", "参保年份",
)  # fmt: skip
NOT_REGION_WORDS = ("园区", "开发区", "高新区", "新区", "工业区", "集聚区", "产业园", "社区", "小区")
REGION_HEADER = re.compile(r"(所属|所在|注册)?(省份|城市|地市|区县|县区|地区|省|市|区|县)(名称)?$")


@dataclass(frozen=True)
class Suggestion:
    """What one header maps to and why (``how``: ``exact``, ``ignored``, ``region``, ``fuzzy``, ``none``)."""

    column: str | None
    how: str
    score: float = 100.0

    @property
    def how_zh(self) -> str:
        return {"exact": "列名或别名", "ignored": "与本系统无关，忽略", "region": "行政区划名称，导入时转为代码", "fuzzy": f"相似度 {self.score:.0f}%", "none": "未找到对应的列"}[self.how]


def _norm(text: str) -> str:
    from ingest.readers import norm

    return norm(text)


def _spellings(table: Table) -> dict[str, str]:
    from ingest.readers import column_lookup

    return column_lookup(table)


def is_ignored(header: str) -> bool:
    n = _norm(header)
    return any(w in n for w in IGNORED_WORDS)


def region_level(header: str) -> str | None:
    """``province``/``city``/``county`` for a header naming a division (所属省份, 所属城市, 所属区县), else None.

    A header such as 所属地区 reads as a city; a county name in it is still found (cities first, then counties).

    >>> [region_level(h) for h in ("所属省份", "所属城市", "所属区县", "城市", "区县名称", "所属地区", "企业名称", "所属园区")]
    ['province', 'city', 'county', 'city', 'county', 'city', None, None]
    """
    n = _norm(header)
    if len(n) > 8 or not REGION_HEADER.search(n) or any(w in n for w in NOT_REGION_WORDS):
        return None
    n = n.removesuffix("名称")
    if "省" in n:
        return "province"
    if "区县" in n or "县区" in n or (n.endswith(("区", "县")) and not n.endswith("地区")):
        return "county"
    return "city"


def suggest(headers: list[str], table: str) -> dict[str, Suggestion]:
    """The proposed column of each header of a ``table`` file (see the module doc for the order of rules)."""
    from ingest.readers import match_header

    t = TABLES[table]
    lookup = _spellings(t)
    out: dict[str, Suggestion] = {}
    taken: set[str] = set()

    def take(h: str, col: str | None, how: str, score: float = 100.0) -> None:
        out[h] = Suggestion(col, how, score)
        if col and col != "region_code":
            taken.add(col)

    for h in headers:  # 1. the whole header is a contract spelling
        col = lookup.get(_norm(h))
        if col is not None and col not in taken:
            take(h, col, "exact")
    has_region = "region_code" in t.column_names
    for h in [h for h in headers if h not in out]:  # 2. not ours; 3. division names
        level = region_level(h) if has_region else None
        if level == "province" and "province" in t.column_names and "province" not in taken:
            take(h, "province", "exact")
        elif level in ("city", "county"):
            take(h, "region_code", "region")
        elif is_ignored(h):
            take(h, None, "ignored")
    for h in [h for h in headers if h not in out]:  # 1b. a spelling inside the header: 营业收入（万元）
        col = match_header(t, h, lookup)
        if col is not None and col not in taken:
            take(h, col, "exact")
    left = [h for h in headers if h not in out]
    if left:  # rapidfuzz only for a header no rule matched: an ingest whose headers match never imports it
        from rapidfuzz import fuzz, process
    choices = [s for s in lookup if len(s) >= 2]
    scored = [
        (score, h, lookup[spelling])
        for h in left
        for spelling, score, _ in process.extract(_norm(h), choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=5)
    ]
    for score, h, col in sorted(scored, key=lambda x: -x[0]):  # 4. fuzzy, best first, one header per column
        if h not in out and col not in taken:
            take(h, col, "fuzzy", float(score))
    return {h: out.get(h, Suggestion(None, "none", 0.0)) for h in headers}


def guess_table(headers: list[str]) -> str | None:
    """The table a file holds, judged by its headers when its name does not say (an export named 企业信息导出.csv):
    the table with most headers that are its own spellings, at least two and more than any other table.

    >>> guess_table(["企业名称", "统一社会信用代码", "成立日期", "电话"]), guess_table(["电话", "邮箱"])
    ('enterprises', None)
    """
    scores = sorted(((sum(1 for s in suggest(headers, t).values() if s.how in ("exact", "region") and s.column), t) for t in TABLES), reverse=True)
    (best, table), (second, _) = scores[0], scores[1]
    return table if best >= 2 and best > second else None


def suggest_extras(mapping: dict[str, str | None], table: str) -> tuple[dict[str, str], str | None]:
    """Defaults and ``id_from`` a reviewer would start from: an enterprise list without ``local`` is local, and
    its ids come from the credit code (else the name) when the file has no id column."""
    mapped = {c for c in mapping.values() if c}
    defaults: dict[str, str] = {}
    id_from = None
    if table == "enterprises" and "local" not in mapped:
        defaults["local"] = "是"
    if "id" not in mapped and "id" in TABLES[table].column_names:
        id_from = next((c for c in ("credit_code", "name") if c in mapped), None)
    return defaults, id_from


# ---------------------------------------------------------------- a file's header row

def file_headers(path: Path, sheet: str | None = None, limits: ReadLimits | None = None) -> list[str]:
    """The header row (first non-empty row) of a CSV file or of a workbook's sheet (default: the first).

    Raises ``ValueError`` with a Chinese message when the file cannot be read.
    """
    from ingest.csvtext import csv_grid, decode_csv_bytes
    from ingest.readers import _refused, cell_text
    from ingest.safety import Refused, check_workbook, read_regular

    issues, limits = IssueList(), limits or ReadLimits()
    rows: list[list] = []
    try:
        if path.suffix.lower() == ".csv":
            decoded = decode_csv_bytes(read_regular(path, limits.max_file_bytes))
            if decoded is None:
                issues.add(issue("bad_encoding", file=path.name, tried=phrase("encodings_tried")))
            else:
                grid, _ = csv_grid(decoded[0], limits.max_columns)
                rows = [list(r) for r in grid.head(50).iter_rows()]
        else:
            from python_calamine import CalamineWorkbook

            check_workbook(path, limits)
            wb = CalamineWorkbook.from_path(str(path))
            rows = wb.get_sheet_by_name(sheet or wb.sheet_names[0]).to_python(skip_empty_area=False)[:50]
    except Refused as exc:
        _refused(issues, path.name, exc)
    except OSError as exc:
        raise ValueError(f"无法读取 {path}：{exc.strerror or exc}") from exc
    except Exception as exc:  # noqa: BLE001 - not a workbook, no such sheet, not CSV
        raise ValueError(f"无法读取 {path.name}：{str(exc)[:200]}") from exc
    errors = [i for i in issues.finish() if i.severity == "error"]
    if errors:
        raise ValueError(f"{errors[0].message}。{errors[0].fix}")
    first = next((r for r in rows if any(cell_text(v) for v in r)), [])
    return [t.strip() for t in (cell_text(v) for v in first) if t and t.strip()]


# ---------------------------------------------------------------- profiles


@dataclass
class TableMapping:
    """One table's mapping: header -> column (None: ignored), defaults, id_from, files holding it."""

    columns: dict[str, str | None] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    id_from: str | None = None
    files: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._norm = {_norm(h): c for h, c in self.columns.items()}

    def has(self, header: str) -> bool:
        return _norm(header) in self._norm

    def target(self, header: str) -> str | None:
        return self._norm.get(_norm(header))

    def to_json(self) -> dict[str, Any]:
        return {"files": self.files, "columns": self.columns, "defaults": self.defaults, "id_from": self.id_from}


class MappingError(ValueError):
    """A profile that cannot be used; the message is for people."""


@dataclass
class MappingProfile:
    """A named set of table mappings (see the module doc); JSON: ``{"name", "tables": {table: {...}}}``."""

    name: str
    tables: dict[str, TableMapping] = field(default_factory=dict)

    def for_table(self, table: str) -> TableMapping | None:
        return self.tables.get(table)

    def table_for_file(self, name: str) -> str | None:
        """The table a file or sheet holds according to the profile's ``files``."""
        n, stem = _norm(name), _norm(Path(name).stem)
        for table, tm in self.tables.items():
            if any(_norm(f) in (n, stem) for f in tm.files):
                return table
        return None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "tables": {t: m.to_json() for t, m in self.tables.items()}}

    @classmethod
    def from_json(cls, data: Any, name: str = "") -> "MappingProfile":
        """From the profile JSON, or its one-table form ``{"table": T, "columns": {...}, ...}``; checked."""
        if not isinstance(data, dict):
            raise MappingError("列映射应是一个 JSON 对象。")
        if "table" in data and "tables" not in data:
            data = {"name": data.get("name") or name, "tables": {data["table"]: {k: v for k, v in data.items() if k not in ("table", "name")}}}
        tables = data.get("tables")
        if not isinstance(tables, dict) or not tables:
            raise MappingError('列映射缺少 "tables"（或 "table" 与 "columns"）：格式见 README 的 “列映射” 一节；`indmap map suggest` 的输出要先用 `indmap map save` 保存为方案。')
        out = {}
        for table, body in tables.items():
            out[table] = _table_mapping(table, body)
        return cls(name=str(data.get("name") or name), tables=out)


def _table_mapping(table: str, body: Any) -> TableMapping:
    if table not in TABLES:
        raise MappingError(f"列映射中的表 “{table}” 不是数据集中的表：可选 {'、'.join(TABLES)}。")
    if not isinstance(body, dict):
        raise MappingError(f"列映射中表 “{table}” 的内容应是对象。")
    cols = set(TABLES[table].column_names)
    columns = body.get("columns") or {}
    if not isinstance(columns, dict):
        raise MappingError(f"列映射中表 “{table}” 的 columns 应是 {{表头: 列名或 null}}。")
    for h, c in columns.items():
        if c is not None and c not in cols:
            raise MappingError(f"列映射把 “{h}” 映射到 “{c}”，但表 {table} 没有这一列：可选 {'、'.join(sorted(cols))}，或 null（忽略）。")
    defaults = {str(k): str(v) for k, v in (body.get("defaults") or {}).items()}
    for c in defaults:
        if c not in cols:
            raise MappingError(f"列映射为 “{c}” 设置了统一取值，但表 {table} 没有这一列。")
    id_from = body.get("id_from") or None
    if id_from is not None and id_from not in cols:
        raise MappingError(f"列映射的 id_from “{id_from}” 不是表 {table} 的列。")
    files = body.get("files") or []
    return TableMapping({str(h): c for h, c in columns.items()}, defaults, id_from, [str(f) for f in files])


def load_profile_file(path: str | Path) -> MappingProfile:
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MappingError(f"无法读取列映射文件 {p}：{exc}") from exc
    return MappingProfile.from_json(data, name=p.stem)


# ---------------------------------------------------------------- applying a mapping to a table being read

REGION_PREFIX = "__region_"


def region_column(i: int, level: str | None) -> str:
    return f"{REGION_PREFIX}{i}_{level or 'any'}"


def finish_table(table: Table, df: pl.DataFrame, tm: TableMapping, file: str, issues: IssueList, row_col: str) -> pl.DataFrame:
    """After the mapped columns are picked: region names resolved, defaults filled, ``id`` taken from ``id_from``."""
    parts = [c for c in df.columns if c.startswith(REGION_PREFIX)]
    if parts:
        df = _resolve_regions(table, df, parts, file, issues, row_col)
    for col, value in tm.defaults.items():
        if col in df.columns:
            df = df.with_columns(pl.col(col).fill_null(pl.lit(value)))
        else:
            df = df.with_columns(pl.lit(value, dtype=pl.Utf8).alias(col))
    if tm.id_from and "id" not in df.columns and tm.id_from in df.columns:
        df = df.with_columns(pl.col(tm.id_from).alias("id"))
    return df


def _resolve_regions(table: Table, df: pl.DataFrame, parts: list[str], file: str, issues: IssueList, row_col: str) -> pl.DataFrame:
    """Division names (and codes) in the region columns -> ``region_code``; unknown and ambiguous names are errors."""
    by_level: dict[str, str] = {}
    order = {"province": 0, "city": 1, "county": 2, "any": 3}
    for c in sorted(parts, key=lambda c: order[c.rsplit("_", 1)[1]]):
        by_level.setdefault(c.rsplit("_", 1)[1], c)
    names = RegionNames()
    col = table.column("region_code")
    prov_col = by_level.get("province") or ("province" if "province" in df.columns else None)
    codes: list[str | None] = []
    rows = df.select(row_col, *parts, *([prov_col] if prov_col and prov_col not in parts else [])).iter_rows(named=True)
    for rec in rows:
        values = [rec[c] for c in parts if rec[c]]
        code_like = [v for v in values if re.fullmatch(r"\d{2,12}", unicodedata.normalize("NFKC", v).strip())]
        if code_like:
            codes.append(unicodedata.normalize("NFKC", code_like[-1]).strip())
            continue
        city = rec.get(by_level["city"]) if "city" in by_level else None
        county = rec.get(by_level["county"]) if "county" in by_level else None
        if "any" in by_level and not (city or county):
            city = rec.get(by_level["any"])  # a city name, or a county name found under the cities' counties
        match = names.resolve(rec.get(prov_col) if prov_col else None, city, county)
        codes.append(match.code)
        if match.problem:
            shown = "、".join(v for v in (rec.get(prov_col) if prov_col else None, city, county) if v)
            code = "region_ambiguous" if match.problem == "ambiguous" else "region_name_unknown"
            issues.add(issue(code, file=file, row=rec[row_col], column="region_code", column_zh=col.zh, value=shown, candidates="、".join(match.candidates[:6])))
    out = df.drop(parts).with_columns(pl.Series("region_code", codes, dtype=pl.Utf8))
    return out.with_columns(pad_region_expr(pl.col("region_code")).alias("region_code"))
