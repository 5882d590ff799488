"""The dataset contract and the graph schema, as data.

One source of truth for:

* the input tables (files of a dataset): their columns, Chinese names, types,
  whether they are required, allowed enum values;
* the graph built from them: node labels with their typed properties and
  relationship types with their endpoints and properties.

Stores create their tables/constraints from this module, the ingest validates
against it, and the README's schema section is checked against it by a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColType = Literal["str", "float", "int", "bool", "date", "list", "enum", "share"]

# Enum values: canonical English value -> accepted Chinese spellings (the first is the label people see,
# see graph/i18n.py).
ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "category": {"leading": ("主导",), "emerging": ("新兴",), "specialty": ("特色",)},
    "stage": {"upstream": ("上游",), "midstream": ("中游",), "downstream": ("下游",)},
    "grade": {"low": ("低",), "medium": ("中",), "high": ("高",)},
    "confidence": {"confirmed": ("已确认", "确认"), "likely": ("待核实", "可能")},
    "park_level": {"national": ("国家级",), "provincial": ("省级",), "other": ("其他", "市级", "县级")},
    "project_stage": {
        "lead": ("线索",),
        "negotiating": ("洽谈", "在谈"),
        "signed": ("签约",),
        "started": ("开工", "在建"),
        "producing": ("投产",),
        "dropped": ("终止",),
    },
}

PROJECT_STAGES: tuple[str, ...] = ("lead", "negotiating", "signed", "started", "producing")


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    type: ColType = "str"
    required: bool = False
    enum: str | None = None  # key into ENUMS when type == "enum"
    ref: tuple[str, str] | None = None  # (table, column) this value must exist in
    min: float | None = None
    max: float | None = None
    aliases: tuple[str, ...] = ()  # more accepted header spellings (besides name, zh and ``编号/id`` forms)
    doc: str = ""


@dataclass(frozen=True)
class Table:
    """One file of a dataset (``NAME.csv`` or sheet ``NAME``)."""

    name: str
    zh: str
    columns: tuple[Column, ...]
    required: bool = False
    key: tuple[str, ...] = ("id",)  # unique key within the file ("" = none)

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


C = Column

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "industries",
            "产业",
            (
                C("id", "编号", required=True),
                C("name", "名称", required=True),
                C("category", "类别", "enum", required=True, enum="category"),
                C("gbt4754", "国标行业代码", "list"),
                C("description", "说明"),
            ),
            required=True,
        ),
        Table(
            "chains",
            "产业链",
            (
                C("id", "编号", required=True),
                C("name", "名称", required=True),
                C("industry_id", "所属产业", required=True, ref=("industries", "id")),
            ),
            required=True,
        ),
        Table(
            "segments",
            "环节",
            (
                C("id", "编号", required=True),
                C("chain_id", "所属产业链", required=True, ref=("chains", "id")),
                C("name", "名称", required=True),
                C("stage", "环节位置", "enum", required=True, enum="stage"),
                C("parent_id", "上级环节", ref=("segments", "id")),
                C("key", "关键环节", "bool"),
                C("gbt4754", "国标行业代码", "list"),
                C("sw_codes", "申万行业代码", "list"),
                C("keywords", "关键词", "list"),
            ),
            required=True,
        ),
        Table(
            "segment_links",
            "环节关系",
            (
                C("from_id", "上游环节", required=True, ref=("segments", "id")),
                C("to_id", "下游环节", required=True, ref=("segments", "id")),
                C("note", "说明"),
            ),
            required=True,
            key=("from_id", "to_id"),
        ),
        Table(
            "enterprises",
            "企业",
            (
                C("id", "编号", required=True),
                C("name", "企业名称", required=True, aliases=("名称", "企业")),
                C("local", "是否本地", "bool", required=True),
                C("credit_code", "统一社会信用代码", aliases=("信用代码", "社会信用代码", "uscc")),
                C("region_code", "行政区划代码", ref=("regions", "code")),
                C("park_id", "所在园区", ref=("parks", "id")),
                C("province", "省份", aliases=("所属省份", "所在省份", "省份名称")),
                C("revenue", "营业收入", "float", min=0, doc="万元", aliases=("营收", "营业总收入", "主营业务收入")),
                C("employees", "从业人数", "int", min=0, aliases=("员工人数", "参保人数", "职工人数", "人数")),
                C("founded", "成立日期", "date", aliases=("成立时间", "注册日期")),
                C("listed_code", "股票代码", aliases=("证券代码",)),
                C("qualifications", "资质", "list"),
                C("patents", "专利数", "int", min=0),
                C("pollution", "污染等级", "enum", enum="grade"),
                C("energy", "能耗等级", "enum", enum="grade"),
                C("growth", "营收增长率", "float", doc="fraction, may be negative; 12% or 0.12"),
                # what the linker places an enterprise by (issue 12): an enterprise without segment links that
                # carries any of these is placed at ingest as likely (待核实) links for review
                C("gbt4754", "国标行业代码", "list", aliases=("国标行业", "行业代码", "所属行业", "国民经济行业"), doc="GB/T 4754 codes or names"),
                C("products", "主营产品", "list", aliases=("主要产品", "产品")),
                C("business_scope", "经营范围", aliases=("营业范围",)),
            ),
            required=True,
        ),
        Table(
            "enterprise_segments",
            "企业环节",
            (
                C("enterprise_id", "企业编号", required=True, ref=("enterprises", "id"), aliases=("企业",)),
                C("segment_id", "环节编号", required=True, ref=("segments", "id"), aliases=("环节",)),
                C("share", "业务占比", "share", min=0, max=1),
                C("source", "来源"),
                C("confidence", "置信度", "enum", enum="confidence"),
                C("evidence", "证据强度", "float", min=0, max=1, doc="0–1, the linker's evidence score (indmap link); empty for links made by hand"),
            ),
            required=True,
            key=("enterprise_id", "segment_id"),
        ),
        Table(
            "supply_links",
            "供应关系",
            (
                C("supplier_id", "供应方", required=True, ref=("enterprises", "id")),
                C("customer_id", "采购方", required=True, ref=("enterprises", "id")),
                C("product", "产品"),
                C("amount", "金额", "float", min=0, doc="万元"),
                C("source", "来源"),
            ),
            key=("supplier_id", "customer_id", "product"),
        ),
        Table(
            "regions",
            "行政区划",
            (
                C("code", "代码", required=True),
                C("name", "名称", required=True),
                C("parent_code", "上级代码", ref=("regions", "code")),
            ),
            key=("code",),
        ),
        Table(
            "parks",
            "园区",
            (
                C("id", "编号", required=True),
                C("name", "名称", required=True),
                C("region_code", "行政区划代码", required=True, ref=("regions", "code")),
                C("level", "级别", "enum", enum="park_level"),
                C("star", "星级", "int", min=0, max=5),
                C("area_mu", "面积", "float", min=0, doc="亩"),
                C("focus_industries", "主导产业", "list", ref=("industries", "id")),
            ),
        ),
        Table(
            "park_stats",
            "园区指标",
            (
                C("park_id", "园区编号", required=True, ref=("parks", "id")),
                C("period", "期间", required=True, aliases=("年份", "年度", "统计期", "报告期")),
                C("fixed_investment", "固定资产投资", "float", min=0, doc="万元", aliases=("固投", "固定资产投资额")),
                C("revenue", "主营业务收入", "float", min=0, doc="万元", aliases=("营业收入", "主营收入")),
                C("profit", "利润总额", "float", doc="万元", aliases=("利润",)),
                C("tax", "税收", "float", min=0, doc="万元", aliases=("税收总额", "纳税额", "税金")),
            ),
            key=("park_id", "period"),
        ),
        Table(
            "projects",
            "项目",
            (
                C("id", "编号", required=True),
                C("name", "项目名称", required=True, aliases=("名称",)),
                C("stage", "阶段", "enum", required=True, enum="project_stage"),
                C("enterprise_id", "投资企业", ref=("enterprises", "id")),
                C("park_id", "落地园区", ref=("parks", "id")),
                C("segment_id", "补链环节", ref=("segments", "id")),
                C("investment", "总投资", "float", min=0, doc="万元"),
                C("land_mu", "用地", "float", min=0, doc="亩"),
                C("stage_date", "阶段日期", "date"),
                C("signed_on", "签约日期", "date"),
                C("started_on", "开工日期", "date"),
                C("producing_on", "投产日期", "date"),
                C("planned_start", "计划开工日期", "date"),
                C("planned_production", "计划投产日期", "date"),
                C("owner", "责任单位"),
                C("expected_revenue", "达产年营收", "float", min=0, doc="万元"),
                C("expected_tax", "达产年税收", "float", min=0, doc="万元"),
            ),
        ),
    ]
}

REQUIRED_TABLES = [t.name for t in TABLES.values() if t.required]


# --------------------------------------------------------------------------
# The graph
# --------------------------------------------------------------------------

# Store property types (LadybugDB DDL names; Neo4j maps them natively).
PROP_TYPES: dict[str, str] = {
    "str": "STRING",
    "enum": "STRING",
    "float": "DOUBLE",
    "share": "DOUBLE",
    "int": "INT64",
    "bool": "BOOLEAN",
    "date": "DATE",
    "list": "STRING[]",
}


@dataclass(frozen=True)
class Prop:
    name: str
    type: str  # STRING, DOUBLE, INT64, BOOLEAN, DATE, STRING[]
    doc: str = ""


@dataclass(frozen=True)
class NodeSpec:
    label: str
    table: str  # source table
    key: str  # source column that becomes `id`
    props: tuple[Prop, ...]
    doc: str = ""


@dataclass(frozen=True)
class RelSpec:
    type: str
    src: str  # label
    dst: str  # label
    table: str  # source table
    src_col: str
    dst_col: str
    props: tuple[Prop, ...] = ()
    doc: str = ""
    # for list-valued foreign keys (park focus_industries): one relationship per element
    explode: bool = False
    zh: str = ""  # for people (the 数据 page's counts)


def _props(table: str, *, rename: dict[str, str] | None = None, skip: tuple[str, ...] = ()) -> tuple[Prop, ...]:
    rename = rename or {}
    out = []
    for c in TABLES[table].columns:
        if c.name in skip:
            continue
        out.append(Prop(rename.get(c.name, c.name), PROP_TYPES[c.type], c.doc))
    return tuple(out)


NODES: dict[str, NodeSpec] = {
    n.label: n
    for n in [
        NodeSpec("Industry", "industries", "id", _props("industries"), "主导/新兴/特色产业"),
        NodeSpec("Chain", "chains", "id", _props("chains"), "产业链"),
        NodeSpec("Segment", "segments", "id", _props("segments"), "产业链环节"),
        NodeSpec("Enterprise", "enterprises", "id", _props("enterprises"), "企业（本地企业与外地候选企业）"),
        NodeSpec("Park", "parks", "id", _props("parks"), "园区/产业集聚区"),
        NodeSpec(
            "Region",
            "regions",
            "code",
            (Prop("id", "STRING"), Prop("name", "STRING"), Prop("code", "STRING"), Prop("parent_code", "STRING"), Prop("level", "STRING", "province/city/county/zone/other")),
            "行政区划（内置全国省、市、县三级代码）",
        ),
        NodeSpec("Project", "projects", "id", _props("projects"), "招商项目"),
        NodeSpec(
            "ParkStat",
            "park_stats",
            "",
            (Prop("id", "STRING", "park_id|period"),) + _props("park_stats"),
            "园区期间指标（park_stats 一行一个节点）",
        ),
    ]
}

RELS: dict[str, RelSpec] = {
    r.type: r
    for r in [
        RelSpec("HAS_CHAIN", "Industry", "Chain", "chains", "industry_id", "id", zh="产业—产业链"),
        RelSpec("HAS_SEGMENT", "Chain", "Segment", "segments", "chain_id", "id", zh="产业链—环节"),
        RelSpec("PART_OF", "Segment", "Segment", "segments", "id", "parent_id", doc="sub-segment of", zh="子环节—环节"),
        RelSpec(
            "SUPPLIES",
            "Segment",
            "Segment",
            "segment_links",
            "from_id",
            "to_id",
            (Prop("note", "STRING"),),
            "upstream segment feeds downstream segment",
            zh="环节上下游（供应）",
        ),
        RelSpec(
            "OPERATES_IN",
            "Enterprise",
            "Segment",
            "enterprise_segments",
            "enterprise_id",
            "segment_id",
            (Prop("share", "DOUBLE"), Prop("source", "STRING"), Prop("confidence", "STRING"), Prop("evidence", "DOUBLE")),
            zh="企业—所属环节",
        ),
        RelSpec(
            "SUPPLIES_TO",
            "Enterprise",
            "Enterprise",
            "supply_links",
            "supplier_id",
            "customer_id",
            (Prop("product", "STRING"), Prop("amount", "DOUBLE"), Prop("source", "STRING")),
            zh="企业供需关系",
        ),
        RelSpec("LOCATED_IN", "Enterprise", "Park", "enterprises", "id", "park_id", zh="企业—所在园区"),
        RelSpec("REGISTERED_IN", "Enterprise", "Region", "enterprises", "id", "region_code", zh="企业—注册地"),
        RelSpec("IN_REGION", "Park", "Region", "parks", "id", "region_code", zh="园区—所在行政区"),
        RelSpec("FOCUSES_ON", "Park", "Industry", "parks", "id", "focus_industries", explode=True, zh="园区—主导产业"),
        RelSpec("WITHIN", "Region", "Region", "regions", "code", "parent_code", doc="county within city within province", zh="行政区隶属"),
        RelSpec("BY", "Project", "Enterprise", "projects", "id", "enterprise_id", zh="项目—投资企业"),
        RelSpec("IN_PARK", "Project", "Park", "projects", "id", "park_id", zh="项目—落地园区"),
        RelSpec("FILLS", "Project", "Segment", "projects", "id", "segment_id", zh="项目—补链环节"),
        RelSpec("HAS_STAT", "Park", "ParkStat", "park_stats", "park_id", "id", zh="园区—期间指标"),
    ]
}
