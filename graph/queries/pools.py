"""The target pools of the reports' segments, read by column (part of :mod:`graph.queries`, which re-exports it).

A report ranks the candidates of its broken and missing segments
(:func:`graph.stores.neo4j_scoped.add_pools`). The ranking reads only a few properties of each
candidate and of its ``OPERATES_IN`` rows (:data:`graph.analysis.targets.POOL_COLUMNS`, share and
confidence), so these statements return only those -- not the founding date (a temporal value the
driver builds one Python object for), the business scope, products or codes -- and return them as one
list per property (``[x IN rows | x[i]]`` keeps the nulls ``collect`` would drop), which the driver
decodes without a Python object per row. Values travel as ``$members`` / ``$ids``.
"""

from __future__ import annotations

from graph.schema import NODES, RELS

#: the enterprise properties a pool is read with: what the ranking, its filters and its rows read, and the scope flags
POOL_ENTERPRISE_PROPS = (
    "id", "name", "local", "region_code", "park_id", "province", "revenue", "listed_code", "qualifications", "patents",
    "pollution", "energy", "growth",
)  # fmt: skip
#: the ``OPERATES_IN`` properties a pool is read with (the segment fit)
POOL_LINK_PROPS = ("share", "confidence")


def _checked(names: tuple[str, ...], known: list) -> tuple[str, ...]:
    """``names``, each a property of the schema (so a plain identifier), else ValueError."""
    props = {p.name for p in known}
    unknown = [n for n in names if n not in props]
    if unknown:
        raise ValueError(f"not schema properties: {unknown}")
    return names


def _columns(names: tuple[str, ...]) -> str:
    return ", ".join(f"[x IN rows | x[{i}]] AS {name}" for i, name in enumerate(names))


_ENT = _checked(POOL_ENTERPRISE_PROPS, NODES["Enterprise"].props)
_LINK = _checked(POOL_LINK_PROPS, RELS["OPERATES_IN"].props)

#: candidates' (local = false) ``OPERATES_IN`` into ``$members``: columns ``_src``, ``_dst`` and :data:`POOL_LINK_PROPS`
SCOPED_POOL_LINK_COLUMNS = (
    "UNWIND $members AS mid MATCH (a:Enterprise)-[r:OPERATES_IN]->(b:Segment {id: mid}) WHERE a.local = false "
    "WITH collect([a.id, b.id" + "".join(f", r.{p}" for p in _LINK) + "]) AS rows "
    "RETURN " + _columns(("_src", "_dst", *_LINK))
)
#: enterprises ``$ids``, columns :data:`POOL_ENTERPRISE_PROPS`
SCOPED_POOL_ENTERPRISE_COLUMNS = (
    "UNWIND $ids AS eid MATCH (n:Enterprise {id: eid}) "
    "WITH collect([" + ", ".join(f"n.{p}" for p in _ENT) + "]) AS rows "
    "RETURN " + _columns(_ENT)
)
