"""Accounts in the app (AppTest): the login gate by served address, the create-account command, roles,
park accounts, session expiry, throttling, the 用户 page, the 挂接审核 page and the 数据 page's upload parts."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import termios
import time
from pathlib import Path

import pytest
from streamlit import config
from streamlit.testing.v1 import AppTest

from cli import main
from graph.settings import Settings
from graph.workspace import Workspace
from graph.workspace.reviews import ReviewConflict, add_review, current_reviews
from graph.workspace.users import add_user, authenticate, list_users
from webapp.auth import SESSION

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
SAMPLE = ROOT / "data" / "sample"
TIMEOUT = 60
PW = "correct horse"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("auth")
    assert main(["ingest", str(SAMPLE), "--store", str(d / "g.lbug"), "--quiet"]) == 0
    return d


@pytest.fixture()
def env(store_dir, tmp_path, monkeypatch):
    """A fresh workspace (accounts) per test beside the shared store."""
    ws = tmp_path / "ws.sqlite"
    monkeypatch.setenv("INDMAP_STORE", str(store_dir / "g.lbug"))
    monkeypatch.setenv("INDMAP_WORKSPACE", str(ws))
    monkeypatch.chdir(ROOT)
    return Workspace(ws)


@pytest.fixture()
def served_on():
    """Pretend Streamlit serves on ``address`` (``--server.address``), restored afterwards."""
    before = config.get_option("server.address")

    def set_(address: str) -> None:
        config.set_option("server.address", address)

    yield set_
    config.set_option("server.address", before)


def run(page: str | None = None, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    return at


def shows_no_data(at: AppTest) -> bool:
    return not at.metric and not at.dataframe and len(at.sidebar.markdown) == 0 and [t.value for t in at.title] == ["招商产业链图谱 · 登录"]


def test_loopback_without_accounts_needs_no_login(env):
    at = run()
    assert [t.value for t in at.title] == ["招商产业链图谱 · 总览"] and at.metric


def test_served_on_0000_shows_no_data_and_the_command_that_creates_an_account(env, served_on):
    served_on("0.0.0.0")
    at = run()
    assert shows_no_data(at)
    assert any("0.0.0.0" in w.value and "还没有任何账号" in w.value for w in at.warning)
    (cmd,) = [c.value for c in at.code]
    assert " user add admin --role admin --store " in cmd and "INDMAP_WORKSPACE=" in cmd
    # the command works as typed: run it in a terminal, type the password twice at the prompts
    out = _run_in_terminal(cmd, [PW, PW])
    assert "已创建账号" in out, out
    assert [u.name for u in list_users(env)] == ["admin"]
    at = run()
    assert shows_no_data(at) and at.text_input(key="login_password")
    login(at, "admin", "wrong password")
    assert any("账号名或密码不对" in e.value for e in at.error) and shows_no_data(at)
    login(at, "admin", PW)
    assert [t.value for t in at.title] == ["招商产业链图谱 · 总览"] and at.metric
    assert any("admin" in m.value and "管理员" in m.value for m in at.sidebar.markdown)
    # before a login every address shows the login form and nothing else (the browser test opens /data)
    fresh = AppTest.from_file(APP, default_timeout=TIMEOUT)
    fresh.run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        fresh.switch_page("app_pages/data.py")  # the page files are not registered before a login


def _wait_echo_off(fd: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and termios.tcgetattr(fd)[3] & termios.ECHO:
        time.sleep(0.05)


def _run_in_terminal(cmd: str, answers: list[str]) -> str:
    """Run ``cmd`` with bash in a pseudo-terminal (as a person would), answering its prompts."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(["bash", "-c", cmd], stdin=slave, stdout=slave, stderr=slave, cwd="/", start_new_session=True, env={**os.environ})
    os.close(slave)
    out, pending, deadline = b"", list(answers), time.time() + 120
    while time.time() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            if pending and out.decode("utf-8", "replace").endswith("："):
                _wait_echo_off(master)  # a password typed before the prompt turns echo off would be flushed
                os.write(master, (pending.pop(0) + "\n").encode())
                out += b"\n"
        elif proc.poll() is not None:
            break
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"the command did not finish; it wrote: {out.decode('utf-8', 'replace')!r}") from None
    finally:
        os.close(master)
    return out.decode("utf-8", "replace")


