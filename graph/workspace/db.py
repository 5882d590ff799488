"""The workspace file: SQLite in WAL mode beside the graph store, with numbered schema migrations.

Invariants this module keeps:

* The graph store is refreshed by every ingest; the workspace never is. Nothing in
  :mod:`graph.stores` or the ingest touches this file except to *append* a snapshot.
* Every write runs in ``BEGIN IMMEDIATE`` (the write lock is taken up front, so two
  writers queue instead of failing half-way), with ``busy_timeout`` so a waiting
  writer retries for up to :data:`BUSY_TIMEOUT_MS` instead of raising at once.
* Changes are appended rows (notes, audit rows, snapshots), so two people editing
  the same lead at once both keep what they wrote: there is no read-modify-write of
  a blob anywhere.
* The schema version is SQLite's ``PRAGMA user_version``; :data:`MIGRATIONS` holds
  one script per version, applied in order inside one transaction. Later features
  (accounts, column-mapping profiles, link reviews) add a script at the end; a
  script is never edited once released.
* A file written by a newer indmap (higher ``user_version``) is refused, never
  downgraded.

One :class:`Workspace` holds only a path; each operation opens its own connection,
so it is safe to share between threads (Streamlit sessions) and processes.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

BUSY_TIMEOUT_MS = 15_000

MIGRATIONS: tuple[str, ...] = (
    # 1: leads with notes and an audit log; snapshots of every ingest
    """
    CREATE TABLE leads (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        enterprise_id TEXT NOT NULL,
        enterprise_name TEXT,
        segment_id TEXT NOT NULL,
        segment_name TEXT,
        chain_id TEXT,
        owner TEXT NOT NULL,
        status TEXT NOT NULL,
        next_step TEXT,
        due TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX leads_owner ON leads(owner);
    CREATE TABLE lead_notes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        lead_id INTEGER NOT NULL REFERENCES leads(id),
        at TEXT NOT NULL,
        author TEXT NOT NULL,
        text TEXT NOT NULL
    );
    CREATE INDEX lead_notes_lead ON lead_notes(lead_id);
    CREATE TABLE lead_changes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        lead_id INTEGER NOT NULL REFERENCES leads(id),
        at TEXT NOT NULL,
        author TEXT NOT NULL,
        field TEXT NOT NULL,
        before TEXT,
        after TEXT
    );
    CREATE INDEX lead_changes_lead ON lead_changes(lead_id);
    CREATE TABLE snapshots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        taken_at TEXT NOT NULL,
        dataset TEXT,
        store TEXT,
        source TEXT NOT NULL,
        scope TEXT NOT NULL,
        settings TEXT NOT NULL,
        meta TEXT NOT NULL
    );
    CREATE TABLE snapshot_segments (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
        segment_id TEXT NOT NULL,
        segment_name TEXT,
        chain_id TEXT NOT NULL,
        label TEXT NOT NULL,
        priority REAL,
        local_count INTEGER NOT NULL,
        PRIMARY KEY (snapshot_id, segment_id)
    );
    CREATE TABLE snapshot_chains (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
        chain_id TEXT NOT NULL,
        chain_name TEXT,
        completeness REAL NOT NULL,
        completeness_key_weighted REAL NOT NULL,
        leaf_count INTEGER NOT NULL,
        present_leaf_count INTEGER NOT NULL,
        counts TEXT NOT NULL,
        PRIMARY KEY (snapshot_id, chain_id)
    );
    CREATE TABLE snapshot_parks (
        snapshot_id INTEGER NOT NULL REFERENCES snapshots(id),
        park_id TEXT NOT NULL,
        park_name TEXT,
        kpis TEXT NOT NULL,
        PRIMARY KEY (snapshot_id, park_id)
    );
    """,
    # 2: accounts and failed logins; column-mapping profiles; link reviews (appended decisions)
    """
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        park_id TEXT,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        password_changed_at TEXT NOT NULL
    );
    CREATE TABLE login_failures (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        client TEXT,
        at REAL NOT NULL
    );
    CREATE INDEX login_failures_name ON login_failures(name, at);
    CREATE TABLE mapping_profiles (
        name TEXT PRIMARY KEY,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        updated_by TEXT NOT NULL
    );
    CREATE TABLE link_reviews (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        enterprise_id TEXT NOT NULL,
        segment_id TEXT NOT NULL,
        decision TEXT NOT NULL,
        to_segment_id TEXT,
        enterprise_name TEXT,
        segment_name TEXT,
        reviewer TEXT NOT NULL,
        at TEXT NOT NULL,
        note TEXT
    );
    CREATE INDEX link_reviews_pair ON link_reviews(enterprise_id, segment_id);
    """,
    # 3: named what-if scenarios (推演情景): the targets and projects treated as landed
    """
    CREATE TABLE scenarios (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL UNIQUE,
        items TEXT NOT NULL,
        scope TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class WorkspaceError(RuntimeError):
    """The workspace could not be opened, read or written; the message is for users."""


#: "not given" for an optional argument whose None means something (a lead's field cleared, no review seen yet)
UNSET: Any = object()


def now() -> str:
    """The current local time as ISO 8601 with offset, to the second."""
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class Workspace:
    """The bureau's own work (leads, snapshots, ...) in one SQLite file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> ws = Workspace(pathlib.Path(tempfile.mkdtemp()) / "w.sqlite")
    >>> ws.schema_version() == SCHEMA_VERSION
    True
    >>> with ws.write() as con:
    ...     _ = con.execute("INSERT INTO snapshots(taken_at, source, scope, settings, meta) VALUES ('2026-01-01', 'ingest', 'city', '{}', '{}')")
    >>> with ws.read() as con:
    ...     [tuple(r) for r in con.execute("SELECT id, source FROM snapshots")]
    [(1, 'ingest')]
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._ready = False  # the file is created and migrated on first use

    def __repr__(self) -> str:
        return f"Workspace({str(self.path)!r})"

    # ------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise WorkspaceError(f"无法打开工作区 {self.path}：{exc}") from exc
        con.row_factory = sqlite3.Row
        con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        con.execute("PRAGMA foreign_keys = ON")
        return con

    def _migrate(self) -> None:
        con = self._connect()
        try:
            mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise WorkspaceError(f"工作区 {self.path} 无法切换到 WAL 模式（{mode}）：请把它放在本地磁盘上（INDMAP_WORKSPACE）。")
            version = con.execute("PRAGMA user_version").fetchone()[0]
            check_version(version, str(self.path))
            if version == SCHEMA_VERSION:  # the usual case: no write lock needed
                self._ready = True
                return
            con.execute("BEGIN IMMEDIATE")
            try:
                version = con.execute("PRAGMA user_version").fetchone()[0]  # another process may have migrated
                check_version(version, str(self.path))
                for number in range(version + 1, SCHEMA_VERSION + 1):
                    for statement in _statements(MIGRATIONS[number - 1]):
                        con.execute(statement)
                    con.execute(f"PRAGMA user_version = {number}")
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.Error as exc:
            raise WorkspaceError(f"工作区 {self.path} 无法读取或升级：{exc}") from exc
        finally:
            con.close()
        self._ready = True

    def schema_version(self) -> int:
        with self.read() as con:
            return int(con.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads (one consistent snapshot per statement; WAL lets writers go on)."""
        if not self._ready:
            self._migrate()
        con = self._connect()
        try:
            yield con
        except sqlite3.Error as exc:
            raise WorkspaceError(f"读取工作区 {self.path} 失败：{exc}") from exc
        finally:
            con.close()

    @contextmanager
    def write(self, attach: dict[str, Path] | None = None) -> Iterator[sqlite3.Connection]:
        """One write transaction (``BEGIN IMMEDIATE``): all of it is kept, or none of it.

        ``attach`` names other database files to attach (as schema names) before it begins.
        """
        if not self._ready:
            self._migrate()
        con = self._connect()
        try:
            for name, path in (attach or {}).items():
                if not name.isidentifier():
                    raise ValueError(f"not a schema name: {name!r}")
                con.execute(f"ATTACH DATABASE ? AS {name}", (str(path),))
            con.execute("BEGIN IMMEDIATE")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise WorkspaceError(f"工作区 {self.path} 正被其他写入占用超过 {BUSY_TIMEOUT_MS // 1000} 秒，请稍后重试。") from exc
            raise WorkspaceError(f"写入工作区 {self.path} 失败：{exc}") from exc
        except sqlite3.Error as exc:
            raise WorkspaceError(f"写入工作区 {self.path} 失败：{exc}") from exc
        finally:
            con.close()

    def tables(self) -> list[str]:
        """The workspace's own tables, in creation order (what export and restore carry)."""
        with self.read() as con:
            rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid").fetchall()
        return [r[0] for r in rows]


def check_version(version: int, where: str) -> None:
    """Refuse a workspace (or backup) written by a newer indmap.

    >>> check_version(SCHEMA_VERSION, "w")
    >>> try:
    ...     check_version(SCHEMA_VERSION + 1, "backup.json")
    ... except WorkspaceError as exc:
    ...     print(str(exc).split("（")[0])
    backup.json 来自更新版本的 indmap
    """
    if version > SCHEMA_VERSION:
        raise WorkspaceError(
            f"{where} 来自更新版本的 indmap（工作区结构版本 {version}，本程序只支持到 {SCHEMA_VERSION}）："
            "请先升级 indmap，再打开或恢复它。"
        )


def _statements(script: str) -> list[str]:
    """The statements of a migration script (no statement of ours contains ';' inside)."""
    return [s.strip() for s in script.split(";") if s.strip()]
