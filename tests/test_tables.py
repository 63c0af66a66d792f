"""Per-chunk provinces and years are worked out once per index and shared: the
retriever and the local back end read the same tables, and what they hold is what a
chunk-by-chunk reading of the index says."""

from __future__ import annotations

import numpy as np

from qa.indexing.backend import SearchFilter
from qa.retrieval.query import analyse
from qa.text import years


def test_the_retriever_and_the_local_back_end_share_one_table(assistant):
    tables = assistant.index.tables
    assert assistant.retriever.tables is tables and assistant.backend.tables is tables


def test_the_tables_say_what_each_chunk_says(assistant):
    index, tables = assistant.index, assistant.index.tables
    assert [tables.province_of(i) for i in range(len(index.chunks))] == [
        index.documents[c.doc_id].province or "" for c in index.chunks]
    for asked in ((2025,), (2030,), (2021, 2025), (1999,)):
        expected = [bool(set(years(c.text)) & set(asked)) for c in index.chunks]
        assert tables.year_mask(asked).tolist() == expected


def test_a_filter_on_every_province_is_no_filter_and_one_province_keeps_its_own(assistant):
    backend, tables = assistant.backend, assistant.index.tables
    every = SearchFilter(provinces=tuple(p for p in tables.provinces if p))
    assert tables.province_mask(every.provinces) is None or "" in tables.provinces
    terms = analyse("mục tiêu thanh toán điện tử", assistant.index.spellings).bm25_terms
    if "" not in tables.provinces:
        assert backend.sparse(terms, 20, every) == backend.sparse(terms, 20)
    found = backend.sparse(terms, 50, SearchFilter(provinces=("Hà Tĩnh",)))
    assert found and {tables.province_of(i) for i in found} == {"Hà Tĩnh"}
    assert backend.sparse(terms, 50, SearchFilter(provinces=("Nowhere",))) == {}


def test_bm25_scores_kept_for_the_next_search_are_the_same_and_read_only(assistant):
    backend = assistant.backend
    terms = analyse("chữ ký số cho người dân", assistant.index.spellings).bm25_terms
    first = backend.sparse(terms, 10)
    assert backend.sparse(terms, 10) == first
    kept = backend._bm25_scores(tuple(terms))
    assert np.array_equal(kept, assistant.index.bm25.scores(list(terms))) and not kept.flags.writeable
