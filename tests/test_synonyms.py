"""Rule "a plan's word said in other words" (qa.retrieval.query.with_synonyms,
qa/data/vi_synonyms.tsv): a Vietnamese question naming one phrase of a row is searched with
the others, and a passage holding any phrase of the row holds that concept."""

from __future__ import annotations

import pytest

from qa.answering.answer import idf_function
from qa.answering.reader import coverage
from qa.retrieval.query import analyse, synonym_groups, synonym_terms, with_synonyms


def test_every_row_has_two_phrases_or_more():
    assert synonym_groups() and all(len(group) >= 2 for group in synonym_groups())


def test_a_synonym_answers_the_concept_the_question_names():
    """"doanh nghiệp vừa và nhỏ" asked, "doanh nghiệp nhỏ và vừa" written: the phrase is one
    concept the plan's order holds in full; another subject does not."""
    question = analyse("Tỷ lệ doanh nghiệp vừa và nhỏ sử dụng nền tảng số là bao nhiêu?", {})
    phrase = [c for c in question.concepts if len(c) > 1]
    assert len(phrase) == 1 and ("doanh_nghiep" in phrase[0][0] and "nghiep_nho" in phrase[0][0])
    idf = idf_function(lambda t: 1, 100)
    ours = coverage(question.concepts, "Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số đạt 50%.", idf)
    other = coverage(question.concepts, "Tỷ lệ hộ gia đình sử dụng nền tảng số đạt 50%.", idf)
    assert ours > 0.9 > other


def test_typed_without_diacritics_and_searched_with_the_other_phrases():
    question = analyse("ngan sach chuyen doi so nam 2025 la bao nhieu", {})
    assert (("kinh", "phi", "kinh_phi"), ("ngan", "sach", "ngan_sach")) in question.concepts
    assert {"kinh_phi", "phí"} <= set(synonym_terms("ngan sach chuyen doi so"))
    assert synonym_terms("tỷ lệ hộ gia đình có cáp quang") == []


def test_without_the_rule_the_other_order_is_covered_less():
    """The concepts as they were (each syllable and pair its own) miss the pair the plan's
    order does not have ("nghiệp vừa"); the rule makes the phrase one concept it holds."""
    idf = idf_function(lambda t: 1, 100)
    from qa.retrieval.query import _content_terms
    asked = "doanh nghiệp vừa và nhỏ sử dụng nền tảng số"
    plain = tuple(((t,),) for t in _content_terms(asked))
    plan = "Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số đạt 50%."
    assert coverage(with_synonyms(plain, asked), plan, idf) > coverage(plain, plan, idf)


def test_a_row_of_one_phrase_stops_the_program(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import qa.data
    from qa.data import DataFileError, read_rows
    (tmp_path / "vi_synonyms.tsv").write_text("# comment\nkinh phí|ngân sách\nsmartphone\n", encoding="utf-8")
    monkeypatch.setattr(qa.data, "DATA_DIR", tmp_path)
    read_rows.cache_clear()
    synonym_groups.cache_clear()
    try:
        with pytest.raises(DataFileError, match="line 3"):
            synonym_groups()
    finally:
        read_rows.cache_clear()
        synonym_groups.cache_clear()


@pytest.mark.parametrize("question, plan_words", [
    ("Tỉnh đảm bảo an toàn thông tin thế nào?", "bao_dam"),       # one word spelt two ways
    ("Bao nhiêu người dân có định danh điện tử?", "danh_tinh"),
    ("Thời hạn hoàn thành nhiệm vụ là khi nào?", "thoi_gian"),
])
def test_a_row_from_the_documents_side_searches_the_plans_wording(question, plan_words):
    assert plan_words in synonym_terms(question)


def test_a_ranking_is_no_rank_position():
    """"xếp hạng … ở mức tốt" states no place: "xếp thứ mấy" is not searched as "xếp hạng"
    (a row "xếp thứ|xếp hạng|đứng thứ" answered an unanswerable articles question with it)."""
    assert "xep_hang" not in synonym_terms("Chỉ số ICT của tỉnh xếp thứ mấy?")
