"""The read-only guard of the Cypher console.

LadybugDB's read-only mode still lets ``COPY ... TO``, ``EXPORT DATABASE``,
``LOAD FROM '/etc/passwd'`` and ``INSTALL`` through, and a ``CHECKPOINT`` on a
read-only handle locks other readers out; Neo4j's READ sessions refuse writes
but not ``LOAD CSV``. So every console query is checked here, before it runs,
on both stores.

The check tokenizes the query (string literals, comments and backquoted names
are removed first, so ``WHERE n.name = 'CREATE'`` is fine), then refuses any
clause keyword that writes or touches files, extensions, databases or
transactions, any ``;`` other than one at the very end, and any ``CALL`` of a
procedure that is not on a short allow-list of schema look-ups.
"""

from __future__ import annotations

import re

from graph.stores.base import QueryRefused

# keyword -> why (Chinese)
_REFUSED: dict[str, str] = {
    "CREATE": "写入操作",
    "MERGE": "写入操作",
    "DELETE": "写入操作",
    "DETACH": "写入操作",
    "SET": "写入操作",
    "REMOVE": "写入操作",
    "DROP": "修改结构",
    "ALTER": "修改结构",
    "RENAME": "修改结构",
    "FOREACH": "写入操作",
    "COPY": "读写文件",
    "EXPORT": "导出数据库到文件",
    "IMPORT": "从文件导入数据库",
    "LOAD": "读取文件或加载扩展",
    "INSTALL": "安装扩展",
    "UNINSTALL": "卸载扩展",
    "ATTACH": "挂载其他数据库",
    "USE": "切换数据库",
    "CHECKPOINT": "写检查点（会锁住其他读者）",
    "BEGIN": "事务控制",
    "COMMIT": "事务控制",
    "ROLLBACK": "事务控制",
    "TERMINATE": "管理命令",
    "GRANT": "权限管理",
    "REVOKE": "权限管理",
    "DENY": "权限管理",
    "START": "管理命令",
    "STOP": "管理命令",
    "ENABLE": "管理命令",
}

# read-only schema look-ups, lower case (LadybugDB table functions and Neo4j procedures)
ALLOWED_PROCEDURES = frozenset(
    {
        "show_tables",
        "table_info",
        "show_connection",
        "db_version",
        "db.labels",
        "db.relationshiptypes",
        "db.propertykeys",
        "db.schema.visualization",
        "db.schema.nodetypeproperties",
        "db.schema.reltypeproperties",
    }
)

_TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<semi>;)
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


def _tokens(cypher: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(cypher):
        kind = m.lastgroup or "other"
        if kind == "comment":
            continue
        out.append((kind, m.group()))
    return out


def check_read_only(cypher: str) -> str:
    """Refuse a console query that could write, touch files or change state.

    Returns the query with one trailing ``;`` removed; raises
    :class:`~graph.stores.base.QueryRefused` (message in Chinese) otherwise.

    Examples
    --------
    >>> check_read_only("MATCH (n:Segment) WHERE n.name = 'CREATE' RETURN n.id;")
    "MATCH (n:Segment) WHERE n.name = 'CREATE' RETURN n.id"
    >>> check_read_only("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    graph.stores.base.QueryRefused: 只读控制台不允许 DETACH（写入操作）。
    """
    text = cypher.strip()
    if not text:
        raise QueryRefused("查询为空：请输入以 MATCH 或 RETURN 开头的只读 Cypher 查询。")
    toks = _tokens(text)
    # one trailing ';' is tolerated
    if toks and toks[-1][0] == "semi":
        toks = toks[:-1]
        text = text[: text.rfind(";")].rstrip()
    prev = ""
    for i, (kind, val) in enumerate(toks):
        if kind == "semi":
            raise QueryRefused("只读控制台一次只运行一条查询：请去掉中间的分号（;）。")
        if kind == "word":
            nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
            # property access (n.set), labels/types (:Load), parameters ($use), map keys ({set: 1})
            if prev in (".", ":", "$") or nxt == ":" and prev in ("{", ","):
                prev = val
                continue
            upper = val.upper()
            if upper in _REFUSED:
                raise QueryRefused(f"只读控制台不允许 {upper}（{_REFUSED[upper]}）。")
            if upper == "CALL":
                proc = nxt.lower()
                if nxt == "{":
                    raise QueryRefused("只读控制台不支持 CALL {…} 子查询（两种数据库的通用写法里没有它）。")
                if proc not in ALLOWED_PROCEDURES:
                    allowed = "、".join(sorted(ALLOWED_PROCEDURES))
                    raise QueryRefused(f"只读控制台不允许调用过程 {nxt or '?'}；可用的只读过程：{allowed}。")
        prev = val
    return text
