"""Finding things the way a person types them: ids in any case, names, codes; suggestions on a miss.

* :func:`resolve` turns what was typed for an id (``nev-m01``, ``ＮＥＶ-M01``) into the id of the
  data, or raises :class:`UnknownId` whose message lists "您是否要找…" suggestions (a Chinese name
  such as ``整车制造`` or a near-miss id such as ``NEV-M1``);
* :func:`suggest` ranks those suggestions: ids and names that contain what was typed first, then
  fuzzy matches (rapidfuzz) of ids and names;
* :func:`search_enterprises` is the company search: part of a name, a fuzzy name, a unified social
  credit code, a stock code (with or without the exchange suffix) or an enterprise id.

Matching is on text normalised the way ids are at ingest (NFKC, zero-width characters removed),
case-folded. Pure functions over a :class:`~graph.view.GraphView`; nothing here prints.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass

import polars as pl
from rapidfuzz import fuzz, process

from graph.view import GraphView

ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
FUZZY_CUTOFF = 60.0  # rapidfuzz WRatio (0-100) a suggestion needs
SEARCH_CUTOFF = 70.0  # ... and a fuzzy company-name hit


@dataclass(frozen=True)
class Kind:
    """Where the ids of one kind of thing live, and its words for people."""

    table: str
    id_column: str
    id_zh: str  # 环节编号
    zh: str  # 环节


KINDS: dict[str, Kind] = {
    "industry": Kind("industries", "id", "产业编号", "产业"),
    "chain": Kind("chains", "id", "产业链编号", "产业链"),
    "segment": Kind("segments", "id", "环节编号", "环节"),
    "enterprise": Kind("enterprises", "id", "企业编号", "企业"),
    "park": Kind("parks", "id", "园区编号", "园区"),
    "project": Kind("projects", "id", "项目编号", "项目"),
    "region": Kind("regions", "code", "行政区划代码", "行政区划"),
}


def id_list(pairs: list[tuple[str, str | None]]) -> str:
    """``(id, name)`` pairs as people read them: ``NEV-U01（动力电池系统）、P02``.

    >>> id_list([("NEV-U01", "动力电池系统"), ("P02", None)])
    'NEV-U01（动力电池系统）、P02'
    """
    return "、".join(f"{i}（{n}）" if n else i for i, n in pairs)


def did_you_mean(suggestions: list[tuple[str, str | None]]) -> str:
    """The "您是否要找…" sentence over suggested ``(id, name)`` pairs (:func:`suggest_among`), "" without any.

    >>> did_you_mean([("P01", "示例高新技术产业开发区")]), did_you_mean([])
    ('您是否要找：P01（示例高新技术产业开发区）？', '')
    """
    return f"您是否要找：{id_list(suggestions)}？" if suggestions else ""


class UnknownId(ValueError):
    """An id that is not in the data; the message names it and suggests what was probably meant."""

    def __init__(self, kind: str, text: str, suggestions: list[tuple[str, str | None]]):
        self.kind, self.text, self.suggestions = kind, text, suggestions
        k = KINDS[kind]
        msg = f"未知{k.id_zh} {text!r}"
        if suggestions:
            msg += "。" + did_you_mean(suggestions)
        else:
            msg += f"：数据中没有相近的{k.zh}"
        super().__init__(msg)


def norm(text: object) -> str:
    """Text compared case-insensitively: NFKC, zero-width characters removed, trimmed, case-folded.

    >>> norm(" ＮＥＶ-m01\u200b "), norm(None)
    ('nev-m01', '')
    """
    if text is None:
        return ""
    return ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", str(text))).strip().casefold()


# Text that :func:`norm` only trims and lower-cases: printable ASCII and CJK unified ideographs
# (basic block and extension A have no NFKC mapping and no case), the names of almost every company.
_NOT_PLAIN = r"[^ -~\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}]"


def norm_series(texts: pl.Series) -> pl.Series:
    """:func:`norm` of every element (null -> ``""``), vectorised for plain text, :func:`norm` for the rest.

    The same strings as ``[norm(t) for t in texts]`` at a fraction of the cost (a million company
    names: the company search's index).

    >>> norm_series(pl.Series([" ABC宁德 ", "ＮＥＶ-m01\u200b", None])).to_list()
    ['abc宁德', 'nev-m01', '']
    """
    s = texts.cast(pl.Utf8).fill_null("")
    other = s.str.contains(_NOT_PLAIN)
    out = s.str.strip_chars(" ")
    upper = out.str.contains("[A-Z]") & ~other
    if upper.any():  # plain text has no case beyond A-Z
        out = out.scatter(upper.arg_true(), out.filter(upper).str.to_lowercase())
    if other.any():
        out = out.scatter(other.arg_true(), pl.Series([norm(t) for t in s.filter(other).to_list()], dtype=pl.Utf8))
    return out.rename(texts.name)


def _pairs(view: GraphView, kind: str) -> list[tuple[str, str | None]]:
    k = KINDS[kind]
    df = view.tables[k.table]
    if df.height == 0:
        return []
    return list(zip(df.get_column(k.id_column).cast(pl.Utf8).to_list(), df.get_column("name").to_list()))


def resolve(view: GraphView, kind: str, text: str) -> str:
    """The id of ``kind`` that ``text`` names: exact, or equal once normalised (any case, full-width).

    Parameters
    ----------
    view : GraphView
    kind : str
        A key of :data:`KINDS` (``segment``, ``chain``, ``enterprise``, ``park``, ``project``, ...).
    text : str
        What was typed.

    Returns
    -------
    str
        The id as the data spells it.

    Raises
    ------
    UnknownId
        No id matches; its message suggests up to five ids (with names) that were probably meant.

    Examples
    --------
    >>> v = GraphView({"segments": pl.DataFrame({"id": ["NEV-M01", "NEV-U01"], "chain_id": ["NEV"] * 2,
    ...     "name": ["整车制造", "动力电池系统"]})})
    >>> resolve(v, "segment", "nev-m01")
    'NEV-M01'
    >>> resolve(v, "segment", "电池")
    Traceback (most recent call last):
    ...
    graph.lookup.UnknownId: 未知环节编号 '电池'。您是否要找：NEV-U01（动力电池系统）？
    """
    return resolve_among(_pairs(view, kind), kind, text)


def resolve_among(pairs: list[tuple[str, str | None]], kind: str, text: str) -> str:
    """:func:`resolve` over ``(id, name)`` pairs from elsewhere (e.g. the chains of the snapshots).

    >>> resolve_among([("NEV", "新能源汽车产业链")], "chain", "ｎｅｖ")
    'NEV'
    """
    ids = [i for i, _ in pairs]
    if text in ids:
        return text
    key = norm(text)
    same = [i for i in ids if norm(i) == key]
    if len(same) == 1:
        return same[0]
    raise UnknownId(kind, text, suggest_among(pairs, text))


def suggest(view: GraphView, kind: str, text: str, limit: int = 5) -> list[tuple[str, str | None]]:
    """Ids (with names) a person probably meant by ``text``, best first.

    An id or name containing ``text`` (or contained in it) ranks first, shorter ones before
    longer; then fuzzy matches of ids and names (rapidfuzz WRatio ≥ 60). Ties by id.

    Examples
    --------
    >>> v = GraphView({"chains": pl.DataFrame({"id": ["NEV", "BAT", "IC"], "name": ["新能源汽车产业链", "动力电池产业链", "集成电路产业链"]})})
    >>> suggest(v, "chain", "nevv"), suggest(v, "chain", "新能源汽车")
    ([('NEV', '新能源汽车产业链')], [('NEV', '新能源汽车产业链')])
    """
    return suggest_among(_pairs(view, kind), text, limit)


def suggest_among(pairs: list[tuple[str, str | None]], text: str, limit: int = 5) -> list[tuple[str, str | None]]:
    """:func:`suggest` over ``(id, name)`` pairs."""
    key = norm(text)
    if not key:
        return []
    best: dict[str, float] = {}
    for i, name in pairs:
        for cand in (norm(i), norm(name)):
            if cand and (key in cand or cand in key):
                best[i] = max(best.get(i, 0.0), 200.0 - abs(len(cand) - len(key)))
    for choices in ({i: norm(i) for i, _ in pairs}, {i: norm(n) for i, n in pairs if n}):
        for _, sc, i in process.extract(key, choices, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=FUZZY_CUTOFF):
            best[i] = max(best.get(i, 0.0), float(sc))
    names = dict(pairs)
    ranked = sorted(best, key=lambda i: (-best[i], i))[:limit]
    return [(i, names.get(i)) for i in ranked]


# Whitespace by any of the definitions WRatio's token split may use (Unicode White_Space, and the
# information separators U+001C-U+001F that Python's str.split and rapidfuzz also split on).
_SPACE = r"[\s\x1c-\x1f\x85]"


# A filter pass over many names runs only if, on a random sample of them (fixed seed), it drops more than a fifth
# (WRatio costs about ten times a character count per name); skipping a pass never drops a hit.
_SAMPLE_FROM, _SAMPLE, _WORTH = 20_000, 2_000, 0.8


def _has_space(text: str) -> bool:
    return bool(re.search(_SPACE, text)) or any(ch.isspace() for ch in text)


def fuzzy_candidates(names: pl.DataFrame, key: str, cutoff: float) -> pl.DataFrame:
    """The rows of ``names`` (columns ``n``, ``len``, ``sp`` of :func:`_norm_names`) whose ``n`` can reach
    ``fuzz.WRatio(key, n) >= cutoff``, in their order: every such row, usually far fewer than all.

    A bound, not a guess. For ``key`` and ``n`` without whitespace (single tokens, so WRatio's token
    ratios equal its plain ones) of lengths ``a`` and ``b``, sharing ``m`` characters (counted with
    multiplicity, min of both counts), every ratio WRatio takes is an Indel ratio ``2·LCS/(x+y)`` of
    ``key`` (or ``n``) against a part of the other, with ``LCS <= m``:

    * ``ratio = 200·LCS/(a+b) <= 200·m/(a+b)`` (if ``max(a,b)/min(a,b) < 1.5`` WRatio is exactly
      this, its token ratios being the same number for single tokens);
    * otherwise also ``partial_ratio`` (and ``partial_token_ratio``, the same or less), scaled by
      0.9 (0.6 if the lengths differ more than eightfold): the shorter string (length ``s``) against
      windows of the other of length ``w >= LCS``, so ``2·LCS/(s+w) <= 2·m/(s+m)``.

    So WRatio ≤ ``max(200·m/(a+b), scale·200·m/(s+m))``, and a name whose bound is below ``cutoff``
    cannot be a hit. Names with whitespace are always kept (their token ratios are not bounded
    here), and with whitespace in ``key`` every row is kept. ``m`` is first bounded by the count of
    the key's characters in the name (one pass), then computed exactly on what is left; on many
    names a pass runs only if it drops enough of a random sample of them (fixed seed). Since
    ``process.extract`` ranks by score, ties in list order, its hits over these rows are its hits
    over all of them (tests/test_lookup_fuzzy.py checks this over generated names and queries).

    >>> names = pl.DataFrame({"n": ["示例市华光科技有限公司", "宁德时代", "华光"]}).with_columns(
    ...     pl.col("n").str.len_chars().alias("len"), pl.lit(False).alias("sp"))
    >>> fuzzy_candidates(names, "示例市华光科技公司", 70.0).get_column("n").to_list()
    ['示例市华光科技有限公司', '华光']
    """
    if not key or names.height == 0 or _has_space(key):
        return names
    a = len(key)
    counts = {c: key.count(c) for c in dict.fromkeys(key)}
    chars = "[" + "".join(f"\\x{{{ord(c):X}}}" for c in counts) + "]"

    def reach(names: pl.DataFrame, shared: pl.Expr) -> pl.DataFrame:
        m, b = pl.col("_m"), pl.col("len").cast(pl.Float64)
        s, ratio = pl.min_horizontal(pl.lit(float(a)), b), pl.max_horizontal(pl.lit(float(a)), b) / pl.min_horizontal(pl.lit(float(a)), b)
        scale = pl.when(ratio < 1.5).then(0.0).when(ratio <= 8.0).then(0.9).otherwise(0.6)
        bound = pl.max_horizontal(200.0 * m / (a + b), scale * 200.0 * m / (s + m))
        keep = pl.col("sp") | ((m > 0) & (bound >= cutoff - 1e-9))
        return names.with_columns(shared.cast(pl.Float64).alias("_m")).filter(keep).drop("_m")  # the count once, then the bound

    rough = pl.min_horizontal(pl.col("n").str.count_matches(chars), pl.lit(a))
    exact = pl.sum_horizontal([pl.min_horizontal(pl.col("n").str.count_matches(c, literal=True), pl.lit(k)) for c, k in counts.items()])
    if names.height > _SAMPLE_FROM:  # a pass that would keep most rows costs more than it saves: tried on a sample first
        sample = names.sample(n=min(_SAMPLE, names.height), seed=0)
        if reach(sample, exact).height > _WORTH * sample.height:
            return names
        if reach(sample, rough).height <= _WORTH * sample.height:
            names = reach(names, rough)
    else:
        names = reach(names, rough)
    return reach(names, exact) if names.height else names


@dataclass(frozen=True)
class EnterpriseHit:
    """One company found by :func:`search_enterprises`."""

    enterprise_id: str
    name: str | None
    local: bool | None
    listed_code: str | None
    credit_code: str | None
    matched: str  # how it was found, for people: 名称包含 / 名称相近 / 股票代码 / 统一社会信用代码 / 企业编号
    score: float  # 0-100, higher first


def _code_hits(view: GraphView, key: str) -> dict[str, tuple[str, float]]:
    """Exact id, credit code and stock code matches (a stock code also without its exchange suffix)."""
    codes = _norm_codes(view)
    match = (pl.col("i") == key) | (pl.col("c") == key) | (pl.col("l") == key) | (pl.col("l").str.split(".").list.first() == key)
    hits: dict[str, tuple[str, float]] = {}
    for i, ni, nc, nl in codes.filter(match).iter_rows():
        if ni == key:
            hits[i] = ("企业编号", 100.0)
        elif nc == key:
            hits[i] = ("统一社会信用代码", 100.0)
        else:
            hits[i] = ("股票代码", 100.0)
    return hits


def _norm_codes(view: GraphView) -> pl.DataFrame:
    """``id`` and the normalised id (``i``), credit code (``c``) and stock code (``l``) of every enterprise, built once per view."""
    from graph.analysis.memo import memo

    def build() -> pl.DataFrame:
        df = view.enterprises
        return pl.DataFrame({"id": df.get_column("id"), "i": norm_series(df.get_column("id")), "c": norm_series(df.get_column("credit_code")),
                             "l": norm_series(df.get_column("listed_code"))})  # fmt: skip

    return memo(view, ("lookup_codes",), build)


def _norm_names(view: GraphView) -> pl.DataFrame:
    """``id``, ``n`` (the normalised name), its length ``len`` and whether it holds whitespace (``sp``) of every
    named enterprise, built once per view."""
    from graph.analysis.memo import memo

    def build() -> pl.DataFrame:
        df = view.enterprises.select("id", "name").filter(pl.col("name").fill_null("") != "")
        names = pl.DataFrame({"id": df.get_column("id"), "n": norm_series(df.get_column("name"))}, schema={"id": pl.Utf8, "n": pl.Utf8})
        return names.with_columns(pl.col("n").str.len_chars().alias("len"), pl.col("n").str.contains(_SPACE).alias("sp"))

    return memo(view, ("lookup_names",), build)


def search_index(view: GraphView) -> None:
    """Build the company search's indexes of ``view`` now (the app's warm start), not at the first search."""
    if view.enterprises.height:
        _norm_codes(view)
        _norm_names(view)


def search_enterprises(view: GraphView, query: str, limit: int = 20, hidden: Collection[str] | None = None) -> list[EnterpriseHit]:
    """Companies matching ``query``: codes exactly, names by substring, then fuzzily.

    Parameters
    ----------
    view : GraphView
    query : str
        Part of a name (``宁德``), a name with a typo, a unified social credit code, a stock code
        (``300750`` or ``300750.SZ``) or an enterprise id; any case, full-width or half-width.
    limit : int
        At most this many hits.
    hidden : collection of str, optional
        Ids never to return (a park account's: other parks' local firms); the ``limit`` hits come from the rest.

    Returns
    -------
    list of EnterpriseHit
        Code and id matches first, then names containing the query (a name starting with it
        first, shorter names first), then fuzzy name matches (rapidfuzz WRatio ≥ 70); ties by id.

    Examples
    --------
    >>> v = GraphView({"enterprises": pl.DataFrame({"id": ["300750.SZ", "L1", "L2"],
    ...     "name": ["宁德时代", "示例市宁德电池有限公司", "示例市华光科技有限公司"], "local": [False, True, True],
    ...     "listed_code": ["300750.SZ", None, None], "credit_code": [None, "91379902986129256H", None]})})
    >>> [(h.enterprise_id, h.matched) for h in search_enterprises(v, "宁德")]
    [('300750.SZ', '名称包含'), ('L1', '名称包含')]
    >>> [(h.enterprise_id, h.matched) for h in search_enterprises(v, "300750")]
    [('300750.SZ', '股票代码')]
    >>> [(h.enterprise_id, h.matched) for h in search_enterprises(v, "91379902986129256h")]
    [('L1', '统一社会信用代码')]
    >>> [(h.enterprise_id, h.matched) for h in search_enterprises(v, "示例市华光科技公司")]
    [('L2', '名称相近')]
    >>> [h.enterprise_id for h in search_enterprises(v, "宁德", hidden={"300750.SZ"})], search_enterprises(v, "300750", hidden={"300750.SZ"})
    (['L1'], [])
    """
    key = norm(query)
    df = view.enterprises
    if not key or df.height == 0:
        return []
    hits = _code_hits(view, key)
    names = _norm_names(view)
    if hidden:
        hits = {i: h for i, h in hits.items() if i not in hidden}
        names = names.filter(~pl.col("id").is_in(pl.Series(list(hidden), dtype=pl.Utf8)))
    found = names.filter(pl.col("n").str.contains(key, literal=True) & ~pl.col("id").is_in(list(hits)))
    found = found.with_columns(
        (pl.when(pl.col("n").str.starts_with(key)).then(99.0).otherwise(79.0)
         - pl.min_horizontal(pl.lit(19), pl.col("n").str.len_chars() - len(key))).alias("score")
    ).sort(["score", "id"], descending=[True, False]).head(limit)  # fmt: skip  (more cannot reach the first `limit`)
    for i, sc in found.select("id", "score").iter_rows():
        hits[i] = ("名称包含", float(sc))
    if len(hits) < limit:
        pool = fuzzy_candidates(names.filter(~pl.col("id").is_in(list(hits))), key, SEARCH_CUTOFF)
        ids = pool.get_column("id").to_list()
        for _, sc, k in process.extract(key, pool.get_column("n").to_list(), scorer=fuzz.WRatio, limit=limit - len(hits), score_cutoff=SEARCH_CUTOFF):
            hits[ids[k]] = ("名称相近", min(float(sc), 58.0) * 0.5 + 29.0)  # always below every substring match
    rows = {r["id"]: r for r in df.filter(pl.col("id").is_in(list(hits))).select("id", "name", "local", "listed_code", "credit_code").iter_rows(named=True)}
    order = sorted(hits, key=lambda i: (-hits[i][1], i))[:limit]
    return [
        EnterpriseHit(i, rows[i]["name"], rows[i]["local"], rows[i]["listed_code"], rows[i]["credit_code"], hits[i][0], hits[i][1])
        for i in order
    ]
