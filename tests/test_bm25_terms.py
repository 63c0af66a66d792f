"""The fast BM25 tokeniser, build and spelling table give exactly what the simple ones gave.

The reader and the index both depend on ``qa.indexing.bm25.terms``: the fast version must
produce the same terms, in the same order, as the plain per-word code it replaced
(kept here as the reference), and the numpy build the same matrix as bm25s's own.
"""

from __future__ import annotations

import random

import bm25s
import numpy as np
import pytest

import qa.indexing.bm25
import qa.indexing.spellings
from qa.indexing.bm25 import B, K1, BM25Index, WordTable, fraction_parts, terms
from qa.retrieval.glossary import expand_abbreviations
from qa.indexing.spellings import collection_spellings
from qa.text import bigrams, fold, words


def reference_terms(text: str) -> list[str]:
    """``qa.indexing.bm25.terms`` as it was written before it was made fast (one word at a time)."""
    accented = words(text)
    extra: list[str] = []
    for word in accented:
        extra += [w for e in expand_abbreviations([word]) for w in words(e)] + fraction_parts(word)
    accented = accented + extra
    folded = [fold(w) for w in accented]
    out = folded + bigrams(folded)
    out.extend(a for a, f in zip(accented, folded) if a != f)
    return out


TEXTS = [
    "Tỷ lệ dân số có tài khoản thanh toán điện tử đạt trên 30%.",
    "ty le dan so co tai khoan thanh toan dien tu dat tren 30%",
    "TỶ LỆ DÂN SỐ CÓ TÀI KHOẢN THANH TOÁN ĐIỆN TỬ",
    "Sở TT&TT chủ trì; Kế hoạch số 245/KH-UBND ngày 12/3/2022 của UBND tỉnh Hà Tĩnh.",
    "Đạt 23/34 chỉ tiêu (67,6%), 12/12 huyện; điểm 4,5/5; NĐ 137/2024/NĐ-CP, 09-NQ/TU, 2021-2025.",
    "Sở TTTT, sở TT-TT và tt&tt: cùng một từ viết tắt. CĐS, cds, CQĐT, KT-XH, GD&ĐT.",
    "ICT Index đạt 24/63; 36,8% hồ sơ; 1.819 thủ tục; 4G/5G; data.gov.vn; 10.000 tỷ đồng",
    "Đến năm 2025, kinh tế số chiếm 20% GRDP; đến 2030 là 30 %.",
    "Tiếng Việt tổ hợp (NFD): Hà Tĩnh, Quảng Nam, Đồng Nai",
    "a..b a.%b x%y -- ... &&& 1,5,,2 snake_case_word a_b c",
    "Tab\tand\u00a0nbsp\u2003em-space, zero\u200bwidth, line\nbreak\r\nend",
    "İstanbul ǅemal Straße ﬁne ＡＢＣ１２３ ١٢٣ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀 emoji",
    "",
    "   ",
    "!!! ??? ;;;",
    "UBND",
]
TEXTS[7] = TEXTS[7].replace("Hà Tĩnh", "Ha\u0300 Ti\u0303nh")  # decomposed diacritics


@pytest.mark.parametrize("text", TEXTS)
def test_the_fast_terms_are_the_terms_of_before(text):
    assert terms(text) == reference_terms(text)


def test_random_text_of_tricky_characters_gives_the_terms_of_before():
    alphabet = list("aăâbcdđeêghiklmnoôơpqrstuưvxyAĐƯ0123456789 .,/&-%_;:()\t\n\u00a0\u200b\u0300\u0301İß")
    alphabet += ["UBND", "TT&TT", "CĐS", "KT-XH", " số ", "thanh toán"]
    rng = random.Random(7)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert terms(text) == reference_terms(text), repr(text)


def test_a_word_table_gives_the_same_terms_for_a_text_met_again():
    table = WordTable()
    first = [table.terms(table.ids(t)) for t in TEXTS]
    assert [table.terms(table.ids(t)) for t in TEXTS] == first == [reference_terms(t) for t in TEXTS]


