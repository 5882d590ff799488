"""Column-mapping profiles kept in the workspace: a name and its JSON body (see :mod:`ingest.colmap`).

The graph side stores and returns the body as it is; :class:`ingest.colmap.MappingProfile` checks it.
Saving a whole profile under a name that exists replaces its body (``indmap map save``); saving one
table's mapping (the 数据 page, ``indmap map suggest --save``) replaces that table's mapping only and keeps
the others a colleague or an earlier upload saved under the same name.
"""

from __future__ import annotations

import json
from typing import Any

from graph.workspace.db import Workspace, now


def save_profile(ws: Workspace, name: str, body: dict[str, Any], *, by: str) -> None:
    """Store ``body`` under ``name`` (created or replaced)."""
    name = name.strip()
    if not name:
        raise ValueError("方案名不能为空。")
    text = json.dumps({**body, "name": name}, ensure_ascii=False, sort_keys=True)
    t = now()
    with ws.write() as con:
        con.execute(
            "INSERT INTO mapping_profiles(name, body, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            (name, text, t, t, by),
        )


def save_table_mapping(ws: Workspace, name: str, table: str, mapping: dict[str, Any], *, by: str) -> dict[str, str] | None:
    """Store ``mapping`` as ``table``'s part of profile ``name``, keeping its other tables (one transaction).

    Returns who saved the table's previous mapping and when (``updated_by``, ``updated_at``), or None when
    the profile had no mapping for that table.
    """
    name = name.strip()
    if not name:
        raise ValueError("方案名不能为空。")
    t = now()
    with ws.write() as con:
        row = con.execute("SELECT body, updated_at, updated_by FROM mapping_profiles WHERE name = ?", (name,)).fetchone()
        body = json.loads(row["body"]) if row else {}
        tables = dict(body.get("tables") or {})
        before = {"updated_by": row["updated_by"], "updated_at": row["updated_at"]} if row and table in tables else None
        tables[table] = mapping
        text = json.dumps({**body, "tables": tables, "name": name}, ensure_ascii=False, sort_keys=True)
        con.execute(
            "INSERT INTO mapping_profiles(name, body, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            (name, text, t, t, by),
        )
    return before


def replaced_note(table_zh: str, before: dict[str, str] | None) -> str:
    """What a table's save replaced, for the message after it ('' when the profile had no mapping for the table).

    >>> replaced_note("企业", {"updated_by": "张三", "updated_at": "2026-11-29T10:05:00+00:00"})
    '；替换了该方案中 企业 表原有的映射（张三 2026-11-29 10:05 保存），方案中其他表的映射不变'
    """
    if before is None:
        return ""
    return f"；替换了该方案中 {table_zh} 表原有的映射（{before['updated_by']} {before['updated_at'][:16].replace('T', ' ')} 保存），方案中其他表的映射不变"


def get_profile(ws: Workspace, name: str) -> dict[str, Any] | None:
    with ws.read() as con:
        row = con.execute("SELECT body FROM mapping_profiles WHERE name = ?", (name.strip(),)).fetchone()
    return json.loads(row["body"]) if row else None


def list_profiles(ws: Workspace) -> list[dict[str, Any]]:
    """``name``, ``tables`` (the tables it maps), ``updated_at``, ``updated_by``, newest first."""
    with ws.read() as con:
        rows = con.execute("SELECT name, body, updated_at, updated_by FROM mapping_profiles ORDER BY updated_at DESC, name").fetchall()
    return [{"name": r["name"], "tables": sorted((json.loads(r["body"]).get("tables") or {}).keys()), "updated_at": r["updated_at"], "updated_by": r["updated_by"]} for r in rows]


def delete_profile(ws: Workspace, name: str) -> bool:
    with ws.write() as con:
        return con.execute("DELETE FROM mapping_profiles WHERE name = ?", (name.strip(),)).rowcount > 0
