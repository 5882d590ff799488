"""Every Cypher statement indmap sends, in one package: both stores' statements here, the saved analyst queries in :mod:`graph.queries.saved`.

Identifiers (labels, relationship types, property names) come only from :mod:`graph.schema`
and pass :func:`ident` (plain identifiers) before they are put into a statement; values always
travel as parameters (``$rows``, ``$df``, ``$meta_id``, ...). ``tests/test_neo4j_queries.py``
builds every statement of this module and checks that no value is pasted into one. The local side of
segment presence (``indmap gaps`` on Neo4j) is in :mod:`graph.queries.presence`, the reports' pools in :mod:`graph.queries.pools`.

Sections: read-back shared by both stores; LadybugDB (DDL, ``COPY ... FROM $df``, meta);
Neo4j (constraints, the writer lease, staged writes, the switch, reads); the saved analyst
queries, which use the Cypher subset that LadybugDB and Neo4j both run unchanged (no
``shortestPath()``, ``type(r)``/``labels(n)``, ``CALL {}``, map projections, list indexing or
``substring``; a test runs each on both).

Neo4j generations (see :mod:`graph.stores.neo4j` for the whole refresh protocol):

* a live node carries its schema label (``Segment``);
* a node being written carries ``IndmapStaging_<Label>`` instead
  (``IndmapStaging_Segment``), so no pattern anchored on a schema label sees it;
* a node of the replaced graph carries ``IndmapRetired`` until it is deleted.
"""

from __future__ import annotations

import re

from graph.queries.presence import SCOPED_LOCAL_PRESENCE  # noqa: F401 - part of this package's API
from graph.queries.pools import SCOPED_POOL_ENTERPRISE_COLUMNS, SCOPED_POOL_LINK_COLUMNS  # noqa: F401 - part of this package's API
from graph.queries.saved import SAVED_QUERIES, SavedQuery  # noqa: F401 - part of this package's API
from graph.schema import NODES, RELS, Prop

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

META_LABEL = "IndmapMeta"
META_ID = "meta"  # the one provenance node's id (a parameter, ``$meta_id``)


def ident(name: str) -> str:
    """Return ``name`` if it is a plain identifier, else raise (defence in depth)."""
    if not _IDENT.match(name):
        raise ValueError(f"not an identifier: {name!r}")
    return name


# ------------------------------------------------------- read-back (both stores)


def read_nodes(label: str, only: Collection[str] | None = None) -> str:
    """Every node of ``label`` with its schema properties (``only`` those, for a store written by an older schema)."""
    spec = NODES[label]
    cols = ", ".join(f"n.{ident(p.name)} AS {ident(p.name)}" for p in spec.props if only is None or p.name in only)
    return f"MATCH (n:{ident(label)}) RETURN {cols}"


def read_rels(rtype: str, only: Collection[str] | None = None) -> str:
    """Every relationship of ``rtype`` with its ends' ids and its schema properties (``only`` those, as above)."""
    spec = RELS[rtype]
    props = "".join(f", r.{ident(p.name)} AS {ident(p.name)}" for p in spec.props if only is None or p.name in only)
    return (
        f"MATCH (a:{ident(spec.src)})-[r:{ident(rtype)}]->(b:{ident(spec.dst)}) "
        f"RETURN a.id AS _src, b.id AS _dst{props}"
    )


def node_property_probes(label: str) -> list[str]:
    """One statement per schema property of ``label`` that fails to bind in a file written before the property existed."""
    return [f"MATCH (n:{ident(label)}) RETURN n.{ident(p.name)} LIMIT 0" for p in NODES[label].props]


def rel_property_probes(rtype: str) -> list[str]:
    """As :func:`node_property_probes`, for the properties of relationship type ``rtype``."""
    spec = RELS[rtype]
    return [f"MATCH (:{ident(spec.src)})-[r:{ident(rtype)}]->(:{ident(spec.dst)}) RETURN r.{ident(p.name)} LIMIT 0" for p in spec.props]


def count_nodes(label: str) -> str:
    return f"MATCH (n:{ident(label)}) RETURN count(n) AS n"


