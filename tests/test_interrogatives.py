"""Rule ``interrogative_spans`` (qa.retrieval.query): the words that ask are not BM25 terms."""

from __future__ import annotations

import numpy as np
import pytest

from qa.indexing.bm25 import BM25Index, terms
from qa.retrieval.query import analyse, interrogative_spans
from qa.text import fold


@pytest.mark.parametrize("question, asking", [
    ("Trách nhiệm của cán bộ giảng dạy là gì?", ["gi"]),
    ("Kết quả đăng ký học phần được thông báo ở đâu?", ["o dau"]),
    ("Việc phân công cán bộ coi thi được thực hiện như thế nào?", ["the nao"]),
    ("Sinh viên có thể bị loại khỏi lớp hay không?", ["hay khong"]),
    ("Cán bộ ra đề thi có được phép coi thi không ?", ["khong"]),
    ("Sinh viên đăng ký khóa luận vào thời gian nào?", ["nao"]),
    ("sinh vien dang ky khoa luan vao thoi gian nao", ["nao"]),
    # "bao nhiêu" stays: its folded "nhieu" is also "nhiều" (many), and leaving it out lost
    # a no-diacritics floor-check answer while no regulations ranking moved.
    ("Tỷ lệ hồ sơ xử lý trực tuyến năm 2025 là bao nhiêu?", []),
])
def test_the_words_that_ask_are_found_with_or_without_diacritics(question, asking):
    folded = fold(question).lower()
    assert [folded[s:e] for s, e in interrogative_spans(folded)] == asking


def test_a_negation_inside_the_question_and_the_copula_stay_terms():
    query = analyse("Sinh viên không được làm gì trong phòng thi là gì?", {})
    assert "khong" in query.bm25_terms and "la" in query.bm25_terms
    assert "gi" not in query.bm25_terms and "gì" not in query.bm25_terms


def test_the_passage_stating_the_answer_outranks_one_that_holds_the_question_word():
    question = "Cán bộ coi thi làm nhiệm vụ gì?"
    passages = [
        "Sinh viên hỏi cán bộ coi thi được làm gì và không được làm gì trong giờ thi.",
        "Cán bộ coi thi có nhiệm vụ kiểm tra thẻ sinh viên, phát đề và thu bài thi.",
        "Học phí được thu theo từng học kỳ.",
        "Sinh viên đăng ký học phần trên hệ thống của Trường.",
    ]
    index = BM25Index.build(passages)
    assert int(np.argmax(index.scores(terms(question)))) == 0, "with the question word, the wrong passage wins"
    assert int(np.argmax(index.scores(analyse(question, {}).bm25_terms))) == 1


def test_a_phrase_with_diacritics_in_the_data_file_is_refused(tmp_path, monkeypatch):
    import qa.retrieval.query as query
    from datafiles import copied_data_dir
    from qa.data import DataFileError

    for folder in copied_data_dir(tmp_path, monkeypatch, (query._interrogative_phrases, query._interrogatives,
                                                          query._final_interrogatives)):
        (folder / "interrogatives.txt").write_text("là gì\n", encoding="utf-8")
        with pytest.raises(DataFileError, match="interrogatives.txt, line 1"):
            query._interrogatives()


@pytest.mark.parametrize("question, yes_no", [
    ("Các môn học ngoại ngữ được miễn có được tính điểm không?", True),
    ("Có thể mở lớp ngoài giờ hành chính nếu dưới 15 sinh viên hay không?", True),
    ("Cac mon hoc ngoai ngu duoc mien co duoc tinh diem khong", True),
    ("Đơn vị nào quản lý sinh viên đại trà?", False),
    ("Vì sao sinh viên không được dự thi?", False),  # "không" negates inside the question
])
def test_a_question_ending_with_khong_asks_yes_or_no(question, yes_no):
    from qa.retrieval.query import asks_yes_no
    from qa.text import fold
    assert asks_yes_no(fold(question).lower()) == yes_no
