"""The company search's fuzzy pass on a pre-filtered candidate set finds exactly what it found over every name.

:func:`graph.lookup.fuzzy_candidates` drops names whose WRatio cannot reach the cutoff (a bound on
the characters they share with the query). Generated names and queries from a small alphabet (so
they share many characters, in every length ratio, with whitespace and repeats) check that every
name scoring at least the cutoff is kept, and that the hits of ``process.extract`` and of
:func:`search_enterprises` are the same with and without the filter.
"""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

import graph.lookup as lookup
from graph.lookup import SEARCH_CUTOFF, fuzzy_candidates, search_enterprises
from graph.view import GraphView

ALPHABET = "示例市华光科技有限公司宁德时代样本0123aAbB- \u3000\t\x1c"
text = st.text(alphabet=ALPHABET, min_size=0, max_size=24)
plain = st.text(alphabet="示例市华光科技有限公司宁德时代样本0123ab-", min_size=1, max_size=24)
names_st = st.lists(st.one_of(plain, text), min_size=1, max_size=60)
cutoffs = st.sampled_from([SEARCH_CUTOFF, lookup.FUZZY_CUTOFF, 50.0, 85.0, 95.0])


def index(names: list[str]) -> pl.DataFrame:
    view = GraphView({"enterprises": pl.DataFrame({"id": [f"E{i:03d}" for i in range(len(names))], "name": names})})
    return lookup._norm_names(view)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=names_st, query=st.one_of(plain, text), cutoff=cutoffs)
def test_every_name_reaching_the_cutoff_is_a_candidate(names, query, cutoff):
    key = lookup.norm(query)
    idx = index(names)
    kept = set(fuzzy_candidates(idx, key, cutoff).get_column("id").to_list())
    reach = {i for i, n in idx.select("id", "n").iter_rows() if key and fuzz.WRatio(key, n) >= cutoff}
    assert reach <= kept
    assert fuzzy_candidates(idx, key, cutoff).get_column("id").to_list() == [i for i in idx.get_column("id").to_list() if i in kept]  # order kept


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=names_st, query=plain, limit=st.integers(1, 25), sample_from=st.sampled_from([None, 4]))
def test_extract_over_candidates_equals_extract_over_all(names, query, limit, sample_from):
    key = lookup.norm(query)
    idx = index(names)
    real = lookup._SAMPLE_FROM, lookup._SAMPLE
    if sample_from:  # the sampled path of many names, on few
        lookup._SAMPLE_FROM, lookup._SAMPLE = sample_from, 2
    try:
        pool = fuzzy_candidates(idx, key, SEARCH_CUTOFF)
    finally:
        lookup._SAMPLE_FROM, lookup._SAMPLE = real
    before = process.extract(key, idx.get_column("n").to_list(), scorer=fuzz.WRatio, limit=limit, score_cutoff=SEARCH_CUTOFF)
    after = process.extract(key, pool.get_column("n").to_list(), scorer=fuzz.WRatio, limit=limit, score_cutoff=SEARCH_CUTOFF)
    ids, pids = idx.get_column("id").to_list(), pool.get_column("id").to_list()
    assert [(s, ids[k]) for _, s, k in before] == [(s, pids[k]) for _, s, k in after]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=names_st, query=st.one_of(plain, text))
def test_search_with_the_filter_equals_the_search_without(names, query):
    view = GraphView({"enterprises": pl.DataFrame({"id": [f"E{i:03d}" for i in range(len(names))], "name": names, "local": [i % 2 == 0 for i in range(len(names))],
                                                   "listed_code": [None] * len(names), "credit_code": [None] * len(names)})})  # fmt: skip
    new = search_enterprises(view, query)
    real = lookup.fuzzy_candidates
    lookup.fuzzy_candidates = lambda names, key, cutoff: names  # the search as it was: every name
    try:
        old = search_enterprises(view, query)
    finally:
        lookup.fuzzy_candidates = real
    assert new == old


def test_the_filter_drops_names_that_cannot_match():
    idx = index(["样本0000001科技有限公司", "样本0000002科技有限公司", "示例市华光科技有限公司", "华光 科技"])
    assert fuzzy_candidates(idx, "示例市华光科技公司", SEARCH_CUTOFF).get_column("n").to_list() == ["示例市华光科技有限公司", "华光 科技"]  # whitespace: kept
    assert fuzzy_candidates(idx, "宁德时代", SEARCH_CUTOFF).height == 1  # only the name with whitespace
    assert fuzzy_candidates(idx, "华光 科技", SEARCH_CUTOFF).height == 4  # whitespace in the query: no filter
