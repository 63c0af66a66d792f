"""The local back end's shortcuts change no result: per-chunk provinces and years are
worked out once per index and shared with the retriever, and say what a chunk-by-chunk
reading of the index says; kept BM25 scores are the scores; a dense search answered
from a wider one is the search itself, on the exact index and on the approximate one."""

from __future__ import annotations

import numpy as np

from qa.indexing import vectors as vector_index
from qa.indexing.backend import LocalBackend, SearchFilter, _DenseResult, _first_of
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


def test_a_dense_search_answered_from_a_wider_one_is_the_search_itself(assistant):
    backend = assistant.backend
    for question, where in (("Mục tiêu kinh tế số năm 2025?", SearchFilter()),
                            ("Tỷ lệ dân số có tài khoản thanh toán điện tử", SearchFilter(provinces=("Hà Tĩnh",)))):
        vector = assistant.retriever.embed(analyse(question, assistant.index.spellings))
        fresh = {k: LocalBackend(assistant.index).dense(vector, k, where) for k in (5, 10)}
        backend.dense(vector, 60, where)
        wide = backend._last_dense
        for k in (10, 5):  # each from the wider one (no second search), unless equal scores straddle its cut
            assert backend.dense(vector, k, where) == fresh[k]
            assert (backend._last_dense is wide) == bool(wide.scores[k - 1] > wide.scores[k])


def test_equal_scores_across_the_cut_are_searched_again():
    kept = _DenseResult((b"v", None), np.array([0.9, 0.8, 0.8, 0.7], np.float32), np.array([3, 1, 2, 0]))
    assert _first_of(kept, (b"v", None), 1) is kept and _first_of(kept, (b"v", None), 3) is kept
    assert _first_of(kept, (b"v", None), 2) is None  # 1 or 2: FAISS's choice
    assert _first_of(kept, (b"w", None), 1) is None and _first_of(kept, (b"v", b"ids"), 1) is None
    assert _first_of(kept, (b"v", None), 5) is None


def test_the_first_k_of_a_wider_approximate_search_are_its_search_of_k():
    vectors = np.random.default_rng(7).standard_normal((4000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = vector_index.build(vectors, ann_min_chunks=1000)
    assert vector_index.kind(index) == vector_index.IVF_FP16
    allowed = np.arange(0, 4000, 3)
    for query in vectors[:20]:
        for only in (None, allowed):
            wide_scores, wide_ids = vector_index.search(index, query, 200, only)
            scores, ids = vector_index.search(index, query, 20, only)
            assert wide_scores[19] > wide_scores[20]
            assert np.array_equal(wide_ids[:20], ids) and np.array_equal(wide_scores[:20], scores)


def test_a_search_filtered_to_the_named_provinces_ranks_without_their_names():
    from qa.retrieval.retrieve import bm25_terms

    vi = analyse("Đến năm 2025, kinh tế số của Bà Rịa - Vũng Tàu phải chiếm bao nhiêu phần trăm GRDP?", {})
    assert {"vung_tau", "ria"} <= set(vi.bm25_terms) and "grdp" in vi.bm25_terms
    assert not {"vung", "tau", "ria", "vung_tau"} & set(vi.bm25_terms_in_scope) and "grdp" in vi.bm25_terms_in_scope
    assert bm25_terms(vi, ("Bà Rịa - Vũng Tàu",)) == vi.bm25_terms_in_scope
    assert bm25_terms(vi, ()) == vi.bm25_terms  # a search over every plan: the name tells plans apart
    en = analyse("What is Hà Tĩnh's 2025 e-payment target?", {})
    assert "ha_tinh" in en.bm25_terms and "ha_tinh" not in en.bm25_terms_in_scope
    assert "thanh_toan" in en.bm25_terms_in_scope  # the glossary's Vietnamese stays
    unnamed = analyse("Mục tiêu thanh toán điện tử năm 2025?", {})  # the chat's filter, no name in the question
    assert bm25_terms(unnamed, ("Hà Tĩnh",)) == unnamed.bm25_terms
