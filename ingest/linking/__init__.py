"""Place enterprises on chain segments (enterprise → segment links with evidence).

Each segment carries rules (``segments.csv``): ``sw_codes`` (申万 codes), ``gbt4754`` (国标行业代码) and
``keywords`` (products and terms). An enterprise carries codes (its 申万 L3 code, or GB/T 4754 codes),
product terms (main products with revenue shares, or a list's products / keywords) and its name.
Three kinds of evidence (:mod:`ingest.linking.evidence`):

* **industry** — a segment code equals or contains an enterprise code (申万 ``270000`` ⊃ ``270200`` ⊃
  ``270202``; GB/T ``38`` ⊃ ``384`` ⊃ ``3841``); for a listed company without a 申万 code (listed after the
  2021 source), its tushare industry label, through the 申万 L3 codes the label stands for
  (:func:`ingest.public.tushare.label_map`): decisive for a segment when ≥ 50 % of the label's companies have
  its codes (白酒), else it only points at segments for name evidence to choose among (半导体) — lower
  evidence, never ``confirmed``; a label that moved away from a company's 2021 申万 sector is a second sector
  for rule 4 (雅化集团: 民爆制品 then, 小金属 now);
* **product** — a segment keyword found in a product name on word boundaries (jieba segmentation, trade
  words such as 销售/生产/提供 dropped, the keyword heading the name is a stronger match — also before a
  generic tail or a separator: ``有机硅制品``, ``动力锂电池组``, ``甲醇-自产`` —, ``X材`` covers
  products ending in ``X``, and a product that the product graph (ChainKnowledgeGraph 产品小类) lists as a
  sub-product of the keyword matches it; :mod:`ingest.linking.text`); an ancestor segment's keyword is
  evidence for its sub-segment where the sub-segment's code agrees;
* **name** — a keyword in the enterprise's full name (weak), or the name's head word is a keyword's head word
  (``金宏气体`` ~ ``电子气体``), or — for an enterprise without product data — a word of the name is the
  material of a keyword naming a material in a form (``上海硅产业`` ~ ``硅片``); the last two are weaker: they
  only choose among segments the code points at, and only when they point at one of them (``珠海冠宇电池``:
  电池 heads 储能电池 and 消费类电池 alike).

Product shares: the items of one nested line carry the line's share in the source (TCL中环: 含硅片, 电池,
组件 all 0.868); a share that several products of a company repeat is taken as unknown.

Decisions (:mod:`ingest.linking.decide`): industry + product → ``confirmed``; industry + name, a decisive
industry code alone, a material product line alone (in the segment's sector), or the name alone for an
enterprise without product data → ``likely``. Rules against false positives, each from real cases:

1. *Context words*: a product that adds a service word (检测, 贸易, …), an equipment word (设备, …; unless
   the keyword names equipment) or a part word after the keyword (手机天线) is about something else; "X用…"
   is used for X. A part-word match counts only where the industry code agrees.
2. *Most specific keyword*: in one chain the longer keyword wins (``正极材料`` over ``正极``); the same
   keyword on a segment and its sub-segment counts for the parent.
3. *One product, one place per chain*: where the industry code agrees, if it agrees anywhere.
4. *Material line, same sector*: products summing under 10 % of revenue do not stand alone (2 % confirms an
   industry match: a PCB maker's 8 % 封装基板 places it on IC 载板); a product-only link needs the keyword to head the product (``芯片封装`` is packaging, not
   a chip), and the 申万 L2 sector to agree, or — for a strong match (≥ 3 characters, ≥ 10 % of revenue) by
   an enterprise whose code already places it somewhere in the chain — the L1 sector; a segment without
   codes is judged by its sub-segments' codes. A keyword on several segments of a chain (not parent and
   child) counts only where the enterprise's code is decisive.
5. *Industry-only links need a decisive code*: a code shared by several segments of a chain places nobody
   without product or name evidence to choose (siblings under one parent: the parent, ``likely``; others
   are counted in the summary) — unless the data resolve it: of the enterprises with products whose code it
   is, ≥ 50 % make one segment's products and < 25 % any other's (数字芯片设计 shared by 数字芯片 and EDA);
   a code whose enterprises rarely make the segment's products (< 25 % of those with products) places
   nobody alone — except enterprises with no product data at all.
6. *Most specific segment*: a link to a segment and to its sub-segment keeps the sub-segment; a product-only
   match on a parent segment is dropped where code and product already place the enterprise in the chain.

Every link carries ``source`` (rule, codes, products or name, data source), ``confidence`` and an
``evidence`` score (0–1) to sort a review by.
"""

from ingest.linking.api import OUT_COLUMNS, LinkReport, link, link_listed, link_table, listed_reference
from ingest.linking.evidence import is_part_of
from ingest.linking.io import LINK_COLUMNS, REVIEW_COLUMNS, read_segments, read_text_csv, write_links
from ingest.linking.profiles import Profiles, gbt_ancestors, listed_profiles, split_list, sw_ancestors, table_profiles
from ingest.linking.rules import DEFAULT_RULES, PART_WORDS, SOURCE_FICTIONAL, SOURCE_LISTED, LinkRules

_is_part_of = is_part_of  # the name tests used before the package split

__all__ = [
    "DEFAULT_RULES", "LINK_COLUMNS", "OUT_COLUMNS", "PART_WORDS", "REVIEW_COLUMNS", "SOURCE_FICTIONAL", "SOURCE_LISTED",
    "LinkReport", "LinkRules", "Profiles", "gbt_ancestors", "is_part_of", "link", "link_listed", "link_table", "listed_profiles",
    "listed_reference", "read_segments", "read_text_csv", "split_list", "sw_ancestors", "table_profiles", "write_links",
]  # fmt: skip
