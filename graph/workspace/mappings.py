"""Column-mapping profiles kept in the workspace: a name and its JSON body (see :mod:`ingest.colmap`).

The graph side stores and returns the body as it is; :class:`ingest.colmap.MappingProfile` checks it.
Saving a name that exists replaces its body (the reviewer's latest choices win).
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
