"""Who is using the app: the login gate, sessions, roles.

When a login is required (:func:`login_required`): the app is served on an address other machines can reach
(Streamlit's ``server.address`` is not a loopback address — an empty address listens on every interface),
or any account exists, or the ``require_login`` setting is on. Then :func:`gate` (called by ``app.py`` before
the store is opened) shows only a login form — or, with no account defined, the exact command that creates
the first one — and nothing of the data until a login succeeds. Served on a loopback address with no
account, the app runs as before: one person on their own machine, with every right.

A session is the browser tab's Streamlit session: it ends after ``session_idle_minutes`` without activity
or ``session_max_hours`` after the login, when the account is removed or its password changed, and on 退出登录.
A reload starts a new session (log in again). Failed logins are throttled per account and per client
address (:func:`graph.workspace.users.authenticate`). Roles: viewer reads, editor also uploads, reviews links
and edits leads, admin also manages accounts (the 用户 page). An account with a park, whatever its role, is
confined to that park: :class:`Access` is the one place that says which pages it may open and which firms it
may see (:data:`PARK_PAGES`); navigation, links and the pages ask it.
"""

from __future__ import annotations

import shlex
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from graph.i18n import ROLE_RIGHTS_ZH, ROLE_ZH
from graph.settings import Settings, load_settings
from graph.workspace import WorkspaceError
from graph.workspace.users import User, accounts, authenticate, can, count_users, get_user
from webapp.markdown import md

SESSION = "_indmap_login"  # {"name", "login_at", "seen_at", "password_changed_at"}
NOTICE = "_indmap_login_notice"
LAND = "_indmap_login_park"
# The pages a park account may open: its park (locked to it), its park's projects, the 企业 page (its park's
# firms and non-local candidates). The others show other parks' firms (产业链图谱's firms per segment, 推演's
# picks, 线索), city-wide figures down to a segment's local revenue, which can be one firm's (总览, 缺链, 变化,
# 招商目标, and their city reports), raw data (数据, 挂接审核, the Cypher console: it cannot be scoped) or accounts.
PARK_PAGES = frozenset({"parks", "projects", "company"})


@dataclass(frozen=True)
class Access:
    """The current session's rights: ``required`` (a login is needed here), ``user`` once logged in."""

    required: bool
    user: User | None = None
    reason: str = ""

    @property
    def role(self) -> str | None:
        if self.user is not None:
            return self.user.role
        return None if self.required else "admin"  # loopback, no accounts: the machine's own user

    def can(self, action: str) -> bool:
        return can(self.role, action)

    @property
    def name(self) -> str | None:
        return self.user.name if self.user else None

    @property
    def park_id(self) -> str | None:
        """The park of a park account (confined to it: :meth:`may_open`, :meth:`unseen`), else None."""
        return self.user.park_id if self.user else None

    def may_open(self, page: str) -> bool:
        """May this session open page ``page`` (a key of :data:`webapp.pages.PAGES`)? Its role's right, and
        for a park account one of :data:`PARK_PAGES` (the others show other parks' firms or raw data).

        >>> from graph.workspace.users import User
        >>> park = Access(True, User.model_construct(name="p", role="admin", park_id="P01"))
        >>> [k for k in ("overview", "parks", "projects", "company", "cypher", "users") if park.may_open(k)]
        ['parks', 'projects', 'company']
        >>> Access(False).may_open("cypher"), Access(True, User.model_construct(name="v", role="viewer", park_id=None)).may_open("users")
        (True, False)
        """
        from webapp.pages import PAGES

        return page in PAGES and self.can(PAGES[page].need) and (self.park_id is None or page in PARK_PAGES)

    def unseen(self, enterprises: Any) -> set[str]:
        """The ids in ``enterprises`` (a frame with id, local, park_id) this session may not see: for a park account
        the local firms of other parks (non-local firms, 招商候选, it sees), for other sessions none.

        >>> import polars as pl
        >>> from graph.workspace.users import User
        >>> firms = pl.DataFrame({"id": ["a", "b", "c"], "local": [True, True, False], "park_id": ["P01", "P02", None]})
        >>> sorted(Access(True, User.model_construct(name="p", role="viewer", park_id="P01")).unseen(firms)), Access(False).unseen(firms)
        (['b'], set())
        """
        return set() if self.park_id is None else outside_park(enterprises, self.park_id)

    def parks(self, park_ids: Sequence[str]) -> list[str]:
        """The parks this session may pick among ``park_ids``: a park account only its own."""
        return list(park_ids) if self.park_id is None else [p for p in park_ids if p == self.park_id]

    def own_rows(self, rows: Sequence[Any]) -> list[Any]:
        """Per-park rows (each with ``park_id``) this session may read in full: a park account its own park's."""
        return list(rows) if self.park_id is None else [r for r in rows if getattr(r, "park_id", None) == self.park_id]


