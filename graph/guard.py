"""The read-only guard of the Cypher console: an allow-list, checked before any engine sees a query.

LadybugDB's read-only mode still lets ``COPY ... TO``, ``EXPORT DATABASE``,
``LOAD FROM '/etc/passwd'``, ``INSTALL``, ``UPDATE`` (an extension download)
and ``ANALYZE`` through, and a ``CHECKPOINT`` on a read-only handle locks other
readers out; Neo4j's READ sessions refuse writes but not ``LOAD CSV`` or
``SHOW TRANSACTIONS`` (other sessions' queries and parameters). So every
console query is checked here, on both stores, and only reads pass:

* the statement starts with a read clause (``MATCH``, ``OPTIONAL MATCH``,
  ``WITH``, ``UNWIND``, ``RETURN``) or ``CALL`` of a procedure on
  :data:`ALLOWED_PROCEDURES`, optionally after ``EXPLAIN``/``PROFILE``; so do
  the parts after ``UNION``;
* no clause keyword outside the read clauses appears anywhere (writes, files,
  extensions, databases, transactions, administration); identifiers that
  happen to be keywords are not clauses: ``RETURN x AS start``, ``n.set``,
  ``:Load``, ``$use``, ``{set: 1}``, ``(start:Segment)``;
* one statement (one trailing ``;`` is tolerated).

Before that, the limits that protect the engine's parser and planner (a
6 KB query of 3,000 nested parentheses crashes LadybugDB's parser; a literal
``range`` of a billion or a 200,000-element ``IN`` list exhausts memory while
the query is planned, before any timeout applies): the query length, the
nesting depth (brackets, ``CASE`` and ``NOT`` chains), the elements of one
literal list and the size of a literal ``range(a, b)``. String literals,
comments and backquoted names are removed first, so
``WHERE n.name = 'CREATE'`` is fine. Every refusal is a
:class:`~graph.stores.base.QueryRefused` with a Chinese message naming the
keyword or limit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph.stores.base import QueryRefused

# Clause keywords a read query may contain (other words are identifiers, functions or operators).
READ_STARTS = frozenset({"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "CALL"})

# Clauses that may follow others inside one statement: refused wherever they stand as a clause.
_WRITE_CLAUSES: dict[str, str] = {
    "CREATE": "写入操作",
    "MERGE": "写入操作",
    "DELETE": "写入操作",
    "DETACH": "写入操作",
    "SET": "写入操作",
    "REMOVE": "写入操作",
    "FOREACH": "写入操作",
    "INSERT": "写入操作",
    "LOAD": "读取文件或加载扩展",
    "COPY": "读写文件",
    "FINISH": "写入查询的结尾",
}

# Statement-level commands: refused as a first word and anywhere a clause could stand.
_COMMANDS: dict[str, str] = {
    "DROP": "修改结构",
    "ALTER": "修改结构",
    "RENAME": "修改结构",
    "EXPORT": "导出数据库到文件",
    "IMPORT": "从文件导入数据库",
    "INSTALL": "安装扩展",
    "UNINSTALL": "卸载扩展",
    "UPDATE": "更新或下载扩展",
    "ANALYZE": "更新统计信息（写入）",
    "ATTACH": "挂载其他数据库",
    "USE": "切换数据库",
    "CHECKPOINT": "写检查点（会锁住其他读者）",
    "BEGIN": "事务控制",
    "COMMIT": "事务控制",
    "ROLLBACK": "事务控制",
    "SHOW": "查看服务器设置、事务或用户",
    "TERMINATE": "管理命令",
    "GRANT": "权限管理",
    "REVOKE": "权限管理",
    "DENY": "权限管理",
    "START": "管理命令",
    "STOP": "管理命令",
    "ENABLE": "管理命令",
    "DEALLOCATE": "管理命令",
    "REALLOCATE": "管理命令",
    "DRYRUN": "管理命令",
    "PROJECT": "创建投影图",
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

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_NOT_RESET = frozenset({"AND", "OR", "XOR", "WHERE", "RETURN", "WITH", "WHEN", "THEN", "ELSE"})

_TOKEN = re.compile(
    r"""
    (?P<comment>//[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<quoted>`(?:[^`]|``)*`)
  | (?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<semi>;)
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Limits:
    """What the parser and planner are given at most (the console settings, see :mod:`graph.settings`)."""

    max_length: int = 20_000
    max_depth: int = 64
    max_list_items: int = 10_000
    max_range: int = 1_000_000

    @classmethod
    def from_settings(cls, settings) -> "Limits":
        """The limits set by ``query_max_*`` of :class:`~graph.settings.Settings`."""
        return cls(
            max_length=settings.query_max_length,
            max_depth=settings.query_max_depth,
            max_list_items=settings.query_max_list_items,
            max_range=settings.query_max_range,
        )


def _tokens(cypher: str) -> list[tuple[str, str]]:
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(cypher) if m.lastgroup != "comment"]


