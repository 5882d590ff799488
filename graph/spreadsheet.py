"""The one formula-injection neutraliser for every CSV/XLSX written for people (app exports, ``indmap … --format csv``).

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@``
as a formula, and a leading tab or carriage return can hide such a start;
Excel and WPS also read the full-width forms (``＝＋－＠``) and the small
forms (``﹦﹢﹣``) as operators, and ignore leading spaces, newlines and the
ideographic space ``\\u3000``. An enterprise name like
``=HYPERLINK("http://evil", "点击")`` in an imported dataset would become a
live link in the meeting's workbook. Every such text cell gets a leading
single quote, which shows the text as typed. Numbers stay numbers (a
negative growth rate is data, not a formula).

Files meant to be read back by indmap or Neo4j (dataset templates, the demo
generator, ``indmap export --neo4j-admin``) are data, not reports: they keep
values exactly and do not use this.
"""

from __future__ import annotations

import unicodedata
from typing import Any

FORMULA_STARTS = frozenset("=+-@")
CONTROL_STARTS = ("\t", "\r", "\n")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read ``text`` as a formula.

    >>> [is_formula_like(t) for t in ["=1+1", "＝1", "﹦1", " \\u3000=1", "\\n@SUM(A1)", "\\tx", "a=1", "比亚迪", ""]]
    [True, True, True, True, True, True, False, False, False]
    """
    if text.startswith(CONTROL_STARTS):
        return True
    head = text.lstrip().lstrip(_INVISIBLE).lstrip()
    return bool(head) and unicodedata.normalize("NFKC", head[0])[:1] in FORMULA_STARTS


def neutralise(value: Any) -> Any:
    """``value`` safe to put in a spreadsheet cell: formula-like text gets a leading ``'``.

    >>> neutralise("=1+1")
    "'=1+1"
    >>> neutralise("＝HYPERLINK(\\"http://x\\")")
    '\\'＝HYPERLINK("http://x")'
    >>> neutralise("-3%"), neutralise(-3), neutralise("比亚迪"), neutralise(None)
    ("'-3%", -3, '比亚迪', None)
    """
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value