def outside_park(enterprises: Any, park_id: str) -> set[str]:
    """The local firms in ``enterprises`` (id, local, park_id) outside park ``park_id``: what its account may not see.

    >>> import polars as pl
    >>> sorted(outside_park(pl.DataFrame({"id": ["a", "b", "c", "d"], "local": [True, True, False, True], "park_id": ["P01", "P02", None, None]}), "P01"))
    ['b', 'd']
    """
    import polars as pl

    other = pl.col("local").fill_null(False) & (pl.col("park_id").fill_null("") != park_id)
    return set(enterprises.filter(other).get_column("id").to_list())


def is_loopback(address: str | None) -> bool:
    """True for an address only this machine can reach (an unset address listens on every interface).

    >>> [is_loopback(a) for a in ("127.0.0.1", "localhost", "::1", "127.0.1.1", "0.0.0.0", "", None, "10.0.0.5")]
    [True, True, True, True, False, False, False, False]
    """
    a = (address or "").strip().strip("[]").lower()
    return a in ("localhost", "::1") or a.startswith("127.")


def served_address() -> str:
    """The address Streamlit listens on (``--server.address`` / ``server.address`` in config.toml)."""
    return str(st.get_option("server.address") or "")


def _settings() -> Settings:
    try:
        return load_settings()
    except Exception:  # noqa: BLE001 - a bad settings file must not open the app: defaults, login still decided
        return Settings()


def login_required(settings: Settings, n_accounts: int, address: str | None = None) -> tuple[bool, str]:
    """Whether a login is needed, and why (for the login page).

    >>> s = Settings()
    >>> login_required(s, 0, "127.0.0.1"), login_required(s, 0, "0.0.0.0")[0], login_required(s, 2, "127.0.0.1")[0]
    ((False, ''), True, True)
    """
    address = served_address() if address is None else address
    if not is_loopback(address):
        return True, f"本应用在地址 {address or '（所有网络接口）'} 上提供服务，其他电脑也能访问"
    if n_accounts:
        return True, "已设置账号"
    if settings.require_login:
        return True, "设置 require_login 要求登录"
    return False, ""


def create_command(settings: Settings, name: str = "admin") -> str:
    """A command that creates the first admin account for this app's store, working as typed on this machine."""
    exe = Path(sys.executable).with_name("indmap")
    cmd = [str(exe)] if exe.is_file() else [sys.executable, "-m", "cli"]
    store = settings.store if settings.is_neo4j else str(Path(settings.store).resolve())
    env = []
    if settings.users.strip():
        env.append(f"INDMAP_USERS={shlex.quote(str(Path(settings.users).resolve()))}")
    if settings.workspace.strip():
        env.append(f"INDMAP_WORKSPACE={shlex.quote(str(Path(settings.workspace).resolve()))}")
    args = [*cmd, "user", "add", name, "--role", "admin", "--store", store]
    return " ".join(env + [shlex.quote(a) for a in args])


def _session_user(settings: Settings) -> tuple[User | None, str | None]:
    """The logged-in account of this session, or why the session ended."""
    sess = st.session_state.get(SESSION)
    if not sess:
        return None, None
    now = time.time()
    ended = None
    if now - sess["seen_at"] > settings.session_idle_minutes * 60:
        ended = f"超过 {settings.session_idle_minutes} 分钟没有操作，已自动退出，请重新登录。"
    elif now - sess["login_at"] > settings.session_max_hours * 3600:
        ended = f"登录已超过 {settings.session_max_hours:g} 小时，请重新登录。"
    user = None
    if ended is None:
        try:
            user = get_user(accounts(settings), sess["name"])
        except WorkspaceError as exc:
            ended = f"无法读取账号：{exc}"
        if ended is None and (user is None or user.password_changed_at != sess["password_changed_at"]):
            ended, user = "账号已被删除或密码已修改，请重新登录。", None
    if ended:
        st.session_state.pop(SESSION, None)
        return None, ended
    sess["seen_at"] = now
    return user, None


def access(settings: Settings | None = None) -> Access:
    """This session's access (no drawing; cached per run)."""
    cached = st.session_state.get("_indmap_access_run")
    if cached is not None:
        return cached
    settings = settings or _settings()
    try:
        n = count_users(accounts(settings))
    except WorkspaceError:
        n = 0
    required, reason = login_required(settings, n)
    user, ended = _session_user(settings) if required else (None, None)
    if ended:
        st.session_state[NOTICE] = ended
    return Access(required, user, reason)


def gate() -> Access:
    """Called first in every run: the login page (and ``st.stop``) until a login succeeds, when one is needed."""
    st.session_state.pop("_indmap_access_run", None)
    settings = _settings()
    acc = access(settings)
    if acc.required and acc.user is None:
        _login_navigation(settings, acc).run()
        st.stop()
    st.session_state["_indmap_access_run"] = acc
    return acc