def count_labels(labels: Collection[str]) -> str:
    """Nodes per label, one row each (``label``: from ``$labels``, the same list; ``n``), in one statement:
    each part is a count-store read.

    One query instead of one per label: a write asks this before its clean-up and its switch,
    and on a fresh server every distinct statement costs a plan. (The count comes before the
    label: beside ``count()`` in one ``RETURN`` it would be a grouping key, and no node, no row.)

    >>> count_labels(["Chain", "Segment"])
    'MATCH (n:Chain) WITH count(n) AS n RETURN $labels[0] AS label, n UNION ALL MATCH (n:Segment) WITH count(n) AS n RETURN $labels[1] AS label, n'
    """
    return " UNION ALL ".join(f"MATCH (n:{ident(lab)}) WITH count(n) AS n RETURN $labels[{i}] AS label, n" for i, lab in enumerate(labels))


def count_rels(rtype: str) -> str:
    """Relationships of ``rtype``.

    One labelled end is enough: LadybugDB's relationship tables fix both ends, and in Neo4j a
    live node is only ever connected to live nodes of its own generation (which also lets
    Neo4j answer from its count store).
    """
    spec = RELS[rtype]
    return f"MATCH (:{ident(spec.src)})-[r:{ident(rtype)}]->() RETURN count(r) AS n"


# ---------------------------------------------------------------- LadybugDB


def ladybug_ddl() -> list[str]:
    """CREATE statements for every node and relationship table of the schema."""
    out = []
    for label, spec in NODES.items():
        cols = ", ".join(f"{ident(p.name)} {p.type}" for p in spec.props)
        out.append(f"CREATE NODE TABLE {ident(label)}({cols}, PRIMARY KEY (id))")
    for rtype, spec in RELS.items():
        props = "".join(f", {ident(p.name)} {p.type}" for p in spec.props)
        out.append(f"CREATE REL TABLE {ident(rtype)}(FROM {ident(spec.src)} TO {ident(spec.dst)}{props})")
    out.append(f"CREATE NODE TABLE {META_LABEL}(id STRING, json STRING, PRIMARY KEY (id))")
    return out


def copy_node(label: str) -> str:
    return f"COPY {ident(label)} FROM $df"


def copy_rel(rtype: str) -> str:
    return f"COPY {ident(rtype)} FROM $df"


def copy_from_file(table: str, path: str) -> str:
    """LadybugDB: ``COPY`` a node or relationship table from a Parquet file the store wrote itself.

    The engine takes a data frame as a parameter but not a file path (it refuses ``$path``:
    "unsupported data type STRING"), so this one value is written into the statement as a
    string literal, quoted and escaped here (backslash and quote), never by a caller.

    >>> copy_from_file("Enterprise", "/tmp/it's/Enterprise.parquet")
    "COPY Enterprise FROM '/tmp/it\\\\'s/Enterprise.parquet'"
    """
    return f"COPY {ident(table)} FROM {_string_literal(str(path))}"


