"""Token-aware matching of segment keywords in Chinese product names and enterprise names.

A keyword matches a product name when it occurs in it **on word boundaries**
(jieba word segmentation, with every keyword added to the dictionary): the
occurrence must end where a word ends — ``电池`` is not in ``电池片`` (a solar
cell), ``抛光液`` is in ``化学机械抛光液``. The match is a *head* match
(quality 1) when the keyword ends the product name, the word Chinese compounds
are named after (``存储芯片`` is a ``芯片``, ``光伏玻璃`` is glass); a keyword
elsewhere in the name (a modifier or one of two coordinated nouns, ``光纤光缆``)
is a weaker match (quality 0.5). Before matching, trade words around the
product are dropped (``销售化学机械抛光液`` → ``化学机械抛光液``, ``存储芯片销售`` →
``存储芯片``). A material keyword ``X材`` also matches a product whose last word
is ``X`` (``靶材`` → ``铝靶``, ``钽靶``; quality 0.8).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from typing import Iterable, Sequence

import jieba

HEAD, INNER, CORE, GRAPH = 1.0, 0.5, 0.8, 0.9
#: What may follow a keyword that still heads the product: a collective or generic tail (``动力锂电池组``,
#: ``有机硅制品``, ``汽车零部件制造``) or a separator that closes the first of several items
#: (``甲醇-自产``, ``原料药与医药中间体``).
GENERIC_TAILS = frozenset("组 类 等 成品 制品 制造 制造业 分部 板块 产业 总成 系统 深加工".split())
SEPARATORS = "-—－/／、与及和&"
_PARENS = re.compile(r"[（(][^）)]*[）)]")
_LEGAL = re.compile(r"(股份有限公司|有限责任公司|股份公司|有限公司|集团公司|集团|控股|股份)$")


@lru_cache(maxsize=1)
def _base_tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    return tk


def tokenizer(words: Iterable[str]) -> jieba.Tokenizer:
    """A private jieba tokenizer that knows ``words`` as whole words (the shared dictionary is not changed)."""
    base = _base_tokenizer()
    tk = jieba.Tokenizer()
    tk.FREQ, tk.total, tk.initialized = dict(base.FREQ), base.total, True
    for w in sorted(set(words)):
        if not tk.FREQ.get(w):  # a word the dictionary already has keeps its weight (电池 must not split 电池片)
            tk.add_word(w)
    return tk


def clean_term(term: str, prefixes: Sequence[str], suffixes: Sequence[str]) -> str:
    """A product name without parentheses and trade words around it (the name itself when nothing is left).

    >>> clean_term("销售化学机械抛光液", ("销售", "生产"), ("销售",)), clean_term("存储芯片销售", ("销售",), ("销售",))
    ('化学机械抛光液', '存储芯片')
    >>> clean_term("销售", ("销售",), ("销售",))
    '销售'
    """
    t = _PARENS.sub("", term).strip()
    for _ in range(3):
        before = t
        for p in prefixes:
            if t.startswith(p) and len(t) > len(p) + 1:
                t = t[len(p) :]
        for s in suffixes:
            if t.endswith(s) and len(t) > len(s) + 1:
                t = t[: -len(s)]
        if t == before:
            break
    return t or term


def clean_name(name: str) -> str:
    """An enterprise name without its legal form (``…股份有限公司``) and parentheses."""
    n = _PARENS.sub("", name or "").strip()
    for _ in range(3):
        m = _LEGAL.search(n)
        if not m or m.start() < 2:
            break
        n = n[: m.start()]
    return n


def word_ends(tk: jieba.Tokenizer, text: str) -> tuple[set[int], list[str]]:
    """Character offsets where a word ends, and the words.

    A single-character word after another word is a suffix that makes a new noun (``电池`` + ``片``,
    ``硅`` + ``片``): no word ends before it.
    """
    words = tk.lcut(text, HMM=False)
    ends, at = set(), 0
    for i, w in enumerate(words):
        at += len(w)
        if i + 2 == len(words) and len(words[-1]) == 1 and words[-1] not in GENERIC_TAILS:
            continue
        ends.add(at)
    return ends, words


def keyword_hits(tk: jieba.Tokenizer, text: str, keywords: Iterable[str], cores: dict[str, str] | None = None) -> dict[str, float]:
    """``{keyword: quality}`` for every keyword found in ``text`` on word boundaries (best occurrence).

    ``cores`` maps a material keyword ``X材`` to ``X`` (matched when ``X`` is the last word).

    >>> tk = tokenizer(["抛光液", "靶材", "电池", "动力锂电池"])
    >>> keyword_hits(tk, "化学机械抛光液", ["抛光液"]), keyword_hits(tk, "电池片", ["电池"])
    ({'抛光液': 1.0}, {})
    >>> keyword_hits(tk, "铝靶", [], {"靶材": "靶"}), keyword_hits(tk, "光纤光缆", ["光纤"])
    ({'靶材': 0.8}, {'光纤': 0.5})
    >>> keyword_hits(tk, "动力锂电池组", ["动力锂电池"]), keyword_hits(tk, "电池-自产", ["电池"])
    ({'动力锂电池': 1.0}, {'电池': 1.0})
    """
    ends, words = word_ends(tk, text)
    out: dict[str, float] = {}
    for k in keywords:
        best = 0.0
        for m in re.finditer(re.escape(k), text):
            if m.end() in ends:
                best = max(best, HEAD if heads(text[m.end() :]) else INNER)
        if best:
            out[k] = best
    for k, core in (cores or {}).items():
        if words and words[-1] == core and k not in out:
            out[k] = CORE
    return out


def heads(rest: str) -> bool:
    """True when what follows a keyword in a product name leaves the keyword as the product's head."""
    return not rest or rest in GENERIC_TAILS or rest[0] in SEPARATORS