def _refuse_keyword(word: str, why: str) -> QueryRefused:
    return QueryRefused(f"只读控制台不允许 {word}（{why}）。")


def check_limits(toks: list[tuple[str, str]], limits: Limits) -> None:
    """Refuse nesting deeper than ``max_depth`` and literal lists longer than ``max_list_items``.

    Depth counts open brackets, open ``CASE`` expressions and the ``NOT``\\ s
    of one operand (``NOT NOT NOT x``); the count of a list is its top-level
    commas plus one.
    """
    stack: list[list[int]] = [[0, 0]]  # per level: NOT chain, commas (lists only)
    kinds: list[str] = [""]
    depth = 0
    for kind, val in toks:
        up = val.upper() if kind == "word" else val
        if val in _OPEN or up == "CASE":
            stack.append([0, 0])
            kinds.append(val if val in _OPEN else "CASE")
            depth += 1
        elif val in _CLOSE or up == "END":
            want = _CLOSE.get(val, "CASE")
            if kinds[-1] == want and len(kinds) > 1:
                level = stack.pop()
                kinds.pop()
                depth -= 1
                if want == "[" and level[1] + 1 > limits.max_list_items:
                    raise QueryRefused(f"列表中的元素超过 {limits.max_list_items:,} 个：请改用参数或分批查询。")
        elif up == "NOT":
            stack[-1][0] += 1
        elif val == ",":
            stack[-1][0] = 0
            stack[-1][1] += 1
        elif up in _NOT_RESET:
            stack[-1][0] = 0
        total = depth + sum(level[0] for level in stack)
        if total > limits.max_depth:
            raise QueryRefused(
                f"查询嵌套过深（括号、CASE 或 NOT 超过 {limits.max_depth} 层）：请拆分表达式。"
            )


_RANGE = re.compile(r"\brange\s*\(\s*(-?\s*\d+)\s*,\s*(-?\s*\d+)\s*(?:,\s*(-?\s*\d+)\s*)?\)", re.IGNORECASE)


