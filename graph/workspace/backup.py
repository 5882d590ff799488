"""Export the whole workspace to one JSON file, and restore it from one.

The file: ``{"format": "indmap-workspace", "schema_version": N, "exported_at": …,
"tables": {table: [row, …]}}`` with every table of the workspace (later migrations'
tables included without changes here). Restore refuses a file from a newer schema; a file
from an older one is loaded into a scratch database at its own version, migrated forward
with the same migrations as a live workspace, then copied in, all in one transaction, so
a failed restore leaves the workspace as it was.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from graph.workspace.db import MIGRATIONS, SCHEMA_VERSION, Workspace, WorkspaceError, _statements, check_version, now

FORMAT = "indmap-workspace"
#: accounts and failed logins stay out of backups (a backup is mailed around; password hashes are not) and are
#: kept as they are by a restore
PRIVATE_TABLES = frozenset({"users", "login_failures"})


def export_workspace(ws: Workspace) -> dict[str, Any]:
    """Every row of every workspace table, as one JSON-ready object (a consistent read)."""
    tables: dict[str, list[dict[str, Any]]] = {}
    with ws.read() as con:
        con.execute("BEGIN")  # one read transaction: all tables from the same moment
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
        for name in names:
            if name in PRIVATE_TABLES:
                continue
            tables[name] = [dict(r) for r in con.execute(f'SELECT * FROM "{name}" ORDER BY rowid')]
        con.execute("COMMIT")
    return {"format": FORMAT, "schema_version": version, "exported_at": now(), "source": str(ws.path), "tables": tables}


def write_export(ws: Workspace, path: str | Path) -> dict[str, int]:
    """Write :func:`export_workspace` to ``path``; returns rows per table."""
    data = export_workspace(ws)
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return {k: len(v) for k, v in data["tables"].items()}


def is_empty(ws: Workspace) -> bool:
    """No row in any table (nothing a restore could overwrite)."""
    names = ws.tables()
    with ws.read() as con:
        return all(con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] == 0 for t in names if t != "sqlite_sequence" and t not in PRIVATE_TABLES)


def read_backup(path: str | Path) -> dict[str, Any]:
    """A backup file, checked: the format, a schema version this indmap knows, tables as lists."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WorkspaceError(f"无法读取备份文件 {p}：{exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("tables"), dict):
        raise WorkspaceError(f"{p} 不是 indmap 工作区备份（应由 `indmap workspace export` 生成）。")
    version = data.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise WorkspaceError(f"{p} 的 schema_version 无效（{version!r}）。")
    check_version(version, f"备份文件 {p}")
    return data


def restore_workspace(ws: Workspace, data: dict[str, Any]) -> dict[str, int]:
    """Replace the workspace's content with a backup's (one transaction); returns rows per table."""
    version = int(data["schema_version"])
    with tempfile.TemporaryDirectory(prefix="indmap-restore-") as tmp:
        scratch = Path(tmp) / "restore.sqlite"
        _load_scratch(scratch, version, data["tables"])
        with ws.write(attach={"src": scratch}) as con:
            counts = _copy_all(con)
    return counts


def _load_scratch(path: Path, version: int, tables: dict[str, Any]) -> None:
    """A database at the backup's version holding its rows, then migrated to the current version."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("BEGIN")
        for number in range(1, version + 1):
            for statement in _statements(MIGRATIONS[number - 1]):
                con.execute(statement)
        known = {r[0]: [c[1] for c in con.execute(f'PRAGMA table_info("{r[0]}")')] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        for name, rows in tables.items():
            if name not in known or name in PRIVATE_TABLES:
                raise WorkspaceError(f"备份中的表 {name!r} 不属于工作区结构版本 {version}：文件可能被改动过。")
            if not isinstance(rows, list):
                raise WorkspaceError(f"备份中的表 {name!r} 应为行的列表。")
            cols = known[name]
            for i, row in enumerate(rows, start=1):
                if not isinstance(row, dict) or set(row) - set(cols):
                    raise WorkspaceError(f"备份中表 {name!r} 第 {i} 行的字段不符：应为 {', '.join(cols)}。")
            if rows:
                names = list(cols)
                con.executemany(
                    f'INSERT INTO "{name}"({", ".join(chr(34) + c + chr(34) for c in names)}) VALUES ({", ".join("?" * len(names))})',
                    [tuple(r.get(c) for c in names) for r in rows],
                )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _statements(MIGRATIONS[number - 1]):
                con.execute(statement)
        con.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        con.execute("COMMIT")
    except sqlite3.Error as exc:
        raise WorkspaceError(f"备份内容无法载入：{exc}") from exc
    finally:
        con.close()


def _copy_all(con: sqlite3.Connection) -> dict[str, int]:
    """Inside the caller's write transaction: empty every table, copy every row from ``src``."""
    names = [r[0] for r in con.execute("SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid")]
    names = [n for n in names if n not in PRIVATE_TABLES]
    counts = {}
    con.execute("PRAGMA defer_foreign_keys = ON")
    for name in reversed(names):
        con.execute(f'DELETE FROM main."{name}"')
    for name in names:
        con.execute(f'INSERT INTO main."{name}" SELECT * FROM src."{name}"')
        counts[name] = con.execute(f'SELECT count(*) FROM main."{name}"').fetchone()[0]
    private = tuple(PRIVATE_TABLES)
    marks = ", ".join("?" * len(private))
    con.execute(f"DELETE FROM main.sqlite_sequence WHERE name NOT IN ({marks})", private)
    con.execute(f"INSERT INTO main.sqlite_sequence(name, seq) SELECT name, seq FROM src.sqlite_sequence WHERE name NOT IN ({marks})", private)
    return counts