def test_the_build_is_the_matrix_bm25s_builds_from_the_terms(monkeypatch):
    monkeypatch.setattr(qa.indexing.bm25, "BUILD_BLOCK", 4)  # several blocks, and a vocabulary that grows across them
    texts = TEXTS + TEXTS[:5] + ["thanh toán điện tử", "số hóa", "", "CĐS CĐS CĐS cds"]
    ours = BM25Index.build(texts)
    theirs = bm25s.BM25(method="lucene", k1=K1, b=B)
    theirs.index([reference_terms(t) or [""] for t in texts], show_progress=False)
    assert set(ours._vocab) == set(theirs.vocab_dict)
    for term in theirs.vocab_dict:
        if term:
            expected = np.asarray(theirs.get_scores([term]), dtype=np.float32)
            assert np.array_equal(ours.scores([term]), expected), term
            assert ours.document_frequency(term) == int(np.count_nonzero(expected)), term


def test_a_collection_without_any_word_still_builds():
    index = BM25Index.build(["", "!!!", "   "])
    assert index.n_docs == 3
    assert not index.scores(terms("thanh toán")).any()


def reference_spellings(texts: list[str]) -> dict[str, str]:
    """``qa.indexing.index._spellings`` as it was written before it counted with arrays."""
    from collections import Counter, defaultdict

    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        accented = words(text)
        folded = [fold(w) for w in accented]
        for a, f in zip(accented, folded):
            counts[f][a] += 1
        for a, f in zip(bigrams(accented), bigrams(folded)):
            counts[f][a] += 1
    return {f: c.most_common(1)[0][0] for f, c in counts.items() if c.most_common(1)[0][0] != f}


@pytest.mark.parametrize("block", [4096, 2])
def test_the_collections_spellings_are_those_of_before_in_the_same_order(block, monkeypatch):
    monkeypatch.setattr(qa.indexing.spellings, "BUILD_BLOCK", block)  # 2: many blocks, forms first met in later ones
    texts = TEXTS + ["Hà Tĩnh, hà tĩnh, HA TINH, Ha Tinh", "ha tinh hà tình hà tĩnh", "a_b c a b_c", "số sở số sổ",
                     "", "UBND UBND tỉnh"]
    expected = reference_spellings(texts)
    got = collection_spellings(texts)
    assert got == expected and list(got) == list(expected)
    rng = random.Random(11)
    alphabet = ["hà", "ha", "Hà", "tĩnh", "tinh", "tình", "số", "so", "sở", "a_b", "b", "c", "2025", "_", " ", " ", ","]
    for _ in range(300):
        sample = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12))) for _ in range(rng.randint(1, 6))]
        assert list(collection_spellings(sample).items()) == list(reference_spellings(sample).items()), sample


def test_the_spellings_of_the_bundled_plans_are_those_of_before(assistant):
    texts = [c.text for c in assistant.index.chunks]
    assert list(collection_spellings(texts).items()) == list(reference_spellings(texts).items())


@pytest.mark.parametrize("word, parts", [
    ("23/34", ["23", "34"]), ("12/12", ["12", "12"]), ("4,5/5", ["4,5", "5"]),
    ("15/3/2024", []), ("3/2024", []), ("137/2024", []), ("2021-2025", []),
    ("09-nq/tu", []), ("245/kh-ubnd", []), ("4g/5g", []),
])
def test_a_fraction_also_names_its_numbers_but_a_date_or_a_code_does_not(word, parts):
    assert fraction_parts(word) == parts


def test_a_question_s_total_matches_a_passage_s_fraction():
    """"trong 34 chỉ tiêu" shares "34" with "đạt 23/34 chỉ tiêu" (it shared no number before)."""
    passage, question = set(terms("Tỉnh đạt 23/34 chỉ tiêu.")), set(terms("hoàn thành bao nhiêu trong 34 chỉ tiêu"))
    assert "34" in passage & question
    assert "34" not in terms("Kế hoạch 245/KH-UBND ngày 15/3/2024, giai đoạn 2021-2034")
