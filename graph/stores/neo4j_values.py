"""Driver values -> plain Python values for the Neo4j store (console rows, read-back tables).

Nodes, relationships and paths become the same plain dicts the embedded store
returns, so the console, the app and the tests treat both stores alike.
"""

from __future__ import annotations

from typing import Any

from graph.stores.neo4j_driver import neo4j  # the driver without pandas (see there)

from graph.schema import NODES, RELS


def native(v: Any) -> Any:
    """Driver temporal values to Python ones (neo4j.time.Date -> datetime.date, ...)."""
    if isinstance(v, (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time)):
        return v.to_native()
    if isinstance(v, neo4j.time.Duration):
        return str(v)
    if isinstance(v, list):
        return [native(x) for x in v]
    if isinstance(v, dict):
        return {k: native(x) for k, x in v.items()}
    return v


def _schema_label(node: neo4j.graph.Node) -> str | None:
    labels = node.labels
    for label in NODES:
        if label in labels:
            return label
    return sorted(labels)[0] if labels else None


def collect_ids(v: Any, ids: dict[str, Any]) -> None:
    if isinstance(v, neo4j.graph.Node):
        if "id" in v:
            ids[v.element_id] = v["id"]
    elif isinstance(v, neo4j.graph.Relationship):
        for n in (v.start_node, v.end_node):
            if n is not None and "id" in n:
                ids[n.element_id] = n["id"]
    elif isinstance(v, neo4j.graph.Path):
        for n in v.nodes:
            collect_ids(n, ids)
    elif isinstance(v, list):
        for x in v:
            collect_ids(x, ids)
    elif isinstance(v, dict):
        for x in v.values():
            collect_ids(x, ids)


def collect_rel_ends(v: Any, out: set[str]) -> None:
    if isinstance(v, neo4j.graph.Relationship):
        out.update(n.element_id for n in (v.start_node, v.end_node) if n is not None)
    elif isinstance(v, neo4j.graph.Path):
        for r in v.relationships:
            collect_rel_ends(r, out)
    elif isinstance(v, (list, tuple)):
        for x in v:
            collect_rel_ends(x, out)
    elif isinstance(v, dict):
        for x in v.values():
            collect_rel_ends(x, out)


def plain_value(v: Any, ids: dict[str, Any] | None = None) -> Any:
    """Nodes, relationships and paths as plain dicts (the same shapes as the embedded store).

    Node: ``{"_label": L, "id": ..., props}``; relationship:
    ``{"_type": T, "_src": id, "_dst": id, props}``; path:
    ``{"_nodes": [...], "_rels": [...]}``. Schema properties that are not set
    come back as ``None``; dates as :class:`datetime.date`.
    """
    ids = ids or {}
    if isinstance(v, neo4j.graph.Node):
        label = _schema_label(v)
        out: dict[str, Any] = {"_label": label}
        if label in NODES:
            out.update({p.name: None for p in NODES[label].props})
        out.update({k: native(x) for k, x in v.items()})
        return out
    if isinstance(v, neo4j.graph.Relationship):
        start, end = v.start_node, v.end_node
        out = {
            "_type": v.type,
            "_src": ids.get(start.element_id, start.element_id) if start is not None else None,
            "_dst": ids.get(end.element_id, end.element_id) if end is not None else None,
        }
        if v.type in RELS:
            out.update({p.name: None for p in RELS[v.type].props})
        out.update({k: native(x) for k, x in v.items()})
        return out
    if isinstance(v, neo4j.graph.Path):
        return {"_nodes": [plain_value(n, ids) for n in v.nodes], "_rels": [plain_value(r, ids) for r in v.relationships]}
    if isinstance(v, list):
        return [plain_value(x, ids) for x in v]
    if isinstance(v, dict):
        return {k: plain_value(x, ids) for k, x in v.items()}
    return native(v)
