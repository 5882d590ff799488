"""Tunable linking rules and the word lists behind them (see :mod:`ingest.linking`)."""

from __future__ import annotations

from dataclasses import dataclass

#: Words that, found in a product name but not in the matching keyword, mean
#: the product is a service around, trade in, or tooling for the keyword's subject.
SERVICE_WORDS: tuple[str, ...] = (
    "检测", "测试", "服务", "贸易", "销售", "代理", "租赁", "咨询", "设计", "工程", "施工", "安装",
    "物流", "运输", "维修", "模具", "软件", "金融", "保险", "广告", "技术转让", "电子商务", "检验",
)  # fmt: skip
#: Equipment words: excluded like service words unless the keyword names equipment itself.
EQUIPMENT_WORDS: tuple[str, ...] = ("设备", "装备", "生产线", "机械", "仪器")
#: A keyword that contains or ends with one of these names equipment.
EQUIPMENT_MARKS: tuple[str, ...] = ("设备", "装备", "机械", "机床", "仪器", "器械", "生产线", "机")
#: Part words: found in a product name *after* the keyword (and not in the keyword),
#: they make the product a part of, or a material for, the keyword's subject —
#: ``手机天线`` is not a phone, ``汽车零部件`` is not a car.
PART_WORDS: tuple[str, ...] = (
    "零部件", "配件", "部件", "零件", "零组件", "结构件", "外观件", "功能件", "器件", "天线", "盖板", "防护屏", "外壳",
    "屏蔽罩", "连接器", "电源", "模组", "材料", "化学品", "电解液", "隔膜", "正极", "负极",
)  # fmt: skip
#: Trade words around a product name (``销售化学机械抛光液``, ``存储芯片销售``): the trade is not the product.
TRADE_PREFIXES: tuple[str, ...] = (
    "生产销售", "研发生产", "研发销售", "销售", "生产", "提供", "研发", "加工", "制造", "批发", "零售", "出售", "代理", "经营",
)  # fmt: skip
TRADE_SUFFIXES: tuple[str, ...] = ("销售收入", "销售", "收入", "业务", "产品", "系列", "类")

SOURCE_LISTED = "ChainKnowledgeGraph"
SOURCE_FICTIONAL = "示例数据（虚构）"


@dataclass(frozen=True)
class LinkRules:
    """Tunable linking rules; the defaults are what ``tests/test_link.py`` and ``tests/test_link_eval.py`` measure."""

    service_words: tuple[str, ...] = SERVICE_WORDS
    equipment_words: tuple[str, ...] = EQUIPMENT_WORDS
    #: rule 1: part/material words after the keyword (see ``PART_WORDS``)
    part_words: tuple[str, ...] = PART_WORDS
    #: trade words stripped from product names before matching
    trade_prefixes: tuple[str, ...] = TRADE_PREFIXES
    trade_suffixes: tuple[str, ...] = TRADE_SUFFIXES
    #: keywords shorter than this (in characters) are ignored as too generic
    min_keyword_len: int = 2
    #: rule 4 (materiality): when the matched products' revenue shares are known and sum
    #: to less than this, the products are a side line and do not stand alone as evidence;
    #: a product-only link needs them known and at least this (unless the enterprise
    #: has no shares at all). None = off.
    min_share: float | None = 0.1
    #: with the industry code agreeing, a known product line this large confirms the link
    min_share_confirm: float = 0.02
    #: rule 4: a product-only link needs the enterprise's sector (申万 L2 by default, see
    #: ``sector_digits``) to be one of the segment's sectors, when both have codes
    same_sector: bool = True
    #: code prefix length that defines a sector for rule 4 (2 = 申万 L1 / GB/T division, 4 = 申万 L2 / GB/T class group)
    sector_digits: int = 4
    #: rule 4: a strong match (the keyword is the product's head, ≥ this many characters, share ≥ strong_share)
    #: needs only the broad sector (申万 L1) to agree
    strong_keyword_len: int = 3
    strong_share: float = 0.1
    #: rule 1: a product "X用…" / "X专用…" / "X所用…" is something used for X, not X
    exclude_for_use: bool = True
    #: rule 5: code coverage threshold (None = off)
    min_coverage: float | None = 0.25
    #: rule 5: ratios over fewer enterprises than this are not judged
    min_support: int = 3
    #: rule 5, first half: a code shared by several segments of a chain places nobody there without evidence
    drop_ambiguous_industry: bool = True
    #: rule 5: a shared code counts as decisive for one of its segments when, of the enterprises with products
    #: whose code it is, at least this share make that segment's products and under ``min_coverage`` any other's
    #: (None = off)
    resolve_coverage: float | None = 0.5
    #: a coarse industry label (tushare's, for listed companies without a 申万 code) is decisive for a segment when
    #: at least this share of the label's companies have the segment's codes (None = labels not used as industry
    #: evidence); with less, it only lets name or product evidence choose among the segments it points at
    label_decisive: float | None = 0.5
    #: rule 4: the 申万 codes a label stands for with at least this share count as the enterprise's sectors
    label_sector: float = 0.1
    #: a code shared by sibling segments (one PART_OF parent) and no evidence to choose: place on the parent
    shared_code_to_parent: bool = False
    #: rule 6
    most_specific_only: bool = True
    #: use the enterprise's full name as weak evidence
    use_names: bool = True
    #: expand keywords with their sub-products from the product graph (产品小类), this many levels
    product_graph_depth: int = 3
    #: how many matched product names the ``source`` text quotes
    quote_terms: int = 3


DEFAULT_RULES = LinkRules()