def _string_literal(text: str) -> str:
    r"""``text`` as a single-quoted Cypher string literal (``\`` and ``'`` escaped)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


LADYBUG_WRITE_META = f"CREATE (:{META_LABEL} {{id: $meta_id, json: $json}})"
LADYBUG_READ_META = f"MATCH (m:{META_LABEL}) RETURN m.json"

SHOW_TABLES = "CALL show_tables() RETURN id, name, type"


def ids_by_offset(label: str) -> str:
    """LadybugDB: node ``id`` values from internal offsets (console relationship ends)."""
    return f"MATCH (n:{ident(label)}) WHERE offset(id(n)) IN $offsets RETURN offset(id(n)), n.id"


# ---------------------------------------------------------------- Neo4j

STAGING_PREFIX = "IndmapStaging_"
RETIRED_LABEL = "IndmapRetired"


def staging_label(label: str) -> str:
    return ident(STAGING_PREFIX + ident(label))


# ------------------------------------------------------------------ Neo4j: schema


def _schema_plan() -> list[tuple[str, str]]:
    """``(name, statement)``: ``id`` uniqueness (live labels, meta), ``name`` and ``Enterprise.local``
    indexes; idempotent. Staging labels have none (staged nodes are found by internal
    id; ids are checked unique first). ``DROP``: what earlier versions created."""
    out = []
    for label, spec in NODES.items():
        lab = ident(label)
        low = lab.lower()
        out.append((f"indmap_{low}_id", f"CREATE CONSTRAINT indmap_{low}_id IF NOT EXISTS FOR (n:{lab}) REQUIRE n.id IS UNIQUE"))
        out.append((f"indmap_staging_{low}_id", f"DROP CONSTRAINT indmap_staging_{low}_id IF EXISTS"))
        if any(p.name == "name" for p in spec.props):
            out.append((f"indmap_{low}_name", f"CREATE INDEX indmap_{low}_name IF NOT EXISTS FOR (n:{lab}) ON (n.name)"))
    # the scoped analysis view reads the local enterprises (about 5 %) without scanning the rest
    out.append(("indmap_enterprise_local", "CREATE INDEX indmap_enterprise_local IF NOT EXISTS FOR (n:Enterprise) ON (n.local)"))
    out.append(("indmap_meta_id", f"CREATE CONSTRAINT indmap_meta_id IF NOT EXISTS FOR (n:{META_LABEL}) REQUIRE n.id IS UNIQUE"))
    return out


def schema_statements() -> list[str]:
    """Every statement of :func:`_schema_plan` (for a new database: ``indmap export --neo4j-admin``)."""
    return [stmt for _, stmt in _schema_plan()]


def schema_todo(existing: Collection[str]) -> list[str]:
    """The schema statements that change something, given the existing index and constraint names
    (a write used to run all of them, a schema transaction each, every time).

    >>> schema_todo({name for name, _ in _schema_plan() if "staging" not in name})
    []
    >>> [s for s in schema_todo({"indmap_staging_enterprise_id"}) if s.startswith("DROP")]
    ['DROP CONSTRAINT indmap_staging_enterprise_id IF EXISTS']
    """
    have = set(existing)
    return [stmt for name, stmt in _schema_plan() if (name in have) == stmt.startswith("DROP ")]


# every index's name and state (all ONLINE: a writer skips the wait), every constraint's name
SCHEMA_NAMES = "SHOW INDEXES YIELD name, state RETURN name, state"
SCHEMA_CONSTRAINT_NAMES = "SHOW CONSTRAINTS YIELD name RETURN name, null AS state"


AWAIT_INDEXES = "CALL db.awaitIndexes($seconds)"


# ------------------------------------------------------------ Neo4j: writer lease

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


# ------------------------------------------------------------------- Neo4j: write


# Deleting a generation: nodes of at most $max_degree relationships first, then the rest. A plain
# "LIMIT $limit DETACH DELETE" takes the dense nodes first (Segment, Region: created first), and
# one Segment batch then deletes every OPERATES_IN of the generation in one transaction -- at 1M
# enterprises that is 2M relationships, over the server's transaction memory limit. Once the
# sparse nodes are gone, the dense ones have (almost) no relationships left.
_SPARSE = " WHERE COUNT { (n)--() } <= $max_degree"


def delete_staging_batch(label: str, sparse: bool = False) -> str:
    """Delete up to ``$limit`` leftover staging nodes (an earlier write that died); returns ``n``."""
    where = _SPARSE if sparse else ""
    return f"MATCH (n:{staging_label(label)}){where} WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"


def delete_retired_batch(sparse: bool = False) -> str:
    """Delete up to ``$limit`` nodes of the retired generation (after the switch); returns ``n``."""
    where = _SPARSE if sparse else ""
    return f"MATCH (n:{RETIRED_LABEL}){where} WITH n LIMIT $limit DETACH DELETE n RETURN count(*) AS n"


def _column(i: int, prop: Prop) -> str:
    """Row ``i``'s value of column ``$c<i>`` (:func:`create_staging_nodes`); a ``DATE`` travels as ISO text."""
    value = f"$c{i}[i]"
    return f"date({value})" if prop.type == "DATE" else value


def create_staging_nodes(label: str) -> str:
    """One batch of staging nodes, sent by column: ``$c0``, ``$c1`` ... (the values of each property in
    schema order, ``NODES[label].props``), ``$n`` rows, ``$start`` the batch's first row in its table.

    Columns, not rows: one list of plain values per column, packed by the driver without a Python
    call per row or per date (dates travel as ISO text). A null sets no property (``date(null)``
    is null). Returns ``rows`` (the nodes' positions in their table) and ``ids`` (their internal
    ids), pairwise: relationships find their ends by internal id (:func:`create_staging_rels`).
    """
    props = ", ".join(f"{ident(p.name)}: {_column(i, p)}" for i, p in enumerate(NODES[label].props))
    return (
        f"UNWIND range(0, $n - 1) AS i CREATE (n:{staging_label(label)} {{{props}}}) "
        f"RETURN collect($start + i) AS rows, collect(id(n)) AS ids"
    )


