"""A question asking for a list is answered with the whole list (``answer.whole_list``), in a
larger room than other answers (``Settings.max_list_answer_chars``)."""

from __future__ import annotations

import pytest

from qa.answering.answer import asks_for_list, compose, idf_function, whole_list
from qa.answering.candidates import units
from qa.config import Settings
from qa.retrieval.query import analyse
from qa.types import Chunk, Document, Hit

RULE = ("Điều 5. Hồ sơ đề nghị cấp bản sao\n"
        "1. Hồ sơ đề nghị cấp bản sao văn bằng gồm các giấy tờ sau đây:\n"
        "a) Đơn đề nghị cấp bản sao văn bằng theo mẫu của Trường, có xác nhận của đơn vị quản lý người học;\n"
        "b) Bản sao giấy tờ tùy thân còn thời hạn sử dụng của người đề nghị cấp bản sao;\n"
        "c) Giấy ủy quyền có chứng thực đối với trường hợp người khác nhận thay người được cấp văn bằng;\n"
        "d) Biên lai nộp lệ phí cấp bản sao văn bằng theo quy định hiện hành của Trường;\n"
        "đ) Ảnh chân dung cỡ 3x4 chụp trong thời gian không quá sáu tháng tính đến ngày nộp hồ sơ.\n"
        "2. Thời hạn cấp bản sao là 05 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.")

LIST_QUESTION = "Hồ sơ đề nghị cấp bản sao văn bằng gồm những gì?"


def _ask(question: str, list_chars: int, text: str = RULE) -> tuple[str, bool, list]:
    doc = Document("rule.txt", "Quy định cấp bản sao văn bằng", text)
    hit = Hit(Chunk(0, doc.doc_id, text, 0, len(text)), 1.0)
    return compose(analyse(question, {}), [hit], {doc.doc_id: doc}, idf_function(lambda t: 1, 10), None, 300,
                   list_chars=list_chars)


def test_a_list_question_quotes_every_item_of_the_list():
    answer, abstained, citations = _ask(LIST_QUESTION, 600)
    assert not abstained
    for item in ("a) Đơn đề nghị", "c) Giấy ủy quyền", "đ) Ảnh chân dung cỡ 3x4"):
        assert item in answer
    assert "Thời hạn cấp bản sao" not in answer  # the next clause is no item of the list
    assert 300 < len(answer) <= 600
    assert answer.rstrip().endswith("[1].")
    start, end = citations[0].highlight_start, citations[0].highlight_end
    assert start is not None and RULE[start:end] in RULE  # the citation still points into the passage


def test_without_the_larger_room_the_list_is_cut_at_the_usual_room():
    answer, abstained, _ = _ask(LIST_QUESTION, 0)
    assert not abstained
    assert len(answer) <= 300
    assert "đ) Ảnh chân dung cỡ 3x4" not in answer


def test_a_question_for_one_fact_keeps_the_usual_room():
    answer, abstained, _ = _ask("Thời hạn cấp bản sao văn bằng là bao nhiêu ngày làm việc?", 600)
    assert not abstained
    assert "05 ngày" in answer and len(answer) <= 300


def test_a_list_that_fits_the_usual_room_is_quoted_as_before():
    short = ("Điều 3. Hình thức thi\n"
             "Các hình thức thi bao gồm:\n"
             "a) Tự luận;\n"
             "b) Trắc nghiệm;\n"
             "c) Vấn đáp.")
    assert _ask("Các hình thức thi bao gồm những gì?", 600, short) == _ask("Các hình thức thi bao gồm những gì?", 0,
                                                                              short)


@pytest.mark.parametrize("question, asks", [
    (LIST_QUESTION, True),
    ("Điều kiện để được cấp bản sao văn bằng là gì?", True),
    ("What are the requirements for a copy of a diploma?", True),
    ("Hệ thống giải quyết thủ tục hành chính đã tiếp nhận bao nhiêu hồ sơ?", False),  # a figure, though "thủ tục"
    ("Thời hạn cấp bản sao văn bằng là bao lâu?", False),
    ("Trách nhiệm của phòng đào tạo trong tổ chức thi là gì?", True),  # "whole_list": what one must do
    ("Quy trình phúc khảo diễn ra như thế nào?", True),
    ("What are the responsibilities of the examination board?", True),
    ("Tỷ lệ hồ sơ được xử lý trực tuyến đạt bao nhiêu phần trăm?", False),
    ("Biên lai nộp lệ phí có nằm trong hồ sơ đề nghị cấp bản sao không?", True),  # yes or no: the list decides
    ("Sinh viên có được nộp hồ sơ trực tuyến không?", True),
])
def test_which_questions_ask_for_a_whole_list(question, asks):
    assert asks_for_list(analyse(question, {})) is asks


