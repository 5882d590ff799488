"""Accounts of the app: names, roles, an optional park, Argon2id password hashes, and login throttling.

Accounts live in the workspace (table ``users``) or, with the ``users`` setting, in a file of their
own with the same schema (:func:`accounts`). Passwords are hashed with Argon2id through
``argon2-cffi`` (its default parameters, re-hashed on login when they change); a password is never
stored, logged or shown. A failed login is recorded (``login_failures``); after
``max_failures`` failures for one name within :data:`WINDOW_S` (or 4× as many from one client
address), every further attempt must wait ``lockout_s`` seconds, doubling with each failure up to
:data:`MAX_WAIT_S` — the password is not even checked while the wait runs. A success clears the
name's failures.

Roles (:data:`ROLES`): ``viewer`` reads every page; ``editor`` also uploads data, reviews links and
edits leads; ``admin`` also manages accounts. :func:`can` answers "may this role do that". An account
with a park is confined to that park whatever its role (:data:`PARK_ACCOUNT_ZH`; the app's rule is
``webapp.auth.Access``).
"""

from __future__ import annotations

import time
import unicodedata
from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel

from graph.i18n import ROLE_ZH
from graph.settings import Settings
from graph.workspace.db import Workspace, WorkspaceError, now

ROLES = ("viewer", "editor", "admin")
#: what each role may do, cumulative
RIGHTS = {"viewer": frozenset({"read"}), "editor": frozenset({"read", "edit"}), "admin": frozenset({"read", "edit", "admin"})}
#: what a park account may see, for people (the 用户 page, ``indmap user``)
PARK_ACCOUNT_ZH = (
    "园区账号（设了园区的账号，任何角色）只能查看本园区：只有园区（锁定本园区）、项目（只含本园区项目）和企业"
    "（本园区企业与外地招商候选企业）三个页面，不能查看其他园区的企业、全市分析页面、数据、Cypher 查询和账号管理"
)
MIN_PASSWORD = 8
MAX_NAME = 40
WINDOW_S = 15 * 60
MAX_WAIT_S = 15 * 60
CLIENT_FACTOR = 4

