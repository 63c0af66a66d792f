"""The reader: candidate units, answer types, Vietnamese numbers and the fitted model."""

from __future__ import annotations

import json

import pytest

from qa.answering.answer import compose, idf_function, quoted
from qa.answering.candidates import lead_ins, units
from qa.retrieval.query import analyse
from qa.answering.reader import (ANSWER_FEATURES, FEATURES, MODEL_PATH, answer_types, holds_type, load_model,
                       parse_number)
from qa.types import Chunk, Document, Hit


@pytest.mark.parametrize("written, value", [
    ("125.500", 125500.0), ("1.819", 1819.0), ("6,19", 6.19), ("26,55%", 26.55), ("12.5", 12.5),
    ("30%", 30.0), ("1.234.567", 1234567.0), ("07", 7.0),
])
def test_figures_are_read_with_vietnamese_separators(written, value):
    assert parse_number(written) == value


@pytest.mark.parametrize("question, lang, kind", [
    ("Tỷ lệ dân số có tài khoản thanh toán điện tử đạt bao nhiêu?", "vi", "quantity"),
    ("ty le dan so co tai khoan thanh toan dien tu dat bao nhieu", "vi", "quantity"),
    ("Kế hoạch được ban hành ngày nào?", "vi", "date"),
    ("Cơ quan nào chủ trì triển khai nền tảng số?", "vi", "agent"),
    ("Ai ký ban hành quyết định?", "vi", "agent"),
    ("Năm 2023 tỉnh xếp thứ mấy về chỉ số DTI?", "vi", "rank"),
    ("Kế hoạch chuyển đổi số năm 2025 có số hiệu là gì?", "vi", "docnumber"),
    ("How many online public services will be offered?", "en", "quantity"),
    ("When was the plan issued?", "en", "date"),
    ("Which agency leads the work?", "en", "agent"),
])
def test_a_question_says_what_kind_of_answer_it_wants(question, lang, kind):
    assert kind in answer_types(question, lang)


def test_english_ai_is_not_the_vietnamese_who():
    assert "agent" not in answer_types("What is the AI target for 2025?", "en")


@pytest.mark.parametrize("kind, text, holds", [
    ("quantity", "đạt trên 30% dân số", True),
    ("quantity", "đến năm 2025 hoàn thành", False),
    ("date", "ban hành ngày 15 tháng 3 năm 2024", True),
    ("date", "ban hành ngày 15/3/2024", True),
    ("agent", "Giao Sở Thông tin và Truyền thông chủ trì", True),
    ("rank", "xếp thứ 12/63 tỉnh, thành phố", True),
    ("docnumber", "theo Kế hoạch số 245/KH-UBND", True),
    ("docnumber", "đạt 80% kế hoạch", False),
])
def test_a_unit_holds_an_answer_of_a_kind(kind, text, holds):
    assert holds_type(kind, text) is holds


def test_list_items_are_read_with_their_lead_in():
    text = ("2. Mục tiêu cụ thể đến năm 2025:\n\n"
            "a) 80% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng;\n\n"
            "b) 60% hồ sơ công việc cấp xã được xử lý trên môi trường mạng.")
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    items = [c for c in units(hit, text) if c.kind == "item" and c.context]
    assert [c.text[:2] for c in items] == ["a)", "b)"]
    assert all(c.context == "2. Mục tiêu cụ thể đến năm 2025:" for c in items)
    assert quoted(items[1]).startswith("2. Mục tiêu cụ thể đến năm 2025: b) 60%")


def test_a_lead_in_is_found_before_the_chunk_and_past_sibling_items():
    document = "Nhiệm vụ trọng tâm:\n\n- Xây dựng nền tảng số;\n\n- Phát triển dữ liệu mở;\n\n- Đào tạo kỹ năng số."
    found = lead_ins(document)
    assert found[document.index("- Đào tạo")] == "Nhiệm vụ trọng tâm:"
    assert document.index("Nhiệm vụ") not in found  # the lead-in itself is no item


def test_the_model_file_matches_the_features_and_says_what_measured_it():
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert set(data["rank_weights"]) == set(FEATURES)
    assert set(data["answer_weights"]) == set(ANSWER_FEATURES)
    collections = data["fitted_on"]["collections"]
    assert len(collections) >= 2 and all(c["split"] == "dev" for c in collections.values())
    assert 0 < load_model().threshold < 1


def _document(text: str) -> Document:
    return Document("plan.txt", "Kế hoạch chuyển đổi số", text, province="Hà Tĩnh")


def test_the_item_that_holds_the_condition_answers_with_its_lead_in():
    text = ("Mục tiêu cụ thể đến năm 2025:\n\n"
            "a) Chính quyền số: 90% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng;\n\n"
            "b) Kinh tế số: kinh tế số chiếm 20% GRDP của tỉnh;\n\n"
            "c) Xã hội số: 80% dân số có tài khoản thanh toán điện tử.")
    doc = _document(text)
    hit = Hit(Chunk(0, doc.doc_id, text, 0, len(text)), 1.0)
    query = analyse("Đến năm 2025 kinh tế số chiếm bao nhiêu phần trăm GRDP?", {})
    answer, abstained, citations = compose(query, [hit], {doc.doc_id: doc}, idf_function(lambda t: 1, 10), None, 300)
    assert not abstained
    assert "20% GRDP" in answer and "[1]" in answer
    assert citations[0].highlight_start is not None
    assert text[citations[0].highlight_start:citations[0].highlight_end].startswith("b) Kinh tế số")


def test_the_candidates_module_example_runs():
    import doctest

    import qa.answering.candidates
    assert doctest.testmod(qa.answering.candidates).failed == 0
