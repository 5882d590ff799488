"""Text for Streamlit markdown: data made inert, gap labels as coloured badges."""

from __future__ import annotations

import re
from typing import Any

from graph.i18n import GAP_LABEL_ZH

LABEL_COLOR_MD = {"strong": "green", "weak": "orange", "missing": "gray", "broken": "red"}  # as on the chain map

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$:])")


def md(text: Any) -> str:
    """Data text (names from a dataset) made inert inside Streamlit markdown.

    >>> md("[点我](javascript:alert(1))")
    '\\\\[点我\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\)'
    >>> md(None)
    ''
    """
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


def label_badge(label: str) -> str:
    """Markdown badge of a gap label (colours as on the chain map).

    >>> label_badge("broken")
    ':red-badge[断链]'
    """
    return f":{LABEL_COLOR_MD.get(label, 'gray')}-badge[{GAP_LABEL_ZH.get(label, label)}]"