def test_accounts_on_loopback_mean_a_login(env):
    add_user(env, "张三", PW, "viewer", by="t")
    at = run()
    assert shows_no_data(at) and any("已设置账号" in c.value for c in at.caption)


def test_viewer_reads_editor_edits_admin_manages(env):
    add_user(env, "看看", PW, "viewer", by="t")
    add_user(env, "编编", PW, "editor", by="t")
    add_user(env, "管管", PW, "admin", by="t")
    at = login(run(), "看看", PW)
    at.switch_page("app_pages/data.py").run()
    assert not at.get("file_uploader") and [t.value for t in at.title] == ["数据"]
    at.switch_page("app_pages/leads.py").run()
    assert any("只读账号" in i.value for i in at.info) and not any(b.label == "建立线索" for b in at.button)
    at = login(run(), "编编", PW)
    at.switch_page("app_pages/data.py").run()
    assert len(at.get("file_uploader")) == 1
    at.switch_page("app_pages/review.py").run()
    assert [t.value for t in at.title] == ["挂接审核"] and not at.exception
    at = login(run(), "管管", PW)
    at.switch_page("app_pages/users.py").run()
    assert [t.value for t in at.title] == ["用户"] and at.dataframe


def test_pages_a_role_may_not_see_are_not_registered(env):
    from webapp.auth import Access
    from webapp.pages import PAGES

    viewer = Access(True, list_users(env)[0] if list_users(env) else None)
    assert not viewer.can("edit")
    seen = [k for k, p in PAGES.items() if viewer.can(p.need)]
    assert "review" not in seen and "users" not in seen
    assert {k for k, p in PAGES.items() if Access(False).can(p.need)} == set(PAGES)  # loopback, no accounts: everything


def test_a_park_account_opens_on_its_park(env):
    add_user(env, "园区办", PW, "viewer", park_id="P02", by="t")
    at = login(run(), "园区办", PW)
    assert [t.value for t in at.title] == ["园区"] and at.selectbox(key="pk_park").value == "P02"
    # the sidebar names the account's park (it showed the bare id: 查看 · 园区 P02)
    assert "（查看 · 园区 示例经济技术开发区（P02））" in at.sidebar.markdown[0].value


def test_a_viewer_opens_saved_scenarios_but_cannot_save_or_delete_them(env):
    """A read-only account deleted any colleague's saved 推演情景 with one click (and could save new ones)."""
    from graph.workspace.scenarios import list_scenarios, save_scenario

    sc = save_scenario(env, "新能源补链", [{"kind": "target", "enterprise_id": "000025.SZ", "segment_id": "NEV-D03"}], scope="city", author="编编")
    add_user(env, "看看", PW, "viewer", by="t")
    add_user(env, "编编", PW, "editor", by="t")
    at = login(run(), "看看", PW)
    at.switch_page("app_pages/whatif.py").run()
    keys = {b.key for b in at.button}
    assert at.selectbox(key="wi_scn_pick").value == sc.id and "wi_scn_open" in keys
    assert "wi_scn_delete" not in keys and "wi_scn_save" not in keys
    assert any("需要编辑或管理员账号" in c.value for c in at.caption)
    at = login(run(), "编编", PW)
    at.switch_page("app_pages/whatif.py").run()
    at.button(key="wi_scn_delete").click().run()
    assert not at.exception and list_scenarios(env) == []


def test_only_an_admin_raises_the_console_limits(env, monkeypatch):
    """A viewer of a served app set the console's timeout to 120 s and its row cap to 100,000, past the operator's settings."""
    monkeypatch.setenv("INDMAP_QUERY_TIMEOUT_S", "5")
    monkeypatch.setenv("INDMAP_QUERY_ROW_CAP", "200")
    add_user(env, "看看", PW, "viewer", by="t")
    add_user(env, "管管", PW, "admin", by="t")
    at = login(run(), "看看", PW)
    at.switch_page("app_pages/console.py").run()
    assert (at.number_input(key="cy_timeout").max, at.number_input(key="cy_cap").max) == (5, 200)
    at.text_area(key="cy_text").set_value("UNWIND range(1, 500) AS i RETURN i")
    at.button(key="cy_run").click().run()
    assert not at.exception and len(at.dataframe[0].value) == 200
    at = login(run(), "管管", PW)
    at.switch_page("app_pages/console.py").run()
    assert (at.number_input(key="cy_timeout").max, at.number_input(key="cy_cap").max) == (120, 100000)


