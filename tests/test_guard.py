"""The read-only guard refuses every form that could write or touch files (issue 2)."""

import pytest

from graph.guard import check_read_only
from graph.stores.base import QueryRefused

REFUSED = [
    ("CREATE (n:Segment {id: 'x'})", "CREATE"),
    ("MATCH (n) DETACH DELETE n", "DETACH"),
    ("MATCH (n) DELETE n", "DELETE"),
    ("MERGE (n:Chain {id: 'x'})", "MERGE"),
    ("MATCH (n:Chain) SET n.name = 'x'", "SET"),
    ("MATCH (n:Chain) REMOVE n.name", "REMOVE"),
    ("DROP TABLE Chain", "DROP"),
    ("ALTER TABLE Chain ADD x INT64", "ALTER"),
    ("COPY (MATCH (n) RETURN n.id) TO '/tmp/x.csv'", "COPY"),
    ("copy Chain from '/tmp/x.csv'", "COPY"),
    ("EXPORT DATABASE '/tmp/out'", "EXPORT"),
    ("IMPORT DATABASE '/tmp/out'", "IMPORT"),
    ("LOAD FROM '/etc/passwd' RETURN *", "LOAD"),
    ("LOAD CSV FROM 'file:///etc/passwd' AS row RETURN row", "LOAD"),
    ("LOAD EXTENSION json", "LOAD"),
    ("INSTALL json", "INSTALL"),
    ("ATTACH '/tmp/other.lbug' AS o (dbtype lbug)", "ATTACH"),
    ("USE o", "USE"),
    ("CHECKPOINT", "CHECKPOINT"),
    ("BEGIN TRANSACTION", "BEGIN"),
    ("COMMIT", "COMMIT"),
    ("ROLLBACK", "ROLLBACK"),
    ("UNWIND [1,2] AS x FOREACH (y IN [x] | CREATE (:Chain {id: y}))", "FOREACH"),
    ("MATCH (n) RETURN n; MATCH (m) RETURN m", ";"),
    ("RETURN 1;;", ";"),
    ("CALL dbms.components()", "dbms.components"),
    ("CALL db.createLabel('X')", "db.createLabel"),
    ("CALL { MATCH (n) RETURN n } RETURN 1", "CALL {"),
    ("  ", "为空"),
    ("match (n) /* sneaky */ create (m)", "CREATE"),
]


@pytest.mark.parametrize("cypher,word", REFUSED)
def test_refused(cypher, word):
    with pytest.raises(QueryRefused) as exc:
        check_read_only(cypher)
    assert word in str(exc.value)


ALLOWED = [
    "MATCH (n:Segment) RETURN n.id, n.name",
    "MATCH (n:Segment) WHERE n.name = 'CREATE TABLE' RETURN n",
    "MATCH (n:Segment) WHERE n.name CONTAINS \"DELETE;\" RETURN n",
    "MATCH (n:Segment) RETURN n.set, n.load",  # property names that look like keywords
    "MATCH (`create`:Segment) RETURN `create`.id",
    "MATCH (n) WHERE n.id = $use RETURN n",
    "RETURN {set: 1, load: 2} AS m",
    "// a comment with CREATE\nMATCH (n) RETURN count(n)",
    "CALL show_tables() RETURN *",
    "CALL db.labels()",
    "MATCH (a:Segment)-[:SUPPLIES*1..3]->(b) RETURN DISTINCT b.id ORDER BY b.id LIMIT 5",
]


@pytest.mark.parametrize("cypher", ALLOWED)
def test_allowed(cypher):
    assert check_read_only(cypher)


def test_trailing_semicolon_is_stripped():
    assert check_read_only("MATCH (n) RETURN n ;  ") == "MATCH (n) RETURN n"


def test_message_is_chinese_and_names_the_keyword():
    with pytest.raises(QueryRefused, match=r"^只读控制台不允许 COPY（读写文件）。$"):
        check_read_only("COPY (MATCH (n) RETURN n) TO 'x.csv'")


# ------------------------------------------------------------- issue 18: an allow-list and parser limits

from graph.guard import Limits  # noqa: E402

