"""The saved analyst queries of the Cypher console (part of :mod:`graph.queries`, which re-exports them).

They use the Cypher subset that LadybugDB and Neo4j both run unchanged (no ``shortestPath()``,
``type(r)``/``labels(n)``, ``CALL {}``, map projections, list indexing or ``substring``); a test
runs each on both stores. Values travel as parameters (``params`` gives each one's default).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class SavedQuery:
    key: str
    name_zh: str
    description: str
    cypher: str
    params: dict[str, Any] = field(default_factory=dict)


SAVED_QUERIES: list[SavedQuery] = [
    SavedQuery(
        "chains_by_industry",
        "各产业的产业链与环节数",
        "每个产业下的产业链，以及每条链的环节数量。",
        "MATCH (i:Industry)-[:HAS_CHAIN]->(c:Chain)-[:HAS_SEGMENT]->(s:Segment) "
        "RETURN i.name AS industry, i.category AS category, c.id AS chain_id, c.name AS chain, count(s) AS segments "
        "ORDER BY category, industry, chain_id",
    ),
    SavedQuery(
        "segment_local_counts",
        "环节本地企业数（按链）",
        "指定产业链每个环节的本地企业数量与营收合计（万元；有本地企业但营收均缺失时为空，即无数据）。",
        "MATCH (c:Chain {id: $chain})-[:HAS_SEGMENT]->(s:Segment) "
        "OPTIONAL MATCH (e:Enterprise)-[:OPERATES_IN]->(s) WHERE e.local = true "
        "RETURN s.id AS segment_id, s.name AS segment, s.stage AS stage, count(e) AS local_enterprises, "
        "CASE WHEN count(e) = 0 THEN 0.0 WHEN count(e.revenue) = 0 THEN null ELSE sum(e.revenue) END AS local_revenue "
        "ORDER BY segment_id",
        {"chain": "NEV"},
    ),
    SavedQuery(
        "segments_without_local",
        "没有本地企业的环节",
        "所有产业链中尚无本地企业的环节（缺链/断链候选）。",
        "MATCH (c:Chain)-[:HAS_SEGMENT]->(s:Segment) "
        "OPTIONAL MATCH (e:Enterprise)-[:OPERATES_IN]->(s) WHERE e.local = true "
        "WITH c, s, count(e) AS n WHERE n = 0 "
        "RETURN c.name AS chain, s.id AS segment_id, s.name AS segment, s.stage AS stage, s.key AS key "
        "ORDER BY chain, segment_id",
    ),
    SavedQuery(
        "upstream_of_segment",
        "某环节的上游环节（1–3 级）",
        "沿 SUPPLIES 向上游追溯，列出为指定环节供货的环节。",
        "MATCH (u:Segment)-[:SUPPLIES*1..3]->(s:Segment {id: $segment}) "
        "RETURN DISTINCT u.id AS segment_id, u.name AS segment, u.stage AS stage ORDER BY segment_id",
        {"segment": "NEV-M01"},
    ),
    SavedQuery(
        "candidates_for_segment",
        "某环节的外地候选企业",
        "在指定环节经营的外地企业，按营收排序（营收缺失排最后）。",
        "MATCH (e:Enterprise)-[o:OPERATES_IN]->(s:Segment {id: $segment}) WHERE e.local = false "
        "RETURN e.id AS enterprise_id, e.name AS name, e.province AS province, e.revenue AS revenue, "
        "o.confidence AS confidence, o.source AS source ORDER BY revenue IS NULL, revenue DESC, enterprise_id LIMIT 50",
        {"segment": "NEV-M01"},
    ),
    SavedQuery(
        "local_supply_ties",
        "与本地企业有供应关系的外地企业（以商招商）",
        "外地企业与本地企业之间的供货/采购关系。",
        "MATCH (a:Enterprise)-[r:SUPPLIES_TO]->(b:Enterprise) WHERE a.local <> b.local "
        "RETURN a.name AS supplier, a.local AS supplier_local, b.name AS customer, b.local AS customer_local, "
        "r.product AS product, r.amount AS amount ORDER BY supplier, customer",
    ),
    SavedQuery(
        "park_enterprises_by_chain",
        "园区企业按产业链分布",
        "每个园区在各产业链上的本地企业数。",
        "MATCH (p:Park)<-[:LOCATED_IN]-(e:Enterprise)-[:OPERATES_IN]->(s:Segment)<-[:HAS_SEGMENT]-(c:Chain) "
        "RETURN p.name AS park, c.name AS chain, count(DISTINCT e) AS enterprises ORDER BY park, enterprises DESC, chain",
    ),
    SavedQuery(
        "park_focus",
        "园区主导产业与级别",
        "园区的级别、星级、面积（亩）与主导产业（每个主导产业一行）。",
        "MATCH (p:Park) OPTIONAL MATCH (p)-[:FOCUSES_ON]->(i:Industry) "
        "RETURN p.id AS park_id, p.name AS park, p.level AS level, p.star AS star, p.area_mu AS area_mu, "
        "i.name AS focus ORDER BY park_id, focus",
    ),
    SavedQuery(
        "projects_by_stage",
        "项目按阶段统计",
        "各阶段的项目数与总投资（万元）。",
        "MATCH (p:Project) RETURN p.stage AS stage, count(p) AS projects, coalesce(sum(p.investment), 0) AS investment "
        "ORDER BY stage",
    ),
    SavedQuery(
        "projects_filling_gaps",
        "补链项目",
        "每个项目补的环节、投资企业与落地园区。",
        "MATCH (pr:Project)-[:FILLS]->(s:Segment) "
        "OPTIONAL MATCH (pr)-[:BY]->(e:Enterprise) OPTIONAL MATCH (pr)-[:IN_PARK]->(pk:Park) "
        "RETURN pr.id AS project_id, pr.name AS project, pr.stage AS stage, s.name AS segment, "
        "e.name AS investor, pk.name AS park, pr.investment AS investment ORDER BY project_id",
    ),
    SavedQuery(
        "high_tech_local",
        "本地高新技术与专精特新企业",
        "拥有高新技术企业、专精特新等资质的本地企业，按营收排序（营收缺失排最后）。",
        "MATCH (e:Enterprise) WHERE e.local = true AND "
        "('高新技术企业' IN e.qualifications OR '专精特新' IN e.qualifications "
        "OR '专精特新小巨人' IN e.qualifications) "
        "RETURN e.id AS enterprise_id, e.name AS name, e.revenue AS revenue, e.qualifications AS qualifications "
        "ORDER BY revenue IS NULL, revenue DESC, enterprise_id LIMIT 100",
    ),
    SavedQuery(
        "regions_of_parks",
        "园区所在行政区划",
        "园区—区县—城市—省的层级。",
        "MATCH (p:Park)-[:IN_REGION]->(r:Region) OPTIONAL MATCH (r)-[:WITHIN]->(c:Region) "
        "OPTIONAL MATCH (c)-[:WITHIN]->(pv:Region) "
        "RETURN p.name AS park, r.name AS county, c.name AS city, pv.name AS province ORDER BY park",
    ),
    SavedQuery(
        "segment_neighbourhood",
        "环节的上下游与子环节（图）",
        "返回某环节及其直接上下游和子环节，可在图中查看。",
        "MATCH (s:Segment {id: $segment})-[r:SUPPLIES|PART_OF]-(t:Segment) RETURN s, r, t",
        {"segment": "NEV-M01"},
    ),
    SavedQuery(
        "evidence_of_links",
        "企业—环节关联的证据等级",
        "各产业链中已确认与待核实的企业—环节关联数量。",
        "MATCH (c:Chain)-[:HAS_SEGMENT]->(s:Segment)<-[o:OPERATES_IN]-(e:Enterprise) "
        "RETURN c.name AS chain, o.confidence AS confidence, count(o) AS links ORDER BY chain, confidence",
    ),
]