def test_sessions_expire_and_end_when_the_password_changes(env):
    add_user(env, "张三", PW, "editor", by="t")
    at = login(run(), "张三", PW)
    assert at.metric
    at.session_state[SESSION]["seen_at"] -= Settings().session_idle_minutes * 60 + 1
    at.run()
    assert shows_no_data(at) and any("没有操作" in w.value for w in at.warning)
    login(at, "张三", PW)
    from graph.workspace.users import set_password

    set_password(env, "张三", "battery staple")
    at.run()
    assert shows_no_data(at) and any("密码已修改" in w.value for w in at.warning)


def test_failed_logins_are_throttled_in_the_app(env, monkeypatch):
    monkeypatch.setenv("INDMAP_LOGIN_MAX_FAILURES", "2")
    monkeypatch.setenv("INDMAP_LOGIN_LOCKOUT_S", "60")
    add_user(env, "张三", PW, "editor", by="t")
    at = run()
    for _ in range(2):
        login(at, "张三", "nope nope")
    login(at, "张三", PW)  # the right password, but too soon
    assert any("秒后再试" in e.value for e in at.error) and shows_no_data(at)


def test_users_page_creates_an_account(env):
    add_user(env, "管管", PW, "admin", by="t")
    at = login(run(), "管管", PW)
    at.switch_page("app_pages/users.py").run()
    at.text_input[0].input("新同事")
    at.selectbox[0].select("editor")
    inputs = [t for t in at.text_input if t.proto.type == 1]  # password boxes
    inputs[0].input("long enough")
    inputs[1].input("long enough")
    next(b for b in at.button if b.label == "新建").click().run()
    assert not at.exception
    assert ("新同事", "editor") in [(u.name, u.role) for u in list_users(env)]
    assert authenticate(env, "新同事", "long enough").user is not None


def test_review_page_lists_links_by_evidence_and_keeps_decisions(env, store_dir):
    add_user(env, "编编", PW, "editor", by="t")
    at = login(run(), "编编", PW)
    at.switch_page("app_pages/review.py").run()
    assert not at.exception and at.selectbox(key="rv_segment").value
    from graph.stores import open_store
    from graph.view import GraphView
    from webapp.review import segment_links

    store = open_store(Settings(store=str(store_dir / "g.lbug")))
    view = GraphView(store.read_tables())
    store.close()
    seg = at.selectbox(key="rv_segment").value
    links = segment_links(view, seg)
    ev = links.get_column("evidence").drop_nulls().to_list()
    assert ev == sorted(ev, reverse=True)
    first = links.row(0, named=True)["enterprise_id"]
    at.button(key=f"rv_ok_{seg}_{first}").click().run()
    assert [(r.enterprise_id, r.segment_id, r.decision, r.reviewer) for r in current_reviews(env)] == [(first, seg, "accept", "编编")]
    assert any("审核结论是上次导入之后作出的" in i.value for i in at.info)
    at.button(key=f"rv_no_{seg}_{first}").click().run()  # a later decision replaces it
    assert [r.decision for r in current_reviews(env)] == ["reject"]
    assert len(current_reviews(env)) == 1


def test_an_open_session_shows_an_import_made_elsewhere(tmp_path, monkeypatch):
    """Another editor's 导入 (here the pipeline the 数据 page calls) reaches an open session on its next run."""
    import shutil

    from ingest.pipeline import commit, prepare_path

    store = tmp_path / "g.lbug"
    monkeypatch.setenv("INDMAP_STORE", str(store))
    monkeypatch.setenv("INDMAP_WORKSPACE", str(tmp_path / "ws.sqlite"))
    monkeypatch.chdir(ROOT)
    settings = Settings(store=str(store), workspace=str(tmp_path / "ws.sqlite"))
    first = commit(prepare_path(settings, SAMPLE))
    at = run("app_pages/data.py")

    def current_version(at: AppTest) -> list[str]:
        return [r["id"] for df in at.dataframe if "label" in df.value.columns for r in df.value.to_dict("records") if "（当前）" in r["label"]]

    assert current_version(at) == [first.version]
    more = tmp_path / "more"
    shutil.copytree(SAMPLE, more)
    with open(more / "projects.csv", "a", encoding="utf-8") as f:
        f.write("PX1,示例新项目一,lead,,P05,PV-U05,1000,10,2026-11-01,,,,,,招商一科,,\n")
    second = commit(prepare_path(settings, more))
    assert second.version != first.version
    at.run()
    assert not at.exception and current_version(at) == [second.version]