def check_ranges(stripped: str, limits: Limits) -> None:
    """Refuse a literal ``range(a, b[, step])`` of more than ``max_range`` values."""
    for m in _RANGE.finditer(stripped):
        a, b = (int(g.replace(" ", "")) for g in m.group(1, 2))
        step = int(m.group(3).replace(" ", "")) if m.group(3) else 1
        n = 0 if step == 0 else max(0, (b - a) // step + 1)
        if n > limits.max_range:
            raise QueryRefused(f"range(…) 会产生 {n:,} 个值，超过上限 {limits.max_range:,}：请缩小范围。")


def _declared(toks: list[tuple[str, str]]) -> set[str]:
    """Names the query declares: ``AS name`` and pattern variables ``(name:``, ``(name)``, ``[name:``."""
    out = set()
    for i, (kind, val) in enumerate(toks):
        if kind != "word":
            continue
        prev = toks[i - 1][1] if i else ""
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        if prev.upper() == "AS" or (prev in ("(", "[") and nxt in (":", ")", "]", "{")):
            out.add(val)
    return out


def _is_identifier(toks: list[tuple[str, str]], i: int) -> bool:
    """The word at ``i`` is a property, label, parameter, map key or alias (not a clause)."""
    prev = toks[i - 1][1] if i else ""
    nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
    return prev in (".", ":", "$") or prev.upper() == "AS" or (nxt == ":" and prev in ("{", ",", "(", "["))


def _check_start(toks: list[tuple[str, str]], i: int) -> None:
    """The word at ``i`` begins a statement (or a ``UNION`` part): it must be a read clause."""
    if i >= len(toks) or toks[i][0] != "word":
        got = toks[i][1] if i < len(toks) else ""
        raise QueryRefused(f"只读控制台只运行读查询：查询须以 MATCH、OPTIONAL MATCH、WITH、UNWIND、RETURN 或 CALL 开头（而不是 “{got}”）。")
    up = toks[i][1].upper()
    if up in ("EXPLAIN", "PROFILE") and i == 0:
        return _check_start(toks, 1)
    if up in _WRITE_CLAUSES:
        raise _refuse_keyword(up, _WRITE_CLAUSES[up])
    if up in _COMMANDS:
        raise _refuse_keyword(up, _COMMANDS[up])
    if up not in READ_STARTS:
        raise QueryRefused(f"只读控制台不允许 {up}：查询须以 MATCH、OPTIONAL MATCH、WITH、UNWIND、RETURN 或 CALL 开头。")


def _check_call(toks: list[tuple[str, str]], i: int) -> None:
    nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
    if nxt in ("{", "("):
        raise QueryRefused("只读控制台不支持 CALL {…} 子查询（两种数据库的通用写法里没有它）。")
    if nxt.lower() not in ALLOWED_PROCEDURES:
        allowed = "、".join(sorted(ALLOWED_PROCEDURES))
        raise QueryRefused(f"只读控制台不允许调用过程 {nxt or '?'}；可用的只读过程：{allowed}。")


def check_read_only(cypher: str, limits: Limits | None = None) -> str:
    """Refuse a console query that is not a plain read, or that exceeds the parser limits.

    Returns the query with one trailing ``;`` removed; raises
    :class:`~graph.stores.base.QueryRefused` (message in Chinese) otherwise.

    Examples
    --------
    >>> check_read_only("MATCH (n:Segment) WHERE n.name = 'CREATE' RETURN n.id AS start;")
    "MATCH (n:Segment) WHERE n.name = 'CREATE' RETURN n.id AS start"
    >>> check_read_only("MATCH (n) DETACH DELETE n")
    Traceback (most recent call last):
    ...
    graph.stores.base.QueryRefused: 只读控制台不允许 DETACH（写入操作）。
    >>> check_read_only("SHOW TRANSACTIONS")
    Traceback (most recent call last):
    ...
    graph.stores.base.QueryRefused: 只读控制台不允许 SHOW（查看服务器设置、事务或用户）。
    """
    limits = limits or Limits()
    text = cypher.strip()
    if not text:
        raise QueryRefused("查询为空：请输入以 MATCH 或 RETURN 开头的只读 Cypher 查询。")
    if len(text) > limits.max_length:
        raise QueryRefused(f"查询过长（{len(text):,} 个字符，上限 {limits.max_length:,}）：请缩短查询，大量取值请用参数。")
    toks = _tokens(text)
    if toks and toks[-1][0] == "semi":  # one trailing ';' is tolerated
        toks = toks[:-1]
        text = text[: text.rfind(";")].rstrip()
    if any(kind == "semi" for kind, _ in toks):
        raise QueryRefused("只读控制台一次只运行一条查询：请去掉中间的分号（;）。")
    check_limits(toks, limits)
    check_ranges(" ".join(val for kind, val in toks if kind != "string"), limits)
    _check_start(toks, 0)
    declared = _declared(toks)
    for i, (kind, val) in enumerate(toks):
        if kind != "word" or _is_identifier(toks, i):
            continue
        up = val.upper()
        if up in _WRITE_CLAUSES:
            raise _refuse_keyword(up, _WRITE_CLAUSES[up])
        if up in _COMMANDS and val not in declared:
            raise _refuse_keyword(up, _COMMANDS[up])
        if up == "CALL":
            _check_call(toks, i)
        elif up == "UNION":
            _check_start(toks, i + 2 if i + 1 < len(toks) and toks[i + 1][1].upper() == "ALL" else i + 1)
    return text


def parameter_names(cypher: str) -> set[str]:
    """The ``$name`` parameters a query uses, outside strings and comments (``$map.key``: ``map``).

    >>> sorted(parameter_names("MATCH (c:Chain {id: $chain}) WHERE c.name <> '$x' RETURN $`top n`, $m.k // $y"))
    ['chain', 'm', 'top n']
    """
    toks = _tokens(cypher)
    out: set[str] = set()
    for (kind, val), (kind2, val2) in zip(toks, toks[1:]):
        if kind == "other" and val == "$" and kind2 in ("word", "number", "quoted"):
            out.add(val2[1:-1].replace("``", "`") if kind2 == "quoted" else val2.split(".")[0])
    return out


def console_query(settings: Any, cypher: str, timeout_s: float | None, row_cap: int | None) -> tuple[str, float, int]:
    """What both stores do before a console query: the shared guard (refuses anything not read-only,
    :func:`graph.guard.check_read_only`) and the timeout and row cap from the settings when not given."""
    text = check_read_only(cypher, Limits.from_settings(settings))
    timeout_s = settings.query_timeout_s if timeout_s is None else timeout_s
    row_cap = settings.query_row_cap if row_cap is None else row_cap
    return text, timeout_s, row_cap