def create_staging_rels(rtype: str) -> str:
    """One batch of relationships by column (as :func:`create_staging_nodes`): ``$c0`` the source's and
    ``$c1`` the target's internal id, then the properties in schema order.

    The ends are the internal ids :func:`create_staging_nodes` returned (``NodeByIdSeek``: a
    record read, no index lookup); the staging label is checked as well, so an id that is not
    a staging node of the right label matches nothing (the writer compares the count).
    """
    spec = RELS[rtype]
    props = ", ".join(f"{ident(p.name)}: {_column(i + 2, p)}" for i, p in enumerate(spec.props))
    body = f" {{{props}}}" if props else ""
    return (
        f"UNWIND range(0, $n - 1) AS i "
        f"MATCH (a:{staging_label(spec.src)}) WHERE id(a) = $c0[i] "
        f"MATCH (b:{staging_label(spec.dst)}) WHERE id(b) = $c1[i] "
        f"CREATE (a)-[:{ident(rtype)}{body}]->(b)"
    )


def retire_live(label: str, limited: bool = False) -> str:
    """Switch step 1: live nodes become retired (all at once, or ``limited``: ``$limit`` of them, returns ``n``)."""
    lab = ident(label)
    cut = " WITH n LIMIT $limit" if limited else ""
    return f"MATCH (n:{lab}){cut} REMOVE n:{lab} SET n:{RETIRED_LABEL}" + (" RETURN count(*) AS n" if limited else "")


def promote_staging(label: str, limited: bool = False) -> str:
    """Switch step 2: staging nodes become live (all at once, or ``limited`` as :func:`retire_live`)."""
    stage = staging_label(label)
    cut = " WITH n LIMIT $limit" if limited else ""
    return f"MATCH (n:{stage}){cut} REMOVE n:{stage} SET n:{ident(label)}" + (" RETURN count(*) AS n" if limited else "")


def switch_generations(labels: Collection[str]) -> str:
    """The one-transaction switch as one statement: every live label retired, then every staging label promoted.

    One statement instead of two per label (18 at this schema): on a fresh server each
    statement costs a parse and a plan, inside the transaction that holds the graph's switch.
    The unit subqueries run in order, each over all its nodes, before the next one starts.
    """
    retire = [f"CALL () {{ {retire_live(label)} }}" for label in labels]
    promote = [f"CALL () {{ {promote_staging(label)} }}" for label in labels]
    return " ".join(retire + promote)


# The switch in batches (graph.stores.neo4j_switch): the meta node carries the pending
# generation, its phase ("retire", then "promote") and its meta until the last step.
_OURS = f"MATCH (m:{META_LABEL} {{id: $meta_id}}) WHERE m.writer = $token"
SWITCH_BEGIN = f"{_OURS} SET m.switching = $generation, m.switch_phase = $phase, m.switch_json = $json, m.switch_written_at = $written_at RETURN count(m) AS n"
SWITCH_PHASE = f"{_OURS} AND m.switching IS NOT NULL SET m.switch_phase = $phase RETURN count(m) AS n"
SWITCH_END = (
    f"{_OURS} AND m.switching IS NOT NULL SET m.json = m.switch_json, m.generation = m.switching, "
    "m.written_at = m.switch_written_at REMOVE m.switching, m.switch_phase, m.switch_json, m.switch_written_at RETURN count(m) AS n"
)
SWITCH_STATE = f"MATCH (m:{META_LABEL} {{id: $meta_id}}) RETURN m.switching AS switching, m.switch_phase AS phase"


NEO4J_WRITE_META = f"""
MERGE (m:{META_LABEL} {{id: $meta_id}})
SET m.json = $json, m.generation = $generation, m.written_at = $written_at
"""


# -------------------------------------------------------------------- Neo4j: read

NEO4J_READ_META = f"MATCH (m:{META_LABEL} {{id: $meta_id}}) RETURN m.json AS json, m.generation AS generation"

# ``stale``: a switch is pending and its writer's lease has expired (the writer died mid-switch)
READ_GENERATION = (
    f"MATCH (m:{META_LABEL} {{id: $meta_id}}) RETURN m.generation AS generation, m.switching AS switching, "
    "(m.writer IS NULL OR m.writer_heartbeat < timestamp() - $ttl_ms) AS stale"
)

# node ids for relationship ends the result did not carry
NODE_IDS_BY_ELEMENT_ID = "MATCH (n) WHERE elementId(n) IN $element_ids RETURN elementId(n) AS eid, n.id AS id"


# --------------------------------------- Neo4j scoped reads (analysis pushed down)
# graph.stores.neo4j_scoped: every small table, the local enterprises (``local = true``) with
# their links, and per-segment aggregates over the other enterprises. Rows come back as one
# ``collect([...]) AS rows`` list (a few times faster through the Python driver than one record
# per row), columns in schema order: the ends' ids first for relationships.


