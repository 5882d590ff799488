"""Accounts: Argon2id hashes, roles, the last admin, login throttling, `indmap user`, backups without accounts."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from graph.settings import Settings
from graph.workspace import Workspace
from graph.workspace.backup import export_workspace, restore_workspace
from graph.workspace.users import (
    MAX_WAIT_S,
    UserError,
    add_user,
    authenticate,
    can,
    count_users,
    get_user,
    list_users,
    login_wait,
    remove_user,
    set_password,
    update_user,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def ws(tmp_path):
    return Workspace(tmp_path / "w.sqlite")


def test_password_is_stored_as_argon2id_only(ws):
    add_user(ws, "张三", "correct horse", "editor", by="t")
    with sqlite3.connect(ws.path) as con:
        (digest,) = con.execute("SELECT password_hash FROM users").fetchone()
        dump = "\n".join(con.iterdump())
    assert digest.startswith("$argon2id$") and "correct horse" not in dump
    assert authenticate(ws, "张三", "correct horse").user.role == "editor"
    assert authenticate(ws, "张三", "wrong horse").user is None


def test_names_roles_and_passwords_are_checked(ws):
    with pytest.raises(UserError, match="至少 8"):
        add_user(ws, "a", "short", "viewer", by="t")
    with pytest.raises(UserError, match="角色"):
        add_user(ws, "a", "long enough", "boss", by="t")
    with pytest.raises(UserError, match="控制字符"):
        add_user(ws, "a\u200bb", "long enough", "viewer", by="t")
    add_user(ws, "ＡＢ", "long enough", "查看", by="t")  # full-width name and Chinese role label
    assert get_user(ws, "AB").role == "viewer"
    with pytest.raises(UserError, match="已存在"):
        add_user(ws, "AB", "long enough", "viewer", by="t")
    assert authenticate(ws, "ＡＢ", "long enough").user.name == "AB"


def test_rights_per_role():
    assert [can(r, "edit") for r in ("viewer", "editor", "admin", None)] == [False, True, True, False]
    assert [can(r, "admin") for r in ("viewer", "editor", "admin")] == [False, False, True]


def test_the_last_admin_stays(ws):
    add_user(ws, "admin1", "long enough", "admin", by="t")
    add_user(ws, "clerk", "long enough", "editor", by="t")
    with pytest.raises(UserError, match="最后一个管理员"):
        remove_user(ws, "admin1")
    with pytest.raises(UserError, match="最后一个管理员"):
        update_user(ws, "admin1", role="editor")
    update_user(ws, "clerk", role="admin", park_id="P1")
    remove_user(ws, "admin1")
    assert [(u.name, u.role, u.park_id) for u in list_users(ws)] == [("clerk", "admin", "P1")]
    remove_user(ws, "clerk")  # the only account may go
    assert count_users(ws) == 0


def test_failed_logins_are_delayed_then_doubled(ws):
    add_user(ws, "张三", "correct horse", "editor", by="t")
    t = 1_000_000.0
    for i in range(3):
        assert authenticate(ws, "张三", "nope nope", max_failures=3, lockout_s=10, at=t + i).reason == "账号名或密码不对。"
    # three failures: the next attempt must wait 10 s from the last one, even with the right password
    res = authenticate(ws, "张三", "correct horse", max_failures=3, lockout_s=10, at=t + 5)
    assert res.user is None and 0 < res.wait_s <= 10 and "秒后再试" in res.reason
    assert login_wait(ws, "张三", None, max_failures=3, lockout_s=10, at=t + 12.5) == 0
    assert authenticate(ws, "张三", "nope nope", max_failures=3, lockout_s=10, at=t + 13).user is None
    assert login_wait(ws, "张三", None, max_failures=3, lockout_s=10, at=t + 13) == pytest.approx(20)  # doubled
    assert authenticate(ws, "张三", "correct horse", max_failures=3, lockout_s=10, at=t + 34).user is not None
    assert login_wait(ws, "张三", None, max_failures=3, lockout_s=10, at=t + 34) == 0  # a success clears the failures


def test_one_client_guessing_many_names_is_delayed(ws):
    add_user(ws, "张三", "correct horse", "editor", by="t")
    t = 2_000_000.0
    for i in range(8):  # 2 failures per name, 4 names: no name reaches its limit, the address does (2 × 4)
        authenticate(ws, f"name{i % 4}", "guess guess", client="10.0.0.9", max_failures=2, lockout_s=5, at=t + i)
    assert authenticate(ws, "张三", "correct horse", client="10.0.0.9", max_failures=2, lockout_s=5, at=t + 9).user is None
    assert authenticate(ws, "张三", "correct horse", client="10.0.0.7", max_failures=2, lockout_s=5, at=t + 9).user is not None
    assert login_wait(ws, "x", None, max_failures=1, lockout_s=10**6, at=t) <= MAX_WAIT_S


def test_new_password_replaces_the_old(ws):
    add_user(ws, "张三", "correct horse", "editor", by="t")
    before = get_user(ws, "张三").password_changed_at
    set_password(ws, "张三", "battery staple")
    assert authenticate(ws, "张三", "correct horse").user is None
    assert authenticate(ws, "张三", "battery staple").user is not None
    assert get_user(ws, "张三").password_changed_at >= before
    with pytest.raises(UserError):
        set_password(ws, "nobody", "battery staple")


def test_backups_leave_accounts_out_and_restore_keeps_them(ws, tmp_path):
    add_user(ws, "张三", "correct horse", "admin", by="t")
    data = export_workspace(ws)
    assert "users" not in data["tables"] and "login_failures" not in data["tables"]
    assert "argon2" not in json.dumps(data)
    other = Workspace(tmp_path / "other.sqlite")
    add_user(other, "李四", "correct horse", "admin", by="t")
    restore_workspace(other, data)
    assert [u.name for u in list_users(other)] == ["李四"]  # the restored workspace keeps its own accounts


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, input=stdin, capture_output=True, text=True, timeout=120)


def test_cli_user_commands(tmp_path):
    store = str(tmp_path / "s.lbug")
    r = _cli("user", "add", "管理员", "--role", "admin", "--password-stdin", "--store", store, "--format", "json", stdin="correct horse\n")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[0]["role"] == "admin" and "correct horse" not in r.stdout + r.stderr
    assert _cli("user", "add", "x", "--role", "viewer", "--password-stdin", "--store", store, stdin="short\n").returncode == 2
    r = _cli("user", "add", "y", "--role", "viewer", "--store", store)  # no terminal to type a password at
    assert r.returncode == 2 and "--password-stdin" in r.stderr
    assert _cli("user", "add", "园区A", "--role", "viewer", "--park", "P1", "--password-stdin", "--store", store, stdin="long enough\n").returncode == 0
    r = _cli("user", "list", "--store", store)
    assert r.returncode == 0 and "管理员" in r.stdout and "查看" in r.stdout and "P1" in r.stdout
    assert _cli("user", "passwd", "园区A", "--password-stdin", "--store", store, stdin="battery staple\n").returncode == 0
    assert _cli("user", "update", "园区A", "--role", "editor", "--store", store).returncode == 0
    assert authenticate(Workspace(Settings(store=store).workspace_path), "园区A", "battery staple").user.role == "editor"
    assert _cli("user", "remove", "管理员", "--store", store).returncode == 2  # the last admin of two accounts
    assert _cli("user", "remove", "园区A", "--store", store).returncode == 0
    r = _cli("user", "list", "--store", store, "--format", "json")
    assert [u["name"] for u in json.loads(r.stdout)] == ["管理员"]


def test_cli_users_file_setting(tmp_path):
    users = tmp_path / "accounts.sqlite"
    env = {"INDMAP_USERS": str(users)}
    r = subprocess.run([sys.executable, "-m", "cli", "user", "add", "a", "--role", "admin", "--password-stdin", "--store", str(tmp_path / "s.lbug")],
                       cwd=ROOT, input="long enough\n", capture_output=True, text=True, timeout=120, env={**os.environ, **env})
    assert r.returncode == 0, r.stderr
    assert [u.name for u in list_users(Workspace(users))] == ["a"]
    assert not (tmp_path / "s.lbug.workspace.sqlite").exists()


def test_cli_park_account_must_name_a_park_of_the_data(tmp_path):
    store = str(tmp_path / "s.lbug")
    assert _cli("ingest", str(ROOT / "data" / "sample"), "--store", store, "--quiet").returncode == 0
    r = _cli("user", "add", "园区B", "--role", "viewer", "--park", "P99", "--password-stdin", "--store", store, stdin="long enough\n")
    assert r.returncode == 2 and "没有园区 “P99”" in r.stderr and "P09（" in r.stderr, r.stderr
    # a typo is answered with the park meant (it listed the first 30 parks by id, other cities' peers first)
    r = _cli("user", "add", "园区B", "--role", "viewer", "--park", "p01", "--password-stdin", "--store", store, stdin="long enough\n")
    assert r.returncode == 2 and "您是否要找：P01（" in r.stderr, r.stderr
    assert _cli("user", "add", "园区B", "--role", "viewer", "--park", "P01", "--password-stdin", "--store", store, stdin="long enough\n").returncode == 0


def test_unknown_name_checked_against_a_dummy_hash_made_on_first_use(ws):
    """Importing the accounts module costs no Argon2 hash (every CLI command imports it); a login
    with an unknown name still verifies against a real hash, made once."""
    code = "import graph.workspace.users as u; print(u._dummy_hash.cache_info().currsize)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"
    from graph.workspace import users as U

    U._dummy_hash.cache_clear()
    assert authenticate(ws, "无此人", "whatever pw", max_failures=3, lockout_s=10, at=3_000_000.0).user is None
    assert U._dummy_hash().startswith("$argon2id$") and U._dummy_hash.cache_info().currsize == 1


def test_user_table_names_the_park(tmp_path, capsys):
    # people read the park's name beside its id (it showed the id alone: WP03); JSON keeps the id
    from cli.users import _show

    ws = Workspace(tmp_path / "w.sqlite")
    add_user(ws, "园区甲", "long enough", "viewer", park_id="WP03", by="t")
    _show(list_users(ws), "table", {"WP03": "芜湖经济技术开发区"})
    assert "芜湖经济技术开发区（WP03）" in capsys.readouterr().out
    _show(list_users(ws), "json", {"WP03": "芜湖经济技术开发区"})
    assert json.loads(capsys.readouterr().out)[0]["park_id"] == "WP03"


def test_user_table_says_a_park_account_is_confined(tmp_path, capsys):
    # it said nothing of what a park account may see (it was not confined; now it is: webapp.auth.Access)
    from cli.users import _show

    ws = Workspace(tmp_path / "w.sqlite")
    add_user(ws, "全市", "long enough", "viewer", by="t")
    _show(list_users(ws), "table")
    assert "园区账号" not in capsys.readouterr().err  # no park account, no note
    add_user(ws, "园区甲", "long enough", "editor", park_id="WP03", by="t")
    _show(list_users(ws), "table")
    assert "园区账号（设了园区的账号，任何角色）只能查看本园区" in capsys.readouterr().err