def test_the_store_path_shows_to_admins_and_a_local_app_only(env, store_dir):
    # the round-10 audit: a served app with accounts showed every account the server's file path (数据库：`/work/…`)
    name = (store_dir / "g.lbug").name

    def path_shown(at: AppTest) -> bool:
        texts = [c.value for c in at.sidebar.caption] + [m.value for m in at.markdown] + [c.value for c in at.code]
        return any(name in t for t in texts)

    at = run()  # loopback, no accounts: the machine's own user
    assert path_shown(at)
    add_user(env, "看看", PW, "viewer", by="t")
    add_user(env, "管管", PW, "admin", by="t")
    at = login(run(), "看看", PW)
    assert not path_shown(at) and any("导入时间" in c.value for c in at.sidebar.caption)
    at.switch_page("app_pages/data.py").run()
    assert not path_shown(at) and any("内置 LadybugDB" in m.value for m in at.markdown)
    at = login(run(), "管管", PW)
    assert path_shown(at)
    at.switch_page("app_pages/data.py").run()
    assert path_shown(at)


def test_an_unreadable_store_names_its_path_to_admins_only(env, tmp_path, monkeypatch):
    # the round-10 audit: a store that cannot be read showed every account 无法读取数据库 /srv/…: the server's path
    bad = tmp_path / "secret-dir" / "broken.lbug"
    bad.parent.mkdir()
    bad.write_bytes(b"not a database" * 100)
    monkeypatch.setenv("INDMAP_STORE", str(bad))
    add_user(env, "看看", PW, "viewer", by="t")
    add_user(env, "管管", PW, "admin", by="t")

    def errors(at: AppTest) -> list[str]:
        return [e.value for e in at.error]

    for page in (None, "app_pages/data.py", "app_pages/console.py"):
        at = login(run(), "看看", PW)
        if page:
            at.switch_page(page).run()
        assert errors(at) and not any("secret-dir" in e for e in errors(at)), (page, errors(at))
        assert any("请联系管理员" in e for e in errors(at))
        at = login(run(), "管管", PW)
        if page:
            at.switch_page(page).run()
        assert any("secret-dir" in e for e in errors(at)), (page, errors(at))
    # an empty store: the ingest command (the server's paths) to an admin only
    monkeypatch.setenv("INDMAP_STORE", str(bad.parent / "empty.lbug"))
    at = login(run(), "看看", PW)
    assert any("请联系管理员导入数据" in i.value for i in at.info) and not any("secret-dir" in i.value for i in at.info)
    at = login(run(), "管管", PW)
    assert any("secret-dir" in i.value and " ingest " in i.value for i in at.info)


def test_a_park_account_opens_the_projects_page_on_its_park(env):
    # the round-10 audit: 项目 opened on 全部园区 for a park account unless reached through the 园区 page's link
    add_user(env, "园区办", PW, "viewer", park_id="P02", by="t")
    at = login(run(), "园区办", PW)
    at.query_params.clear()  # straight to 项目 (the sidebar's link), not through the 园区 page
    at.switch_page("app_pages/projects.py").run()
    assert not at.exception and at.selectbox(key="pj_park").value == "P02"
    assert len(at.selectbox(key="pj_park").options) == 1  # confined to it (tests/test_app_park_account.py)


