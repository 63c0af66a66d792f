"""Cleaning removes web-page junk and nothing of substance; Vietnamese text handling."""

from __future__ import annotations

import json
import math
import re

import pytest
import rank_bm25

from qa.bm25 import B, K1, BM25Index, terms
from qa.clean import clean
from qa.config import PROJECT_ROOT
from qa.ingest import detect_province
from qa.query import analyse, detect_language, restore_diacritics
from qa.text import fold, sentences

JUNK = ["truc tiep bong da", "bong da lu", "kq bd fa", "_kq", "No comments", "Post a Comment", "{keywords}",
        "Chia sẻ bài viết", "BÌNH LUẬN", "ảngNamưutiên", "àTĩnhmuốncótên", "Bí thư Hải Dương", "M.T"]


def test_junk_strings_never_appear_in_any_chunk(assistant):
    for chunk in assistant.index.chunks:
        for junk in JUNK:
            assert junk not in chunk.text, f"{junk!r} in chunk {chunk.chunk_id} of {chunk.doc_id}"
        assert not re.search(r"\w{25,}", chunk.text), "no glued-syllable spam"


def test_a_repeated_photo_caption_is_kept_once(assistant):
    text = assistant.document("003_1d65308af9f630d2.txt").text
    assert text.count("Viettel Bến Tre đồng hành cùng chính quyền") == 1


def test_cleaning_keeps_every_evidence_sentence_of_the_question_set(assistant):
    documents = " ".join(d.text for d in assistant.index.documents.values())
    squash = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    for line in (PROJECT_ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        if q["evidence"]:
            assert squash(q["evidence"]) in squash(documents), q["id"]


def test_datelines_and_sources_become_metadata():
    cleaned = clean("01/12/2023 - 16:07\n\nBDK.VN - Theo Phó chủ tịch UBND tỉnh, chuyển đổi số là nhiệm vụ cấp bách.")
    assert cleaned.date == "2023-12-01" and cleaned.source == "BDK.VN"
    assert cleaned.text == "Theo Phó chủ tịch UBND tỉnh, chuyển đổi số là nhiệm vụ cấp bách."
    assert clean("Monday, January 25, 2021\n\nĐồng Nai sẽ cung cấp dịch vụ công.").date == "2021-01-25"


def test_spam_glued_into_a_title_is_cut_and_the_title_kept():
    raw = "Kế hoạch đến năm 2025,ảngNamưutiênchuyểnđổisốcấpxãtruc tiep bong da lu định hướng đến năm 2030."
    assert clean(raw).text == "Kế hoạch đến năm 2025, định hướng đến năm 2030."
    assert clean("Top 15 địa phương dẫn đầu về Chính phủ số_kq bd fa").text == "Top 15 địa phương dẫn đầu về Chính phủ số"


def test_numbers_with_decimal_commas_survive_cleaning():
    assert "36,8%" in clean("Đã cung cấp 615 dịch vụ công mức độ 3, đạt 36,8% và 1.819 thủ tục.").text


@pytest.mark.parametrize("doc_id, province", [("001_1581d79c7b3d0917.txt", "Nam Định"), ("003_1d65308af9f630d2.txt", "Bến Tre")])
def test_the_province_is_detected_from_the_text_when_the_catalogue_is_silent(assistant, doc_id, province):
    doc = assistant.document(doc_id)
    assert detect_province(doc.title, doc.text) == province


def test_sentences_keep_their_offsets_and_do_not_break_numbers():
    text = "Năm 2019, ICT Index đạt 24/63. Tỷ lệ đạt 36,8% (TP. Hồ Chí Minh). Đến năm 2025, đạt 30%."
    spans = sentences(text)
    assert [s.text for s in spans] == ["Năm 2019, ICT Index đạt 24/63.", "Tỷ lệ đạt 36,8% (TP. Hồ Chí Minh).",
                                       "Đến năm 2025, đạt 30%."]
    assert all(text[s.start:s.end] == s.text for s in spans)


def test_bm25s_scores_equal_rank_bm25_with_the_same_lucene_idf():
    texts = ["tỷ lệ dân số có tài khoản thanh toán điện tử đạt trên 30%", "kinh tế số chiếm 10% GRDP",
             "hạ tầng cáp quang phủ 80% hộ gia đình", "thanh toán không dùng tiền mặt", "số hóa dữ liệu",
             "chuyển đổi số đồng bộ toàn diện", "dịch vụ công trực tuyến mức độ 4"]
    ours = BM25Index.build(texts)
    tokens = [terms(t) for t in texts]
    reference = rank_bm25.BM25Okapi(tokens, k1=K1, b=B)
    n = len(tokens)
    for term in reference.idf:  # rank-bm25's Okapi idf can go negative; Lucene's cannot
        df = sum(term in doc for doc in tokens)
        reference.idf[term] = math.log(1 + (n - df + 0.5) / (df + 0.5))
    for question in ["thanh toan dien tu", "kinh tế số GRDP", "cáp quang hộ gia đình", "số"]:
        q = terms(question)
        expected = reference.get_scores(q) / (K1 + 1)  # bm25s drops Okapi's constant (k1 + 1) factor
        assert ours.scores(q) == pytest.approx(expected, rel=1e-5)


def test_a_question_without_diacritics_matches_the_accented_text():
    index = BM25Index.build(["tỷ lệ dân số có tài khoản thanh toán điện tử", "dịch vụ công trực tuyến"])
    scores = index.scores(terms("tai khoan thanh toan dien tu"))
    assert scores[0] > 0 and scores[1] == 0


def test_diacritics_are_restored_from_the_collections_own_spellings(assistant):
    restored = restore_diacritics("muc tieu thanh toan dien tu", assistant.index.spellings)
    assert restored == "mục tiêu thanh toán điện tử"


@pytest.mark.parametrize("question, lang", [
    ("What is Hà Tĩnh's 2025 e-payment target?", "en"),
    ("muc tieu kinh te so Dong Nai 2025", "vi"),
    ("Mục tiêu kinh tế số của Đồng Nai?", "vi"),
    ("Dong Nai digital economy target", "en"),
    ("ty le ho gia dinh co cap quang", "vi"),
])
def test_the_language_of_a_question_is_recognised(question, lang):
    assert detect_language(question) == lang


def test_an_english_question_brings_the_vietnamese_plan_terms():
    query = analyse("What is Hà Tĩnh's 2025 e-payment target?", {})
    assert "thanh_toan" in query.bm25_terms and "dien_tu" in query.bm25_terms
    assert query.provinces == ("Hà Tĩnh",) and query.years == (2025,)


def test_folding_keeps_length_for_offsets():
    text = "Đồng Nai, Hà Tĩnh, Quảng Nam"
    assert fold(text) == "Dong Nai, Ha Tinh, Quang Nam" and len(fold(text)) == len(text)