_HASHER = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the name does not exist, so a wrong name costs as long as a wrong password.

    Made on first use, not at import: one argon2 hash costs 0.2–1 s, and every command that
    only imports the workspace (``indmap ingest`` records a snapshot) paid it.
    """
    return _HASHER.hash("indmap-no-such-account")


class UserError(ValueError):
    """A refused account operation; the message is for people."""


class User(BaseModel):
    """An account as shown (never with its password hash)."""

    name: str
    role: str
    park_id: str | None = None
    created_at: str
    created_by: str
    updated_at: str
    password_changed_at: str

    @property
    def role_zh(self) -> str:
        return ROLE_ZH.get(self.role, self.role)


@dataclass(frozen=True)
class LoginResult:
    """What :func:`authenticate` decided: the user, or why not and how long to wait."""

    user: User | None
    reason: str = ""
    wait_s: float = 0.0


def can(role: str | None, action: str) -> bool:
    """May ``role`` do ``action`` (``read``, ``edit``, ``admin``)?

    >>> can("viewer", "read"), can("viewer", "edit"), can("editor", "edit"), can("editor", "admin"), can("admin", "admin")
    (True, False, True, False, True)
    """
    return action in RIGHTS.get(role or "", frozenset())


def accounts(settings: Settings) -> Workspace:
    """The file holding the accounts: the ``users`` setting, else the workspace."""
    return Workspace(settings.accounts_path)


def clean_name(name: str) -> str:
    """An account name as stored: NFKC, trimmed; refused when empty, too long or with control characters.

    >>> clean_name("  招商一科 张三 "), clean_name("ＡＤＭＩＮ")
    ('招商一科 张三', 'ADMIN')
    """
    n = unicodedata.normalize("NFKC", str(name or "")).strip()
    if not n:
        raise UserError("账号名不能为空。")
    if len(n) > MAX_NAME:
        raise UserError(f"账号名最多 {MAX_NAME} 个字符。")
    if any(unicodedata.category(ch).startswith("C") for ch in n):
        raise UserError("账号名不能含控制字符或不可见字符。")
    return n


def check_role(role: str) -> str:
    """A role key from its key or Chinese label.

    >>> check_role("编辑"), check_role("admin")
    ('editor', 'admin')
    """
    r = str(role or "").strip().lower()
    for key, zh in ROLE_ZH.items():
        if r in (key, zh):
            return key
    raise UserError(f"角色 “{role}” 无效：可选 " + "、".join(f"{k}（{v}）" for k, v in ROLE_ZH.items()) + "。")


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise UserError(f"密码至少 {MIN_PASSWORD} 个字符。")
    if password != password.strip() or any(unicodedata.category(ch) == "Cc" for ch in password):
        raise UserError("密码首尾不能有空格，也不能含控制字符（换行等）。")
    return password


def _user(row) -> User:
    return User(**{k: row[k] for k in ("name", "role", "park_id", "created_at", "created_by", "updated_at", "password_changed_at")})


_COLS = "name, role, park_id, created_at, created_by, updated_at, password_changed_at"


def list_users(ws: Workspace) -> list[User]:
    """Every account, admins first, then by name."""
    with ws.read() as con:
        rows = con.execute(f"SELECT {_COLS} FROM users").fetchall()
    order = {r: i for i, r in enumerate(reversed(ROLES))}
    return sorted((_user(r) for r in rows), key=lambda u: (order.get(u.role, 9), u.name))


def count_users(ws: Workspace) -> int:
    with ws.read() as con:
        return int(con.execute("SELECT count(*) FROM users").fetchone()[0])


def get_user(ws: Workspace, name: str) -> User | None:
    with ws.read() as con:
        row = con.execute(f"SELECT {_COLS} FROM users WHERE name = ?", (name,)).fetchone()
    return _user(row) if row else None


def add_user(ws: Workspace, name: str, password: str, role: str, *, park_id: str | None = None, by: str) -> User:
    """Create an account; a name that exists is refused."""
    name, role, password = clean_name(name), check_role(role), check_password(password)
    digest = _HASHER.hash(password)
    t = _stamp()
    with ws.write() as con:
        if con.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise UserError(f"账号 “{name}” 已存在：修改密码用 `indmap user passwd {name}`。")
        con.execute(
            "INSERT INTO users(name, role, park_id, password_hash, created_at, created_by, updated_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (name, role, (park_id or "").strip() or None, digest, t, by, t, t),
        )
    user = get_user(ws, name)
    assert user is not None
    return user


def _admins_left(con, without: str) -> int:
    return int(con.execute("SELECT count(*) FROM users WHERE role = 'admin' AND name <> ?", (without,)).fetchone()[0])


def update_user(ws: Workspace, name: str, *, role: str | None = None, park_id: str | None | bool = False) -> User:
    """Change an account's role and/or park (``park_id=None`` clears it; ``False`` leaves it)."""
    role = check_role(role) if role is not None else None
    with ws.write() as con:
        row = con.execute("SELECT role FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UserError(f"没有账号 “{name}”。")
        if row["role"] == "admin" and role not in (None, "admin") and _admins_left(con, name) == 0:
            raise UserError("这是最后一个管理员账号：先给另一个账号管理员角色，再修改它。")
        if role is not None:
            con.execute("UPDATE users SET role = ?, updated_at = ? WHERE name = ?", (role, now(), name))
        if park_id is not False:
            con.execute("UPDATE users SET park_id = ?, updated_at = ? WHERE name = ?", ((park_id or "").strip() or None, now(), name))
    user = get_user(ws, name)
    assert user is not None
    return user


def _stamp() -> str:
    """When a password was set, to the microsecond: a session logged in before a change must see it changed."""
    import datetime as dt

    return dt.datetime.now().astimezone().isoformat(timespec="microseconds")


def set_password(ws: Workspace, name: str, password: str) -> None:
    """A new password; sessions logged in with the old one end at their next page load."""
    digest = _HASHER.hash(check_password(password))
    t = _stamp()
    with ws.write() as con:
        cur = con.execute("UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ? WHERE name = ?", (digest, t, t, name))
        if cur.rowcount == 0:
            raise UserError(f"没有账号 “{name}”。")
        con.execute("DELETE FROM login_failures WHERE name = ?", (name,))


def remove_user(ws: Workspace, name: str) -> None:
    """Delete an account (its sessions end at their next page load); the last admin of several accounts stays."""
    with ws.write() as con:
        row = con.execute("SELECT role FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise UserError(f"没有账号 “{name}”。")
        others = int(con.execute("SELECT count(*) FROM users WHERE name <> ?", (name,)).fetchone()[0])
        if row["role"] == "admin" and others and _admins_left(con, name) == 0:
            raise UserError("这是最后一个管理员账号，其他账号还在：先给另一个账号管理员角色，再删除它。")
        con.execute("DELETE FROM users WHERE name = ?", (name,))
        con.execute("DELETE FROM login_failures WHERE name = ?", (name,))


def _wait(times: list[float], limit: int, lockout_s: float, at: float) -> float:
    """Seconds still to wait, given the failure times (ascending) inside the window."""
    if len(times) < limit:
        return 0.0
    delay = min(lockout_s * 2 ** (len(times) - limit), MAX_WAIT_S)
    return max(0.0, times[-1] + delay - at)


def login_wait(ws: Workspace, name: str, client: str | None, *, max_failures: int, lockout_s: float, at: float | None = None) -> float:
    """How long a login for ``name`` from ``client`` must still wait (0: it may try now)."""
    at = time.time() if at is None else at
    since = at - WINDOW_S
    with ws.read() as con:
        by_name = [r[0] for r in con.execute("SELECT at FROM login_failures WHERE name = ? AND at > ? ORDER BY at", (name, since))]
        by_client = [r[0] for r in con.execute("SELECT at FROM login_failures WHERE client = ? AND at > ? ORDER BY at", (client, since))] if client else []
    return max(_wait(by_name, max_failures, lockout_s, at), _wait(by_client, max_failures * CLIENT_FACTOR, lockout_s, at))


def authenticate(
    ws: Workspace, name: str, password: str, *, client: str | None = None, max_failures: int = 5, lockout_s: float = 30, at: float | None = None
) -> LoginResult:
    """Check a login; records a failure, clears failures on success, refuses while a wait runs.

    The same message for an unknown name and a wrong password (no hint which one was wrong).
    """
    at = time.time() if at is None else at
    try:
        name = clean_name(name)
    except UserError:
        return LoginResult(None, "请输入账号名和密码。")
    wait = login_wait(ws, name, client, max_failures=max_failures, lockout_s=lockout_s, at=at)
    if wait > 0:
        return LoginResult(None, f"登录失败次数过多，请 {int(wait) + 1} 秒后再试。", wait)
    with ws.read() as con:
        row = con.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
    digest = row["password_hash"] if row else _dummy_hash()
    try:
        ok = _HASHER.verify(digest, password or "") and row is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        with ws.write() as con:
            con.execute("INSERT INTO login_failures(name, client, at) VALUES (?, ?, ?)", (name, client, at))
            con.execute("DELETE FROM login_failures WHERE at < ?", (at - WINDOW_S,))
        return LoginResult(None, "账号名或密码不对。")
    with ws.write() as con:
        con.execute("DELETE FROM login_failures WHERE name = ?", (name,))
        if _HASHER.check_needs_rehash(digest):
            con.execute("UPDATE users SET password_hash = ? WHERE name = ?", (_HASHER.hash(password), name))
    return LoginResult(get_user(ws, name))


__all__ = [
    "ROLES", "LoginResult", "User", "UserError", "WorkspaceError", "accounts", "add_user", "authenticate", "can", "check_role",
    "clean_name", "count_users", "get_user", "list_users", "login_wait", "remove_user", "set_password", "update_user",
]  # fmt: skip
