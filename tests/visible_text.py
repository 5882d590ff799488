"""The visible-text checker: no English, "None" or "nan" where a person reads the bureau's pages.

:func:`problems` looks at text as a person sees it (the browser test hands it the rendered text
of every page: main area, sidebar, the map's legend, the data grids' cells) and returns every
ASCII word that is not allowed, and every None/nan/null that leaked through. Allowed are

* ids and codes (an upper-case/digit token with a digit: ``NFM-U04``, ``P13``, ``600519.SH``,
  a credit code), file names and paths (``chains.csv``, ``data/store/indmap.lbug``);
* the units and product names a Chinese bureau writes in Latin letters (:data:`ALLOWED`);
* words of the data itself (``vocabulary``: ASCII words in the dataset's names, e.g. the
  segment 数字芯片（MCU/SoC/存储）).

"None", "nan", "NaN", "null", "undefined", "True", "False" are always reported, even when they
appear in the vocabulary.

:func:`dataset_vocabulary` collects the ASCII words of a dataset folder's names.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-/+:@#]*")
ALWAYS_WRONG = {"None", "none", "nan", "NaN", "null", "NULL", "undefined", "True", "False", "NaT", "inf"}
ALLOWED = {
    # formats, tools and products a bureau names in Latin letters
    "Excel", "CSV", "XLSX", "xlsx", "csv", "ZIP", "zip", "Word", "PDF", "HTML", "JSON", "BOM", "UTF-8", "GBK", "GB18030", "Cypher", "Neo4j",
    # the command a page shows to copy (数据: `indmap ingest … --store …`), whatever the dataset
    "ingest",
    "LadybugDB", "indmap", "vis-network", "Streamlit", "README.md", "SOURCES.md", "CHAINS.md", "A", "Ctrl", "Ctrl+P", "Ctrl+Enter",
    # units
    "MB", "GB", "KB", "s", "ms", "km", "m", "kg", "t", "mu",
    # the standards and sources named on the pages
    "GB/T", "ST", "TPEx", "A股",
}  # fmt: skip
KEY_ZH = re.compile(r"[a-z][a-z0-9_]*/[\u4e00-\u9fff]")  # credit_code/统一社会信用代码: the 列 of an issue table
FILE = re.compile(r"\.(csv|xlsx|xls|lbug|md|json|sqlite|docx|pdf|html|toml|py)$", re.I)


def allowed(token: str, vocabulary: set[str] = frozenset()) -> bool:
    """Whether an ASCII token may be shown to a person.

    >>> [allowed(t) for t in ("NFM-U04", "P13", "600519.SH", "chains.csv", "data/store/indmap.lbug", "Excel")]
    [True, True, True, True, True, True]
    >>> [allowed(t) for t in ("confirmed", "scale", "home_region", "None", "Industry")]
    [False, False, False, False, False]
    >>> allowed("MCU/SoC", {"MCU/SoC"}), allowed("None", {"None"})
    (True, False)
    """
    t = token.strip(".:-/+#@")
    if not t or t in ALWAYS_WRONG:
        return False
    if t in ALLOWED or t in vocabulary:
        return True
    if not re.search(r"[A-Za-z]", t):
        return True  # numbers, dates, times
    if re.fullmatch(r"[A-Z0-9][A-Z0-9.\-_]*", t) and re.search(r"\d", t):
        return True  # an id or a code
    if "/" in t or FILE.search(t):
        return True  # a path or a file name
    if re.fullmatch(r"\d+(\.\d+)?(万元|亿元|%|s|ms|MB)?", t):
        return True
    return False


def problems(text: str, vocabulary: set[str] = frozenset()) -> list[str]:
    """Every token of ``text`` a person should not read (in order of appearance, each once).

    >>> problems("规模（scale） 置信度 confirmed 数据库：data/store/indmap.lbug 数值 None NFM-U04 营收 1,377.7万元")
    ['scale', 'confirmed', 'None']
    >>> problems("数字芯片（MCU/SoC/存储）", {"MCU", "SoC"})
    []
    >>> problems("列 credit_code/统一社会信用代码 列 credit_code")
    ['credit_code']
    """
    out: list[str] = []
    for m in TOKEN.finditer(text):
        tok = m.group(0)
        if KEY_ZH.match(text, m.start()):
            continue  # a column as the issue tables write it, the file's key beside its Chinese name
        if not allowed(tok, vocabulary) and tok not in out:
            out.append(tok)
    return out


def dataset_vocabulary(folder: Path) -> set[str]:
    """ASCII words inside the names and descriptive text of a dataset's CSV files (data, not UI).

    Every ``name``-like column (and products, qualifications, keywords, sources) of every CSV file, and
    every text of ``dataset.json`` (the dataset's name, description and sources).
    """
    import json

    words: set[str] = set()

    def add(text: str) -> None:
        for tok in TOKEN.findall(text or ""):
            words.add(tok)
            words.update(p for p in re.split(r"[/\-+.]", tok) if p)

    def walk(v: object) -> None:
        if isinstance(v, str):
            add(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)

    info = Path(folder) / "dataset.json"
    if info.is_file():
        walk(json.loads(info.read_text(encoding="utf-8")))
    for path in sorted(Path(folder).glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            cols = [c for c in (reader.fieldnames or []) if c in ("name", "product", "keywords", "qualifications", "note", "owner", "description", "province", "source")]
            for row in reader:
                for c in cols:
                    add(row.get(c) or "")
    return words - ALWAYS_WRONG
