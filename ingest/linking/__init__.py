"""Place enterprises on chain segments (enterprise → segment links with evidence).

Each segment carries rules (``segments.csv``): ``sw_codes`` (申万 codes), ``gbt4754`` (国标行业代码) and
``keywords`` (products and terms). An enterprise carries codes (its 申万 L3 code, or GB/T 4754 codes),
product terms (main products with revenue shares, or a list's products / keywords) and its name.
Three kinds of evidence (:mod:`ingest.linking.evidence`):

* **industry** — a segment code equals or contains an enterprise code (申万 ``270000`` ⊃ ``270200`` ⊃
  ``270202``; GB/T ``38`` ⊃ ``384`` ⊃ ``3841``);
* **product** — a segment keyword found in a product name on word boundaries (jieba segmentation, trade
  words such as 销售/生产/提供 dropped, the keyword heading the name is a stronger match, ``X材`` covers
  products ending in ``X``, and a product that the product graph (ChainKnowledgeGraph 产品小类) lists as a
  sub-product of the keyword matches it; :mod:`ingest.linking.text`); an ancestor segment's keyword is
  evidence for its sub-segment where the sub-segment's code agrees;
* **name** — a keyword in the enterprise's full name (weak), or the name's head word is a keyword's head word
  (``金宏气体`` ~ ``电子气体``; weaker: it only chooses among segments the code points at).

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
   industry match); a product-only link needs the 申万 L2 sector to agree, or — for a strong match (the keyword
   heads the product, ≥ 3 characters, ≥ 30 % of revenue) by an enterprise whose code already places it
   somewhere in the chain — the L1 sector. A keyword on several segments of a chain (not parent and child)
   counts only where the enterprise's code is decisive.
5. *Industry-only links need a decisive code*: a code shared by several segments of a chain places nobody
   without product or name evidence to choose (siblings under one parent: the parent, ``likely``; others
   are counted in the summary); a code whose enterprises rarely make the segment's products (< 25 % of
   those with products) places nobody alone — except enterprises with no product data at all.
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