REFUSED_18 = [
    ("SHOW TRANSACTIONS", "SHOW"),  # Neo4j: other sessions' queries and parameters
    ("SHOW SETTINGS YIELD *", "SHOW"),  # Neo4j: server settings and paths
    ("show databases", "SHOW"),
    ("UPDATE json", "UPDATE"),  # LadybugDB: an extension download
    ("ANALYZE", "ANALYZE"),
    ("EXPLAIN CREATE (n:Chain {id: 'x'})", "CREATE"),
    ("PROFILE MATCH (n) SET n.x = 1", "SET"),
    ("EXPLAIN SHOW TRANSACTIONS", "SHOW"),
    ("RETURN 1 AS x UNION SHOW SETTINGS", "SHOW"),
    ("RETURN 1 AS x UNION ALL TERMINATE TRANSACTIONS 'x'", "TERMINATE"),
    ("FROBNICATE everything", "FROBNICATE"),  # unknown statements are not guessed at: refused
    ("(n) RETURN n", "开头"),
    ("CALL (x) { CREATE (:Chain) }", "CALL {"),
    ("MATCH (n) INSERT (m)", "INSERT"),
    ("LOAD FROM 'x.csv' RETURN *", "LOAD"),
    ("MATCH (set) SET set.x = 1", "SET"),  # a variable named like a write clause does not hide the clause
    ("WITH 1 AS x FINISH", "FINISH"),
]


@pytest.mark.parametrize("cypher,word", REFUSED_18)
def test_allow_list_refuses(cypher, word):
    with pytest.raises(QueryRefused) as exc:
        check_read_only(cypher)
    assert word in str(exc.value)


ALLOWED_18 = [
    "RETURN 1 AS start",
    "MATCH (s:Segment) RETURN s.id AS start, s.name AS stop ORDER BY start",
    "MATCH (start:Segment)-[:SUPPLIES]->(b) RETURN start.id, b.id",
    "WITH 1 AS show RETURN show",
    "EXPLAIN MATCH (n:Chain) RETURN n.id",
    "PROFILE MATCH (n:Chain) RETURN count(n)",
    "CALL db.labels() YIELD label RETURN label",
    "CALL table_info('Segment') RETURN *",
    "OPTIONAL MATCH (n:Chain) RETURN n",
    "UNWIND range(1, 1000) AS x RETURN sum(x)",
    "MATCH (n:Chain) RETURN n.id AS id UNION MATCH (m:Industry) RETURN m.id AS id",
    "MATCH (e:Enterprise) WHERE NOT e.local AND NOT e.revenue > 0 RETURN count(e)",
    "RETURN CASE WHEN 1 > 0 THEN 'a' ELSE 'b' END AS x",
]


@pytest.mark.parametrize("cypher", ALLOWED_18)
def test_allow_list_passes_reads(cypher):
    assert check_read_only(cypher)


@pytest.mark.parametrize(
    "cypher",
    [
        "RETURN " + "(" * 3000 + "1" + ")" * 3000,  # 6 KB: segfaulted LadybugDB's parser
        "RETURN " + "[" * 1000 + "1" + "]" * 1000,
        "RETURN " + "NOT " * 3000 + "true",
        "RETURN " + "NOT (" * 3000 + "true" + ")" * 3000,
        "RETURN " + "CASE WHEN true THEN " * 200 + "1" + " END" * 200,
    ],
)
def test_deep_nesting_is_refused_before_the_engine(cypher):
    with pytest.raises(QueryRefused, match="嵌套过深"):
        check_read_only(cypher)


def test_depth_within_the_limit_passes():
    limits = Limits(max_depth=10)
    assert check_read_only("RETURN " + "(" * 9 + "1" + ")" * 9, limits)
    with pytest.raises(QueryRefused, match="10 层"):
        check_read_only("RETURN " + "(" * 11 + "1" + ")" * 11, limits)


def test_nesting_inside_strings_and_comments_does_not_count():
    deep = "(" * 500
    assert check_read_only(f"RETURN '{deep}' AS s // {deep}\n")


def test_length_list_and_range_caps():
    with pytest.raises(QueryRefused, match="查询过长"):
        check_read_only("RETURN 1" + " " * 30_000 + "+ 1")
    in_list = "MATCH (e:Enterprise) WHERE e.id IN [" + ",".join(str(i) for i in range(200_000)) + "] RETURN count(e)"
    with pytest.raises(QueryRefused, match="列表中的元素超过 10,000"):
        check_read_only(in_list, Limits(max_length=10_000_000))
    for q in ("UNWIND range(1, 1000000000) AS x RETURN count(x)", "RETURN size(range(-1000000000, 0))", "RETURN RANGE( 0 , 99999999, 2)"):
        with pytest.raises(QueryRefused, match=r"range\(…\)"):
            check_read_only(q)
    assert check_read_only("UNWIND range(10, 1, -1) AS x RETURN x")