def _node_list(label: str, alias: str = "n") -> str:
    return "collect([" + ", ".join(f"{alias}.{ident(p.name)}" for p in NODES[label].props) + "]) AS rows"


def _rel_list(rtype: str) -> str:
    return "collect([a.id, b.id" + "".join(f", r.{ident(p.name)}" for p in RELS[rtype].props) + "]) AS rows"


def scoped_nodes(label: str) -> str:
    """Every node of ``label``, as :func:`read_nodes` but in one list."""
    return f"MATCH (n:{ident(label)}) RETURN {_node_list(label)}"


def scoped_rels(rtype: str) -> str:
    """Every relationship of ``rtype``, as :func:`read_rels` but in one list."""
    spec = RELS[rtype]
    return f"MATCH (a:{ident(spec.src)})-[r:{ident(rtype)}]->(b:{ident(spec.dst)}) RETURN {_rel_list(rtype)}"


def scoped_local_enterprises() -> str:
    """The local enterprises (``local = true``) with every schema property."""
    return f"MATCH (n:Enterprise) WHERE n.local = true RETURN {_node_list('Enterprise')}"


def scoped_local_operates_in() -> str:
    """``OPERATES_IN`` of local enterprises."""
    return f"MATCH (a:Enterprise)-[r:OPERATES_IN]->(b:Segment) WHERE a.local = true RETURN {_rel_list('OPERATES_IN')}"


def scoped_local_supplies_to() -> str:
    """``SUPPLIES_TO`` with a local enterprise at either end (the ties of candidates, the links inside parks)."""
    return f"MATCH (a:Enterprise)-[r:SUPPLIES_TO]->(b:Enterprise) WHERE a.local = true OR b.local = true RETURN {_rel_list('SUPPLIES_TO')}"


# candidates per segment (analysis.md: distinct enterprises with local = false in the segment and
# its sub-segments) = distinct enterprises there (no property read: the cheap part) minus the
# distinct non-candidates there, which the reader knows: the local enterprises' links it holds and
# the links of enterprises whose ``local`` is blank (read only when there are any).
# $closure = [{segment: S, members: [S, sub-segments of S...]}, ...]; only segments with sub-segments
# (graph.stores.neo4j_scoped.enterprises_per_segment). No label test on e: OPERATES_IN only links an
# Enterprise to a Segment of the same generation, and the test cost one db hit per link walked.
# A graph written by indmap (Neo4jStore.write, export --neo4j-admin) carries these counts already.
SCOPED_ENTERPRISES_PER_SEGMENT = (
    "UNWIND $closure AS c UNWIND c.members AS mid MATCH (:Segment {id: mid})<-[:OPERATES_IN]-(e) "
    "WITH c.segment AS segment_id, count(DISTINCT e) AS n RETURN collect([segment_id, n]) AS rows"
)
# a segment without sub-segments: its enterprises are its OPERATES_IN degree (planned as a degree read, no walk)
SCOPED_LEAF_SEGMENT_DEGREES = (
    "UNWIND $ids AS sid MATCH (m:Segment {id: sid}) RETURN collect([sid, COUNT { (m)<-[:OPERATES_IN]-() }]) AS rows"
)
SCOPED_COUNT_NOT_LOCAL = "MATCH (e:Enterprise) WHERE e.local = false RETURN count(e) AS n"
SCOPED_COUNT_LOCAL = "MATCH (e:Enterprise) WHERE e.local = true RETURN count(e) AS n"
SCOPED_BLANK_LOCAL_LINKS = "MATCH (e:Enterprise)-[:OPERATES_IN]->(m:Segment) WHERE e.local IS NULL RETURN collect([e.id, m.id]) AS rows"
SCOPED_ENTERPRISE_REGION_CODES = "MATCH (n:Enterprise) WHERE n.region_code IS NOT NULL RETURN collect(DISTINCT n.region_code) AS codes"
# the app's 招商目标 filters over every candidate (local not true): their provinces and qualifications
SCOPED_CANDIDATE_PROVINCES = "MATCH (e:Enterprise) WHERE e.local IS NULL OR e.local = false RETURN collect(DISTINCT e.province) AS values"
SCOPED_CANDIDATE_QUALIFICATIONS = (
    "MATCH (e:Enterprise) WHERE e.local IS NULL OR e.local = false UNWIND coalesce(e.qualifications, []) AS q "
    "RETURN collect(DISTINCT q) AS values"
)


