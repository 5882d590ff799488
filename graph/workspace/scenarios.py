"""Named what-if scenarios (推演情景): a basket of targets and projects treated as landed, kept in the workspace.

An item is ``{"kind": "target", "enterprise_id", "segment_id", "label"}`` or ``{"kind": "project",
"project_id", "label"}``. Saving under a name that exists replaces that scenario's items (its id stays,
so a shared link ``推演?scenario=ID`` shows the latest version) when the saver opened that very version
(``replaces``): a colleague's scenario of the same name, or one changed since it was opened, is not
overwritten. Scenarios survive every ingest like
leads; an item whose enterprise, segment or project left the data is reported by the 推演 page, not
dropped.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel, Field

from graph.workspace.db import UNSET, Workspace, WorkspaceError, now

KINDS = ("target", "project")


class ScenarioConflict(ValueError):
    """A scenario of that name was saved by someone else (or changed since it was opened): nothing written."""


class Scenario(BaseModel):
    id: int
    name: str
    items: list[dict[str, Any]] = Field(default_factory=list)
    scope: str = "city"
    created_at: str
    created_by: str
    updated_at: str

    @property
    def version(self) -> str:
        """What this save of the scenario holds (time, scope and items): changes with every save that changes it."""
        return _version(self.updated_at, self.scope, json.dumps(self.items, ensure_ascii=False))


def _version(updated_at: str, scope: str, items_json: str) -> str:
    return hashlib.sha1(json.dumps([updated_at, scope, json.loads(items_json)], ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def clean_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items of a basket as stored: known kinds with their ids, each once, in order.

    >>> clean_items([{"kind": "target", "enterprise_id": "X1", "segment_id": "S2", "label": "甲 → 电池"},
    ...              {"kind": "target", "enterprise_id": "X1", "segment_id": "S2"}, {"kind": "other"}, {"kind": "project", "project_id": "PJ1"}])
    [{'kind': 'target', 'enterprise_id': 'X1', 'segment_id': 'S2', 'label': '甲 → 电池'}, {'kind': 'project', 'project_id': 'PJ1', 'label': None}]
    """
    out, seen = [], set()
    for it in items:
        kind = it.get("kind")
        if kind == "target" and it.get("enterprise_id") and it.get("segment_id"):
            key = (kind, it["enterprise_id"], it["segment_id"])
            row = {"kind": kind, "enterprise_id": str(it["enterprise_id"]), "segment_id": str(it["segment_id"]), "label": it.get("label")}
        elif kind == "project" and it.get("project_id"):
            key = (kind, it["project_id"])
            row = {"kind": kind, "project_id": str(it["project_id"]), "label": it.get("label")}
        else:
            continue
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def save_scenario(
    ws: Workspace, name: str, items: list[dict[str, Any]], *, scope: str, author: str, replaces: str | None | object = UNSET
) -> Scenario:
    """Save (or replace, by name) a scenario; returns it with its id.

    ``replaces`` is the :attr:`Scenario.version` of this name the saver opened (None: none): when given,
    a scenario of that name holding another version is not replaced (:class:`ScenarioConflict`).

    >>> import tempfile, pathlib
    >>> ws = Workspace(pathlib.Path(tempfile.mkdtemp()) / "w.sqlite")
    >>> a = save_scenario(ws, "电池补链", [{"kind": "target", "enterprise_id": "X1", "segment_id": "S2"}], scope="city", author="张三")
    >>> b = save_scenario(ws, "电池补链", [{"kind": "project", "project_id": "PJ1"}], scope="park:P1", author="李四")
    >>> (a.id == b.id, [s.name for s in list_scenarios(ws)], get_scenario(ws, a.id).items[0]["kind"], b.scope)
    (True, ['电池补链'], 'project', 'park:P1')
    """
    name = (name or "").strip()
    if not name:
        raise ValueError("情景名称不能为空")
    if len(name) > 60:
        raise ValueError("情景名称请不超过 60 个字")
    if not (author or "").strip():
        raise ValueError("请先填写记录人")
    rows = clean_items(items)
    if not rows:
        raise ValueError("推演清单为空，没有可保存的内容")
    t = now()
    with ws.write() as con:
        old = con.execute("SELECT updated_at, created_by, scope, items FROM scenarios WHERE name = ?", (name,)).fetchone()
        if old is not None and replaces is not UNSET and _version(old["updated_at"], old["scope"], old["items"]) != replaces:
            raise ScenarioConflict(
                f"未保存：已有同名推演情景「{name}」（{old['created_by']} 建立，{old['updated_at'][:16].replace('T', ' ')} 保存，"
                f"{'在你打开它之后又被修改' if replaces else '不是你打开的情景'}）。请换一个名称保存；或先打开它看看最新内容。"
            )
        con.execute(
            "INSERT INTO scenarios(name, items, scope, created_at, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET items = excluded.items, scope = excluded.scope, updated_at = excluded.updated_at",
            (name, json.dumps(rows, ensure_ascii=False), scope or "city", t, author.strip(), t),
        )
        sid = con.execute("SELECT id FROM scenarios WHERE name = ?", (name,)).fetchone()[0]
    found = get_scenario(ws, sid)
    assert found is not None
    return found


def _row(r: Any) -> Scenario:
    try:
        items = json.loads(r["items"])
    except (TypeError, ValueError) as exc:
        raise WorkspaceError(f"推演情景 #{r['id']} 的内容无法读取：{exc}") from exc
    return Scenario(id=r["id"], name=r["name"], items=items, scope=r["scope"], created_at=r["created_at"], created_by=r["created_by"], updated_at=r["updated_at"])


def list_scenarios(ws: Workspace) -> list[Scenario]:
    """Every saved scenario, the latest change first."""
    with ws.read() as con:
        return [_row(r) for r in con.execute("SELECT * FROM scenarios ORDER BY updated_at DESC, id DESC")]


def get_scenario(ws: Workspace, scenario_id: int) -> Scenario | None:
    """One scenario by id (None when there is none)."""
    with ws.read() as con:
        r = con.execute("SELECT * FROM scenarios WHERE id = ?", (int(scenario_id),)).fetchone()
    return _row(r) if r is not None else None


def delete_scenario(ws: Workspace, scenario_id: int) -> bool:
    """Remove a scenario; True when there was one."""
    with ws.write() as con:
        return con.execute("DELETE FROM scenarios WHERE id = ?", (int(scenario_id),)).rowcount > 0
