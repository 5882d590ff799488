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