def scoped_pool_links() -> str:
    """One segment's target pool: ``OPERATES_IN`` of candidates (local = false) into ``$members`` (S and its sub-segments)."""
    return (
        "UNWIND $members AS mid MATCH (a:Enterprise)-[r:OPERATES_IN]->(b:Segment {id: mid}) WHERE a.local = false "
        f"RETURN {_rel_list('OPERATES_IN')}"
    )


def scoped_pool_ties() -> str:
    """``SUPPLIES_TO`` between enterprises ``$ids`` (a target pool) and local enterprises, either direction
    (the pool's ``ties``), walked from the pool's side: only the edges touching the pool."""
    return (
        "UNWIND $ids AS eid MATCH (p:Enterprise {id: eid})-[r:SUPPLIES_TO]-(o:Enterprise) WHERE o.local = true "
        "WITH r, startNode(r) AS a, endNode(r) AS b "
        f"RETURN {_rel_list('SUPPLIES_TO')}"
    )


def scoped_operates_in_by_id() -> str:
    """Every ``OPERATES_IN`` of enterprises ``$ids`` (what-if: a landed company's rows in all its segments)."""
    return f"UNWIND $ids AS eid MATCH (a:Enterprise {{id: eid}})-[r:OPERATES_IN]->(b:Segment) RETURN {_rel_list('OPERATES_IN')}"


def scoped_enterprises_by_id() -> str:
    """Enterprises ``$ids`` with every schema property (the pool's factor inputs)."""
    return f"UNWIND $ids AS eid MATCH (n:Enterprise {{id: eid}}) RETURN {_node_list('Enterprise')}"


# ------------------------------------------------------- look-ups by id (both stores)

# which of these enterprises / segments are in the graph (leads: names on creation, flags later)
ENTERPRISES_BY_ID = "MATCH (e:Enterprise) WHERE e.id IN $ids RETURN e.id AS id, e.name AS name, e.local AS local"
SEGMENTS_BY_ID = "MATCH (s:Segment) WHERE s.id IN $ids RETURN s.id AS id, s.name AS name, s.chain_id AS chain_id"
# every park (indmap user add --park: is the park in the data, and which ones are)
PARKS_ID_NAME = "MATCH (p:Park) RETURN p.id AS id, p.name AS name ORDER BY id"


# ------------------------------------------ Neo4j: the 企业 and 挂接审核 pages (graph.stores.neo4j_pages)
# The company search's index (a few columns of every enterprise, nothing else), one company's
# supply ties with the other side's name, one segment's links for review, a chain's pending counts.

SEARCH_INDEX = "MATCH (n:Enterprise) RETURN collect([n.id, n.name, n.local, n.listed_code, n.credit_code]) AS rows"


def company_supplies_to() -> str:
    """Every ``SUPPLIES_TO`` with enterprise ``$id`` at either end (its ties, both directions)."""
    return (
        "MATCH (:Enterprise {id: $id})-[r:SUPPLIES_TO]-(:Enterprise) WITH DISTINCT r "
        f"WITH r, startNode(r) AS a, endNode(r) AS b RETURN {_rel_list('SUPPLIES_TO')}"
    )


# the other side of each of enterprise $id's ties: id, name, local
COMPANY_TIE_ENDS = (
    "MATCH (:Enterprise {id: $id})-[:SUPPLIES_TO]-(o:Enterprise) WITH DISTINCT o RETURN collect([o.id, o.name, o.local]) AS rows"
)


def segment_review_links() -> str:
    """``OPERATES_IN`` into segment ``$segment``: the proposed ones (blank confidence counts as proposed), every one when ``$all``."""
    return (
        "MATCH (a:Enterprise)-[r:OPERATES_IN]->(b:Segment {id: $segment}) WHERE $all OR coalesce(r.confidence, $likely) = $likely "
        f"RETURN {_rel_list('OPERATES_IN')}"
    )


# id, name and local of enterprises $ids (the review list's companies)
ENTERPRISE_NAMES_BY_ID = "UNWIND $ids AS eid MATCH (n:Enterprise {id: eid}) RETURN collect([n.id, n.name, n.local]) AS rows"
# proposed links (confidence likely or blank) per segment of chain $chain
CHAIN_PENDING_COUNTS = (
    "MATCH (s:Segment) WHERE s.chain_id = $chain MATCH (:Enterprise)-[r:OPERATES_IN]->(s) "
    "WHERE coalesce(r.confidence, $likely) = $likely WITH s.id AS segment_id, count(r) AS n RETURN collect([segment_id, n]) AS rows"
)
