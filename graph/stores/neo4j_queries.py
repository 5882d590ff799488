"""Every Cypher statement the Neo4j store sends, in one place.

Values always travel as parameters (``$rows``, ``$token``, ...). Labels,
relationship types and property names come only from :mod:`graph.schema` and
pass :func:`graph.queries.ident` before they are put into a statement.

Generations (see :mod:`graph.stores.neo4j` for the whole refresh protocol):

* a live node carries its schema label (``Segment``);
* a node being written carries ``IndmapStaging_<Label>`` instead
  (``IndmapStaging_Segment``), so no pattern anchored on a schema label sees it;
* a node of the replaced graph carries ``IndmapRetired`` until it is deleted.
"""

from __future__ import annotations

from graph.queries import META_LABEL, count_nodes, ident, read_nodes, read_rels  # noqa: F401  (shared read-back)
from graph.schema import NODES, RELS

META_ID = "meta"
STAGING_PREFIX = "IndmapStaging_"
RETIRED_LABEL = "IndmapRetired"


def staging_label(label: str) -> str:
    return ident(STAGING_PREFIX + ident(label))


# ------------------------------------------------------------------ schema


def schema_statements() -> list[str]:
    """Uniqueness constraints on ``id`` (live and staging labels, meta) and ``name`` indexes.

    Idempotent (``IF NOT EXISTS``); run before every write.
    """
    out = []
    for label, spec in NODES.items():
        lab = ident(label)
        low = lab.lower()
        out.append(f"CREATE CONSTRAINT indmap_{low}_id IF NOT EXISTS FOR (n:{lab}) REQUIRE n.id IS UNIQUE")
        stage = staging_label(label)
        out.append(f"CREATE CONSTRAINT indmap_staging_{low}_id IF NOT EXISTS FOR (n:{stage}) REQUIRE n.id IS UNIQUE")
        if any(p.name == "name" for p in spec.props):
            out.append(f"CREATE INDEX indmap_{low}_name IF NOT EXISTS FOR (n:{lab}) ON (n.name)")
    out.append(f"CREATE CONSTRAINT indmap_meta_id IF NOT EXISTS FOR (n:{META_LABEL}) REQUIRE n.id IS UNIQUE")
    return out


AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"


# ------------------------------------------------------------ writer lease

# The lease lives on the meta node. SET m._lease first takes the node's write
# lock, so two writers cannot both read "free" (Neo4j reads committed data
# once the lock is held).
ACQUIRE_LEASE = f"""
MERGE (m:{META_LABEL} {{id: $meta_id}})
SET m._lease = true
WITH m, (m.writer IS NULL OR m.writer = $token OR m.writer_heartbeat < timestamp() - $ttl_ms) AS free
SET m.writer = CASE WHEN free THEN $token ELSE m.writer END,
    m.writer_heartbeat = CASE WHEN free THEN timestamp() ELSE m.writer_heartbeat END,
    m.writer_since = CASE WHEN free THEN toString(datetime()) ELSE m.writer_since END
REMOVE m._lease
RETURN free, m.writer_since AS since
"""

HEARTBEAT = f"MATCH (m:{META_LABEL} {{id: $meta_id}}) WHERE m.writer = $token SET m.writer_heartbeat = timestamp() RETURN count(m) AS n"

RELEASE_LEASE = f"MATCH (m:{META_LABEL} {{id: $meta_id}}) WHERE m.writer = $token REMOVE m.writer, m.writer_heartbeat, m.writer_since"


# ------------------------------------------------------------------- write


def delete_staging_batch(label: str) -> str:
    """Delete up to ``$limit`` leftover staging nodes (an earlier write that died); returns ``n``."""
    return f"MATCH (n:{staging_label(label)}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"


DELETE_RETIRED_BATCH = f"MATCH (n:{RETIRED_LABEL}) WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"


def create_staging_nodes(label: str) -> str:
    """``$rows``: list of property maps (nulls already dropped)."""
    return f"UNWIND $rows AS row CREATE (n:{staging_label(label)}) SET n = row"


def create_staging_rels(rtype: str) -> str:
    """``$rows``: list of ``{src, dst, props}``; both ends must exist (checked before writing)."""
    spec = RELS[rtype]
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:{staging_label(spec.src)} {{id: row.src}}) "
        f"MATCH (b:{staging_label(spec.dst)} {{id: row.dst}}) "
        f"CREATE (a)-[r:{ident(rtype)}]->(b) SET r = row.props"
    )


def retire_live(label: str) -> str:
    """Switch step 1 (inside the switch transaction): live nodes become retired."""
    lab = ident(label)
    return f"MATCH (n:{lab}) REMOVE n:{lab} SET n:{RETIRED_LABEL}"


def promote_staging(label: str) -> str:
    """Switch step 2 (same transaction): staging nodes become live."""
    stage = staging_label(label)
    return f"MATCH (n:{stage}) REMOVE n:{stage} SET n:{ident(label)}"


WRITE_META = f"""
MERGE (m:{META_LABEL} {{id: $meta_id}})
SET m.json = $json, m.generation = $generation, m.written_at = $written_at
"""


# -------------------------------------------------------------------- read

READ_META = f"MATCH (m:{META_LABEL} {{id: $meta_id}}) RETURN m.json AS json, m.generation AS generation"

READ_GENERATION = f"MATCH (m:{META_LABEL} {{id: $meta_id}}) RETURN m.generation AS generation"


def count_rels(rtype: str) -> str:
    """Live relationships of ``rtype``.

    One labelled end is enough (and lets Neo4j answer from its count store):
    a live node is only ever connected to live nodes of its own generation.
    """
    spec = RELS[rtype]
    return f"MATCH (:{ident(spec.src)})-[r:{ident(rtype)}]->() RETURN count(r) AS n"


# node ids for relationship ends the result did not carry
NODE_IDS_BY_ELEMENT_ID = "MATCH (n) WHERE elementId(n) IN $element_ids RETURN elementId(n) AS eid, n.id AS id"
