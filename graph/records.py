"""Strict pydantic records for every dataset table, built from :mod:`graph.schema`.

The ingest validates whole columns at once (polars; a row-by-row model would
take minutes at a million rows), and these records state the same contract
for one row at a time: for code that handles single records (the app's
what-if form, scripts, tests), and as an independent check that every row the
ingest accepts is a valid record (``tests/test_records.py``).

>>> from graph.records import RECORDS
>>> RECORDS["segments"](id="S1", chain_id="C1", name="正极材料", stage="upstream").stage
'upstream'
>>> RECORDS["segments"](id="S1", chain_id="C1", name="x", stage="中间")
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for SegmentRecord
...
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model

from graph.schema import ENUMS, TABLES, Column


class Record(BaseModel):
    """Base of every dataset record: unknown fields are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


_BASE_TYPES: dict[str, Any] = {
    "str": str,
    "float": float,
    "share": float,
    "int": int,
    "bool": bool,
    "date": dt.date,
    "list": list[str],
}


def _field(col: Column) -> tuple[Any, Any]:
    if col.type == "enum":
        typ: Any = Literal[tuple(ENUMS[col.enum or ""])]  # type: ignore[misc]
    else:
        typ = _BASE_TYPES[col.type]
    bounds = {}
    if col.min is not None:
        bounds["ge"] = col.min
    if col.max is not None:
        bounds["le"] = col.max
    if col.required:
        if col.type == "str":
            bounds["min_length"] = 1
        return typ, Field(..., description=f"{col.zh} {col.doc}".strip(), **bounds)
    return Optional[typ], Field(None, description=f"{col.zh} {col.doc}".strip(), **bounds)


def _model_name(table: str) -> str:
    singular = {"industries": "industry", "enterprises": "enterprise", "regions": "region"}.get(table)
    base = singular or (table[:-1] if table.endswith("s") else table)
    return "".join(part.capitalize() for part in base.split("_")) + "Record"


RECORDS: dict[str, type[Record]] = {
    name: create_model(_model_name(name), __base__=Record, **{c.name: _field(c) for c in t.columns})  # type: ignore[call-overload]
    for name, t in TABLES.items()
}