def test_a_yes_no_question_on_a_list_quotes_the_whole_list():
    question = "Ảnh chân dung có nằm trong hồ sơ đề nghị cấp bản sao văn bằng không?"
    answer, abstained, _ = _ask(question, 600)
    assert not abstained
    for item in ("1. Hồ sơ đề nghị cấp bản sao văn bằng gồm", "a) Đơn đề nghị", "c) Giấy ủy quyền",
                 "đ) Ảnh chân dung cỡ 3x4"):
        assert item in answer
    assert "a) Đơn đề nghị" not in _ask(question, 0)[0]  # the usual room quotes some items only


def test_an_item_chosen_alone_is_not_grown_into_its_list():
    hit = Hit(Chunk(0, "rule.txt", RULE, 0, len(RULE)), 1.0)
    item = next(c for c in units(hit, RULE) if c.kind == "item" and c.text.startswith("b) Bản sao"))
    assert whole_list(item, RULE, 560, analyse(LIST_QUESTION, {})) is None


def test_a_list_cut_by_its_passage_is_read_on_in_the_document():
    end = RULE.index("c) Giấy ủy quyền")  # the passage stops inside the list
    hit = Hit(Chunk(0, "rule.txt", RULE[:end], 0, end), 1.0)
    lead = next(c for c in units(hit, RULE) if c.text.startswith("1. Hồ sơ đề nghị"))
    grown = whole_list(lead, RULE, 560, analyse(LIST_QUESTION, {}))
    assert grown is not None and grown.kind == "list"
    assert grown.text.startswith("1. Hồ sơ đề nghị") and grown.text.endswith("tính đến ngày nộp hồ sơ.")
    assert "Thời hạn cấp bản sao" not in grown.text


def test_a_plain_sentence_is_no_list():
    hit = Hit(Chunk(0, "rule.txt", RULE, 0, len(RULE)), 1.0)
    line = next(c for c in units(hit, RULE) if c.text.startswith("2. Thời hạn"))
    assert whole_list(line, RULE, 560, analyse(LIST_QUESTION, {})) is None


def test_the_list_room_is_larger_than_the_answer_room():
    settings = Settings()
    assert settings.max_list_answer_chars > settings.max_answer_chars


PLAN_TASKS = ("II. NHIỆM VỤ\n"
              "1. Xây dựng cơ sở dữ liệu chuyên ngành\n"
              "1.1. Cơ sở dữ liệu đất đai tại 9 huyện, thị xã, thành phố\n"
              "- Cơ quan chủ trì: Sở Tài nguyên và Môi trường\n"
              "- Thời gian: Quý IV/2025\n"
              "1.2. Cơ sở dữ liệu ngành giáo dục (học bạ số, hồ sơ giáo viên)\n"
              "- Cơ quan chủ trì: Sở Giáo dục và Đào tạo\n"
              "- Thời gian: Quý III/2025\n"
              "1.3. Cơ sở dữ liệu hộ tịch điện tử, số hóa sổ hộ tịch từ năm 1990\n"
              "- Cơ quan chủ trì: Sở Tư pháp\n"
              "- Thời gian: Quý II/2025\n"
              "2. Phát triển hạ tầng số\n"
              "2.1. Phủ sóng 4G đến 100% thôn, bản\n")


def test_a_plans_task_heading_is_not_grown_into_its_whole_body():
    question = "Nhiệm vụ xây dựng cơ sở dữ liệu chuyên ngành gồm những gì?"
    answer, abstained, _ = _ask(question, 800, PLAN_TASKS)
    assert not abstained
    assert "1. Xây dựng cơ sở dữ liệu chuyên ngành" in answer
    assert len(answer) <= 300  # the heading's sections are quoted in the usual room, not the list's
    assert (answer, abstained) == _ask(question, 0, PLAN_TASKS)[:2]
