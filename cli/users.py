"""Accounts of the app: ``indmap user add|list|update|passwd|remove``.

Accounts live in the workspace beside the store (or in the file named by the ``users`` setting,
``INDMAP_USERS``); passwords are stored as Argon2id hashes only. A password is typed at a prompt
(twice), or read from the first line of standard input with ``--password-stdin`` (for scripts);
it never appears on the command line.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from cli.common import add_format_arg, add_store_arg, dumps, emit, settings_from_args
from graph.i18n import ROLE_RIGHTS_ZH, ROLE_ZH
from graph.workspace import WorkspaceError
from graph.workspace.users import PARK_ACCOUNT_ZH, ROLES, UserError, accounts, add_user, list_users, remove_user, set_password, update_user

ROLE_HELP = "; ".join(f"{k} ({ROLE_ZH[k]}): {ROLE_RIGHTS_ZH[k]}" for k in ROLES)


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("user", help="accounts of the app: add, list, update, passwd, remove", description=(
        "应用的账号与角色。账号保存在图数据库旁的工作区中（或设置 users / INDMAP_USERS 指定的文件），密码只保存 Argon2id 散列。"
        f"角色：{ROLE_HELP}。应用只在本机地址（127.0.0.1）上、且没有任何账号时免登录；其他地址或已有账号时必须登录。"
        f"{PARK_ACCOUNT_ZH}。"
    ))
    users = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    a = users.add_parser("add", help="create an account", description="新建账号。密码在提示符下输入两次，或用 --password-stdin 从标准输入读取第一行。")
    a.add_argument("name", help="account name (what people type to log in)")
    a.add_argument("--role", required=True, choices=list(ROLES), help="viewer (查看), editor (编辑: upload, review links, edit leads) or admin (管理员: also manage accounts)")
    a.add_argument("--park", metavar="ID", help="a park account: confined to this park (its 园区, 项目 and 企业 pages; no other park's firms)")
    a.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input")
    add_store_arg(a)
    add_format_arg(a, ("table", "json"))
    a.set_defaults(func=cmd_add)

    li = users.add_parser("list", help="every account with its role and park", description="列出所有账号（不显示密码）。")
    add_store_arg(li)
    add_format_arg(li, ("table", "json"))
    li.set_defaults(func=cmd_list)

    u = users.add_parser("update", help="change an account's role or park", description="修改账号的角色或园区（--park \"\" 清除园区）。")
    u.add_argument("name")
    u.add_argument("--role", choices=list(ROLES), help="new role")
    u.add_argument("--park", metavar="ID", help="new park (\"\" clears it)")
    add_store_arg(u)
    add_format_arg(u, ("table", "json"))
    u.set_defaults(func=cmd_update)

    pw = users.add_parser("passwd", help="set a new password", description="设置新密码；用旧密码登录的会话在下次打开页面时需重新登录。")
    pw.add_argument("name")
    pw.add_argument("--password-stdin", action="store_true", help="read the password from the first line of standard input")
    add_store_arg(pw)
    pw.set_defaults(func=cmd_passwd)

    r = users.add_parser("remove", help="delete an account", description="删除账号；该账号的会话在下次打开页面时结束。还有其他账号时，最后一个管理员不能删除。")
    r.add_argument("name")
    add_store_arg(r)
    r.set_defaults(func=cmd_remove)


def read_password(from_stdin: bool) -> str:
    """The new password: the first line of stdin, or typed twice at a prompt (not echoed)."""
    if from_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("没有终端可以输入密码：请在终端中运行，或加 --password-stdin 从标准输入读取密码。")
    first = getpass.getpass("密码（至少 8 个字符）：")
    second = getpass.getpass("再输入一次：")
    if first != second:
        raise UserError("两次输入的密码不一致。")
    return first


def _row(u) -> dict:
    return {"name": u.name, "role": u.role, "role_zh": u.role_zh, "park_id": u.park_id, "created_at": u.created_at, "created_by": u.created_by, "password_changed_at": u.password_changed_at}


TABLE_HEADERS = {"name": "账号", "role_zh": "角色", "park_id": "园区", "created_at": "创建时间", "created_by": "创建人", "password_changed_at": "密码修改时间"}


def _show(users: list, fmt: str, parks: dict[str, str] | None = None) -> None:
    """The accounts as JSON (park ids) or as a table for people (a park as its name and id, from ``parks``)."""
    rows = [_row(u) for u in users]
    if fmt == "json":
        print(dumps(rows))
    else:
        cols = list(TABLE_HEADERS)
        def cell(c: str, v) -> str:
            if v is None:
                return "—"
            if c == "park_id" and (parks or {}).get(v):
                return f"{parks[v]}（{v}）"
            return v[:16].replace("T", " ") if c.endswith("_at") else v

        emit([{TABLE_HEADERS[c]: cell(c, r[c]) for c in cols} for r in rows], "table", columns=[TABLE_HEADERS[c] for c in cols])
        if any(u.park_id for u in users):
            print(f"注：{PARK_ACCOUNT_ZH}。", file=sys.stderr)


def _parks(settings) -> dict[str, str] | None:
    """The parks of the store (id -> name), None when it cannot be read."""
    from graph import queries as Q
    from graph.stores import StoreError, open_store

    try:
        store = open_store(settings)
        try:
            res = store.query(Q.PARKS_ID_NAME)
        finally:
            store.close()
    except (StoreError, RuntimeError, OSError):
        return None
    return {str(r[0]): str(r[1] or "") for r in res.rows}


def _check_park(settings, park: str | None) -> None:
    if not park:
        return
    parks = _parks(settings)
    if parks is None:
        print(f"注意：无法读取数据库，未核对园区 “{park}” 是否存在。", file=sys.stderr)
    elif park not in parks:
        from graph.lookup import did_you_mean, id_list, suggest_among

        near = suggest_among(list(parks.items()), park, limit=3)  # p01 -> P01, 高新区 -> P01（示例高新技术产业开发区）
        if near:
            raise UserError(f"当前数据中没有园区 “{park}”。{did_you_mean(near)}")
        known = id_list(list(parks.items())[:30]) or "（当前数据中没有园区）"
        more = f" 等 {len(parks)} 个" if len(parks) > 30 else ""
        raise UserError(f"当前数据中没有园区 “{park}”。可用的园区编号：{known}{more}。")


def _by() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers): still record something
        return "命令行"


def _run(fn) -> int:
    try:
        return fn()
    except UserError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except WorkspaceError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 3


def cmd_add(args: argparse.Namespace) -> int:
    def go() -> int:
        settings = settings_from_args(args)
        _check_park(settings, args.park)
        user = add_user(accounts(settings), args.name, read_password(args.password_stdin), args.role, park_id=args.park, by=_by())
        print(f"已创建账号 “{user.name}”（{user.role_zh}）：{settings.accounts_path}", file=sys.stderr)
        _show([user], args.format)
        return 0

    return _run(go)


def cmd_list(args: argparse.Namespace) -> int:
    def go() -> int:
        settings = settings_from_args(args)
        users = list_users(accounts(settings))
        if not users and args.format != "json":
            print(f"还没有账号（{settings.accounts_path}）。新建管理员：indmap user add 名字 --role admin", file=sys.stderr)
            return 0
        _show(users, args.format, _parks(settings) if any(u.park_id for u in users) else None)
        return 0

    return _run(go)


def cmd_update(args: argparse.Namespace) -> int:
    def go() -> int:
        settings = settings_from_args(args)
        if args.role is None and args.park is None:
            raise UserError("请给出 --role 或 --park。")
        _check_park(settings, args.park)
        user = update_user(accounts(settings), args.name, role=args.role, park_id=False if args.park is None else (args.park or None))
        _show([user], args.format)
        return 0

    return _run(go)


def cmd_passwd(args: argparse.Namespace) -> int:
    def go() -> int:
        settings = settings_from_args(args)
        ws = accounts(settings)
        from graph.workspace.users import get_user

        if get_user(ws, args.name) is None:
            raise UserError(f"没有账号 “{args.name}”。")
        set_password(ws, args.name, read_password(args.password_stdin))
        print(f"已修改 “{args.name}” 的密码。", file=sys.stderr)
        return 0

    return _run(go)


def cmd_remove(args: argparse.Namespace) -> int:
    def go() -> int:
        remove_user(accounts(settings_from_args(args)), args.name)
        print(f"已删除账号 “{args.name}”。", file=sys.stderr)
        return 0

    return _run(go)
