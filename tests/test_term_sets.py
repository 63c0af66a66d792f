"""A text joined from parts holds the terms that tokenising the joined text gives
(``qa.answering.term_sets.joined_terms``), abbreviations and empty parts included."""

from __future__ import annotations

import itertools

import pytest

from qa.answering.term_sets import joined_terms, term_set, text_terms
from qa.indexing.bm25 import terms

PARTS = (
    "",
    "   ",
    "II. MỤC TIÊU › 2. Mục tiêu cụ thể",
    "Đến năm 2025, tỷ lệ dân số có tài khoản thanh toán điện tử đạt trên 30%",
    "CĐS",  # one token that stands for three words
    "Tỷ lệ CĐS đạt 80%, UBND tỉnh",  # tokens, then the words of two abbreviations
    "UBND CĐS",
    "số hóa; 100% hồ sơ",
    "CĐS chuyển chuyển",  # the pair across its runs (chuyen_chuyen) is also one of its tokens' pairs
)


def test_a_text_terms_are_those_of_the_tokeniser() -> None:
    for text in PARTS:
        assert term_set(text) == frozenset(terms(text))
        assert list(term_set(text)) == list(frozenset(terms(text)))  # the same order, for sums over it


@pytest.mark.parametrize("n", [1, 2, 3])
def test_joined_terms_are_those_of_the_joined_text(n: int) -> None:
    for parts in itertools.product(PARTS, repeat=n):
        joined = frozenset(terms(" ".join(parts)))
        everything = joined.union(*(text_terms(p).terms for p in parts)) | {"so_ubnd", "tinh_cds", "x"}
        assert joined_terms(parts, everything) == joined, parts
        some = frozenset(t for t in everything if "_" in t)
        assert joined_terms(parts, some) == joined & some, parts


def test_inner_terms_leave_out_only_the_pair_the_join_puts_apart() -> None:
    kept = text_terms("Tỷ lệ CĐS đạt")
    assert kept.terms - kept.inner == {"dat_chuyen"}
    assert text_terms("đạt mục tiêu").inner == text_terms("đạt mục tiêu").terms
    assert text_terms("CĐS chuyển chuyển").inner == text_terms("CĐS chuyển chuyển").terms