def material_cores(keywords: Iterable[str]) -> dict[str, str]:
    """``{X材: X}`` for two-character material keywords (``靶材`` → ``靶``)."""
    return {k: k[0] for k in keywords if len(k) == 2 and k.endswith("材")}


#: Head words that say nothing about what a firm makes.
GENERIC_HEADS = frozenset(
    "科技 技术 电子 材料 新材 设备 装备 系统 产品 实业 发展 工业 制造 机械 电气 电器 能源 新能源 环境 环保 智能 信息 "
    "工程 服务 贸易 投资 控股 集团 股份 器件 元件 部件 配件 零部件 化学 化工 光电 精密 自动化 动力 应用 用品 半导体 微电子 光电子 设计 管理 发展 开发 建设".split()
)


def head_words(keywords: Iterable[str]) -> dict[str, list[str]]:
    """``{head word: [keywords]}``: the last word of each multi-word keyword (plain dictionary), when it says
    something (``电子气体`` → ``气体``; not ``半导体设备`` → ``设备``)."""
    tk = _base_tokenizer()
    out: dict[str, list[str]] = {}
    for k in sorted(set(keywords)):
        words = tk.lcut(k, HMM=False)
        if len(words) > 1 and len(words[-1]) >= 2 and words[-1] not in GENERIC_HEADS:
            out.setdefault(words[-1], []).append(k)
    return out


#: Single characters that name a material (elements and the like) and the forms a material is sold in:
#: a keyword ``硅片`` is the material 硅 in the form 片.
MATERIAL_CHARS = frozenset("硅锗镓铟铜铝锂钴镍钛钨钼钽铌锆锡锌铅铁钢碳磷氟硼银铂钯铬锰镁锑铋")
FORM_CHARS = frozenset("片材箔棒锭粉丝线板管")


def material_stems(keywords: Iterable[str]) -> dict[str, list[str]]:
    """``{material: [keywords]}`` for two-character keywords that name a material in a form (``硅片`` → ``硅``).

    >>> material_stems(["硅片", "硅棒", "隔膜", "靶材", "铜箔"])
    {'硅': ['硅片', '硅棒'], '铜': ['铜箔']}
    """
    out: dict[str, list[str]] = {}
    for k in keywords:
        if len(k) == 2 and k[0] in MATERIAL_CHARS and k[1] in FORM_CHARS:
            out.setdefault(k[0], []).append(k)
    return out


def name_head(tk: jieba.Tokenizer, name: str) -> str:
    """The last word of a cleaned enterprise name (``苏州金宏气体`` → ``气体``); empty when it is the whole name."""
    words = tk.lcut(name, HMM=False)
    return words[-1] if len(words) > 1 else ""
