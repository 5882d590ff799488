"""Query parameters of the Cypher console, typed as a JSON object or as name=value lines."""

from __future__ import annotations

import json
from typing import Any


def parse_params(text: str) -> dict[str, Any]:
    """Query parameters from a JSON object, or from ``name=value`` lines (value JSON if it parses, else text).

    >>> parse_params('{"chain": "NEV", "n": 3}')
    {'chain': 'NEV', 'n': 3}
    >>> parse_params("chain=NEV\\nn=3\\nids=[\\"a\\", \\"b\\"]")
    {'chain': 'NEV', 'n': 3, 'ids': ['a', 'b']}
    >>> parse_params("")
    {}
    """
    text = (text or "").strip()
    if not text:
        return {}
    if text.startswith(("{", "[")):
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"参数不是有效的 JSON：{exc.msg}（第 {exc.lineno} 行第 {exc.colno} 列）") from exc
        if not isinstance(obj, dict):
            raise ValueError("参数 JSON 必须是对象，例如 {\"chain\": \"NEV\"}")
        return obj
    out: dict[str, Any] = {}
    for i, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise ValueError(f"参数第 {i} 行应写成 名称=值：{line!r}")
        value = value.strip()
        try:
            out[name] = json.loads(value)
        except json.JSONDecodeError:
            out[name] = value
    return out