def test_two_editors_deciding_the_same_link_the_second_is_told_and_nothing_is_replaced(env):
    """A confirms a link while B's page still shows it undecided: B's 否决 is not written over A's 确认."""
    add_user(env, "甲编辑", PW, "editor", by="t")
    add_user(env, "乙编辑", PW, "editor", by="t")
    a, b = login(run(), "甲编辑", PW), login(run(), "乙编辑", PW)
    for at in (a, b):
        at.switch_page("app_pages/review.py").run()
        assert not at.exception
    seg = a.selectbox(key="rv_segment").value
    assert b.selectbox(key="rv_segment").value == seg
    first = next(k.split("_")[-1] for k in (x.key for x in a.button) if k and k.startswith(f"rv_ok_{seg}_"))
    a.button(key=f"rv_ok_{seg}_{first}").click().run()
    b.button(key=f"rv_no_{seg}_{first}").click().run()  # B's page was drawn before A's decision
    assert not b.exception
    assert [(r.decision, r.reviewer) for r in current_reviews(env)] == [("accept", "甲编辑")]
    told = " ".join(w.value for w in b.warning)
    assert "甲编辑" in told and "确认" in told and "未保存" in told
    b.button(key=f"rv_no_{seg}_{first}").click().run()  # now B has seen A's decision: B may replace it
    assert [(r.decision, r.reviewer) for r in current_reviews(env)] == [("reject", "乙编辑")]
    # A undoes a decision that B has replaced meanwhile: B's is not withdrawn
    a.run()
    a.selectbox(key="rv_undo_pick").select(current_reviews(env)[0].id).run()
    add_review(env, first, seg, "accept", reviewer="丙", seen=current_reviews(env)[0].id)
    a.button(key="rv_undo").click().run()
    assert not a.exception
    assert [(r.decision, r.reviewer) for r in current_reviews(env)] == [("accept", "丙")]
    with pytest.raises(ReviewConflict, match="丙"):  # the undo of a decision no longer in force, had it been sent
        add_review(env, first, seg, "undo", reviewer="甲编辑", seen=current_reviews(env)[0].id - 1)
    assert [(r.decision, r.reviewer) for r in current_reviews(env)] == [("accept", "丙")]


def test_the_workspace_path_beside_the_store_shows_to_an_admin_only(env):
    """The 线索 and 变化 pages named the workspace file (beside the store: the server's paths) to every account."""
    from tests.test_app_pages import texts

    add_user(env, "看看", PW, "viewer", by="t")
    add_user(env, "管管", PW, "admin", by="t")
    for page in ("app_pages/leads.py", "app_pages/history.py"):
        at = login(run(), "看看", PW)
        at.switch_page(page).run()
        assert not at.exception
        assert str(env.path.parent) not in texts(at) and "位置只向管理员显示" in texts(at), page
        at = login(run(), "管管", PW)
        at.switch_page(page).run()
        assert str(env.path) in texts(at), page


def test_briefings_and_exports_name_the_data_not_the_servers_paths():
    """An upload's dataset is a folder beside the store: the 数据来源 line of every export and report gave its path."""
    from reports.fmt import provenance_rows

    meta = {"dataset": "/srv/secret-dir/indmap.lbug.datasets/20261129-223842", "dataset_version": "20261129-223842",
            "dataset_info": {"name": "某市数据"}, "written_at": "2026-11-29T22:38:43+00:00"}  # fmt: skip
    rows = dict(provenance_rows(meta))
    assert rows["数据来源"] == "某市数据（数据版本 20261129-223842）" and "secret-dir" not in str(rows)


def test_two_admins_editing_one_account_the_second_is_told_and_the_park_stays(env):
    """A confines an account to a park while B's form still shows it unconfined: B's save neither drops A's park
    nor claims a change it did not make (it said 已修改账号 and kept nothing of B's role change)."""
    from graph.workspace.users import get_user

    add_user(env, "甲管", PW, "admin", by="t")
    add_user(env, "乙管", PW, "admin", by="t")
    add_user(env, "园园", PW, "viewer", by="t")
    a, b = login(run(), "甲管", PW), login(run(), "乙管", PW)
    for at in (a, b):
        at.switch_page("app_pages/users.py").run()
        at.selectbox(key="user_pick").select("园园").run()
    a.selectbox(key="user_park_园园").set_value("N101")
    next(x for x in a.button if x.label == "保存").click().run()
    assert get_user(env, "园园").park_id == "N101"
    b.selectbox(key="user_role_园园").set_value("editor")
    next(x for x in b.button if x.label == "保存").click().run()
    assert not b.exception
    u = get_user(env, "园园")
    assert (u.role, u.park_id) == ("viewer", "N101")
    assert any("已被其他管理员修改" in w.value for w in b.warning)
    assert b.selectbox(key="user_park_园园").value == "N101"  # the form shows what is stored
    b.selectbox(key="user_role_园园").set_value("editor")
    next(x for x in b.button if x.label == "保存").click().run()  # now B saves its own change only
    u = get_user(env, "园园")
    assert (u.role, u.park_id) == ("editor", "N101")