def _login_navigation(settings: Settings, acc: Access):
    """Only the login form, under every page's address: a link to /data shows the login, then the 数据 page."""
    from webapp.pages import DEFAULT_PAGE, PAGES

    def page() -> None:
        _login_page(settings, acc)

    pages = [st.Page(page, title="登录", icon=":material/login:", url_path="login", default=True)]
    pages += [st.Page(page, title=p.title, url_path=key, visibility="hidden") for key, p in PAGES.items() if key != DEFAULT_PAGE]
    return st.navigation(pages, position="hidden")


def current() -> Access:
    """The access :func:`gate` decided for this run (pages and helpers ask this)."""
    acc = st.session_state.get("_indmap_access_run")
    return acc if acc is not None else access()


def _login_page(settings: Settings, acc: Access) -> None:
    st.title("招商产业链图谱 · 登录")
    notice = st.session_state.pop(NOTICE, None)
    if notice:
        st.warning(notice, icon=":material/schedule:")
    try:
        n = count_users(accounts(settings))
    except WorkspaceError as exc:
        st.error(f"无法读取账号：{exc}")
        return
    if n == 0:
        _no_accounts(settings, acc)
        return
    st.caption(f"需要登录：{acc.reason}。")
    with st.form("login", border=True):
        name = st.text_input("账号", key="login_name")
        password = st.text_input("密码", type="password", key="login_password")
        ok = st.form_submit_button("登录", type="primary", icon=":material/login:")
    if ok:
        _try_login(settings, name, password)


def _no_accounts(settings: Settings, acc: Access) -> None:
    st.warning(f"还没有任何账号，所以现在谁都不能登录（{acc.reason}）。", icon=":material/person_off:")
    st.markdown("在运行本应用的服务器上执行下面的命令，按提示输入两次密码，创建第一个管理员账号；然后刷新本页登录。")
    st.code(create_command(settings), language="bash")
    roles = "；".join(f"{ROLE_ZH[k]}（{k}）：{v}" for k, v in ROLE_RIGHTS_ZH.items())
    st.caption(f"管理员登录后可在“用户”页为同事建账号。角色：{roles}。只在本机使用时，用 127.0.0.1 地址启动（`./scripts/run`）即可免登录。")


def _try_login(settings: Settings, name: str, password: str) -> None:
    ip = getattr(st.context, "ip_address", None)
    client = ip if isinstance(ip, str) and ip else None  # the browser's address, for throttling guessers across names
    res = authenticate(accounts(settings), name, password, client=client, max_failures=settings.login_max_failures, lockout_s=settings.login_lockout_s)
    if res.user is None:
        st.error(res.reason, icon=":material/lock:")
        return
    now = time.time()
    st.session_state[SESSION] = {"name": res.user.name, "login_at": now, "seen_at": now, "password_changed_at": res.user.password_changed_at}
    for k in ("login_password",):
        st.session_state.pop(k, None)
    if res.user.park_id:  # a park account opens on its park (once the pages exist: land_after_login)
        st.session_state[LAND] = res.user.park_id
    st.rerun()


def land_after_login() -> None:
    """Right after a park account's login: open its park (called by app.py once the pages are registered)."""
    park = st.session_state.pop(LAND, None)
    if park:
        from webapp.pages import PAGES

        st.switch_page(PAGES["parks"].file, query_params={"park": park})


def logout() -> None:
    st.session_state.pop(SESSION, None)
    st.session_state.pop("_indmap_access_run", None)


def account_sidebar(acc: Access, where: Any = None, park_names: Mapping[str, str] | None = None) -> None:
    """Who is logged in, with a 退出登录 button (nothing when no login is needed).

    ``where``: the sidebar container to draw in (app.py keeps one at the top, filled once the view
    is read); ``park_names``: the parks' names by id, so a park account reads 园区 示例高新区（P01）.
    """
    if acc.user is None:
        return
    u, where = acc.user, where if where is not None else st.sidebar
    name = (park_names or {}).get(u.park_id or "")
    park = (f" · 园区 {name}（{u.park_id}）" if name else f" · 园区 {u.park_id}") if u.park_id else ""
    where.markdown(f":material/account_circle: **{md(u.name)}**（{u.role_zh}{md(park)}）")
    where.button("退出登录", key="logout", icon=":material/logout:", on_click=logout)


def require(action: str, what: str) -> bool:
    """Whether this session may ``action``; otherwise a line saying who may (the caller leaves the controls out)."""
    acc = current()
    if acc.can(action):
        return True
    need = "管理员" if action == "admin" else "编辑或管理员"
    st.info(f"{what}需要{need}账号；当前账号 {acc.name or ''}（{ROLE_ZH.get(acc.role or '', '未登录')}）只能查看。", icon=":material/lock:")
    return False
