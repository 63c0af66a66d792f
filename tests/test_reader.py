"""The reader: candidate units, answer types, Vietnamese numbers and the fitted model."""

from __future__ import annotations

import json
import math
from collections.abc import Callable

import pytest

from qa.answering.answer import candidates, compose, idf_function, quoted, reading
from qa.answering.candidates import Candidate, lead_ins, units
from qa.retrieval.query import analyse
from qa.answering.reader import (ANSWER_FEATURES, FEATURES, MODEL_PATH, answer_types, asked_document_kind, asks_several, choose,
                                 counted_noun, counted_pattern, holds_type, load_model, number_kinds, parse_number,
                                 period_total_for_year, refusal, said_years)
from qa.types import Chunk, Document, Hit


def _feature(name: str, query, unit: Candidate, idf) -> float:
    """One named feature (reader.FEATURES) of ``unit``, read for ``query`` in the passage it
    comes from."""
    from qa.answering.reader import features
    return dict(zip(FEATURES, features(reading(query, [unit.hit], idf), unit)))[name]


@pytest.mark.parametrize("written, value", [
    ("125.500", 125500.0), ("1.819", 1819.0), ("6,19", 6.19), ("26,55%", 26.55), ("12.5", 12.5),
    ("30%", 30.0), ("1.234.567", 1234567.0), ("07", 7.0),
])
def test_figures_are_read_with_vietnamese_separators(written, value):
    assert parse_number(written) == value


@pytest.mark.parametrize("question, lang, kind", [
    ("Tỷ lệ dân số có tài khoản thanh toán điện tử đạt bao nhiêu?", "vi", "quantity"),
    ("ty le dan so co tai khoan thanh toan dien tu dat bao nhieu", "vi", "quantity"),
    ("Kế hoạch được ban hành ngày nào?", "vi", "day"),
    ("On what date was the plan issued?", "en", "day"),
    ("Cơ quan nào chủ trì triển khai nền tảng số?", "vi", "agent"),
    ("Ai ký ban hành quyết định?", "vi", "signer"),
    ("Ai chủ trì triển khai nền tảng số?", "vi", "agent"),
    ("Năm 2023 tỉnh xếp thứ mấy về chỉ số DTI?", "vi", "rank"),
    ("Kế hoạch chuyển đổi số năm 2025 có số hiệu là gì?", "vi", "docnumber"),
    ("How many online public services will be offered?", "en", "quantity"),
    ("When was the plan issued?", "en", "day"),
    ("When will the province reach the target?", "en", "date"),
    ("Which agency leads the work?", "en", "agent"),
])
def test_a_question_says_what_kind_of_answer_it_wants(question, lang, kind):
    assert kind in answer_types(question, lang)


@pytest.mark.parametrize("question, lang, narrow, broad", [
    ("Ai ký Kế hoạch chuyển đổi số tỉnh Lạng Sơn năm 2026?", "vi", "signer", "agent"),
    ("Who signed Hung Yen's 2026 digital transformation plan?", "en", "signer", "agent"),
    ("ke hoach chuyen doi so binh dinh nam 2025 ban hanh ngay nao", "vi-nodiac", "day", "date"),
    # a date question naming what happens to a document on one day asks for that day
    ("When was Thai Nguyen's digital transformation strategy to 2030 approved?", "en", "day", "date"),
    ("Kế hoạch chuyển đổi số tỉnh Bình Định được ban hành khi nào?", "vi", "day", "date"),
    # a share asks for a percentage: a count or a rank ("tốp 10") is no answer to it
    ("What share of GRDP should Hai Phong's digital economy reach by 2025?", "en", "percent", "quantity"),
    ("kinh te so thai nguyen chiem bao nhieu phan tram GRDP nam 2025", "vi-nodiac", "percent", "quantity"),
    ("Kinh tế số chiếm bao nhiêu % GRDP?", "vi", "percent", "quantity"),
])
def test_a_narrower_kind_of_answer_replaces_the_broader_one(question, lang, narrow, broad):
    kinds = answer_types(question, lang)
    assert narrow in kinds and broad not in kinds


@pytest.mark.parametrize("question, lang, kinds", [
    # a rank by a share asks for the rank: "share of" names what is ranked
    ("What position did Vinh Phuc hold nationally for digital economy share of GRDP in 2022?", "en", {"rank"}),
    ("Where does the province rank by percentage of cashless payments?", "en", {"rank"}),
    ("Năm 2022 tỉnh đứng thứ mấy về tỷ lệ phần trăm kinh tế số?", "vi", {"rank"}),
    # a share asked with its own question word is still asked, beside a rank or alone
    ("What share of GRDP does the digital economy reach, and what rank does that give?", "en", {"rank", "percent"}),
    ("What share of GRDP should the digital economy reach by 2025?", "en", {"percent"}),
    ("What is the share of e-commerce in retail sales?", "en", {"percent"}),
])
def test_a_rank_by_a_share_asks_for_the_rank_alone(question, lang, kinds):
    assert answer_types(question, lang) == kinds


def test_a_comparison_by_a_share_asks_for_a_percentage_unless_read_per_province():
    from qa.answering.reader import asked_kinds

    def ask(question):
        return analyse(question, {}, lambda t: True)

    for question in ("Which province targets the highest digital economy share by 2030?",
                     "Tỉnh nào đặt mục tiêu tỷ trọng kinh tế số trong GRDP cao nhất vào năm 2030?",
                     "tinh nao co ty trong kinh te so cao nhat nam 2030"):
        assert asked_kinds(ask(question)) == {"percent"}, question
        assert asked_kinds(ask(question), per_province=True) == answer_types(question, ask(question).lang)
    # no share named, or a rank compared, or no comparison: the question words' kinds
    assert asked_kinds(ask("Tỉnh nào đặt mục tiêu tăng năng suất lao động hằng năm cao nhất?")) == set()
    assert asked_kinds(ask("Năm 2021, TP Hồ Chí Minh và Hưng Yên, địa phương nào xếp hạng chuyển đổi số cao hơn?")) == {"rank"}
    # how much of a share, asked outside a comparison, asks for a percentage too (asks_share_amount)
    assert asked_kinds(ask("Tỷ lệ dân số có tài khoản thanh toán điện tử đạt bao nhiêu?")) == {"percent"}


@pytest.mark.parametrize("question, kinds", [
    ("Theo Nghị quyết 09-NQ/TU, mục tiêu tỷ trọng kinh tế số của tỉnh đến năm 2025 là bao nhiêu?", {"percent"}),
    ("ty le ho so truc tuyen toan trinh nam 2025 dat bao nhieu", {"percent"}),
    # a count of things that have a share counts them
    ("Bao nhiêu tỉnh có tỷ lệ hồ sơ trực tuyến trên 50%?", {"quantity"}),
    # no share named: any figure
    ("Kế hoạch có bao nhiêu nhiệm vụ?", {"quantity"}),
    # a share asked as a sum of money is not one
    ("Kinh phí thực hiện kế hoạch là bao nhiêu?", {"money"}),
])
def test_how_much_of_a_share_asks_for_a_percentage(question, kinds):
    """Rule "how much of a share asks for a percentage" (reader.asks_share_amount)."""
    from qa.answering.reader import asked_kinds
    assert asked_kinds(analyse(question, {}, lambda t: True)) == kinds


def test_a_lead_naming_the_cited_resolution_loses_to_the_sentence_with_its_share():
    """A news lead names the resolution the question cites and a figure of its own ("3
    năm"); the later sentence states the share asked: with the percentage asked
    (asks_share_amount) the lead holds no answer of the kind asked, and the share answers."""
    text = ("Sáng 13/11, Tỉnh ủy tổ chức hội nghị sơ kết 3 năm thực hiện Nghị quyết số 09-NQ/TU ngày "
            "14/9/2021 về chuyển đổi số của tỉnh đến năm 2025, định hướng đến năm 2030.\n\n"
            "Các đại biểu đánh giá nhiều kết quả nổi bật trong ba năm qua.\n\n"
            "Tuy nhiên, Nghị quyết đặt mục tiêu đến năm 2025 tỷ trọng kinh tế số đạt 20% GRDP, nhưng đến nay "
            "mới ước đạt khoảng 8,2%.")
    question = "Theo Nghị quyết 09-NQ/TU, mục tiêu tỷ trọng kinh tế số của tỉnh đến năm 2025 là bao nhiêu?"
    answer, abstained = _ask_plan(text)(question)
    assert not abstained and "20% GRDP" in answer
    from qa.answering.answer import reading
    from qa.answering.reader import FEATURES, features
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    found = units(hit, text)  # each paragraph one line
    lead = next(c for c in found if c.text.startswith("Sáng 13/11"))
    share = next(c for c in found if c.text.startswith("Tuy nhiên"))
    read = reading(analyse(question, {}), [hit], idf_function(lambda t: 1, 10))
    assert dict(zip(FEATURES, features(read, lead)))["type_match"] == 0  # "3 năm" is no share
    assert dict(zip(FEATURES, features(read, share)))["type_match"] == 1


@pytest.mark.parametrize("question", ["How often will the province hold cyber security drills?",
                                      "How frequently are the data sets updated?",
                                      "How many times a year is the plan reviewed?"])
def test_how_often_asks_for_a_quantity(question):
    assert answer_types(question, "en") == {"quantity"}


@pytest.mark.parametrize("question", ["What is Gia Lai's budget for digital transformation in 2025?",
                                      "What is the total budget of the plan?", "What was the cost of the data hub?",
                                      "What's the funding for the operations centre?"])
def test_an_english_question_naming_money_after_what_asks_for_money(question):
    assert answer_types(question, "en") == {"money"}


@pytest.mark.parametrize("question", ["What share of the budget goes to infrastructure?",  # a share
                                      "What funding sources does the plan use?",          # money modifies 'sources'
                                      "What does the budget cover?"])
def test_an_english_question_about_money_but_not_its_amount_asks_for_no_money(question):
    assert "money" not in answer_types(question, "en")


def test_a_date_question_about_a_target_still_takes_a_year():
    assert answer_types("When will Hà Tĩnh reach 80% online public services?", "en") == {"date"}
    assert answer_types("Sinh viên đăng ký học phần khi nào?", "vi") == {"date"}


def test_a_document_named_by_its_number_is_not_asked_for():
    # "Kế hoạch số 1051/KH-UBND" says which plan; the question asks who signed it
    assert answer_types("Ai là người ký Kế hoạch số 1051/KH-UBND về chuyển đổi số tỉnh Bình Thuận năm 2024?",
                        "vi") == {"signer"}
    assert "docnumber" in answer_types("Kế hoạch chuyển đổi số năm 2024 là kế hoạch số mấy?", "vi")


def test_a_day_asked_without_nao():
    """Rule "a day asked without 'nào'" (reader._question_type_cues, question_types.json):
    "ban hành ngày" / "ký ngày" with no day after them ask for the day, as an official types
    a terse question; followed by a day they name the document the question is about."""
    assert answer_types("ninh binh ke hoach cds 2025 ban hanh ngay", "vi") == {"day"}
    assert answer_types("Kế hoạch chuyển đổi số tỉnh Hưng Yên năm 2026 ký ngày?", "vi") == {"day"}
    assert answer_types("ke hoach ban hanh ngay nao 2025", "vi") == {"day"}
    assert "day" not in answer_types("Kế hoạch ban hành ngày 5/4/2022 đặt mục tiêu gì?", "vi")
    assert answer_types("Kế hoạch ký ngày 30/12/2025 đặt bao nhiêu mục tiêu?", "vi") == {"quantity"}


def test_english_ai_is_not_the_vietnamese_who():
    assert "agent" not in answer_types("What is the AI target for 2025?", "en")


@pytest.mark.parametrize("kind, text, holds", [
    ("quantity", "đạt trên 30% dân số", True),
    ("quantity", "đến năm 2025 hoàn thành", False),
    ("quantity", "theo Nghị quyết 02-NQ/TU của Tỉnh ủy", False),
    ("date", "ban hành ngày 15 tháng 3 năm 2024", True),
    ("date", "ban hành ngày 15/3/2024", True),
    ("day", "Bình Định, ngày 15 tháng 4 năm 2025", True),
    ("day", "Ngày ban hành | 31/12/2025", True),
    ("day", "Chuyển đổi số tỉnh Bình Định năm 2025", False),
    ("signer", "Người ký | Đoàn Thanh Sơn", True),
    ("rank", "đến năm 2030 thuộc nhóm 20 tỉnh, thành phố dẫn đầu", True),
    ("rank", "chia thành 3 nhóm nhiệm vụ", False),
    ("signer", "Kế hoạch 155/KH-UBND thực hiện chuyển đổi số tỉnh Hưng Yên năm 2026", False),
    ("signer", "ký kết hợp tác với Viettel", False),
    ("signer", "Chủ tịch UBND tỉnh Nguyễn Văn Thọ vừa ký ban hành quyết định", True),
    ("signer", "UBND tỉnh Hưng Yên ký kết hợp tác với Viettel", False),
    ("quantity", "Bạc Liêu, ngày 05 tháng 4 năm 2023", False),
    ("agent", "Giao Sở Thông tin và Truyền thông chủ trì", True),
    ("rank", "xếp thứ 12/63 tỉnh, thành phố", True),
    ("docnumber", "theo Kế hoạch số 245/KH-UBND", True),
    ("docnumber", "đạt 80% kế hoạch", False),
    ("percent", "kinh tế số chiếm 20% GRDP", True),
    ("percent", "đạt 12,5 % dân số", True),
    ("percent", "năm 2025 đứng trong tốp 5 toàn quốc", False),
    # a table row whose unit cell is "%" states its figures as percentages
    ("percent", "Chỉ tiêu: Tỷ lệ doanh nghiệp sử dụng hợp đồng điện tử | Đơn vị: % | Mục tiêu 2025: 80", True),
    ("percent", "1 Tỷ lệ hồ sơ TTHC giải quyết trực tuyến toàn trình % 48,5 65", True),
    ("percent", "Chỉ tiêu: Số doanh nghiệp tham gia sàn thương mại điện tử | Đơn vị: Doanh nghiệp | Mục tiêu 2025: 500", False),
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


def test_a_question_about_conditions_may_be_answered_by_the_lead_in_with_its_items():
    text = ("Điều 5. Lớp NNCM\n\n2. Để được tham gia học các lớp NNCM:\n\n"
            "a. Đối với tiếng Anh: có chứng chỉ TOEIC 400.\n\nb. Đối với tiếng Nhật: có chứng chỉ N4.\n\n"
            "3. Mỗi lớp có một trợ giảng.")
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    lists = [c for c in units(hit, text, 1, 270, with_lists=True) if c.kind == "list"]
    assert [quoted(c) for c in lists] == ["2. Để được tham gia học các lớp NNCM: a. Đối với tiếng Anh: có chứng chỉ "
                                         "TOEIC 400. b. Đối với tiếng Nhật: có chứng chỉ N4."]
    assert not [c for c in units(hit, text, 1, 270) if c.kind == "list"], "only for a question that asks for several"
    assert not [c for c in units(hit, text, 1, 80, with_lists=True) if c.kind == "list"], "two items must fit"
    assert asks_several(analyse("Điều kiện để sinh viên tham gia các lớp NNCM là gì?", {}))
    assert not asks_several(analyse("Đến năm 2025 kinh tế số chiếm bao nhiêu phần trăm GRDP?", {}))


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


def _whole(doc: Document) -> Hit:
    """The document as one retrieved passage."""
    return Hit(Chunk(0, doc.doc_id, doc.text, 0, len(doc.text)), 1.0)


def _unit_starting(text: str, start: str, kind: str | None = None, doc_id: str = "d") -> Candidate:
    """The unit of ``text``, read as one passage of document ``doc_id``, that begins with
    ``start`` (and is of ``kind``, when given)."""
    hit = Hit(Chunk(0, doc_id, text, 0, len(text)), 1.0)
    return next(c for c in units(hit, text) if (kind is None or c.kind == kind) and c.text.startswith(start))


def _ask_plan(text: str) -> Callable[[str], tuple[str, bool]]:
    """Ask a question of a plan holding only ``text`` (every term equally rare)."""
    doc = _document(text)
    return _asker(_whole(doc), doc, idf_function(lambda t: 1, 10))


def _asker(hit: Hit, doc: Document, idf: Callable[[str], float]) -> Callable[[str], tuple[str, bool]]:
    """Ask a question of one hit of one document: (answer, abstained)."""
    def ask(question: str) -> tuple[str, bool]:
        answer, abstained, _ = compose(analyse(question, {}), [hit], {doc.doc_id: doc}, idf, None, 300)
        return answer, abstained
    return ask


def test_the_item_that_holds_the_condition_answers_with_its_lead_in():
    text = ("Mục tiêu cụ thể đến năm 2025:\n\n"
            "a) Chính quyền số: 90% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng;\n\n"
            "b) Kinh tế số: kinh tế số chiếm 20% GRDP của tỉnh;\n\n"
            "c) Xã hội số: 80% dân số có tài khoản thanh toán điện tử.")
    doc = _document(text)
    hit = _whole(doc)
    query = analyse("Đến năm 2025 kinh tế số chiếm bao nhiêu phần trăm GRDP?", {})
    answer, abstained, citations = compose(query, [hit], {doc.doc_id: doc}, idf_function(lambda t: 1, 10), None, 300)
    assert not abstained
    assert "20% GRDP" in answer and "[1]" in answer
    assert citations[0].highlight_start is not None
    assert text[citations[0].highlight_start:citations[0].highlight_end].startswith("b) Kinh tế số")


@pytest.mark.parametrize("question, lang, kind", [
    ("Kế hoạch chuyển đổi số tỉnh Bình Định năm 2025 là kế hoạch số mấy?", "vi", "plan"),
    # the kind asked is the one before "số mấy", not the scheme the decision approves
    ("Đề án chuyển đổi số tỉnh Bắc Kạn được phê duyệt bằng quyết định số mấy?", "vi", "decision"),
    # "kế hoạch số 131/…" names the question's own document, it does not ask for it
    ("Kế hoạch số 131/KH-UBND thực hiện chương trình hành động số mấy của Tỉnh ủy?", "vi", "programme"),
    ("nghi quyet ve chuyen doi so cua tinh uy ha nam la nghi quyet so may", "vi-nodiac", "resolution"),
    ("What is the number of Quang Binh's 2024 digital transformation plan?", "en", "plan"),
    ("Which decision approved the strategy?", "en", "decision"),
    ("Mục tiêu kinh tế số của Đồng Nai năm 2025 là bao nhiêu?", "vi", None),
    # "which" asking about a kind with its issuer or subject between (names_document_asked)
    ("Which decree on managing digital data does Ba Ria - Vung Tau's 2024 decision cite?", "en", "decree"),
    ("Which Politburo resolution does Binh Dinh's 2025 plan build on?", "en", "resolution"),
    ("Which Government resolution issued the action programme?", "en", "resolution"),
    ("Which city party committee resolution on digital transformation does the plan implement?", "en", "resolution"),
    # the kind that ends the noun, not a kind word inside it
    ("Which national data strategy decision does Lang Son's scheme cite?", "en", "decision"),
])
def test_a_question_for_a_document_number_says_which_kind_of_document(question, lang, kind):
    assert asked_document_kind(question, lang) == kind


@pytest.mark.parametrize("question", [
    "Which Prime Minister's decision issued the national action plan on the digital economy?",
    "Which decree on electronic transactions does Dong Thap's plan cite?",
    "Which provincial party directive does Vinh Phuc's plan cite?",
])
def test_which_with_a_kind_of_document_asks_for_its_number(question):
    assert "docnumber" in answer_types(question, "en")


@pytest.mark.parametrize("question", [
    "Which tasks of the plan are due in 2025?",          # a function word ends the noun
    "Which plan targets does Hai Phong set for 2025?",   # the kind word is no head: "plan targets"
    "What does Binh Dinh's 2025 plan aim for?",          # "what", not "which"
    "Which province's plan sets the highest e-commerce target?",
    "Which province's plan has the highest e-commerce target?",  # a province is asked
])
def test_which_with_another_noun_asks_for_no_document_number(question):
    assert "docnumber" not in answer_types(question, "en")


def test_a_document_number_says_its_kind_by_its_code():
    assert number_kinds("Số: 72/KH-UBND") == {"plan"}
    assert number_kinds("Nghị quyết số 05-NQ/TU ngày 20/9/2021") == {"resolution"}
    assert number_kinds("Công văn số 5511/BKHCN-CĐSQG") == {"letter"}
    assert number_kinds("đạt 80% kế hoạch năm 2025") == frozenset()


TITLE_BLOCK = ("ỦY BAN NHÂN DÂN TỈNH HẢI PHÒNG\n\nSố: 325/KH-UBND\n\nHải Phòng, ngày 19 tháng 12 năm 2023\n\n"
               "KẾ HOẠCH\n\nChuyển đổi số thành phố Hải Phòng năm 2024\n\n"
               "Thực hiện Nghị quyết số 05-NQ/TU ngày 20/9/2021 của Ban Thường vụ Thành ủy, Ủy ban nhân dân "
               "thành phố ban hành Kế hoạch với các nội dung sau:\n\nI. MỤC TIÊU\n\n"
               "Đến năm 2024, 80% hồ sơ được xử lý trực tuyến.")


def test_a_title_block_line_is_read_with_its_document_title_and_year():
    doc = _document(TITLE_BLOCK)
    hit = Hit(Chunk(0, doc.doc_id, TITLE_BLOCK, 0, len(TITLE_BLOCK)), 1.0)
    found = {c.text: c for c in units(hit, TITLE_BLOCK)}
    number, date = found["Số: 325/KH-UBND"], found["Hải Phòng, ngày 19 tháng 12 năm 2023"]
    assert number.in_title_block and number.context == "KẾ HOẠCH Chuyển đổi số thành phố Hải Phòng năm 2024"
    assert date.stated_years == {2024}, "a 2024 plan dated December 2023 is about 2024"
    body = next(c for c in found.values() if c.text.startswith("Đến năm 2024"))
    assert not body.in_title_block


@pytest.mark.parametrize("question, expected", [
    ("Kế hoạch chuyển đổi số thành phố Hải Phòng năm 2024 là kế hoạch số mấy?", "325/KH-UBND"),
    ("ke hoach chuyen doi so hai phong nam 2024 ban hanh ngay nao", "19 tháng 12 năm 2023"),
    ("What is the number of Hai Phong's 2024 digital transformation plan?", "325/KH-UBND"),
])
def test_the_number_and_date_of_a_plan_come_from_its_title_block(question, expected):
    doc = _document(TITLE_BLOCK)
    hit = Hit(Chunk(0, doc.doc_id, TITLE_BLOCK, 0, len(TITLE_BLOCK)), 1.0)
    answer, abstained, citations = compose(analyse(question, {}), [hit], {doc.doc_id: doc},
                                           idf_function(lambda t: 1, 10), None, 300)
    assert not abstained and expected in answer and "05-NQ/TU" not in answer


def _vector(**named: float) -> list[float]:
    unknown = set(named) - set(FEATURES)
    assert not unknown, unknown
    return [named.get(name, 0.0) for name in FEATURES]


def test_an_announced_list_yields_to_the_unit_that_quotes_most_of_the_list():
    vectors = [_vector(list_announced=1), _vector(list_match=1, list_items=0.3), _vector(list_match=1, list_items=0.6),
               _vector(coverage=1)]
    assert choose(vectors, [9.0, 8.0, 7.0, 8.5], 0) == 2
    assert choose(vectors, [9.0, 8.0, 7.0, 9.5], 3) == 3, "only an announced list yields"
    assert choose([_vector(list_announced=1), _vector(coverage=1)], [9.0, 1.0], 0) == 0, "nothing to yield to"


def test_a_unit_that_shares_only_the_year_is_refused_when_the_topic_is_stated_for_another_year():
    vision = _vector(context_coverage=0.24, year_match=1)           # "… toàn diện … vào năm 2030"
    other_year = _vector(context_coverage=1.0, year_conflict=1)     # "đến năm 2025 … thanh toán điện tử đạt 30%"
    assert refusal([vision, other_year], 0) == "topic_other_year"
    assert refusal([vision, other_year, _vector(context_coverage=1.0, year_match=1)], 0) is None, \
        "the topic is also stated for the year asked"
    assert refusal([vision, _vector(context_coverage=0.8, year_conflict=1)], 0) is None, "no unit holds the whole topic"
    typed = _vector(context_coverage=0.24, year_match=1, type_match=1)  # "Số: 325/KH-UBND" for "số hiệu"
    assert refusal([typed, other_year], 0) is None


def test_a_share_stated_in_the_sentence_after_the_one_naming_its_subject_answers():
    """Rule "a share stated in the next sentence" (reader.states_share): the row names whom
    it is about, then the share; the sentence holding most of the question holds no
    percentage, the next one names the share and gives it: no refusal for a missing form."""
    text = ("Đối tượng miễn giảm: Trưởng đơn vị thuộc trường. Tỉ lệ miễn giảm: 75%.\n\n"
            "Đối tượng miễn giảm: Phó trưởng đơn vị thuộc Trường. Tỉ lệ miễn giảm: 70%.")
    for question in ("Phó trưởng đơn vị thuộc trường được miễn giảm coi thi với tỉ lệ là bao nhiêu?",
                     "Phó trưởng đơn vị thuộc trường được miễn giảm coi thi bao nhiêu phần trăm?"):
        answer, abstained = _ask_plan(text)(question)
        assert not abstained and "70%" in answer, question
    from qa.answering.reader import Reading, states_share
    from qa.text import sentences
    read = Reading(analyse("Tỉ lệ miễn giảm là bao nhiêu?", {}), idf_function(lambda t: 1, 10), 1.0, frozenset({"percent"}))
    assert states_share(read, sentences("Đối tượng: Phó trưởng đơn vị. Tỉ lệ miễn giảm: 70%."))
    # a percentage of another target names no share
    assert not states_share(read, sentences("100% các sự kiện được truyền thông số. Phấn đấu tỷ lệ người dân tăng mạnh."))


@pytest.mark.parametrize("question, text", [
    ("Ai là người ký Kế hoạch số 1051/KH-UBND về chuyển đổi số tỉnh Bình Thuận năm 2024?",
     "Ngày 25/3/2024, Ủy ban nhân dân tỉnh đã ban hành Kế hoạch số 1051/KH-UBND về chuyển đổi số tỉnh Bình Thuận năm 2024."),
    ("What share of GRDP should Hai Phong's digital economy reach by 2025?",
     "Phấn đấu nâng hạng chỉ số chuyển đổi số cấp tỉnh, đến năm 2025 Hải Phòng đứng trong tốp 5 toàn quốc về kinh tế số."),
    # the percentage is another sentence's target
    ("Lạng Sơn đặt mục tiêu tỷ lệ người dân từ 15 tuổi có tài khoản giao dịch ngân hàng năm 2025 là bao nhiêu phần trăm?",
     "100% các sự kiện văn hóa của tỉnh được truyền thông số. Năm 2025 phấn đấu tỷ lệ người dân từ 15 tuổi trở lên "
     "có tài khoản giao dịch tại ngân hàng tăng mạnh."),
])
def test_a_unit_without_the_percentage_or_signer_asked_for_is_no_answer(question, text):
    doc = _document(text)
    hit = _whole(doc)
    _, abstained, _ = compose(analyse(question, {}), [hit], {doc.doc_id: doc}, idf_function(lambda t: 1, 10), None, 300)
    assert abstained
    assert refusal([_vector(coverage=1.0, form_missing=1)], 0) == "form_missing"


def test_a_figure_reached_is_no_answer_for_the_target_of_a_named_year():
    question = "Hòa Lạc đặt mục tiêu kinh tế số chiếm bao nhiêu phần trăm GRDP vào năm 2025?"
    idf = idf_function(lambda t: 1, 10)

    def ask(text: str) -> bool:
        doc = _document(text)
        hit = _whole(doc)
        return compose(analyse(question, {}), [hit], {doc.doc_id: doc}, idf, None, 300)[1]

    assert ask("Theo đó, tỷ lệ kinh tế số trên GRDP của Hòa Lạc đạt 12,87%.")  # reached, no year: refused
    assert not ask("Hòa Lạc đặt mục tiêu đến năm 2025 kinh tế số chiếm 20% GRDP của tỉnh.")
    # an item whose heading says it is a target ("II. MỤC TIÊU › 2. Mục tiêu cụ thể")
    item = "- Kinh tế số chiếm 12% GRDP của tỉnh;"
    doc = _document(item)
    hit = Hit(Chunk(0, doc.doc_id, item, 0, len(item), heading_path="II. MỤC TIÊU › 2. Mục tiêu cụ thể"), 1.0)
    answer, abstained, _ = compose(analyse(question, {}), [hit], {doc.doc_id: doc}, idf, None, 300)
    assert not abstained and "12%" in answer
    assert refusal([_vector(coverage=1.0, status_for_target=1)], 0) == "status_for_target"


def test_a_line_under_a_target_heading_that_opens_its_own_chunk_is_a_target_of_that_heading_year():
    """The chunk opens with its section's headings, so its ``heading_path`` is empty: the
    line is read under them (Candidate.enclosing_headings), a target for the heading's year,
    and no answer for another year's target."""
    text = ("III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025\n\n1. Mục tiêu năm 2025\n\n"
            "Phấn đấu đưa chỉ số DTI của tỉnh vào nhóm 20 tỉnh, thành phố dẫn đầu cả nước.\n\n"
            "Tỷ lệ hồ sơ thủ tục hành chính trực tuyến toàn trình đạt 55%; kinh tế số chiếm 10% GRDP.")
    ask = _ask_plan(text)

    answer, abstained = ask("Hòa Lạc đặt mục tiêu kinh tế số chiếm bao nhiêu phần trăm GRDP năm 2025?")
    assert not abstained and "10%" in answer
    assert ask("Hòa Lạc đặt mục tiêu kinh tế số chiếm bao nhiêu phần trăm GRDP năm 2030?")[1]
    line = next(c for c in units(_whole(_document(text)), text) if c.text.startswith("Tỷ lệ hồ sơ"))
    assert line.enclosing_headings == "III. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025\n1. Mục tiêu năm 2025"
    assert line.stated_years == frozenset({2025})


@pytest.mark.parametrize("question", ["Ai ký kế hoạch chuyển đổi số năm 2024 của Yên Bái?",
                                      "Ai đã ký kế hoạch chuyển đổi số năm 2024 của Yên Bái?"])
def test_a_signer_named_in_the_sentence_after_the_one_about_the_document_answers(question):
    text = ("Ngày 12/01/2024, UBND tỉnh Yên Bái ban hành Kế hoạch số 08/KH-UBND về chuyển đổi số năm 2024. "
            "Phó Chủ tịch UBND tỉnh Vũ Thị Hiền Hạnh ký ban hành kế hoạch.")
    assert "signer" in answer_types(question, "vi")
    doc = _document(text)
    hit = _whole(doc)
    answer, abstained, _ = compose(analyse(question, {}), [hit], {doc.doc_id: doc},
                                   idf_function(lambda t: 1, 10), None, 300)
    assert not abstained and "Vũ Thị Hiền Hạnh" in answer


def test_a_province_name_or_a_document_number_is_no_agent():
    # "Tuyên Quang" is written like a person's name and "KH-UBND" holds an issuer's initials,
    # and a plan's title line and its number line answered "Cơ quan nào là đầu mối …?"
    assert not holds_type("agent", "Phát triển kinh tế số tỉnh Tuyên Quang năm 2025")
    assert not holds_type("agent", "Số: 112/KH-UBND")
    assert holds_type("agent", "Sở Khoa học và Công nghệ là cơ quan đầu mối")
    assert holds_type("agent", "Ông Nguyễn Văn Hòa phụ trách") and holds_type("agent", "UBND tỉnh ban hành kế hoạch")


def test_an_office_said_to_sign_is_a_signer():
    assert holds_type("signer", "Căn cứ đề nghị của Hội đồng xét tốt nghiệp, Hiệu trưởng ký quyết định công nhận tốt nghiệp")
    assert holds_type("signer", "Chủ tịch UBND tỉnh đã ký ban hành Kế hoạch")
    assert not holds_type("signer", "Chủ tịch UBND tỉnh ký kết hợp tác với Viettel")


def test_the_candidates_module_example_runs():
    import doctest

    import qa.answering.candidates
    assert doctest.testmod(qa.answering.candidates).failed == 0


# ----------------------------------------------------------------- the room a quote has

def test_the_room_of_a_quote_is_what_its_own_answer_frame_leaves():
    from qa.answering.answer import _lead, quote_room
    regulation = Document("r.txt", "Điều 5.", "…")
    plan = Document("p.txt", "Kế hoạch chuyển đổi số", "…", province="Bà Rịa - Vũng Tàu")
    vi, en = analyse("Sinh viên được học mấy học kỳ?", {}), analyse("What is the target?", {})
    assert quote_room(vi, regulation, 300) == 300 - len("Theo “Điều 5.”, đến năm 2025: ") - len(" [10].") - 2
    lead = _lead(en, plan, 2025)  # a merged province's plan says whose it is now: a longer frame
    assert lead.startswith("According to the Bà Rịa - Vũng Tàu (now part of") and lead.endswith(" plan (by 2025): ")
    assert quote_room(en, plan, 300) == 300 - len(lead) - 8
    assert quote_room(vi, regulation, 300) - quote_room(en, plan, 300) > 45
    assert quote_room(en, plan, 60) == 40  # never less than 40


def test_candidates_keep_the_room_of_their_document_and_no_answer_outgrows_the_limit():
    from qa.answering.answer import candidates, quote_room
    sentence = ("Sinh viên được đăng ký học vượt nếu có điểm trung bình chung tích lũy từ 7,0 trở lên, "
                "không bị cảnh báo học vụ, đã hoàn thành học phí của học kỳ trước, có đơn được cố vấn học tập "
                "đồng ý, và đăng ký không quá 30 tín chỉ, trừ học kỳ hè của Trường.")
    doc = Document("r.txt", "Điều 9.", sentence)
    hit = Hit(Chunk(0, doc.doc_id, sentence, 0, len(sentence)), 1.0)
    query = analyse("Điều kiện đăng ký học vượt là gì?", {})
    room = quote_room(query, doc, 300, year_note=False)  # the sentence is about no year
    assert 230 < len(sentence) <= room  # a regulation's short frame leaves room for the whole sentence
    found = candidates([hit], {doc.doc_id: doc}, 230, query, 300)
    assert {c.room for c in found} == {room}
    assert any(c.text == sentence for c in found)
    answer, abstained, _ = compose(query, [hit], {doc.doc_id: doc}, idf_function(lambda t: 1, 10), 0.0, 300)
    assert not abstained and len(answer) <= 300 and "30 tín chỉ" in answer


def test_a_unit_is_cut_for_the_frame_it_gets():
    """Rule "a unit is cut for the frame it gets" (``answer.framed_units``): a unit framed with
    no year note keeps the note's characters, so a sentence a little longer than the room left
    after a year note is quoted whole; the same sentence under a year ("Đến năm 2025") gets
    the note and is cut to the smaller room, and the answer stays within ``max_chars``."""
    from qa.answering.answer import candidates, quote_room
    sentence = ("Sinh viên được đăng ký học vượt nếu có điểm trung bình chung tích lũy từ 7,0 trở lên, "
                "không bị cảnh báo học vụ, đã hoàn thành học phí của học kỳ trước, có đơn được cố vấn học tập "
                "đồng ý, đăng ký không quá 30 tín chỉ và được Trưởng khoa quản lý ngành chấp thuận, trừ học kỳ hè.")
    query = analyse("Điều kiện đăng ký học vượt là gì?", {})
    doc = Document("r.txt", "Điều 9.", sentence)
    narrow, wide = quote_room(query, doc, 300), quote_room(query, doc, 300, year_note=False)
    assert narrow < len(sentence) <= wide
    hit = Hit(Chunk(0, doc.doc_id, sentence, 0, len(sentence)), 1.0)
    found = candidates([hit], {doc.doc_id: doc}, 230, query, 300)
    assert any(c.text == sentence for c in found), "no year note: the whole sentence fits"
    dated = "Đến năm 2025, " + sentence[0].lower() + sentence[1:]
    text = f"Mục tiêu năm 2025\n{dated}"
    doc = Document("r.txt", "Điều 9.", text)
    hit = _whole(doc)
    found = candidates([hit], {doc.doc_id: doc}, 230, query, 300)
    line = text.index("Đến năm")
    later = [c for c in found if c.span.start > line]  # pieces naming no year, framed with 2025
    assert later and all(len(quoted(c)) <= narrow for c in later)
    answer, abstained, _ = compose(query, [hit], {doc.doc_id: doc}, idf_function(lambda t: 1, 10), 0.0, 300)
    assert not abstained and len(answer) <= 300


def test_a_window_that_starts_after_a_comma_is_marked_as_starting_mid_phrase():
    from qa.answering.answer import reading
    text = ("Kế hoạch hướng đến mục tiêu năm 2030 chuyển đổi số đồng bộ, toàn diện trên phạm vi toàn tỉnh; "
            "đưa Hà Tĩnh trở thành 1 trong 15 tỉnh, thành phố trực thuộc trung ương có chỉ số cao nhất về Chính phủ "
            "số, kinh tế số của cả nước; hình thành và phát triển môi trường số an toàn, tiện ích cho người dân.")
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    query = analyse("Mục tiêu chính quyền số của Hà Tĩnh đến năm 2030?", {})
    r = reading(query, [hit], idf_function(lambda t: 1, 10))
    pieces = {c.text[:20]: c for c in units(hit, text, room=120) if c.kind == "window"}
    mid = FEATURES["window_mid"]
    assert mid(r, pieces["thành phố trực thuộc"]) == 1.0  # after "15 tỉnh,": the figure is lost
    assert mid(r, pieces["đưa Hà Tĩnh trở thàn"]) == 0.0  # after a semicolon
    assert mid(r, pieces["Kế hoạch hướng đến m"]) == 0.0  # the unit's start


@pytest.mark.parametrize("text, expected", [
    ("30% người dân thanh toán điện tử”. Sở TT&TT hỗ trợ”", "30% người dân thanh toán điện tử. Sở TT&TT hỗ trợ"),
    ("chỉ tiêu “30% người dân” đạt", "chỉ tiêu “30% người dân” đạt"),  # a pair is kept
    ("chỉ tiêu “30% người dân", "chỉ tiêu 30% người dân"),
    ("không có dấu", "không có dấu"),
])
def test_a_quotation_mark_cut_from_its_partner_is_dropped_wherever_it_is(text, expected):
    from qa.answering.answer import _balance_quotes
    assert _balance_quotes(text) == expected


def test_a_documents_number_and_a_dates_day_are_no_figures():
    from qa.answering.reader import figure_numbers
    found = [m.group(0) for m in figure_numbers(
        "Nghị quyết số 01 của tỉnh đề ra mục tiêu tốp 10; ngày 15 tháng 4 năm 2025 đạt 80%, Quyết định số 1893")]
    assert found == ["10", "80%"]


def test_a_candidate_with_room_is_the_one_dataclasses_replace_makes() -> None:
    from dataclasses import fields, replace

    from qa.answering.candidates import Candidate, with_room
    from qa.text import Span
    from qa.types import Chunk, Hit

    assert [f.name for f in fields(Candidate)] == ["hit", "rank", "span", "kind", "context", "before",
                                                   "in_title_block", "room", "reads", "document_year", "cut_off"]  # with_room names each
    c = Candidate(Hit(Chunk(3, "d", "Số: 72/KH-UBND", 0, 14), 0.5), 2, Span("Số: 72/KH-UBND", 0, 14), "line",
                  "KẾ HOẠCH", "trước", True, 90, "NGHỊ ĐỊNH", 2026, True)
    assert with_room(c, 120) == replace(c, room=120)


def _figure_in_line(question: str, text: str, province: str):
    """The figure a comparison reads for ``province`` from one line holding ``text``."""
    from qa.answering.answer import figure_of
    from qa.answering.candidates import Candidate
    from qa.answering.reader import Scored
    from qa.text import Span
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    evidence = Scored(Candidate(hit, 1, Span(text, 0, len(text)), "line"), 1.0)
    return figure_of(analyse(question, {}), evidence, province, lambda term: 1.0)


@pytest.mark.parametrize("question, figure", [
    ("Kinh tế số chiếm bao nhiêu % GRDP năm 2025?", "10%"),
    ("Kinh tế số chiếm bao nhiêu % GRDP năm 2030?", "20%"),
])
def test_a_figure_is_read_from_the_milestone_of_the_asked_year(question, figure):
    found = _figure_in_line(question, "Về kinh tế số, năm 2025 chiếm 10% GRDP, năm 2030 chiếm 15% đến 20% GRDP.",
                            "Bình Định")
    assert found is not None and found.text == figure


def test_the_years_of_a_document_a_lead_in_cites_are_not_its_items_years():
    text = ("Thực hiện Quyết định số 749/QĐ-TTg ngày 03/6/2020 phê duyệt Chương trình Chuyển đổi số quốc gia "
            "đến năm 2025, định hướng đến năm 2030, một số mục tiêu đã đạt được như sau:\n"
            "- Tỷ lệ dân số trưởng thành có điện thoại thông minh đạt 80%;\n\n"
            "Mục tiêu đến năm 2025:\n- 90% hộ gia đình có cáp quang.")
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    items = {c.text: c for c in units(hit, text) if c.kind == "item"}
    assert items["- Tỷ lệ dân số trưởng thành có điện thoại thông minh đạt 80%;"].stated_years == frozenset()
    assert items["- 90% hộ gia đình có cáp quang."].stated_years == {2025}
DECREE_ARTICLE = ("Điều 8. Thời hạn thi hành quyết định xử phạt\n\n"
                  "2. Cá nhân bị phạt tiền từ 10.000.000 đồng trở lên được xem xét hoãn chấp hành quyết định "
                  "phạt tiền nếu đáp ứng đủ các điều kiện sau đây:\n\n"
                  "a) Có đơn đề nghị hoãn gửi người có thẩm quyền xử phạt trong thời hạn 05 ngày làm việc;\n\n"
                  "b) Được Ủy ban nhân dân cấp xã nơi cư trú xác nhận về hoàn cảnh khó khăn đặc biệt;\n\n"
                  "c) Không thuộc trường hợp tái phạm.\n\n"
                  "3. Thời hạn hoãn không quá 03 tháng.")


def test_a_lead_in_never_answers_alone_but_with_its_items():
    """Rule "a lead-in never answers alone" (``candidates.with_items``): a clause ending with
    "sau đây:" chosen to answer is quoted with its points, from the first, as many as fit."""
    from qa.answering.candidates import with_items
    text = DECREE_ARTICLE
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    lead = next(c for c in units(hit, text) if c.kind == "item" and c.text.startswith("2. Cá nhân"))
    whole = with_items(lead, text, 400)
    assert whole is not None and whole.kind == "list"
    assert quoted(whole).startswith("2. Cá nhân bị phạt tiền") and "a) Có đơn đề nghị hoãn" in quoted(whole)
    assert quoted(whole).endswith("c) Không thuộc trường hợp tái phạm.")
    cut = with_items(lead, text, 200)  # room for the lead-in and the start of point a) only
    assert cut is not None and "a) Có đơn đề nghị hoãn" in quoted(cut) and quoted(cut).endswith("…")
    assert len(quoted(cut)) <= 200 and "b)" not in quoted(cut)
    item = next(c for c in units(hit, text) if c.text.startswith("a) Có đơn"))
    assert with_items(item, text, 400) is None, "an item that leads nothing is quoted as it is"
    assert with_items(lead, text, 60) is None, "a lead-in longer than the room is left to the usual cut"

    doc = Document("d", "Nghị định xử phạt", text)
    query = analyse("Điều kiện để cá nhân được hoãn chấp hành quyết định phạt tiền là gì?", {})
    answer, abstained, _ = compose(query, [hit], {doc.doc_id: doc}, idf_function(lambda t: 1, 10), 0.0, 300)
    assert not abstained and "a) Có đơn đề nghị hoãn" in answer, answer


def test_a_lead_in_keeps_the_asked_item_first():
    """Rule "the asked item first" (``candidates.asked_items_first``): when a lead-in's items
    do not all fit, the item holding the question's words is quoted, "…" for the items left
    out; a list that fits, or whose first item holds the words, is quoted from the first."""
    from qa.answering.candidates import asked_items_first, with_items
    text = DECREE_ARTICLE
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    lead = next(c for c in units(hit, text) if c.kind == "item" and c.text.startswith("2. Cá nhân"))
    asked = frozenset(analyse("Cá nhân tái phạm có được hoãn chấp hành quyết định phạt tiền không?", {}).content_terms)
    chosen = with_items(lead, text, 240, asked)
    assert chosen is not None and quoted(chosen).startswith("2. Cá nhân bị phạt tiền")
    assert quoted(chosen).endswith("… c) Không thuộc trường hợp tái phạm."), quoted(chosen)
    assert len(quoted(chosen)) <= 240
    assert "tái phạm" not in quoted(with_items(lead, text, 240)), "without the question: from the first"
    assert quoted(with_items(lead, text, 400, asked)) == quoted(with_items(lead, text, 400)), "a list that fits"
    first = frozenset(analyse("Cá nhân có đơn đề nghị hoãn gửi ai?", {}).content_terms)
    assert quoted(with_items(lead, text, 240, first)) == quoted(with_items(lead, text, 240))
    items = [(text.index(x), text.index(x) + len(x)) for x in ("a) Có đơn", "b) Được")]
    assert asked_items_first(text, "Gồm:", items, 10, asked) is None, "no item holds the words"


def test_a_lead_in_is_quoted_with_its_nested_items():
    """Rule "nested items" (``candidates.with_items``): an item that leads items of its own is
    quoted with them, in the document's order, before the list's next item; the quote ends
    where a line follows none of them."""
    from qa.answering.candidates import with_items
    text = ("Điều 10. Hệ thống phần mềm\n\n"
            "Hệ thống phần mềm phục vụ dạy học được sử dụng kết hợp bởi các phần mềm sau đây:\n\n"
            "1. Hệ thống UIT-Elearning:\n\n"
            "a) Giúp giảng viên giao nhiệm vụ học tập;\n\n"
            "b) Giúp sinh viên trao đổi với giảng viên.\n\n"
            "2. Phần mềm Microsoft Teams:\n\n"
            "a) Giúp giảng viên chia sẻ màn hình.\n\n"
            "Điều 11. Trách nhiệm của giảng viên")
    lead = _unit_starting(text, "Hệ thống phần mềm phục vụ")
    listed = with_items(lead, text, 400)
    assert listed is not None
    assert quoted(listed) == ("Hệ thống phần mềm phục vụ dạy học được sử dụng kết hợp bởi các phần mềm sau đây: "
                              "1. Hệ thống UIT-Elearning: a) Giúp giảng viên giao nhiệm vụ học tập; b) Giúp sinh viên "
                              "trao đổi với giảng viên. 2. Phần mềm Microsoft Teams: a) Giúp giảng viên chia sẻ màn hình.")


def test_a_lead_in_sentence_of_a_long_line_is_quoted_with_its_items():
    """Rule "a lead-in never answers alone" (``candidates.with_items``), when the lead-in is the
    last sentence of a line too long to quote with its items: the sentence is quoted with them."""
    from qa.answering.candidates import with_items
    text = ("Điều 34. Cấp bằng tốt nghiệp\n\n"
            "2. Xếp loại tốt nghiệp được xác định dựa trên điểm trung bình chung tích lũy của toàn khóa học "
            "theo thang điểm 10 và thang điểm 4 như quy định tại Điều 20 của Quy chế này. Riêng đối với sinh viên "
            "đạt loại xuất sắc, loại tốt nghiệp giảm 1 bậc nếu rơi vào các trường hợp sau:\n\n"
            "- Có thời gian học tập vượt quá 02 học kỳ so với thời gian thiết kế.\n\n"
            "- Đã bị kỷ luật mức cảnh cáo trở lên.\n\n"
            "3. Kết quả học tập được ghi vào bảng điểm.")
    sentence = _unit_starting(text, "Riêng đối với", "sentence")
    listed = with_items(sentence, text, 200)
    assert listed is not None and quoted(listed).startswith("Riêng đối với sinh viên")
    assert "- Có thời gian học tập vượt quá" in quoted(listed) and len(quoted(listed)) <= 200


def test_the_body_of_a_lead_in_is_read_with_it():
    """Rule "the body of a lead-in" (``candidates.body_of_lead_in``): the paragraph right after
    a lead-in, and each after one of its paragraphs that ends with ";" (a list whose markers
    were lost), is read with the lead-in like an item; the line after the last ends it."""
    clause = ("Điều 4. Vi phạm quy định về sử dụng tài khoản định danh điện tử\n\n"
              "4. Biện pháp khắc phục hậu quả:\n\n"
              "Buộc nộp lại số lợi bất hợp pháp có được do thực hiện hành vi vi phạm.\n\n"
              "Điều 5. Thẩm quyền xử phạt")
    found = lead_ins(clause)
    assert found[clause.index("Buộc nộp lại")] == "4. Biện pháp khắc phục hậu quả:"
    unmarked = ("Điều 5. Cập nhật CTĐT được phân thành 2 loại sau đây.\n\n"
                "Cập nhật loại I bao gồm:\n\n"
                "Thêm mới một chuyên ngành;\n\n"
                "Thay đổi tên tiếng Việt của môn học;\n\n"
                "Thay đổi số lượng tín chỉ của môn học.\n\n"
                "Việc phân loại những cập nhật chưa được liệt kê do Hiệu trưởng quyết định.")
    found = lead_ins(unmarked)
    for line in ("Thêm mới một chuyên ngành;", "Thay đổi tên tiếng Việt", "Thay đổi số lượng"):
        assert found[unmarked.index(line)] == "Cập nhật loại I bao gồm:", line
    assert unmarked.index("Việc phân loại") not in found, "the line after the last item ends the list"
    assert unmarked.index("Cập nhật loại I") not in found, "the lead-in itself is no item"
    hit = Hit(Chunk(0, "d", unmarked, 0, len(unmarked)), 1.0)
    item = next(c for c in units(hit, unmarked) if c.text.startswith("Thay đổi tên tiếng Việt"))
    assert item.kind == "item" and quoted(item).startswith("Cập nhật loại I bao gồm: Thay đổi tên tiếng Việt")


ARTICLE_WITH_LEAD_IN = ("Điều 26. Người có quyền yêu cầu cấp bản sao văn bằng\n\n"
                        "Những người sau đây có quyền yêu cầu cấp bản sao văn bằng, chứng chỉ từ sổ gốc:\n\n"
                        "1. Người được cấp bản chính văn bằng, chứng chỉ.\n\n"
                        "2. Chứng chỉ:\n\n"
                        "a) Được cấp sau khi người học hoàn thành chương trình bồi dưỡng.\n\n"
                        "3. Cha, mẹ, con; vợ, chồng; anh, chị, em ruột của người được cấp bản chính.\n\n"
                        "Điều 27. Hiệu lực thi hành\n\n"
                        "1. Quy chế này có hiệu lực từ ngày ký.")


def test_an_article_s_opening_sentence_leads_its_clauses():
    """Rule "a lead-in before an article's clauses" (``candidates.sibling_lead_in``): the
    numbered clauses after an article's sentence ending with ":" are read with it as their
    lead-in, the nested point with its own clause, and the next article's clauses with none."""
    text = ARTICLE_WITH_LEAD_IN
    found = lead_ins(text)
    lead = "Những người sau đây có quyền yêu cầu cấp bản sao văn bằng, chứng chỉ từ sổ gốc:"
    assert found[text.index("1. Người được cấp")] == lead
    assert found[text.index("3. Cha, mẹ")] == lead, "a clause after a clause that holds points"
    assert found[text.index("a) Được cấp")] == "2. Chứng chỉ:"
    assert found.get(text.index("1. Quy chế này"), "") == "", "the next article's clause follows no lead-in"
    clause = _unit_starting(text, "3. Cha, mẹ")
    assert clause.kind == "item" and quoted(clause).startswith(lead + " 3. Cha, mẹ")


def test_a_heading_never_answers_alone_but_with_its_body():
    """Rule "a heading never answers alone" (``candidates.with_body``): a heading line chosen
    to answer is quoted with the blocks of its section after it, as many as fit; a line that
    is no heading, or a heading whose section is not in the passage, is left as it is."""
    from qa.answering.candidates import with_body
    text = ("Quy định này quy định định mức chi cho công tác biên soạn, thẩm định và xuất bản giáo trình.\n\n"
            "Điều 16. Định mức thù lao quản lý, điều hành\n\n"
            "Phụ cấp trách nhiệm cho Ban điều hành\n\n"
            "• Trưởng ban, Ủy viên thư ký: 200.000 đ/người/tháng.\n\n"
            "• Các thành viên khác: 150.000 đ/người/tháng.\n\n"
            "Điều 17. Hiệu lực thi hành")
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    found = units(hit, text)
    heading = next(c for c in found if c.text == "Phụ cấp trách nhiệm cho Ban điều hành")
    whole = with_body(heading, text, 300)
    assert whole is not None and quoted(whole) == ("Phụ cấp trách nhiệm cho Ban điều hành • Trưởng ban, Ủy viên thư "
                                                   "ký: 200.000 đ/người/tháng. • Các thành viên khác: 150.000 đ/người/tháng.")
    article = next(c for c in found if c.text.startswith("Điều 16."))
    body = with_body(article, text, 300)
    assert body is not None and "150.000" in quoted(body) and "Điều 17" not in quoted(body)
    cut = with_body(heading, text, 125)  # the first item whole and the start of the second
    assert cut is not None and quoted(cut).endswith("…") and len(quoted(cut)) <= 125
    assert "200.000 đ/người/tháng. • Các thành viên khác" in quoted(cut)
    item = next(c for c in found if c.text.startswith("• Trưởng ban"))
    assert with_body(item, text, 300) is None, "an item is no heading"
    last = next(c for c in found if c.text == "Điều 17. Hiệu lực thi hành")
    assert with_body(last, text, 300) is None, "its body is not in the passage"


def test_a_heading_title_after_its_number_is_the_heading():
    """Rule "a heading's title is the heading" (``candidates.heading_title``): the sentence
    "Thời điểm xét miễn, …" cut from the heading line "Điều 7. Thời điểm xét miễn, …" is
    quoted with the article's body, as the whole line is; a sentence after another sentence
    (not after the line's number) and a sentence that leaves words of its line out are not."""
    from qa.answering.candidates import heading_title, with_body
    text = ("Điều 7. Thời điểm xét miễn, cách tính điểm miễn các môn học ngoại ngữ\n\n"
            "1. Trường xét miễn các môn học ngoại ngữ trong vòng 4 học kỳ chính kể từ khi nhập học.\n\n"
            "2. Điểm Miễn được tính cho học kỳ kế tiếp trong tiến trình học.\n\n"
            "Sinh viên nộp đơn. Phòng Đào tạo xét miễn trong 5 ngày.")
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    found = units(hit, text)
    title = next(c for c in found if c.kind == "sentence" and c.text.startswith("Thời điểm xét miễn"))
    body = with_body(title, text, 300)
    assert body is not None and quoted(body).startswith("Điều 7. Thời điểm xét miễn")
    assert "Điểm Miễn được tính" in quoted(body)
    second = next(c for c in found if c.kind == "sentence" and c.text.startswith("Phòng Đào tạo"))
    assert with_body(second, text, 300) is None, "a sentence after a sentence is no heading's title"
    assert heading_title("Điều 7. ", "sentence") and heading_title("", "line")
    assert not heading_title("Sinh viên nộp đơn. ", "sentence") and not heading_title("", "sentence")
    assert not heading_title("Điều 7. ", "line"), "a line is whole or nothing"


def test_a_heading_title_after_a_number_alone_is_the_heading():
    """Rule "a heading's title is the heading" (``candidates.heading_title``), when the line's
    number is no marker by itself ("6.2.", "16.1."): the numbering is read on the line as
    written, so the title sentence "Điều kiện tái bản giáo trình" is quoted with its body; a
    sentence after a sentence that ends with a figure is not a title."""
    from qa.answering.candidates import heading_title, with_body
    text = ("Điều 16. Định mức thù lao quản lý, điều hành\n\n"
            "16.1. Phụ cấp trách nhiệm cho Ban điều hành CTGT trường\n\n"
            "• Trưởng ban, Ủy viên thư ký, Uỷ viên chuyên trách: 200.000 đ/người/tháng.\n\n"
            "• Các thành viên khác: 150.000 đ/người/tháng.\n\n"
            "16.2. Chi phí hành chính\n\n"
            "• Các thành viên tham gia cuộc họp: 100.000 đ/người/cuộc họp.")
    title = _unit_starting(text, "Phụ cấp trách nhiệm", "sentence")
    body = with_body(title, text, 300)
    assert body is not None and quoted(body).startswith("16.1. Phụ cấp trách nhiệm")
    assert "150.000 đ/người/tháng" in quoted(body) and "16.2" not in quoted(body)
    assert heading_title("6.2. ", "sentence", "Điều kiện tái bản giáo trình")
    assert heading_title("1. ", "sentence", "Mục đích")
    assert not heading_title("6.2. ", "sentence", "điều kiện"), "a number before a lower-case word is no marker"
    assert not heading_title("Mức chi là 200. ", "sentence", "Các thành viên khác"), "a sentence is no number"


DECREE_END = ("CHÍNH PHỦ\n\nSố: 45/2026/NĐ-CP\n\nHà Nội, ngày 12 tháng 3 năm 2026\n\nNGHỊ ĐỊNH\n\n"
              "Quy định xử phạt vi phạm hành chính trong lĩnh vực định danh điện tử\n\n"
              "Căn cứ Luật Giao dịch điện tử ngày 22 tháng 6 năm 2023;\n\n"
              "Điều 9. Hiệu lực thi hành\n\n"
              "1. Nghị định này có hiệu lực thi hành từ ngày 01 tháng 5 năm 2026.\n\n"
              "Điều 10. Trách nhiệm thi hành\n\n"
              "Bộ trưởng Bộ Công an chịu trách nhiệm hướng dẫn thi hành.")


def test_when_a_document_takes_effect_is_not_the_day_it_was_issued():
    """Rules "taking effect is not issue" (document_metadata.asked_own, reader's type_match and
    own_metadata) and "a document naming itself" (candidates.names_own_document)."""
    from qa.answering.candidates import names_own_document
    from qa.answering.document_metadata import asked_own
    assert names_own_document("1. Nghị định này có hiệu lực thi hành từ ngày 01 tháng 5 năm 2026.")
    assert names_own_document("Quy chế này quy định việc chia sẻ dữ liệu")
    assert not names_own_document("Nghị định số 17/2022/NĐ-CP hết hiệu lực")
    effect = analyse("Nghị định xử phạt vi phạm hành chính trong lĩnh vực định danh điện tử có hiệu lực từ ngày nào?", {})
    issue = analyse("Nghị định xử phạt vi phạm hành chính trong lĩnh vực định danh điện tử ban hành ngày nào?", {})
    assert asked_own(effect) is None and asked_own(issue) == "day"
    doc = Document("d", "NGHỊ ĐỊNH Quy định xử phạt vi phạm hành chính trong lĩnh vực định danh điện tử", DECREE_END)
    hit = Hit(Chunk(0, doc.doc_id, DECREE_END, 0, len(DECREE_END)), 1.0)
    clause = next(c for c in units(hit, DECREE_END) if c.text.startswith("1. Nghị định này"))
    assert "định danh điện tử" in clause.reads and not any(
        c.reads for c in units(hit, DECREE_END) if c.text.startswith("Bộ trưởng")), "only a unit naming its document"
    idf = idf_function(lambda t: 1, 10)
    answer, abstained, _ = compose(effect, [hit], {doc.doc_id: doc}, idf, 0.0, 300)
    assert "01 tháng 5 năm 2026" in answer and "12 tháng 3" not in answer, answer
    answer, _, _ = compose(issue, [hit], {doc.doc_id: doc}, idf, 0.0, 300)
    assert "12 tháng 3 năm 2026" in answer, answer


#: A portal page opening with its headline and metadata table (its title block), and a
#: deadline its summary sets.
PORTAL_DEADLINE = ("Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2024\n\nSố ký hiệu | 37/KH-UBND\n"
                   "Ngày ban hành | 05/03/2024\nNgười ký | Lò Văn Tiến\n\n"
                   "Các sở, ngành, Ủy ban nhân dân các huyện xây dựng kế hoạch chuyển đổi số năm 2024 của đơn vị, "
                   "hoàn thành trước ngày 31/3/2024.")


def test_a_deadline_is_not_the_day_of_issue():
    """Rule "a deadline is not the day of issue" (reader._issue_line_for_effect): a deadline
    asked ("by what date must …", "… trước ngày nào?") is not answered by the title block's
    dated line, which still answers when the document was issued."""
    doc = Document("d", "Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2024", PORTAL_DEADLINE, province="Điện Biên")
    hit = Hit(Chunk(0, doc.doc_id, PORTAL_DEADLINE, 0, len(PORTAL_DEADLINE)), 1.0)
    idf = idf_function(lambda t: 1, 10)
    for question in ("By what date must Dien Bien's districts issue their own 2024 digital transformation plans?",
                     "Các huyện của Điện Biên phải xây dựng kế hoạch chuyển đổi số năm 2024 trước ngày nào?"):
        answer, _, _ = compose(analyse(question, {}), [hit], {doc.doc_id: doc}, idf, 0.0, 300)
        assert "31/3/2024" in answer and "05/03/2024" not in answer, answer
    answer, _, _ = compose(analyse("Kế hoạch chuyển đổi số năm 2024 của Điện Biên ban hành ngày nào?", {}),
                           [hit], {doc.doc_id: doc}, idf, 0.0, 300)
    assert "05/03/2024" in answer, answer


def test_a_decree_is_no_plan_of_the_city_it_is_signed_in_and_is_named_by_its_number():
    """Rules "where a document is signed is not what it is about" (ingest.detect_province) and
    "a document is named by its number" (answer.document_name)."""
    from pathlib import Path
    from qa.answering.answer import document_name
    from qa.documents.ingest import detect_province, load_document
    assert detect_province("NGHỊ ĐỊNH Quy định xử phạt", DECREE_END, signed_at="Hà Nội") is None
    province_text = "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ\n\nQuảng Trị, ngày 05 tháng 02 năm 2026\n\nDữ liệu tỉnh Quảng Trị."
    assert detect_province("QUYẾT ĐỊNH", province_text, signed_at="Quảng Trị") == "Quảng Trị"
    folder = Path(__file__).parent / "_decree_tmp"
    folder.mkdir(exist_ok=True)
    try:
        (folder / "nd.txt").write_text(DECREE_END, encoding="utf-8")
        doc = load_document(folder / "nd.txt", folder, {})
    finally:
        (folder / "nd.txt").unlink()
        folder.rmdir()
    assert doc.province is None and doc.kind == "decree" and doc.number == "45/2026/NĐ-CP"
    assert document_name(doc, "vi") == "Nghị định số 45/2026/NĐ-CP"
    assert document_name(doc, "en") == "Decree No. 45/2026/NĐ-CP"
    hit = Hit(Chunk(0, doc.doc_id, doc.text, 0, len(doc.text)), 1.0)
    query = analyse("Ai chịu trách nhiệm hướng dẫn thi hành nghị định?", {})
    answer, _, _ = compose(query, [hit], {doc.doc_id: doc}, idf_function(lambda t: 1, 10), 0.0, 300)
    assert answer.startswith("Theo Nghị định số 45/2026/NĐ-CP: “"), answer


def test_who_is_in_the_articles_title_when_its_clause_names_no_one():
    """Rule "who is in the article's title" (answer.agent_article): the clause lists a duty
    without a subject; the answer's lead names the article whose title says whose it is."""
    text = ("Điều 8. Trách nhiệm của Cục Kiểm soát thủ tục hành chính\n\n"
            "1. Quản lý, vận hành Cổng Dịch vụ công quốc gia; bảo đảm hoạt động liên tục 24 giờ trong ngày.\n\n"
            "2. Theo dõi, đôn đốc các bộ, ngành, địa phương cung cấp dịch vụ công trực tuyến.")
    doc = Document("d", "Thông tư hướng dẫn", text, number="08/2026/TT-VPCP", kind="circular")
    hit = _whole(doc)
    idf = idf_function(lambda t: 1, 10)
    query = analyse("Cơ quan nào quản lý, vận hành Cổng Dịch vụ công quốc gia?", {})
    answer, abstained, _ = compose(query, [hit], {doc.doc_id: doc}, idf, 0.0, 300)
    assert answer.startswith("Theo Thông tư số 08/2026/TT-VPCP, Điều 8. Trách nhiệm của Cục Kiểm soát thủ tục "
                             "hành chính: “1. Quản lý, vận hành Cổng Dịch vụ công quốc gia"), answer
    assert len(answer) <= 300
    other = analyse("Cổng Dịch vụ công quốc gia hoạt động bao nhiêu giờ trong ngày?", {})
    answer, _, _ = compose(other, [hit], {doc.doc_id: doc}, idf, 0.0, 300)
    assert "Điều 8" not in answer, "only a question asking who"


SANCTIONS = ("Điều 5. Vi phạm quy định về cung cấp dịch vụ xác thực điện tử\n\n"
             "1. Phạt tiền từ 10.000.000 đồng đến 20.000.000 đồng đối với hành vi không lưu trữ nhật ký hệ thống.\n\n"
             "2. Phạt tiền từ 30.000.000 đồng đến 50.000.000 đồng đối với một trong các hành vi sau đây:\n\n"
             "a) Cung cấp dịch vụ xác thực điện tử khi chưa được cấp giấy phép;\n\n"
             "b) Tiếp tục cung cấp dịch vụ trong thời gian bị đình chỉ hoạt động.\n\n"
             "3. Hình thức xử phạt bổ sung:\n\n"
             "Đình chỉ hoạt động cung cấp dịch vụ xác thực điện tử từ 01 tháng đến 03 tháng đối với hành vi "
             "vi phạm quy định tại điểm b khoản 2 Điều này.\n\n"
             "Điều 6. Thẩm quyền\n\n"
             "1. Giám đốc Công an cấp tỉnh áp dụng biện pháp quy định tại khoản 1 và khoản 3 Điều 5 Nghị định này; "
             "khoản 2 Điều 5 Luật Căn cước không áp dụng.")


def test_a_reference_is_read_with_what_it_refers_to():
    """Rule "a reference is read with what it refers to" (candidates.referred_text)."""
    from qa.documents.legal_outline import referred_text
    line_at = lambda part: SANCTIONS.rfind("\n", 0, SANCTIONS.index(part)) + 1
    line_of = lambda part: SANCTIONS[line_at(part): SANCTIONS.find("\n", SANCTIONS.index(part))]
    assert referred_text(SANCTIONS, line_at("Đình chỉ hoạt động cung"), line_of("Đình chỉ hoạt động cung")) == (
        "b) Tiếp tục cung cấp dịch vụ trong thời gian bị đình chỉ hoạt động.")
    other = referred_text(SANCTIONS, line_at("1. Giám đốc"), line_of("1. Giám đốc"))
    assert other.startswith("1. Phạt tiền từ 10.000.000") and "3. Hình thức xử phạt bổ sung:" in other
    assert "30.000.000" not in other, "'khoản 2 Điều 5 Luật Căn cước' is another document's"
    hit = Hit(Chunk(0, "d", SANCTIONS, 0, len(SANCTIONS)), 1.0)
    unit = next(c for c in units(hit, SANCTIONS) if c.text.startswith("Đình chỉ hoạt động cung"))
    assert "Tiếp tục cung cấp dịch vụ" in unit.reads and "Tiếp tục" not in quoted(unit)


def test_a_provinces_document_is_called_what_it_is():
    """Rule "a document is called what it is" (answer.kind_word)."""
    from qa.answering.answer import kind_word
    decision = Document("q", "QUYẾT ĐỊNH Ban hành Quy chế", "…", province="Quảng Trị", kind="decision")
    assert kind_word(decision, "vi") == "quyết định" and kind_word(decision, "en") == "decision"
    for kind in ("plan", None, "news"):
        doc = Document("p", "Kế hoạch", "…", province="Hà Tĩnh", kind=kind)
        assert kind_word(doc, "vi") == "kế hoạch" and kind_word(doc, "en") == "plan"
    text = "Điều 2. Quyết định này có hiệu lực kể từ ngày 20 tháng 02 năm 2026."
    doc = Document("q", "QUYẾT ĐỊNH Ban hành Quy chế", text, province="Quảng Trị", kind="decision")
    hit = _whole(doc)
    answer, _, _ = compose(analyse("Quyết định có hiệu lực từ ngày nào?", {}), [hit], {doc.doc_id: doc},
                           idf_function(lambda t: 1, 10), 0.0, 300)
    assert answer.startswith("Theo quyết định của Quảng Trị: “"), answer


def test_a_reference_inside_an_issued_regulation_is_to_its_own_article():
    """An issued regulation numbers its articles from "Điều 1." again (legal_outline.article_numbered)."""
    from qa.documents.legal_outline import referred_text
    text = ("QUYẾT ĐỊNH:\n\nĐiều 1. Ban hành kèm theo Quyết định này Quy chế chia sẻ dữ liệu.\n\n"
            "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.\n\nQUY CHẾ\n\n"
            "Điều 1. Phạm vi điều chỉnh\n\n1. Quy chế này quy định việc chia sẻ dữ liệu.\n\n"
            "Điều 2. Trình tự\n\n1. Cơ quan gửi văn bản đề nghị.\n\n"
            "2. Cơ quan chủ quản trả lời trong thời hạn 10 ngày làm việc.\n\n"
            "Điều 3. Báo cáo\n\n1. Trường hợp không trả lời đúng thời hạn quy định tại khoản 2 Điều 2, "
            "cơ quan đề nghị báo cáo Sở Khoa học và Công nghệ.")
    at = text.index("1. Trường hợp không trả lời")
    line = text[at:]
    assert referred_text(text, at, line) == "2. Cơ quan chủ quản trả lời trong thời hạn 10 ngày làm việc."


def test_a_reference_finds_points_written_with_a_dot():
    """Points are written "b)" or "b.", clauses "2." or "2)" (legal_outline.child)."""
    from qa.documents.legal_outline import referred_text
    text = SANCTIONS.replace("a) Cung cấp", "a. Cung cấp").replace("b) Tiếp tục", "b. Tiếp tục")
    at = text.rfind("\n", 0, text.index("Đình chỉ hoạt động cung")) + 1
    line = text[at: text.find("\n", at)]
    assert referred_text(text, at, line) == "b. Tiếp tục cung cấp dịch vụ trong thời gian bị đình chỉ hoạt động."


def test_a_provision_named_is_the_provision_quoted():
    """Rule "a provision named is the provision quoted" (qa.answering.provisions)."""
    from qa.answering.provisions import addressed, asks_content
    assert addressed("Theo điểm a khoản 2 Điều 5, hành vi nào bị phạt?") == ("a", "2", "5")
    assert addressed("khoan 2 dieu 5 nghi dinh 45 quy dinh gi") == (None, "2", "5")
    assert addressed("What does clause 2 of Article 5 provide?") == (None, "2", "5")
    assert addressed("Mức phạt tối đa là bao nhiêu?") is None
    assert asks_content("Điều 6 quy định về nội dung gì?") and not asks_content("Theo Điều 6, ai áp dụng biện pháp?")
    head = "CHÍNH PHỦ\n\nSố: 45/2026/NĐ-CP\n\nHà Nội, ngày 12 tháng 3 năm 2026\n\nNGHỊ ĐỊNH\n\nQuy định xử phạt\n\n"
    text = head + SANCTIONS
    doc = Document("d", "NGHỊ ĐỊNH Quy định xử phạt", text, number="45/2026/NĐ-CP", kind="decree")
    title = Chunk(0, "d", text[:len(head) - 2], 0, len(head) - 2)
    body = Chunk(1, "d", SANCTIONS, len(head), len(text))
    idf = idf_function(lambda t: 1, 10)
    chunks_of = lambda doc_id: [title, body]

    def ask(question):
        return compose(analyse(question, {}), [Hit(title, 1.0)], {"d": doc}, idf, 0.0, 300, chunks_of=chunks_of)

    answer, abstained, citations = ask("Khoản 2 Điều 5 Nghị định 45/2026/NĐ-CP quy định gì?")
    assert not abstained and "2. Phạt tiền từ 30.000.000 đồng đến 50.000.000 đồng" in answer and "a) Cung cấp" in answer
    assert citations[0].passage == SANCTIONS, "the provision's passage is cited, first"
    answer, _, _ = ask("Theo điểm b khoản 2 Điều 5, hành vi nào bị phạt?")
    assert "sau đây: b) Tiếp tục cung cấp dịch vụ" in answer, answer
    answer, _, _ = ask("Điều 6 Nghị định 45/2026/NĐ-CP quy định về nội dung gì?")
    assert "Điều 6. Thẩm quyền 1. Giám đốc Công an cấp tỉnh" in answer, answer
    answer, _, _ = ask("Khoản 9 Điều 5 Nghị định 45/2026/NĐ-CP quy định gì?")
    assert "Phạt tiền từ 30.000.000" not in answer, "no such clause: the reader answers"


@pytest.mark.parametrize("question, lead", [
    ("Hệ thống mới đã tiếp nhận bao nhiêu hồ sơ?", "Theo tin về Bạc Liêu"),
    ("How many records has the new system received?", "According to news on Bạc Liêu"),
])
def test_an_answer_quoting_a_news_page_says_it_is_news_not_the_plan(question, lead):
    text = "Hệ thống mới đi vào hoạt động từ ngày 1/6/2024 và đã tiếp nhận 121.355 hồ sơ."
    doc = Document("n", "Bạc Liêu: điểm sáng chuyển đổi số", text, province="Bạc Liêu", kind="news")
    hit = _whole(doc)
    answer, abstained, _ = compose(analyse(question, {}), [hit], {doc.doc_id: doc},
                                   idf_function(lambda t: 1, 10), 0.0, 300)
    assert not abstained and answer.startswith(lead), answer


def test_a_figure_the_question_gives_is_not_its_answer_and_a_rate_is_no_billion():
    """Rules "a figure the question gives is not its answer" (reader.holds_asked) and "tỷ lệ
    is no tỷ" (``_NUMBER_WORDS``): a line cut off before its figure holds no quantity."""
    from qa.answering.answer import reading
    from qa.answering.reader import holds_asked
    assert not holds_type("quantity", "Tỷ lệ dân số trưởng thành có điện thoại thông minh")
    assert not holds_type("quantity", "tỷ trọng kinh tế số trong GRDP")
    assert holds_type("quantity", "Ngân sách 5 tỷ đồng") and holds_type("quantity", "hàng tỷ đồng")
    text = "- Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao"
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    asked = analyse("Tỷ lệ dân số từ 15 tuổi trở lên có tài khoản giao dịch tại ngân hàng đạt bao nhiêu?", {})
    r = reading(asked, [hit], idf_function(lambda t: 1, 10))
    assert r.given_figures == {("15", "tuổi")} and holds_type("quantity", text)
    assert not holds_asked(r, "quantity", text)
    assert holds_asked(r, "quantity", text + " dịch đạt 15%") and holds_asked(r, "percent", text + " dịch đạt 65%")
    assert not holds_asked(r, "percent", "Tỷ lệ dân số từ 15 tuổi trở lên")


@pytest.mark.parametrize("question, lang, kinds", [
    ("Tuần lễ chuyển đổi số 2022 được tổ chức theo kế hoạch số mấy?", "vi", {"docnumber"}),
    ("Đà Nẵng xếp thứ mấy về chỉ số DTI?", "vi", {"rank"}),
    ("quyet dinh nao phe duyet de an, gom bao nhieu du an", "vi", {"docnumber", "quantity"}),
    ("Kế hoạch số 245/KH-UBND có bao nhiêu nhiệm vụ?", "vi", {"quantity"})])
def test_a_question_word_inside_a_longer_one_is_the_longer_ones(question, lang, kinds):
    """Rule "a question word inside a longer one is the longer one's" (reader._within_other):
    the "mấy" of "số mấy" / "thứ mấy" asks for no quantity."""
    assert answer_types(question, lang) == kinds


@pytest.mark.parametrize("text, listed", [
    ("với 3 trụ cột chuyển đổi số, gồm chính quyền số, kinh tế số và xã hội số.", True),
    ("including health, education and farming", True),
    ("gồm: y tế, giáo dục, nông nghiệp", True),
    ("gồm chính quyền số và kinh tế số", False),  # two items
    ("Về chất lượng quản lý và giảng dạy: Các lớp được quản lý và giảng dạy bởi các cán bộ có chuyên môn giỏi "
     "và có kinh nghiệm trong công tác", False)])  # "và" inside prose
def test_three_short_items_ending_with_and_are_an_enumeration(text, listed):
    """Rule "A, B và C is a list" (reader._ENUMERATION): a list question answered by the
    sentence that names the three pillars, not turned away from it as a mere count."""
    from qa.answering.reader import enumerates
    assert enumerates(text) is listed


def test_a_unit_under_a_heading_path_that_names_a_year_is_about_that_year():
    """Candidate.stated_years reads the chunk's ``heading_path`` last: a chunk that opens at
    "2. Phát triển kinh tế số" under "II. MỤC TIÊU CỤ THỂ NĂM 2025" states 2025 targets,
    no answer for 2030's."""
    idf = idf_function(lambda t: 1, 10)
    text = "2. Phát triển kinh tế số\n\na) Tỷ trọng kinh tế số trong GRDP của tỉnh đạt 8,5%."
    doc = _document(text)
    hit = Hit(Chunk(0, doc.doc_id, text, 0, len(text), heading_path="II. MỤC TIÊU CỤ THỂ NĂM 2025"), 1.0)
    item = next(c for c in units(hit, text) if c.text.startswith("a) Tỷ trọng"))
    assert item.stated_years == frozenset({2025})
    ask = _asker(hit, doc, idf)

    answer, abstained = ask("Hà Tĩnh đặt mục tiêu kinh tế số chiếm bao nhiêu phần trăm GRDP năm 2025?")
    assert not abstained and "8,5%" in answer
    assert ask("What share of Ha Tinh's GRDP should the digital economy reach by 2030?")[1]


def test_a_unit_of_several_sentences_is_about_the_year_of_the_sentence_that_answers():
    """Rule "the year of the sentence that answers" (reader.said_years): a news lead names
    2024 for its DTI rank and 2025 for its GRDP target; asked the 2024 share of GRDP, the
    lead is about 2025, and the 2024 figure further on answers."""
    idf = idf_function(lambda t: 1, 10)
    lead = ("Năm 2024, chỉ số chuyển đổi số (DTI) của tỉnh tăng 9 bậc so với năm 2023. "
            "Năm 2025, tỉnh đặt mục tiêu kinh tế số chiếm 10% GRDP.")
    text = lead + "\n\nĐến cuối năm 2024, kinh tế số của tỉnh ước chiếm 7,6% GRDP."
    doc = _document(text)
    hit = _whole(doc)
    question = analyse("kinh te so cua ha tinh nam 2024 chiem bao nhieu phan tram GRDP", {})
    read = reading(question, [hit], idf)
    line = next(c for c in units(hit, text) if c.text == lead)
    assert said_years(read, line) == frozenset({2025}) and 2024 in line.stated_years
    answer, abstained, _ = compose(question, [hit], {doc.doc_id: doc}, idf, None, 300)
    assert not abstained and "7,6%" in answer and "10%" not in answer


@pytest.mark.parametrize("question, lang, kinds", [
    ("Tổng kinh phí thực hiện kế hoạch năm 2025 là bao nhiêu?", "vi", {"money"}),
    ("ngan sach tinh bo tri bao nhieu cho ke hoach chuyen doi so", "vi", {"money"}),
    ("How much funding does the plan allocate to the IOC?", "en", {"money"}),
    ("Có bao nhiêu dự án sử dụng vốn ngân sách?", "vi", {"quantity"}),        # counts projects
    ("How many projects does the state budget fund?", "en", {"quantity"}),
    ("Kinh phí cho hạ tầng số chiếm bao nhiêu phần trăm?", "vi", {"percent"}),  # a share
    ("Kế hoạch bố trí bao nhiêu vốn ngân sách trung ương?", "vi", {"money"}),   # counted right after
    ("bao nhieu tien", "vi", {"money"}),
    ("Tỷ lệ thanh toán không dùng tiền mặt đạt bao nhiêu?", "vi", {"quantity"}),  # cash, not a sum
    ("Lệ phí nộp hồ sơ trực tuyến là bao nhiêu?", "vi", {"money"}),              # a fee
    ("Tỉnh thu phí bao nhiêu khi chia sẻ dữ liệu?", "vi", {"money"}),
    ("Mức phạt đối với hành vi mua bán tài khoản là bao nhiêu?", "vi", {"money"}),  # a fine
    ("How much is the fine for selling an account?", "en", {"money"}),
    ("thoi han hoan chap hanh quyet dinh phat tien toi da bao lau", "vi", {"quantity"}),  # the sanction, not a sum
])
def test_a_quantity_question_that_names_money_asks_for_an_amount(question, lang, kinds):
    """Rule "an amount of money" (reader.asks_money)."""
    assert answer_types(question, lang) == kinds


@pytest.mark.parametrize("text, holds", [
    ("Tổng kinh phí dự kiến là 96,8 tỷ đồng", True), ("khoảng 1.000 tỷ", True),
    ("500 triệu đồng", True), ("USD 3 million", True), ("tiết kiệm hàng chục tỷ đồng/năm", True),
    ("hàng chục xã", False),
    ("hỗ trợ 2 triệu người dân", False), ("tỷ lệ 80%", False), ("30 chợ", False), ("giai đoạn 2024 - 2025", False),
])
def test_an_amount_of_money_is_one_in_a_currency(text, holds):
    assert holds_type("money", text) is holds


@pytest.mark.parametrize("text, refused, answered, amount", [
    # the line naming the scheme's period is no answer to its budget for another period;
    # the budget line of the period asked is
    ("Điều 1. Phê duyệt Đề án phát triển kinh tế số tỉnh Hà Tĩnh giai đoạn 2024 - 2025, định hướng đến năm 2030.\n\n"
     "Tổng kinh phí thực hiện Đề án giai đoạn 2024 - 2025 dự kiến 245 tỷ đồng.",
     "kinh phi de an kinh te so ha tinh giai doan 2026 2030 la bao nhieu",
     "Tổng kinh phí Đề án kinh tế số Hà Tĩnh giai đoạn 2024 - 2025 là bao nhiêu?", "245 tỷ đồng"),
    # a fee or a fine is an amount of money ('lệ phí', 'mức phạt' in ``question_types.json``
    # "money"): "… được thực hiện miễn phí" states no fee charged to businesses, and a fine
    # in đồng answers its own question
    ("2. Việc chia sẻ dữ liệu giữa các cơ quan nhà nước được thực hiện miễn phí.\n\n"
     "3. Phạt tiền từ 20.000.000 đồng đến 40.000.000 đồng đối với hành vi mua bán tài khoản định danh điện tử.",
     "Lệ phí chia sẻ dữ liệu cho doanh nghiệp là bao nhiêu?",
     "Mức phạt đối với hành vi mua bán tài khoản định danh điện tử là bao nhiêu?", "20.000.000 đồng"),
])
def test_a_money_question_answered_by_a_unit_without_an_amount_is_refused(text, refused, answered, amount):
    """'money' is a telling kind (form_missing): a unit stating no amount answers no
    question on a sum of money, a unit stating one does."""
    ask = _ask_plan(text)
    assert ask(refused)[1]
    answer, abstained = ask(answered)
    assert not abstained and amount in answer


def test_a_sentence_is_read_after_those_before_it_in_its_paragraph():
    """Rule "a sentence is read after those before it" (candidates.after_antecedent): the
    sentence that answers refers back to the subject its paragraph named first."""
    from qa.answering.answer import reading
    from qa.answering.reader import FEATURES, features
    text = ("Bạc Liêu đưa vào vận hành hệ thống thông tin giải quyết thủ tục hành chính mới. "
            "Hệ thống mới đã tiếp nhận 121.355 hồ sơ.")
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    found = [c for c in units(hit, text) if c.kind == "sentence"]
    first, second = found[0], found[1]
    assert "giải quyết thủ tục hành chính" in second.reads and first.reads == ""
    asked = analyse("Hệ thống thông tin giải quyết thủ tục hành chính mới đã tiếp nhận bao nhiêu hồ sơ?", {})
    named = dict(zip(FEATURES, features(reading(asked, [hit], idf_function(lambda t: 1, 10)), second)))
    assert named["context_coverage"] > named["coverage"]  # the subject's words count, from the sentence before


def test_a_unit_is_read_under_the_headings_of_its_chunk():
    """Rule "a unit is read under the headings of its chunk" (reader's ``context_coverage``):
    a clause in the chunk that opens with its article reads the article's heading, as it
    would in a later chunk through the heading path; a clause of the next article does not."""
    from qa.answering.answer import reading
    from qa.answering.reader import FEATURES, features
    text = ("Điều 5. Trách nhiệm của Ban Điều hành cấp Trường\n"
            "1. Đề xuất phương hướng và xét duyệt kế hoạch phát triển.\n"
            "Điều 6. Hiệu lực thi hành\n"
            "1. Quy định có hiệu lực kể từ ngày ký.")
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    found = units(hit, text)
    clause = next(c for c in found if c.text.startswith("1. Đề xuất"))
    other = next(c for c in found if c.text.startswith("1. Quy định"))
    asked = analyse("Trách nhiệm của Ban Điều hành cấp Trường là gì?", {})
    read = reading(asked, [hit], idf_function(lambda t: 1, 10))
    named = dict(zip(FEATURES, features(read, clause)))
    assert named["context_coverage"] > named["coverage"] and named["context_coverage"] > 0.8
    assert dict(zip(FEATURES, features(read, other)))["context_coverage"] < 0.5


@pytest.mark.parametrize("text, holds", [
    ("Một trong những điểm sáng là hệ thống mới", False), ("một số chỉ tiêu khó đạt", False),
    ("có một chỉ tiêu chưa được hướng dẫn", True), ("hai chỉ tiêu", True)])
def test_one_of_and_some_state_no_quantity(text, holds):
    """Rule: the "một" of "một trong những" (one of), "một số" (some), "một cách" is no count."""
    assert holds_type("quantity", text) is holds


@pytest.mark.parametrize("title, expected", [
    ("KẾ HOẠCH\nChuyển đổi số tỉnh Tây Ninh năm 2026", {2026}),
    ("KẾ HOẠCH\nChuyển đổi số tỉnh Tây Ninh giai đoạn 2021-2025, định hướng đến năm 2030", set())])
def test_a_unit_of_an_annual_plan_is_about_its_year(title, expected):
    """Rule "an annual plan's year" (Candidate.document_year): a unit naming no year and
    under no heading that names one is about the one year its title block names."""
    text = (f"ỦY BAN NHÂN DÂN\nTỈNH TÂY NINH\n\nSố: 45/KH-UBND\n\nTây Ninh, ngày 16 tháng 01 năm 2026\n\n{title}\n\n"
            "I. MỤC TIÊU\n\nPhủ sóng 5G đạt 80% khu dân cư.")
    unit = _unit_starting(text, "Phủ sóng 5G", doc_id="p")
    assert set(unit.stated_years) == expected


def test_a_paragraph_that_goes_on_from_the_one_before_shares_its_year():
    """Rule "a paragraph that goes on from the one before" (candidates.paragraph_before):
    "Cùng với đó, …" is read after the paragraph before it, a photo caption skipped."""
    from qa.answering.candidates import paragraph_before
    text = ("Tỉnh đặt mục tiêu đến năm 2025 đạt 90% dịch vụ công trực tuyến.\n\n"
            "Thời gian qua tỉnh đã đẩy mạnh cải cách hành chính. (Ảnh: Báo tỉnh)\n\n"
            "Cùng với đó, kinh tế số chiếm trên 20% GRDP.\n\nNăm 2023, kinh tế số chiếm 12% GRDP.")
    assert paragraph_before(text, text.index("Cùng với đó")).startswith("Tỉnh đặt mục tiêu đến năm 2025")
    assert paragraph_before(text, text.index("Năm 2023")) == ""  # no connective: a paragraph of its own
    unit = _unit_starting(text, "Cùng với đó", doc_id="p")
    assert unit.stated_years == frozenset({2025})


def test_an_estimate_of_what_was_reached_is_no_target():
    """Rule "status for target" (reader._f_status_for_target, ``_STATUS_WORDS``): "… ước đạt
    80%" states what was (estimated to be) reached, and answers no question on a target,
    though it is about the year the question names."""
    text = "Kết quả năm 2022:\n\n- Tỷ lệ dân số trưởng thành có điện thoại thông minh ước đạt 80%;"
    unit = _unit_starting(text, "- Tỷ lệ", doc_id="p")
    idf = idf_function(lambda t: 1, 10)
    target = analyse("Mục tiêu năm 2022 tỷ lệ dân số trưởng thành có điện thoại thông minh là bao nhiêu?", {})
    status = analyse("Năm 2022 tỷ lệ dân số trưởng thành có điện thoại thông minh đạt bao nhiêu?", {})
    assert _feature("status_for_target", target, unit, idf) == 1.0
    assert _feature("status_for_target", status, unit, idf) == 0.0


def test_a_statement_cut_off_by_the_documents_end_answers_nothing():
    """Rule "cut off" (reader.cut_off, candidates.document_cut_at): an excerpt cut at a
    length stops inside its last statement ("… viện phí không dùng tiền mặt đạt tr"); a
    question asking that statement's share is refused (``unit_refusal``), one about a
    statement before the cut is not, nor one whose figure the cut statement still holds
    ("… cho 27 cơ quan, đơn"), nor one asking nothing in particular; the same text ending
    with a full stop cuts nothing."""
    from qa.answering.reader import unit_refusal
    idf = idf_function(lambda t: 1, 10)
    cut = ("Hết năm 2022, tỷ lệ người dân có tài khoản giao dịch tại ngân hàng đạt 65-70%; "
           "tỷ lệ thanh toán học phí, viện phí không dùng tiền mặt đạt tr")
    fees = analyse("Năm 2022 tỷ lệ thanh toán học phí, viện phí không dùng tiền mặt đạt bao nhiêu?", {})
    accounts = analyse("Năm 2022 tỷ lệ người dân có tài khoản giao dịch tại ngân hàng đạt bao nhiêu?", {})
    for text, expected in ((cut, ("cut_off", None)), (cut[:-3] + " 50%.", (None, None))):
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = next(c for c in units(hit, text) if c.kind == "line")
        assert unit.cut_off == (expected[0] is not None)
        assert tuple(unit_refusal(reading(q, [hit], idf), unit) for q in (fees, accounts)) == expected
    doc = Document("plan.txt", "Kế hoạch chuyển đổi số", cut, province="Hà Tĩnh")
    hit = Hit(Chunk(0, doc.doc_id, cut, 0, len(cut)), 1.0)
    assert compose(fees, [hit], {doc.doc_id: doc}, idf, None, 300)[1], "refused"
    held = "Đã hoàn thành cài đặt phần mềm chống mã độc tập trung cho 27 cơ quan, đơn"
    hit = Hit(Chunk(0, "p", held, 0, len(held)), 1.0)
    unit = next(c for c in units(hit, held) if c.kind == "line")
    for question in ("Phần mềm chống mã độc tập trung đã cài đặt cho bao nhiêu cơ quan?",
                     "Phần mềm chống mã độc tập trung được cài đặt ở đâu"):
        assert unit.cut_off and unit_refusal(reading(analyse(question, {}), [hit], idf), unit) is None


def test_only_the_units_the_cut_falls_in_are_cut_off():
    """``Candidate.cut_off`` marks the units that reach a cut document's end, its windows
    and the item alone included, not the units before it; a document ending in a full stop,
    a colon or a closing quotation mark is not cut (``candidates.document_cut_at``)."""
    from qa.answering.candidates import document_cut_at
    text = "Mục tiêu đến năm 2025:\n- 80% hồ sơ được xử lý trực tuyến;\n- Tỷ lệ dân số có tài khoản giao"
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    marked = {c.text: c.cut_off for c in units(hit, text, room=40)}
    assert marked["- 80% hồ sơ được xử lý trực tuyến;"] is False
    assert any(cut for t, cut in marked.items() if t.endswith("giao"))
    assert not any(cut for t, cut in marked.items() if not t.endswith("giao"))
    for finished in ("Kết thúc.", "Gồm:", "là “chìa khóa”", "các nhiệm vụ;"):
        assert document_cut_at(finished) > len(finished)
    assert document_cut_at("đạt tr  \n") == len("đạt tr")


@pytest.mark.parametrize("text, lang, levels", [
    ("Năm 2025, 90% hồ sơ công việc tại cấp tỉnh, 80% hồ sơ công việc tại cấp xã", "vi", {"province", "commune"}),
    ("dịch vụ công cấp tỉnh, huyện và xã", "vi", {"province", "district", "commune"}),
    ("ty le ho so cong viec cap huyen", "vi", {"district"}),
    ("cấp thị xã", "vi", {"district"}),  # the longer noun: "thị xã" is no "xã"
    ("100% cơ quan, đơn vị từ tỉnh đến xã", "vi", set()),  # every level: none in particular
    ("các cấp chính quyền", "vi", set()),
    ("xã hội số, huyện Đức Hòa", "vi", set()),  # a level is named after "cấp"
    # read as written: "quản lý" is no "quận", "xã hội" (society) no "xã"
    ("phân cấp quản lý, cấp quản trị hệ thống", "vi", set()),
    ("nâng cấp xã hội số và hạ tầng cấp tỉnh", "vi", {"province"}),
    ("nang cap xa hoi so", "vi", set()),
    ("cấp quận, huyện", "vi", {"district"}),
    ("What share of district-level work files?", "en", {"district"}),
])
def test_the_administrative_levels_a_text_names(text, lang, levels):
    from qa.answering.reader import levels_named
    assert levels_named(text, lang) == frozenset(levels)


def test_a_statement_about_other_administrative_levels_answers_nothing():
    """Rule "level conflict" (reader.level_conflict): the district level's share is not
    stated by "90% … tại cấp tỉnh, 70% … tại cấp xã", which answers the commune level's
    (even where the part naming the commune holds most of the question: one predicate is
    shared among the levels); a unit naming every level is left to the model, and one
    naming none states the province's figure (rule "level unstated")."""
    from qa.answering.reader import unit_refusal
    idf = idf_function(lambda t: 1, 10)
    district = analyse("Tỷ lệ hồ sơ công việc tại cấp huyện được xử lý trên môi trường mạng là bao nhiêu?", {})
    commune = analyse("Tỷ lệ hồ sơ công việc tại cấp xã được xử lý trên môi trường mạng là bao nhiêu?", {})
    english = analyse("What share of district-level work files are processed online?", {})
    cases = {
        "- 90% hồ sơ công việc tại cấp tỉnh, 70% hồ sơ công việc tại cấp xã được xử lý trên môi trường mạng.":
            ("level_conflict", None, "level_conflict"),
        "Hồ sơ công việc được xử lý trên môi trường mạng: cấp tỉnh đạt 90%, cấp huyện đạt 80%, cấp xã đạt 65%.":
            (None, None, None),
        "100% hồ sơ công việc từ tỉnh đến xã được xử lý trên môi trường mạng.": (None, None, None),
        "90% hồ sơ công việc được xử lý trên môi trường mạng.": ("level_unstated",) * 3,
    }
    for text, expected in cases.items():
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = next(c for c in units(hit, text) if c.kind in ("line", "item"))
        assert tuple(unit_refusal(reading(q, [hit], idf), unit) for q in (district, commune, english)) == expected, text


def test_a_figure_naming_no_level_answers_no_lower_level():
    """Rule "level unstated" (reader.level_unstated): a question about the district or
    commune level, typed with or without diacritics, is refused a unit that names no level,
    which states the province's figure ("Tỷ lệ hồ sơ … toàn trình đạt trên 70%"); a
    question about the province, or naming no level, is not, nor is a unit naming the level
    asked in its lead-in, or every level ("các cấp")."""
    from qa.answering.reader import unit_refusal
    idf = idf_function(lambda t: 1, 10)
    asked = {
        "district": analyse("Ty le ho so truc tuyen toan trinh cap huyen cua tinh nam 2026 la bao nhieu?", {}),
        "commune": analyse("Tỷ lệ hồ sơ trực tuyến toàn trình cấp xã năm 2026 là bao nhiêu?", {}),
        "province": analyse("Tỷ lệ hồ sơ trực tuyến toàn trình cấp tỉnh năm 2026 là bao nhiêu?", {}),
        "none": analyse("Tỷ lệ hồ sơ trực tuyến toàn trình năm 2026 là bao nhiêu?", {}),
    }
    cases = {  # text, the unit's start -> the questions refused
        ("- Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình đạt trên 70%.", "- Tỷ lệ"):
            {"district", "commune"},
        ("Đối với cấp xã:\n- Tỷ lệ hồ sơ được giải quyết trực tuyến toàn trình đạt trên 70%.", "- Tỷ lệ"):
            {"district", "province"},  # its lead-in names the commune level: another one (level_conflict)
        ("- Tỷ lệ hồ sơ được giải quyết trực tuyến toàn trình ở các cấp đạt trên 70%.", "- Tỷ lệ"): set(),
    }
    for (text, start), refused in cases.items():
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = next(c for c in units(hit, text) if c.kind in ("line", "item") and c.text.startswith(start))
        got = {name for name, q in asked.items() if unit_refusal(reading(q, [hit], idf), unit)}
        assert got == refused, text


def test_a_unit_about_another_level_yields_to_the_row_of_the_level_asked():
    """Rule "the level asked yields" (reader.level_yield): an indicator broken down by level
    in sub-rows holds the same words in each; the commune row ranked first for the province's
    share (``level_conflict``) yields to the best-ranked unit naming the province, which is
    then the chosen unit; a choice that meets no level conflict, or a question naming no
    level, is left as it was."""
    from qa.answering.reader import level_yield, unit_refusal
    text = ("Chỉ tiêu | Năm 2024 | Kết quả\n- Tỷ lệ hồ sơ công việc xử lý trên mạng\n"
            "Chỉ tiêu: + Cấp tỉnh | Năm 2024: 95% | Kết quả: 96%\n"
            "Chỉ tiêu: + Cấp xã | Năm 2024: 70% | Kết quả: 70%")
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    found = [c for c in units(hit, text) if c.text.startswith("Chỉ tiêu: +")]
    province_row, commune_row = found[0], found[1]
    assert "Tỷ lệ hồ sơ công việc" in province_row.context  # the sub-row reads its label
    idf = idf_function(lambda t: 1, 10)
    province = reading(analyse("Tỷ lệ hồ sơ công việc cấp tỉnh xử lý trên mạng năm 2024?", {}), [hit], idf)
    anywhere = reading(analyse("Tỷ lệ hồ sơ công việc xử lý trên mạng năm 2024?", {}), [hit], idf)
    candidates = [commune_row, province_row]
    assert unit_refusal(province, commune_row) == "level_conflict"
    assert level_yield(province, candidates, [0, 1], 0) == 1
    assert level_yield(province, candidates, [1, 0], 1) == 1  # no conflict: kept
    assert level_yield(anywhere, candidates, [0, 1], 0) == 0  # no level asked
    assert level_yield(province, [commune_row], [0], 0) == 0  # nothing to yield to: refused as before


def test_the_indicators_a_question_names():
    """``named_indicators``: glossary abbreviations (with their full forms' syllable pairs)
    and generations named by a number ("5G"); not provinces ("TP"), document codes, a
    quarter ("Q3"), nor acronyms the glossary does not know."""
    from qa.answering.reader import named_indicators
    assert [k for k, _ in named_indicators("quang nam muc tieu xep hang PCI")] == ["pci"]
    assert dict(named_indicators("Tỷ lệ người dân có VNeID mức 2?"))["vneid"] == (("dinh_danh", "danh_dien", "dien_tu"),)
    assert named_indicators("How many 5G base stations does Lam Dong operate?") == (("5g", ()),)
    assert named_indicators("Nghị quyết 05-NQ/TU của TP Hồ Chí Minh ban hành ngày nào?") == ()
    assert named_indicators("Sinh viên UIT học chương trình CLC có được miễn không?") == ()
    assert named_indicators("How many communes trialled the model in Q3 2020?") == ()  # a quarter


def _assert_rule(rule: Callable, text: str, cases: tuple[tuple[str, bool], ...]) -> None:
    """``rule`` (a unit condition) on the first unit of ``text`` is, for each question of
    ``cases``, what the case says."""
    idf = idf_function(lambda t: 1, 10)
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    unit = units(hit, text)[0]
    for question, expected in cases:
        assert rule(reading(analyse(question, {}), [hit], idf), unit) is expected, question


def test_an_abbreviation_typed_in_lower_case_names_its_indicator():
    """Rule "an abbreviation typed in lower case" (reader.named_indicators): a Vietnamese
    question's lower-case word the glossary knows names the indicator as its capitals do;
    other words do not, nor an English question's lower-case words."""
    from qa.answering.reader import indicator_absent, named_indicators
    assert dict(named_indicators("ty le nguoi dan dinh danh vneid muc 2 nghe an 2026", typed=True)) == dict(
        named_indicators("Tỷ lệ người dân có VNeID mức 2 Nghệ An 2026?"))
    assert named_indicators("ty le nguoi dan dinh danh vneid muc 2 nghe an 2026") == ()  # not typed
    assert [k for k, _ in named_indicators("hai phong ty le ho so tthc truc tuyen 2025", typed=True)] == ["tthc"]
    assert named_indicators("hai phong ty le ho so truc tuyen toan trinh 2025", typed=True) == ()
    # indicator_absent reads them in a Vietnamese question asking a figure, not a document's particulars
    _assert_rule(indicator_absent, "- Tỷ lệ người dân trưởng thành có tài khoản thanh toán điện tử: năm 2026 đạt 88%.",
                 (("ty le nguoi dan dinh danh vneid muc 2 nghe an 2026", True),
                  ("ty le nguoi dan co tai khoan thanh toan dien tu 2026", False),
                  ("what share of adults use vneid in 2026", False),
                  ("nghe an ai ky kh cds 2026", False)))


def test_the_plans_subject_names_no_indicator():
    """Rule "the plans' subject names no indicator" (reader.subject_abbreviations): "CĐS" and
    "UBND" (qa/data/subject_abbreviations.txt), in capitals or typed in lower case, name what
    every plan is about or who issues it, so a figure whose passage does not repeat "chuyển
    đổi số" is not refused for it; an indicator beside them still is."""
    from qa.answering.reader import indicator_absent, named_indicators, subject_abbreviations
    assert {"cds", "ubnd"} <= subject_abbreviations()
    assert named_indicators("Theo chương trình hành động CĐS của UBND tỉnh, tỷ lệ … là bao nhiêu?") == ()
    assert named_indicators("dong thap muc tieu cds ty le tai khoan thanh toan 2025", typed=True) == ()
    assert [k for k, _ in named_indicators("Mục tiêu CĐS: tỷ lệ người dân có VNeID?")] == ["vneid"]
    _assert_rule(indicator_absent, "Người dân và doanh nghiệp có tài khoản thanh toán điện tử đạt trên 50%.",
                 (("Theo chương trình CĐS, tỷ lệ người dân có tài khoản thanh toán điện tử bao nhiêu?", False),
                  ("muc tieu cds ty le nguoi dan co tai khoan thanh toan dien tu", False),
                  ("Theo chương trình CĐS, tỷ lệ người dân có VNeID bao nhiêu?", True)))


def test_a_subject_abbreviation_must_be_in_the_glossary(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    """A line of subject_abbreviations.txt that the glossary does not know stops the program
    with the file and line (a typo would otherwise name nothing)."""
    import qa.data
    from qa.answering import reader
    from qa.data import DataFileError, read_rows
    from qa.retrieval.glossary import abbreviations
    abbreviations()  # the glossary itself read from the package (kept by its cache)
    (tmp_path / "subject_abbreviations.txt").write_text("# comment\nCĐS\nXYZQ\n", encoding="utf-8")
    monkeypatch.setattr(qa.data, "DATA_DIR", tmp_path)
    read_rows.cache_clear()
    reader.subject_abbreviations.cache_clear()
    try:
        with pytest.raises(DataFileError, match="line 3"):
            reader.subject_abbreviations()
    finally:
        read_rows.cache_clear()
        reader.subject_abbreviations.cache_clear()


def test_a_neighbouring_indicator_is_no_answer():
    """Rule "indicator absent" (reader.indicator_absent): a question naming an indicator
    ("PCI", "5G") is refused a unit whose passage names it in no form, however much of the
    rest it holds (the DTI ranking for the PCI one, 4G stations for 5G ones); a passage
    naming it anywhere (a line before the unit, the heading path, its full form) is left to
    the model, and so is a question naming none, or a comparison."""
    from qa.answering.reader import unit_refusal
    idf = idf_function(lambda t: 1, 10)
    pci = analyse("Quảng Nam đặt mục tiêu xếp hạng PCI năm 2025 ở vị trí nào?", {})
    ranking = analyse("Quảng Nam đặt mục tiêu xếp hạng chuyển đổi số năm 2025 ở vị trí nào?", {})
    compared = analyse("Tỉnh nào đặt mục tiêu xếp hạng PCI năm 2025 cao nhất?", {})
    line = "Năm 2025, phấn đấu đưa Quảng Nam có vị trí xếp hạng chuyển đổi số (DTI) trong nhóm 20 tỉnh dẫn đầu."
    cases = {  # passage text, heading path -> refusal for (pci, ranking, compared)
        (line, ""): ("indicator_absent", None, None),
        ("Chỉ số PCI của tỉnh tiếp tục cải thiện.\n" + line, ""): (None, None, None),
        ("Chỉ số năng lực cạnh tranh cấp tỉnh tiếp tục cải thiện.\n" + line, ""): (None, None, None),
        (line, "Mục tiêu về PCI"): (None, None, None),
    }
    for (text, path), expected in cases.items():
        hit = Hit(Chunk(0, "p", text, 0, len(text), heading_path=path), 1.0)
        unit = next(c for c in units(hit, text) if c.text.startswith("Năm 2025"))
        got = tuple(unit_refusal(reading(q, [hit], idf), unit) for q in (pci, ranking, compared))
        assert got == expected, (text, path)
    stations = analyse("How many 5G base stations does Lam Dong operate?", {})
    for text, expected in (("Toàn tỉnh có 2.915 trạm phát sóng, trong đó 1.120 trạm 4G.", "indicator_absent"),
                           ("Toàn tỉnh có 2.915 trạm phát sóng, trong đó 1.120 trạm 4G và 85 trạm 5G.", None)):
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = next(c for c in units(hit, text) if c.kind == "line")
        assert unit_refusal(reading(stations, [hit], idf), unit) == expected, text
    dti = analyse("Năm 2021, TP Hồ Chí Minh xếp thứ mấy về chỉ số chuyển đổi số DTI?", {})
    for text, expected in (("TP. HCM xếp hạng 3/63 tỉnh thành về kết quả chuyển đổi số năm 2021.", None),
                           ("TP. HCM xếp hạng 3/63 tỉnh thành về chỉ số cải cách hành chính năm 2021.",
                            "indicator_absent")):  # most of "chỉ số chuyển đổi số", or a word of it
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = next(c for c in units(hit, text) if c.kind == "line")
        assert unit_refusal(reading(dti, [hit], idf), unit) == expected, text


def test_a_question_names_an_indicator_in_words():
    """Rule "an indicator named in words" (reader.phrased_indicators): a question naming an
    indicator of ``indicator_phrases.tsv`` in Vietnamese, typed without diacritics or in
    English (a plural too) names it; a province's name, a plan's topic or a neighbouring
    indicator sharing words does not."""
    from qa.answering.reader import phrased_indicators
    smartphone = phrased_indicators("Tỷ lệ dân số trưởng thành có điện thoại thông minh?")
    assert len(smartphone) == 1 and ("dien_thoai", "thoai_thong", "thong_minh") in smartphone[0]
    assert phrased_indicators("What share of adults should own smartphones by 2025?") == smartphone
    assert phrased_indicators("ty le dan so truong thanh co dien thoai thong minh") == smartphone
    assert len(phrased_indicators("hai phong ty le thanh toan khong dung tien mat 2025")) == 1
    assert len(phrased_indicators("What share of SMEs use digital platforms?")) == 1
    assert phrased_indicators("Tỷ trọng kinh tế số trong GRDP của Hải Dương năm 2030?") == ()
    assert phrased_indicators("Tỷ lệ dịch vụ công trực tuyến toàn trình năm 2025?") == ()
    assert phrased_indicators("Tỷ lệ người dân trưởng thành có tài khoản thanh toán điện tử?") != \
        phrased_indicators("Tỷ lệ người dân trưởng thành có chữ ký số?")


def test_an_indicator_named_in_words_is_no_neighbours():
    """Rule "an indicator named in words is no neighbour's" (reader.indicator_unnamed): a
    question naming an indicator in words is refused a unit whose passage states it in no
    form (the e-payment accounts for smartphones, the SMEs for cashless payments); a passage
    stating it in any form (the English name, another wording, a line of the passage before
    the unit) is left to the model, and so is a question naming none, or a comparison."""
    from qa.answering.reader import unit_refusal
    idf = idf_function(lambda t: 1, 10)
    line = "- Tỷ lệ dân số trưởng thành có tài khoản thanh toán điện tử đạt 80%."
    smartphone = analyse("Cà Mau đặt mục tiêu tỷ lệ dân số trưởng thành có điện thoại thông minh là bao nhiêu?", {})
    english = analyse("What share of adults in Ca Mau should have smartphones by 2025?", {})
    accounts = analyse("Cà Mau đặt mục tiêu tỷ lệ dân số trưởng thành có tài khoản thanh toán điện tử là bao nhiêu?", {})
    plain = analyse("Cà Mau đặt mục tiêu tỷ lệ dân số trưởng thành có gì đạt 80%?", {})
    compared = analyse("Tỉnh nào có tỷ lệ dân số trưởng thành có điện thoại thông minh cao hơn, Cà Mau hay Bạc Liêu?", {})
    cases = {  # passage text -> refusal for (smartphone, english, accounts, plain, compared)
        line: ("indicator_unnamed", "indicator_unnamed", None, None, None),
        "- Tỷ lệ dân số trưởng thành sử dụng smartphone đạt 85%.\n" + line: (None, None, None, None, None),
        "- Phổ cập điện thoại di động đến người dân.\n" + line: (None, None, None, None, None),
    }
    for text, expected in cases.items():
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = next(c for c in units(hit, text) if c.text.startswith("- Tỷ lệ dân số trưởng thành có tài khoản"))
        got = tuple(unit_refusal(reading(q, [hit], idf), unit) for q in (smartphone, english, accounts, plain, compared))
        assert got == expected, text
    cashless = analyse("Lai Châu đặt mục tiêu tỷ lệ thanh toán không dùng tiền mặt năm 2025 là bao nhiêu?", {})
    for text, expected in (("- Tỷ lệ doanh nghiệp nhỏ và vừa sử dụng nền tảng số đạt 35%.", "indicator_unnamed"),
                           ("- Tỷ lệ giao dịch không tiền mặt đạt 50%.", None)):
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = units(hit, text)[0]
        assert unit_refusal(reading(cashless, [hit], idf), unit) == expected, text


def test_most_of_a_forms_words_state_an_indicator():
    """Rule "most of a form's words state it" (reader.states_form): a two-pair name ("dữ
    liệu mở") is stated by both its pairs, not by the common one ("dữ liệu"); a longer one by
    most of its pairs, in any order in the passage."""
    from qa.answering.reader import indicator_unnamed, states_form
    assert states_form((("du_lieu", "lieu_mo"),), frozenset({"du_lieu", "lieu_mo"}))
    assert not states_form((("du_lieu", "lieu_mo"),), frozenset({"du_lieu"}))
    assert states_form((("dien_thoai", "thoai_thong", "thong_minh"),), frozenset({"dien_thoai", "thong_minh"}))
    assert not states_form((("dien_thoai", "thoai_thong", "thong_minh"),), frozenset({"dien_thoai"}))
    idf = idf_function(lambda t: 1, 10)
    question = analyse("How many open datasets will Quang Ninh publish in 2025?", {})
    for text, refused in (('Tỉnh triển khai nền tảng dữ liệu dùng chung, hoàn thành trong Quý III/2025.', True),
                          ("Tỉnh công bố 120 bộ dữ liệu mở trong năm 2025.", False)):
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = units(hit, text)[0]
        assert indicator_unnamed(reading(question, [hit], idf), unit) is refused, text


@pytest.mark.parametrize("question, figure", [
    ("Tỷ lệ hộ gia đình có cáp quang của Sóc Trăng năm 2024?", "78%"),  # the cell of the year asked
    ("Tỷ lệ hộ gia đình có cáp quang của Sóc Trăng năm 2025?", "85%"),
    ("Tỷ lệ hộ gia đình có cáp quang của Sóc Trăng?", "85%"),  # no year: the row's last (the plan's) figure
])
def test_a_table_rows_cells_are_read_by_the_year_asked(question, figure):
    found = _figure_in_line(question, "Chỉ tiêu: Tỷ lệ hộ gia đình có cáp quang | Kết quả 2024: 78% | Mục tiêu 2025: 85%",
                            "Sóc Trăng")
    assert found is not None and found.text == figure


def _one_province_evidence(text: str, doc_id: str = "d") -> Scored:
    from qa.answering.candidates import Candidate
    from qa.answering.reader import Scored
    from qa.text import Span
    hit = Hit(Chunk(0, doc_id, text, 0, len(text)), 1.0)
    return Scored(Candidate(hit, 1, Span(text, 0, len(text)), "line"), 1.0)


def test_a_named_province_whose_plan_lacks_the_figure_is_said_to_lack_it():
    from qa.answering.answer import compose_comparison
    from qa.answering.intents import comparison_table
    docs = {"d": Document("d", "Kế hoạch", "x", province="Nghệ An")}
    query = analyse("So sánh số bộ dữ liệu mở năm 2026 của Nghệ An và Tây Ninh", {})
    found = {"Nghệ An": _one_province_evidence("Công bố tối thiểu 60 bộ dữ liệu mở trong năm 2026.")}
    per_province = {"Nghệ An": [], "Tây Ninh": [], "Long An": []}  # Long An: searched with Tây Ninh, not named
    result = compose_comparison(query, per_province, docs, lambda t: 1.0, 0.0, 600, found=found)
    assert result is not None
    text, abstained, citations = result
    assert not abstained and len(citations) == 1
    assert "60" in text and "Tây Ninh" in text and "không nêu" in text and "cao hơn" not in text
    assert "Long An" not in text
    table, _, _ = comparison_table(query, result, per_province, docs, lambda t: 1.0, 600, found=found, threshold=0.0)
    assert "|Tây Ninh|không nêu|—|—|" in table and "Long An" not in table


def test_a_figure_of_another_unit_is_not_taken_for_a_missing_one():
    from qa.answering.answer import compose_comparison
    docs = {"d": Document("d", "Kế hoạch", "x", province="Đồng Nai"), "e": Document("e", "Tin", "y", province="Nam Định")}
    query = analyse("Nam Dinh or Dong Nai: which offers more level-4 online public services?", {})
    found = {"Đồng Nai": _one_province_evidence("Cung cấp 100% dịch vụ công trực tuyến mức độ 4."),
             "Nam Định": _one_province_evidence("Tỉnh có 533 dịch vụ công trực tuyến mức độ 4.", "e")}
    per_province = {"Đồng Nai": [], "Nam Định": []}
    # 100% and 533 are not comparable: the question is answered as an ordinary one, not as "only Đồng Nai".
    assert compose_comparison(query, per_province, docs, lambda t: 1.0, 0.0, 600, found=found) is None


def test_only_the_provinces_a_question_names_are_accounted_for():
    from qa.answering.answer import compared_by_name
    per_province = {"Tây Ninh": [], "Long An": [], "Kon Tum": []}
    assert compared_by_name(analyse("Tây Ninh hay Kon Tum phủ sóng 5G cao hơn?", {}), per_province) == ["Tây Ninh", "Kon Tum"]
    assert compared_by_name(analyse("Tỉnh nào phủ sóng 5G cao nhất?", {}), per_province) == []


@pytest.mark.parametrize("question, figure", [
    ("Tỷ lệ hồ sơ công việc cấp xã được xử lý trên môi trường mạng của Kon Tum?", "65%"),
    ("Tỷ lệ hồ sơ công việc cấp huyện được xử lý trên môi trường mạng của Kon Tum?", "80%"),
    ("Tỷ lệ hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng của Kon Tum?", "90%"),
])
def test_a_lists_figures_share_its_lead_and_the_words_that_differ_choose(question, figure):
    from qa.answering.answer import figure_of
    text = ("c) Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng: cấp tỉnh đạt 90%, cấp huyện đạt 80%, "
            "cấp xã đạt 65% (trừ hồ sơ công việc thuộc phạm vi bí mật nhà nước).")
    found = figure_of(analyse(question, {}), _one_province_evidence(text), "Kon Tum", lambda term: 1.0)
    assert found is not None and found.text == figure


def test_a_province_with_a_figure_of_another_unit_gets_no_not_stated_row():
    from qa.answering.answer import compose_comparison
    from qa.answering.intents import comparison_table
    docs = {d: Document(d, "Kế hoạch", "x", province=p) for d, p in (("a", "Lào Cai"), ("b", "Long An"), ("c", "Tây Ninh"))}
    query = analyse("Tỉnh nào có tỷ lệ doanh nghiệp dùng nền tảng số cao nhất: Tây Ninh, Lào Cai hay Long An?", {})
    found = {"Lào Cai": _one_province_evidence("Tỷ lệ doanh nghiệp sử dụng nền tảng số đạt 45%.", "a"),
             "Long An": _one_province_evidence("Tỷ lệ doanh nghiệp sử dụng nền tảng số đạt 50%.", "b"),
             "Tây Ninh": _one_province_evidence("Số doanh nghiệp công nghệ số đạt 650 doanh nghiệp.", "c")}
    per_province = {p: [] for p in found}
    result = compose_comparison(query, per_province, docs, lambda t: 1.0, 0.0, 600, found=found)
    assert result is not None and "Long An" in result[0]
    table, _, _ = comparison_table(query, result, per_province, docs, lambda t: 1.0, 600, found=found, threshold=0.0)
    assert "Tây Ninh" not in table  # 650 is no share: not comparable, yet not "not stated" either


def test_a_comparison_abstains_when_no_named_province_states_the_figure():
    from qa.answering.answer import compose_comparison
    docs = {"a": Document("a", "Kế hoạch", "x", province="Cà Mau")}
    query = analyse("Tỉnh nào có tỷ lệ dùng điện thoại thông minh cao hơn, Cà Mau hay Sóc Trăng?", {})
    found = {"Cà Mau": _one_province_evidence("Phát triển thương mại điện tử gắn với sản phẩm OCOP.", "a")}
    text, abstained, citations = compose_comparison(query, {"Cà Mau": [], "Sóc Trăng": []}, docs, lambda t: 1.0,
                                                    0.0, 600, found=found)
    assert abstained and citations == [] and "Cà Mau và Sóc Trăng" in text and "không nêu" in text


@pytest.mark.parametrize("text, question, figure", [
    ("Đến cuối năm 2025, tỉnh đặt chỉ tiêu tỷ trọng kinh tế số đạt 15% GRDP, trong từng ngành đạt tối thiểu 10%, "
     "tỷ trọng thương mại điện tử phấn đấu trên 10%.",
     "Which aims higher for the digital economy's share of GRDP in 2025, Dong Thap or Binh Dinh?", "15%"),
    # figure-less segments between ("huyện, xã,"): the words further back still name the figure
    ("Hạ tầng mạng băng thông rộng, cáp quang phủ 100% đơn vị hành chính cấp tỉnh, huyện, xã, 60% hộ gia đình.",
     "Which province has the least ambitious fibre-to-the-home household coverage figure for 2025?", "60%"),
])
def test_the_words_before_a_figure_are_the_previous_figures_when_its_segment_is_next(text, question, figure):
    from qa.answering.answer import figure_of
    found = figure_of(analyse(question, {}), _one_province_evidence(text), "X", lambda term: 1.0)
    assert found is not None and found.text == figure


@pytest.mark.parametrize("question, lang, counted", [
    ("Kế hoạch có mấy trụ cột?", "vi", (("tru", "cot"),)),
    ("ke hoach chuyen doi so da nang nam 2023 gom bao nhieu chi tieu", "vi", (("chi", "tieu"),)),
    ("dong nai uu tien chuyen doi so may linh vuc", "vi", (("linh", "vuc"),)),
    ("Có bao nhiêu xã đã đạt chuẩn?", "vi", (("xa",),)),                       # a function word ends the noun
    ("Số lượng dịch vụ công trực tuyến toàn trình năm 2025", "vi", (("dich", "vu"),)),
    ("How many pillars does the plan have?", "en", (("tru", "cot"),)),
    ("How many digital transformation tasks are there?", "en", (("nhiem", "vu"),)),  # the head is the last phrase
    ("How many targets does the province set?", "en", (("muc", "tieu"), ("chi", "tieu"))),
    ("How many communes across Vietnam took part?", "en", (("xa",),)),       # the phrase ends at "across"
    ("How many level 3-4 online public services were offered?", "en", (("dich", "vu"),)),  # two syllables read
    ("How many core groups of tasks are laid out?", "en", (("nhom",),)),
    ("Tỷ lệ dân số có tài khoản thanh toán điện tử đạt bao nhiêu?", "vi", ()),  # nothing after the count word
    ("Tỷ lệ máy tính được kết nối mạng?", "vi", ()),                          # "máy" written is no "mấy"
    ("Kế hoạch chuyển đổi số năm 2025 là kế hoạch số mấy?", "vi", ()),
    ("What is the number of the plan?", "en", ()),
])
def test_a_count_question_names_what_it_counts(question, lang, counted):
    assert counted_noun(question, lang) == counted


def test_a_count_is_the_number_directly_before_the_counted_noun():
    both = counted_pattern((("chi", "tieu"),))
    assert both.search("bao gom 39 chi tieu (trong do 26 chi tieu")
    assert both.search("gom ba chi tieu")
    assert not both.search("35 nhiem vu va cac chi tieu"), "another count, the noun elsewhere"
    assert not both.search("39 nhom chi tieu"), "a count of groups"
    assert not both.search("cac chi tieu"), "no number at all"
    assert not both.search("den nam 2025 chi tieu nay dat"), "a year is no count"
    head = counted_pattern((("xa", "dat"),))
    assert head.search("120 xa, phuong") and head.search("120 xa dat chuan")
    assert not head.search("120 xa tren dia ban"), "the first syllable going on with other words"
    assert not counted_pattern((("nhiem", "vu"),)).search("trong 5 nhiem ky")


def test_a_count_is_a_whole_number():
    """Rule (a count is a whole number): "0,5127 điểm" is a score, no count of "điểm phát"
    (places); whole figures, with thousands grouped either way, still count."""
    places = counted_pattern((("diem", "phat"),))
    assert not places.search("dat 0,5127 diem, xep thu 24/63"), "a score with decimals"
    assert not places.search("tang 6.8 diem, xep thu 5"), "decimals written with a point"
    assert places.search("co 215 diem, trong do") and places.search("lap dat 1.250 diem phat song")
    assert counted_pattern((("ho",),)).search("1,000 ho gia dinh") and counted_pattern((("xa",),)).search("con 12 xa")


def test_the_counted_noun_feature_marks_the_unit_that_states_the_count():
    text = ("Kế hoạch chuyển đổi số năm 2023 đề ra 35 nhiệm vụ trọng tâm.\n\n"
            "Các chỉ tiêu chuyển đổi số được giao cho từng sở, ngành.\n\n"
            "Kế hoạch bao gồm 39 chỉ tiêu, trong đó 26 chỉ tiêu theo Kế hoạch của quốc gia.")
    doc = _document(text)
    hit = _whole(doc)
    marked = {}
    for question in ("ke hoach chuyen doi so nam 2023 gom bao nhieu chi tieu",
                     "Kế hoạch chuyển đổi số năm 2023 gồm bao nhiêu chỉ tiêu?",
                     "How many indicators does the 2023 digital transformation plan include?"):
        query = analyse(question, {})
        r = reading(query, [hit], idf_function(lambda t: 1, 10))
        cands = candidates([hit], {doc.doc_id: doc})
        marked[question] = {c.text for c in cands if FEATURES["counted_noun"](r, c)}
        assert marked[question] and all("39 chỉ tiêu" in t for t in marked[question]), question
    query = analyse("Kế hoạch chuyển đổi số năm 2023 có những chỉ tiêu nào?", {})
    r = reading(query, [hit], idf_function(lambda t: 1, 10))
    assert not any(FEATURES["counted_noun"](r, c) for c in candidates([hit], {doc.doc_id: doc})), "no count asked"


def test_a_signature_block_answers_only_who_signed():
    """Rule "a signature answers who signed" (reader.signature_unasked): the closing
    signature line is refused to a question asking for a share ("chữ ký số", a digital
    signature, shares only the word "ký" with it) or a figure or a date, typed with or
    without diacritics; a question asking who signed, or who, is left to the model, and so
    is a terse one that names no share and asks for nothing in particular."""
    from qa.answering.reader import signature_unasked, unit_refusal
    idf = idf_function(lambda t: 1, 10)
    text = "4. UBND các xã ban hành kế hoạch trước ngày 28/02/2026.\nNgười ký: Nguyễn Khắc Hiếu (KT. CHỦ TỊCH PHÓ CHỦ TỊCH)"
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    block = next(c for c in units(hit, text) if c.text.startswith("Người ký"))
    expected = {
        "phu tho ty le dan so co chu ky so 2026": "signature_unasked",
        "Tỷ lệ người dân có chữ ký số năm 2026 là bao nhiêu?": "signature_unasked",
        "Kế hoạch được ký ngày nào?": "signature_unasked",
        "phu tho ai ky kh cds 2026": None,
        "Ai ký kế hoạch chuyển đổi số năm 2026?": None,
        "Who signed the 2026 plan?": None,
        "phu tho nguoi ky ke hoach": None,
        "phu tho ke hoach 2026": None,
    }
    got = {q: unit_refusal(reading(analyse(q, {}), [hit], idf), block) for q in expected}
    assert got == expected
    line = next(c for c in units(hit, text) if c.text.startswith("4."))
    assert not signature_unasked(reading(analyse("Tỷ lệ người dân có chữ ký số năm 2026 là bao nhiêu?", {}), [hit], idf), line)


def _units_starting(text: str, *starts: str) -> tuple[Hit, list[Candidate]]:
    """One passage of ``text`` and its units that begin with each of ``starts``, in order."""
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    found = units(hit, text)
    return hit, [next(c for c in found if c.text.startswith(start)) for start in starts]


def test_who_leads_is_not_answered_by_the_signature_or_the_title_block():
    """Rule "who leads is not who signed" (reader.issuer_for_lead): a question asking who
    leads or is in charge of a task, in Vietnamese, without diacritics or in English, is
    refused the title block's lines (a portal's "Người ký | …" row, the issuer) and a unit
    naming who signed; a body line assigning the task is not refused, and a question asking
    who signed, issued or proposed the document, or asking no lead, is left to the model."""
    from dataclasses import replace
    from qa.answering.reader import issuer_for_lead, unit_refusal
    idf = idf_function(lambda t: 1, 10)
    text = ("Kế hoạch 19/KH-UBND chuyển đổi số tỉnh Ninh Bình năm 2025\n"
            "Người ký | Hà Lan Anh\n"
            "Chủ tịch UBND tỉnh Nguyễn Văn Thọ vừa ký ban hành kế hoạch chuyển đổi số năm 2025.\n"
            "Sở Khoa học và Công nghệ chủ trì, phối hợp các sở, ngành triển khai kế hoạch.\n"
            "Người ký: Nguyễn Khắc Hiếu (KT. CHỦ TỊCH PHÓ CHỦ TỊCH)")
    hit, (portal, said, block, task) = _units_starting(text, "Người ký |", "Chủ tịch", "Người ký:", "Sở Khoa học")
    title_block = replace(task, in_title_block=True)
    lead = ("Sở nào chủ trì thực hiện Kế hoạch chuyển đổi số tỉnh Ninh Bình năm 2025?",
            "co quan nao chiu trach nhiem trien khai ke hoach chuyen doi so ninh binh",
            "Which agency is the lead agency for Ninh Binh's 2025 digital transformation plan?",
            "Which department is responsible for carrying out the 2025 plan?")
    for question in lead:
        r = reading(analyse(question, {}), [hit], idf)
        for unit in (portal, said, block, title_block):
            assert unit_refusal(r, unit) == "issuer_for_lead", (question, unit.text)
        assert not issuer_for_lead(r, task), question
    for question in ("Ai ký kế hoạch chuyển đổi số tỉnh Ninh Bình năm 2025?",
                     "Who signed Ninh Binh's 2025 plan?",
                     "Cơ quan nào ban hành kế hoạch chuyển đổi số Ninh Bình?",
                     "Which department proposed Ninh Binh's 2025 plan and is responsible for it?",
                     "Cơ quan nào đề nghị ban hành kế hoạch?",
                     "Kế hoạch chuyển đổi số Ninh Bình năm 2025 là kế hoạch số mấy?"):
        r = reading(analyse(question, {}), [hit], idf)
        assert not any(issuer_for_lead(r, unit) for unit in (portal, said, block, title_block)), question


@pytest.mark.parametrize("text, only_issuer", [
    ("Ngày 3-10, UBND tỉnh Đồng Tháp cho biết vừa ban hành kế hoạch về phát triển kinh tế số năm 2025.", True),
    ("Ủy ban nhân dân tỉnh ban hành Kế hoạch thực hiện chuyển đổi số tỉnh Hưng Yên năm 2026, với những nội dung sau:", True),
    ("Theo đề nghị của Sở Khoa học và Công nghệ tại Tờ trình số 28/TTr-SKHCN, Ủy ban nhân dân tỉnh ban hành Kế hoạch", False),
    ("Sở Nội vụ tham mưu UBND tỉnh ban hành quy chế", False),
    ("UBND tỉnh ban hành Kế hoạch, giao Sở Thông tin và Truyền thông chủ trì", False),
    ("UBND tỉnh ban hành Kế hoạch và chịu trách nhiệm tổ chức thực hiện", False),
    ("Sở Thông tin và Truyền thông chủ trì xây dựng kế hoạch", False),
    ("Kế hoạch số 5 ban hành kèm theo danh mục nhiệm vụ", False),
])
def test_an_issue_names_its_issuer_not_who_leads(text, only_issuer):
    """Rule "an issue names its issuer, not who leads" (reader.names_only_issuer, read by
    issuer_for_lead): a sentence saying an agency issued a document, naming no other agency
    and no word of leading, is refused to "Sở nào chủ trì …?"; the issuer is the agency
    nearest the verb, so a department proposing it is still named."""
    from qa.answering.reader import issuer_for_lead, names_only_issuer
    assert names_only_issuer(text) is only_issuer
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    unit = units(hit, text)[0]
    r = reading(analyse("Sở, ngành nào chủ trì thực hiện Kế hoạch chuyển đổi số năm 2026?", {}), [hit],
                idf_function(lambda t: 1, 10))
    assert issuer_for_lead(r, unit) is only_issuer
    asked_issuer = reading(analyse("Cơ quan nào ban hành kế hoạch chuyển đổi số năm 2026?", {}), [hit],
                           idf_function(lambda t: 1, 10))
    assert not issuer_for_lead(asked_issuer, unit)


def test_a_figure_measured_against_an_earlier_year_reports_the_year_of_its_context():
    """Rule "a baseline year is not the year a text is about" (text.own_years, read by
    ``said_years`` and ``Candidate.stated_years``): "… đạt 46,2%, tăng … so với năm 2023"
    after a 2024 sentence is 2024's share, answered for 2024, not refused as 2023's."""
    text = ("Năm 2024, toàn tỉnh tiếp nhận 412.560 hồ sơ, trong đó 57,4% được nộp trực tuyến. "
            "Tỷ lệ hồ sơ thanh toán trực tuyến đạt 46,2%, tăng gần 20 điểm phần trăm so với năm 2023.")
    ask = _ask_plan(text)
    answer, abstained = ask("Tỷ lệ hồ sơ thanh toán trực tuyến năm 2024 là bao nhiêu?")
    assert not abstained and "46,2%" in answer, answer


@pytest.mark.parametrize("row, figures", [
    ("STT Nhiệm vụ: 2 Mở rộng Trung tâm IOC kết nối camera | Cơ quan chủ trì: Sở Xây dựng | Thời gian: Quý IV/2025", []),
    ("STT: 3 | Nhiệm vụ: Phủ sóng 5G 80% khu dân cư", ["80%"]),
    ("TT: 1 | Tên nhiệm vụ: Xây dựng 12 trạm BTS", ["12"]),
    ("STT Chỉ tiêu: 4 Số sàn thương mại điện tử | Chỉ tiêu: sàn | Cơ quan: 03 Sở Công Thương", ["03"]),
])
def test_a_table_rows_serial_number_is_no_figure(row, figures):
    """Rule (a row's serial number is no figure, reader._row_numbers_blanked): the number
    under "STT" (also glued to the next header, "STT Nhiệm vụ: 2 …") counts nothing; the
    row's other figures stay."""
    from qa.answering.reader import figure_numbers
    assert [m.group(0).strip() for m in figure_numbers(row)] == figures
    assert holds_type("quantity", row) == bool(figures)


TASK_TABLE_PLAN = """KẾ HOẠCH chuyển đổi số tỉnh Điện Biên năm 2026

I. MỤC TIÊU

- Trung tâm Giám sát, điều hành thông minh (IOC) tỉnh kết nối với 10/10 huyện, thị xã, thành phố.

- Tập huấn, bồi dưỡng kỹ năng số cơ bản cho 45.000 người dân.

II. NHIỆM VỤ

STT Nhiệm vụ: 1 Mở rộng Trung tâm IOC kết nối camera giao thông, đô thị | Cơ quan chủ trì: Sở Xây dựng | Thời gian: Quý IV/2026
STT Nhiệm vụ: 2 Phổ cập kỹ năng số cho người dân | Cơ quan chủ trì: Tỉnh đoàn | Thời gian: 31/12/2026
"""


@pytest.mark.parametrize("question, expected", [
    ("How many residents will Dien Bien train in basic digital skills?", "45.000"),
    ("Trung tâm IOC tỉnh Điện Biên kết nối với bao nhiêu huyện?", "10/10"),
])
def test_a_task_row_stating_no_count_does_not_answer_how_many(tmp_path, question, expected):
    """A task row naming the question's words but no count ("STT Nhiệm vụ: 2 Phổ cập kỹ
    năng số …") is not read as holding a quantity by its row number: the target stating
    the count answers."""
    from helpers import write
    from qa.config import load_settings
    from qa.pipeline import Assistant

    write(tmp_path / "docs" / "dien_bien_kh_2026.txt", TASK_TABLE_PLAN)
    assistant = Assistant.open(load_settings(documents_dir=tmp_path / "docs", index_dir=tmp_path / "index"))
    answer = assistant.ask(question)
    assert not answer.abstained
    assert expected in answer.answer


def test_the_subject_cell_of_a_table_row():
    """``row_subject``: the cell named by ``row_subject_columns.txt`` ("Chỉ tiêu", "Nhiệm
    vụ"), up to the next cell, as written; a row-number header glued to it ("STT Nhiệm vụ:
    2 …") is read too; a sentence naming "chỉ tiêu" with no colon is no row."""
    from qa.answering.reader import row_subject
    assert row_subject("STT: 5 | Chỉ tiêu: Tỷ lệ người dân có chữ ký số | Đơn vị: % | Năm 2025: 50%") == \
        "Tỷ lệ người dân có chữ ký số"
    assert row_subject("Các chỉ tiêu chủ yếu năm 2025: Chỉ tiêu: - Tỷ lệ hộ gia đình có cáp quang | Kế hoạch năm 2025: 85%") == \
        "- Tỷ lệ hộ gia đình có cáp quang"
    assert row_subject("STT Nhiệm vụ: 2 Mở rộng Trung tâm IOC | Cơ quan chủ trì: Sở Xây dựng") == "2 Mở rộng Trung tâm IOC"
    assert row_subject("Chỉ tiêu này đạt 55% trong năm 2025.") is None


def test_a_neighbouring_row_answers_no_other_indicator():
    """Rule "row subject absent" (reader.row_subject_absent): a table row whose subject cell
    and the question's topic hold less than a third of each other is no answer, whatever
    its year or agency cells match (the TTHC row for households with fibre, the digital map
    task for the land database); the row about the indicator asked is, in the question's
    words or in longer ones ("có kết nối Internet băng rộng cáp quang" for "có cáp quang"),
    and so is a question the glossary cannot translate in full ("rice"), or a sentence."""
    from qa.answering.reader import row_subject_absent
    idf = idf_function(lambda t: 1, 10)
    tthc = "STT: 1 | Chỉ tiêu: Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình | Đơn vị: % | Năm 2025: 55%"
    fibre = "STT: 3 | Chỉ tiêu: Tỷ lệ hộ gia đình có cáp quang | Đơn vị: % | Năm 2026: 80%"
    task = ("STT: 2 | Nhiệm vụ: Triển khai nền tảng bản đồ số dùng chung | Cơ quan chủ trì: Sở Nông nghiệp và Môi trường"
            " | Thời gian hoàn thành: Quý IV/2025")
    line = "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình năm 2025 đạt 55%."
    asked = {
        "fibre": "Kiên Giang đặt mục tiêu tỷ lệ hộ gia đình có cáp quang năm 2025 là bao nhiêu?",
        "fibre at length": "Năm 2026 tỉnh đặt mục tiêu tỷ lệ hộ gia đình có kết nối Internet băng rộng cáp quang là bao nhiêu?",
        "tthc": "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình năm 2025 là bao nhiêu?",
        "land": "Which agency leads the land database in Lao Cai?",
        "map": "Cơ quan nào chủ trì triển khai nền tảng bản đồ số dùng chung của Lào Cai?",
        "rice": "Who leads the task of managing high-quality rice growing areas?",
    }
    cases = {tthc: {"fibre", "fibre at length", "land", "map"}, fibre: {"tthc", "land", "map"}, task: {"fibre", "fibre at length", "land", "tthc"},
             line: set()}
    for text, refused in cases.items():
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = max(units(hit, text), key=lambda c: len(c.text))
        got = {name for name, q in asked.items() if row_subject_absent(reading(analyse(q, {}), [hit], idf), unit)}
        assert got == refused, text


_ARTICLES = ("Điều 25. Trách nhiệm của Đơn vị quản lý môn học\n\n1. Chuẩn bị thi, tổ chức thi và chấm phúc khảo;\n\n"
             "2. Bàn giao bài thi cho P.ĐTĐH;\n\n3. Báo cáo kết quả thi:\n\na) Điểm giữa kỳ;\n\nb) Điểm cuối kỳ.\n\n"
             "4. Lưu trữ hồ sơ thi.\n\nĐiều 26. Trách nhiệm của sinh viên\n\n1. Dự thi đúng lịch.")


def _runs(text: str, room: int = 270) -> list[str]:
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    return [quoted(c) for c in units(hit, text, 1, room) if c.kind == "list"]


def test_an_answer_may_run_over_several_lines_inside_one_section():
    # clauses 1 and 2 together; never from "Điều 25." or across the lead-in "3. …:", its items or "Điều 26."
    assert _runs(_ARTICLES) == ["1. Chuẩn bị thi, tổ chức thi và chấm phúc khảo; 2. Bàn giao bài thi cho P.ĐTĐH;"]
    assert _runs(_ARTICLES, 60) == [], "whole lines that fit, at least two"
    forms = ("Điều 3. Hình thức thi\n\n2. Các hình thức thi bao gồm:\n\nTự luận\n\nTrắc nghiệm\n\nVấn đáp\n\nĐồ án\n\n"
             "3. Thi trực tuyến theo quy định riêng.")
    assert _runs(forms, 65)[:2] == ["2. Các hình thức thi bao gồm: Tự luận Trắc nghiệm Vấn đáp Đồ án",
                                    "Tự luận Trắc nghiệm Vấn đáp Đồ án"], "unmarked lines after a lead-in"


def test_a_run_of_lines_holds_no_item_read_with_its_lead_in_and_no_table_row():
    from qa.answering.candidates import line_runs
    hit = Hit(Chunk(0, "d", _ARTICLES, 0, len(_ARTICLES)), 1.0)
    found = units(hit, _ARTICLES)
    assert not [c for c in line_runs(found, hit, _ARTICLES, 270) if "Điểm giữa kỳ" in c.text]
    rows = "Bảng 1\n\nChỉ tiêu: Kinh tế số | Năm 2025: 20% GRDP\n\nChỉ tiêu: Hồ sơ trực tuyến | Năm 2025: 80%"
    assert _runs(rows) == []


def test_a_run_of_lines_is_cut_off_where_its_last_line_is():
    text = "Kết quả năm 2022 như sau.\n\nTỷ lệ dân số có điện thoại thông minh đạt 80%.\n\nTỷ lệ dân số có tài khoản giao"
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    runs = [c for c in units(hit, text, 1, 270) if c.kind == "list"]
    assert len(runs) == 2 and all(c.cut_off for c in runs)
    short = [c for c in units(hit, text, 1, 100) if c.kind == "list"]
    assert [(c.text[:6], c.cut_off) for c in short] == [("Kết qu", False), ("Tỷ lệ ", True)], \
        "only the run that holds the cut line is cut off"


def test_a_question_that_asks_for_a_kind_of_answer_reads_no_run_of_lines():
    """Rule "a figure is one statement" (``answer.candidates``): runs of lines are read for a
    question that asks no kind of answer, never for one asking a figure, nor for a province's
    plan read for a comparison (``province_evidence``)."""
    from qa.answering.answer import province_evidence
    text = ("V. TỔ CHỨC THỰC HIỆN\n\n1. Sở Tài chính bố trí kinh phí thực hiện Kế hoạch.\n\n"
            "2. Công an tỉnh triển khai Đề án 06.\n\nTổng kinh phí thực hiện là 312 tỷ đồng.")
    doc = Document("p.txt", "Kế hoạch chuyển đổi số", text, province="Tây Ninh")
    hit = Hit(Chunk(0, doc.doc_id, text, 0, len(text)), 1.0)
    docs = {doc.doc_id: doc}

    def runs(question: str) -> list[Candidate]:
        return [c for c in candidates([hit], docs, 230, analyse(question, {}), 300) if c.kind == "list"]

    assert runs("Trách nhiệm của các sở trong tổ chức thực hiện kế hoạch là gì?")
    assert not runs("Kinh phí thực hiện kế hoạch là bao nhiêu?")
    assert runs("Sở Tài chính và Công an tỉnh làm gì?")
    found = province_evidence(analyse("Sở Tài chính và Công an tỉnh làm gì?", {}), {"Tây Ninh": [hit]}, docs,
                              idf_function(lambda t: 1, 10))
    assert found["Tây Ninh"].candidate.kind != "list"


def test_a_result_reported_against_its_target_answers_what_was_reached():
    """Rule "a result reported against its target" (reader.reports_result): a news sentence
    naming a target and the figure reached ("… đặt mục tiêu … đạt 20% GRDP, nhưng đến nay
    mới ước đạt khoảng 8,2%") answers a question on what was reached so far
    (``target_for_status`` 0, no refusal); the target alone still does not."""
    idf = idf_function(lambda t: 1, 10)
    question = analyse("What share of GRDP has the digital economy reached so far?", {})
    both = ("Tuy nhiên, Nghị quyết đặt mục tiêu đến năm 2025 tỷ trọng kinh tế số đạt 20% GRDP, "
            "nhưng đến nay mới ước đạt khoảng 8,2%.")
    target = "Nghị quyết đặt mục tiêu đến năm 2025 tỷ trọng kinh tế số đạt 20% GRDP."
    for text, expected in ((both, 0.0), (target, 1.0)):
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = next(c for c in units(hit, text) if c.kind == "line")
        assert _feature("target_for_status", question, unit, idf) == expected


def test_an_item_under_a_target_heading_is_no_answer_to_what_was_actually_reached():
    """Rules "a plan's item under a target heading is a target" (reader.under_target_heading)
    and "what was actually reached" (query._STATUS_EN/_STATUS_VI: "actual", "actually",
    "thực tế đạt"): "a) Tỷ trọng kinh tế số đạt 10% GRDP" under "1. Mục tiêu đến năm 2025"
    is a target, no answer to the share actually reached in 2025 (refused, ``target_for_status``);
    the same item under a results heading, or asked for the target, is not refused."""
    from qa.answering.reader import FEATURES, features, refusal
    idf = idf_function(lambda t: 1, 10)
    actual = analyse("What was the actual digital economy share of GRDP in 2025?", {})
    assert actual.wants_status and analyse("Năm 2025 tỷ trọng kinh tế số thực tế đạt bao nhiêu?", {}).wants_status
    target = analyse("What digital economy share of GRDP is targeted for 2025?", {})
    assert not target.wants_status
    for heading, expected in (("1. Mục tiêu đến năm 2025", 1.0), ("1. Kết quả thực hiện năm 2025", 0.0)):
        text = f"I. KẾ HOẠCH\n{heading}\na) Tỷ trọng kinh tế số đạt 10% GRDP của tỉnh.\nb) Doanh nghiệp số đạt 50%."
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = next(c for c in units(hit, text) if c.text.startswith("a)"))
        named = dict(zip(FEATURES, features(reading(actual, [hit], idf), unit)))
        assert named["target_for_status"] == expected
        assert _feature("target_for_status", target, unit, idf) == 0.0


def test_a_table_row_with_a_column_of_results_answers_what_was_reached():
    """Rule "a result reported against its target" (reader.reports_result, ``_RESULT_CELL``):
    a row read under its headers with a results cell beside a target ("Kết quả 2024: 78% |
    Mục tiêu 2025: 85%") answers what was actually reached; without the results cell the
    row states only a target."""
    idf = idf_function(lambda t: 1, 10)
    actual = analyse("What share of households actually had fibre broadband in 2024?", {})
    assert actual.wants_status
    for row, expected in (("Chỉ tiêu: Tỷ lệ hộ gia đình có cáp quang | Kết quả 2024: 78% | Mục tiêu 2025: 85%", 0.0),
                          ("Chỉ tiêu: Tỷ lệ hộ gia đình có cáp quang | Mục tiêu 2025: 85%", 1.0)):
        hit = Hit(Chunk(0, "p", row, 0, len(row)), 1.0)
        unit = next(c for c in units(hit, row) if c.text == row)
        assert _feature("target_for_status", actual, unit, idf) == expected


def test_the_yes_no_phrases_feature_reads_the_phrases_of_a_yes_no_question_only():
    text = "Điểm Miễn được tính cho học kỳ kế tiếp trong tiến trình học."
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    unit = next(c for c in units(hit, text) if c.text.startswith("Điểm Miễn"))
    idf = idf_function(lambda t: 1, 10)
    asking = reading(analyse("Điểm Miễn có được tính cho học kỳ kế tiếp không?", {}), [hit], idf)
    telling = reading(analyse("Điểm Miễn được tính cho học kỳ nào?", {}), [hit], idf)
    assert FEATURES["yes_no_phrases"](asking, unit) == FEATURES["phrase_overlap"](asking, unit) > 0
    assert FEATURES["phrase_overlap"](telling, unit) > 0 and FEATURES["yes_no_phrases"](telling, unit) == 0.0


def test_the_yes_no_run_feature_reads_the_longest_run_of_a_yes_no_questions_syllables_in_order():
    text = ("a. Chỉ được phép truy cập internet hoặc mạng cục bộ theo quy định ghi trên đề thi.\n\n"
            "b. Đề thi ghi rõ mạng nào được dùng; internet và quy định truy cập do CBCT kiểm tra.")
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    r = reading(analyse("Đề thi có cho phép truy cập internet hoặc mạng cục bộ không?", {}), [hit],
                idf_function(lambda t: 1, 10))
    run = FEATURES["yes_no_run"]
    whole = _unit_starting(text, "a. Chỉ được phép")
    scattered = _unit_starting(text, "b. Đề thi ghi")
    assert run(r, whole) == 1.0  # "phép truy cập internet hoặc mạng cục bộ": 8 syllables, the cap
    assert run(r, scattered) == 2 / 8  # "đề thi", and no longer run
    assert load_model().rank_weights["yes_no_run"] > 0
    telling = reading(analyse("Đề thi cho phép truy cập internet hoặc mạng cục bộ theo quy định nào?", {}), [hit],
                      idf_function(lambda t: 1, 10))
    assert run(telling, whole) == 0.0, "a question asking for something else"


def test_a_yes_no_question_typed_without_diacritics_reads_the_same_run_folded():
    """Rule (reader.Reading.typed_bare): a question typed without diacritics compares its
    syllables with a unit's both folded, so its yes/no run is the one it has written with them."""
    text = "a. Chỉ được phép truy cập internet hoặc mạng cục bộ theo quy định ghi trên đề thi."
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    unit = _unit_starting(text, "a. Chỉ được phép")
    idf = idf_function(lambda t: 1, 10)
    run = FEATURES["yes_no_run"]
    written = reading(analyse("Đề thi có cho phép truy cập internet hoặc mạng cục bộ không?", {}), [hit], idf)
    bare = reading(analyse("De thi co cho phep truy cap internet hoac mang cuc bo khong?", {}), [hit], idf)
    assert bare.typed_bare and not written.typed_bare
    assert run(bare, unit) == run(written, unit) == 1.0


def test_an_abbreviation_the_glossary_knows_is_held_by_a_passage_writing_it_in_full():
    """Rule ``spelled_out``: "CĐS" in a question is held by a passage saying "chuyển đổi
    số"; an acronym the glossary does not know ("BTV") and a figure still need their letters."""
    from qa.answering.answer import reading
    from qa.answering.reader import spelled_out
    text = "Kết quả: 23/34 mục tiêu chuyển đổi số hoàn thành và 07/34 mục tiêu chưa có thông tin đánh giá."
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    required = FEATURES["required_missing"]
    full = reading(analyse("Lạng Sơn có bao nhiêu mục tiêu CĐS chưa thể đánh giá?", {}), [hit],
                   idf_function(lambda t: 1, 10))
    assert required(full, units(hit, text, room=300)[0]) == 0.0
    other = reading(analyse("Bao nhiêu mục tiêu CĐS theo nghị quyết BTV chưa đánh giá?", {}), [hit],
                    idf_function(lambda t: 1, 10))
    assert required(other, units(hit, text, room=300)[0]) == 0.5  # "BTV" is written nowhere
    figure = reading(analyse("Có 12/34 mục tiêu CĐS nào chưa đánh giá?", {}), [hit], idf_function(lambda t: 1, 10))
    assert required(figure, units(hit, text, room=300)[0]) == 0.5  # "12/34" is not "23/34"
    assert spelled_out("tt&tt", " so thong tin va truyen thong ")
    assert not spelled_out("cds", " chuyen doi ")  # a full form is matched whole
    assert not spelled_out("btv", " ban thuong vu ")  # not in the glossary: letters only


@pytest.mark.parametrize("question, text, stated", [
    # A 2024 report's share reached, asked for a 2030 target: no figure to compare.
    ("Which province targets a higher digital economy share for 2030, Nghe An or Lam Dong?",
     "Về kinh tế số, tỷ trọng kinh tế số ước đạt 7,1% GRDP, thấp hơn mục tiêu 10% của kế hoạch.", False),
    # The same clause naming the asked year still gives its figure.
    ("Tỉnh nào đặt mục tiêu tỷ trọng kinh tế số năm 2025 cao hơn, Nghệ An hay Lâm Đồng?",
     "Nghị quyết đặt mục tiêu đến năm 2025 tỷ trọng kinh tế số đạt 20% GRDP, nhưng đến nay mới ước đạt 8,2%.", True),
    # A target stated as one: kept.
    ("Which province targets a higher digital economy share for 2030, Nghe An or Lam Dong?",
     "Phấn đấu đến năm 2030 kinh tế số chiếm 30% GRDP.", True),
    # No target asked (a figure reached is the answer): kept.
    ("Tỉnh nào có tỷ trọng kinh tế số năm 2030 cao hơn, Nghệ An hay Lâm Đồng?",
     "Về kinh tế số, tỷ trọng kinh tế số ước đạt 7,1% GRDP.", True),
])
def test_a_figure_reached_is_no_target_for_a_comparison_of_a_years_targets(question, text, stated):
    """Rule "a figure reached is no year's target" (answer.result_for_target), as
    ``stated_figures`` reads it for a comparison."""
    from qa.answering.answer import stated_figures
    found = {"Lâm Đồng": _one_province_evidence(text)}
    assert ("Lâm Đồng" in stated_figures(analyse(question, {}), found, lambda t: 1.0, 0.0)) is stated


def test_who_coordinates_is_not_answered_by_a_unit_naming_only_the_lead():
    """Rule "who leads is not who coordinates" (reader.coordination_unstated): a question
    asking who coordinates on a task, in Vietnamese, without diacritics or in English, is
    refused a task row of a table with no "Cơ quan phối hợp" column and a sentence naming
    only the lead agency; a row with that column and a sentence "chủ trì, phối hợp với …"
    are not refused, and a question asking who leads, or about a cooperative, is left to
    the model."""
    from qa.answering.reader import coordination_unstated, unit_refusal
    idf = idf_function(lambda t: 1, 10)
    text = ("STT: 4 | Nhiệm vụ: Triển khai bệnh án điện tử tại Bệnh viện Đa khoa tỉnh | Cơ quan chủ trì: Sở Y tế"
            " | Thời gian hoàn thành: Tháng 9/2025\n"
            "STT: 3 | Nhiệm vụ: Triển khai bệnh án điện tử tại Bệnh viện Đa khoa tỉnh | Cơ quan chủ trì: Sở Y tế"
            " | Cơ quan phối hợp: Bảo hiểm xã hội tỉnh | Thời gian hoàn thành: Tháng 9/2025\n"
            "Triển khai bệnh án điện tử tại 100% bệnh viện công lập; Sở Y tế chủ trì.\n"
            "Sở Y tế chủ trì, phối hợp với Bảo hiểm xã hội tỉnh triển khai bệnh án điện tử.")
    hit, (lead_row, both_row, lead_only, with_partner) = _units_starting(
        text, "STT: 4", "STT: 3", "Triển khai bệnh án điện tử tại 100%", "Sở Y tế chủ trì, phối hợp")
    for question in ("Cơ quan nào phối hợp với Sở Y tế triển khai bệnh án điện tử?",
                     "co quan phoi hop trien khai benh an dien tu",
                     "Which agencies coordinate with the Department of Health on electronic medical records?"):
        r = reading(analyse(question, {}), [hit], idf)
        for unit in (lead_row, lead_only):
            assert unit_refusal(r, unit) == "coordination_unstated", (question, unit.text)
        for unit in (both_row, with_partner):
            assert not coordination_unstated(r, unit), (question, unit.text)
    for question in ("Cơ quan nào chủ trì triển khai bệnh án điện tử?",
                     "How many cooperatives sell on e-commerce platforms?"):
        r = reading(analyse(question, {}), [hit], idf)
        assert not any(coordination_unstated(r, unit) for unit in (lead_row, lead_only)), question


def test_records_signed_digitally_name_the_digital_signature_indicator():
    """Data row (indicator_phrases.tsv, the digital-signature row): a question asking what
    share of records were "được ký số" / "digitally signed" names the digital-signature
    indicator, so a results row on records handled online, its neighbour in a report's
    table, is refused (reader.indicator_unnamed); a row stating records signed is not."""
    from qa.answering.reader import phrased_indicators, unit_refusal
    assert phrased_indicators("Năm 2023, tỷ lệ hồ sơ công việc cấp huyện được ký số là bao nhiêu?")
    assert phrased_indicators("What share of district-level work records were digitally signed in 2023?")
    assert phrased_indicators("ty le ho so cong viec cap huyen duoc ky so 2023")
    idf = idf_function(lambda t: 1, 10)
    for question in ("Năm 2023, tỷ lệ hồ sơ công việc cấp huyện được ký số là bao nhiêu?",
                     "What share of district-level work records were digitally signed in 2023?"):
        q = analyse(question, {})
        for text, expected in (("Chỉ tiêu: Tỷ lệ hồ sơ công việc cấp huyện được xử lý trên môi trường mạng | Kết quả 2023: 95%",
                                "indicator_unnamed"),
                               ("Chỉ tiêu: Tỷ lệ hồ sơ công việc cấp huyện được ký số | Kết quả 2023: 90%", None)):
            hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
            assert unit_refusal(reading(q, [hit], idf), units(hit, text)[0]) == expected, (question, text)


def test_who_leads_is_said_by_the_unit():
    """Rule "who leads is said, not guessed" (reader.lead_unstated): a question asking who
    leads a task ("chủ trì", "đầu mối", "lead"), in Vietnamese, without diacritics or in
    English, is refused a unit naming the task and an agency but no one leading or carrying
    it; a unit saying who leads ("… chủ trì"), a task row under "Cơ quan chủ trì" or "Cơ quan
    thực hiện", a steering committee directing, an agency working with others ("phối hợp
    với"), are not refused; nor is a question asking
    only who is responsible (a unit may name the doer), a yes/no question, one asking
    which province or a figure ("led the country", "how many leading provinces")."""
    from qa.answering.reader import lead_unstated, unit_refusal
    idf = idf_function(lambda t: 1, 10)
    text = ("Vận hành Trung tâm giám sát an toàn thông tin (SOC) của tỉnh kết nối với hệ thống của Bộ Công an.\n"
            "Vận hành Trung tâm giám sát an toàn thông tin (SOC) của tỉnh; Công an tỉnh chủ trì.\n"
            "STT: 7 | Nhiệm vụ: Vận hành Trung tâm giám sát an toàn thông tin (SOC) | Cơ quan thực hiện: Công an tỉnh\n"
            "Ban Chỉ đạo tỉnh chỉ đạo vận hành Trung tâm giám sát an toàn thông tin (SOC).\n"
            "Sở TT&TT phối hợp với Công an tỉnh vận hành Trung tâm giám sát an toàn thông tin (SOC).")
    hit, (unstated, *said) = _units_starting(
        text, "Vận hành Trung tâm giám sát an toàn thông tin (SOC) của tỉnh kết nối",
        "Vận hành Trung tâm giám sát an toàn thông tin (SOC) của tỉnh;", "STT: 7", "Ban Chỉ đạo", "Sở TT&TT")
    for question in ("Cơ quan nào chủ trì vận hành Trung tâm giám sát an toàn thông tin (SOC)?",
                     "co quan dau moi van hanh trung tam giam sat an toan thong tin soc",
                     "Which agency leads the security operations centre (SOC)?"):
        r = reading(analyse(question, {}), [hit], idf)
        assert unit_refusal(r, unstated) == "lead_unstated", question
        for unit in said:
            assert not lead_unstated(r, unit), (question, unit.text)
    for question in ("Đơn vị nào chịu trách nhiệm vận hành Trung tâm giám sát an toàn thông tin (SOC)?",
                     "Who is responsible for operating the security operations centre?",
                     "Công an tỉnh có chủ trì vận hành Trung tâm giám sát an toàn thông tin không?",
                     "Which province led the country in security operations centres in 2024?",
                     "By 2025, the province aims to be in the group of how many leading provinces?"):
        r = reading(analyse(question, {}), [hit], idf)
        assert not lead_unstated(r, unstated), question


def test_who_proposed_a_plan_is_read_where_a_proposal_is_stated():
    """Rule "who proposed is said where a proposal is" (reader.proposal_yield): a question
    asking which agency proposed or drafted a document, whose chosen unit (a line of the
    plan's grounds, repeating its title's words) states no proposal, yields to the
    best-ranked unit stating one; a question asking who leads, and a chosen unit that states
    a proposal, keep the choice."""
    from qa.answering.reader import proposal_yield
    idf = idf_function(lambda t: 1, 10)
    text = ("- Nghị quyết số 05-NQ/TU ngày 20/9/2021 của Ban Thường vụ Tỉnh ủy Bình Định về Chuyển đổi số tỉnh"
            " Bình Định đến năm 2025.\n"
            "Theo đề nghị của Sở Khoa học và Công nghệ tại Tờ trình số 28/TTr-SKHCN, Ủy ban nhân dân tỉnh ban hành"
            " Kế hoạch chuyển đổi số tỉnh Bình Định năm 2025.")
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    found = units(hit, text)
    grounds = next(i for i, c in enumerate(found) if c.text.startswith("- Nghị quyết"))
    proposal = next(i for i, c in enumerate(found) if c.text.startswith("Theo đề nghị"))
    order = [grounds, proposal] + [i for i in range(len(found)) if i not in (grounds, proposal)]
    for question in ("Ai chủ trì soạn thảo Kế hoạch chuyển đổi số tỉnh Bình Định năm 2025?",
                     "Which department proposed Binh Dinh's 2025 digital transformation plan?"):
        r = reading(analyse(question, {}), [hit], idf)
        assert proposal_yield(r, found, order, grounds) == proposal, question
        assert proposal_yield(r, found, order, proposal) == proposal, question
    r = reading(analyse("Cơ quan nào chủ trì thực hiện Kế hoạch chuyển đổi số tỉnh Bình Định năm 2025?", {}), [hit], idf)
    assert proposal_yield(r, found, order, grounds) == grounds


def test_word_weights_do_not_drift_as_like_documents_are_added() -> None:
    """``idf_function`` reads weights at ``REFERENCE_CHUNKS``: a collection ten times larger
    that holds each word at the same share (and still lacks the absent one) weighs a
    question's words exactly alike, so no answerability crosses the threshold by growth
    alone. Lucene idf over the real size gave the absent syllable ln(2N+2): 5.3 at 100
    chunks, 7.6 at 1,000, against about 2.4 for a word in a tenth of the chunks."""
    from qa.answering.answer import REFERENCE_CHUNKS
    small = {"chuyen": 10, "ngan": 2}
    weights = []
    for scale in (1, 10):
        idf = idf_function(lambda t, s=scale: small.get(t, 0) * s, 100 * scale)
        weights.append([idf(t) for t in ("chuyen", "ngan", "vang")])
    assert weights[0] == pytest.approx(weights[1])
    assert weights[0][2] == pytest.approx(math.log(1 + (REFERENCE_CHUNKS + 0.5) / 0.5))
    assert weights[0][2] > weights[0][1] > weights[0][0] > 0


def test_a_collection_below_the_cap_is_read_at_its_own_size() -> None:
    """Two reports of two chunks: Lucene idf over 2 chunks, as before the cap (read as 60
    chunks, the absent syllable weighed ln(121) and outweighed the question's untranslated
    English words, and "which ranked higher, Ha Tinh or Dong Nai?" refused)."""
    idf = idf_function(lambda t: {"chuyen": 2, "ngan": 1}.get(t, 0), 2)
    assert idf("chuyen") == pytest.approx(math.log(1 + 0.5 / 2.5))
    assert idf("ngan") == pytest.approx(math.log(1 + 1.5 / 1.5))
    assert idf("vang") == pytest.approx(math.log(6))


def test_a_pair_absent_from_the_collection_weighs_nothing_at_any_size() -> None:
    for n in (10, 100, 10_000):
        assert idf_function(lambda t: 0, n)("chuyen_doi") == 0.0


def test_a_periods_total_is_no_years_amount():
    """Rule "a period's total is no year's amount" (reader.period_total_for_year): a question
    asking money for one year is refused a unit giving the total of a span of years holding
    it; not one asking for the span itself, nor a unit naming that year's own amount, nor a
    question asking no money (a target for the year is read by ``year_conflict``)."""
    _assert_rule(period_total_for_year,
                 "Tổng kinh phí dự kiến giai đoạn 2026 - 2030 khoảng 1.250 tỷ đồng, trong đó ngân sách tỉnh 610 tỷ đồng.",
                 (("Tuyên Quang dự kiến bao nhiêu kinh phí cho chuyển đổi số năm 2026?", True),
                  ("Kinh phí kế hoạch giai đoạn 2026-2030 là bao nhiêu?", False),
                  ("Tỷ lệ hồ sơ trực tuyến năm 2026 đạt bao nhiêu?", False)))
    _assert_rule(period_total_for_year,
                 "Kinh phí giai đoạn 2026 - 2030 là 1.250 tỷ đồng, riêng năm 2026 bố trí 200 tỷ đồng.",
                 (("Kinh phí chuyển đổi số năm 2026 là bao nhiêu?", False),))
    _assert_rule(period_total_for_year,
                 "Tổng kinh phí thực hiện Kế hoạch năm 2025 là 48.650 triệu đồng.",
                 (("Kinh phí chuyển đổi số năm 2025 là bao nhiêu?", False),))


def test_the_scope_unasked_feature_marks_a_documents_own_scope_line_the_question_does_not_ask_for():
    """Rule "a document's statement of its own scope" (reader.scope_unasked,
    ``scope_statements.json``): the subject line, the application line and the purpose line
    of a regulation are marked unless the question asks for what that line states."""
    text = ("1. Văn bản này quy định về việc dạy và học theo phương thức trực tuyến cho hệ đại học chính quy.\n\n"
            "2. Quy định này được áp dụng với các đơn vị và cá nhân có liên quan.\n\n"
            "3. Mục đích của quy định này nhằm nâng cao chất lượng đào tạo.\n\n"
            "4. Phòng Dữ liệu và Công nghệ Thông tin: quản lý hạ tầng công nghệ thông tin phục vụ dạy học trực tuyến.")
    hit = Hit(Chunk(0, "d", text, 0, len(text)), 1.0)
    lines = {c.text[:2]: c for c in units(hit, text) if c.text[:1].isdigit() and len(c.text) > 3}
    idf = idf_function(lambda t: 1, 10)

    def marked(question: str) -> set[str]:
        r = reading(analyse(question, {}), [hit], idf)
        return {label for label, c in lines.items() if FEATURES["scope_unasked"](r, c)}

    assert marked("Phòng Dữ liệu và Công nghệ Thông tin có trách nhiệm gì trong dạy học trực tuyến?") == {"1.", "2.", "3."}
    assert marked("Quy định dạy học trực tuyến áp dụng cho đối tượng nào?") == {"1.", "3."}
    assert marked("van ban nay quy dinh ve nhung gi") == {"2.", "3."}
    assert marked("Which units does the online teaching regulation apply to?") == {"1.", "3."}
    assert marked("Mục đích của quy định dạy học trực tuyến là gì?") == {"1.", "2."}


def test_a_task_attribute_line_reads_its_task_and_answers_for_it():
    """Rule "a task's attribute line reads its task" (candidates.task_attribute_of) and "a
    refused unit's own lines answer for it" (reader.detail_yield): "- Cơ quan chủ trì: …"
    under a numbered task reads the task as its context; the task, chosen for "which agency
    leads …" and refused (``lead_unstated``), yields to that line; a line that is no
    attribute ("- Hoàn thành trong năm") reads no task, and a chosen unit meeting no
    condition is kept."""
    from qa.answering.candidates import is_task_attribute
    from qa.answering.reader import detail_yield, unit_refusal
    assert is_task_attribute("- Cơ quan chủ trì: Sở Y tế")
    assert is_task_attribute("+ Thoi gian thuc hien: Quy II/2026")
    assert not is_task_attribute("- Sở Y tế chủ trì, phối hợp với các huyện")
    text = ("II. NHIỆM VỤ\n1. Xây dựng kho dữ liệu y tế dùng chung của tỉnh.\n- Cơ quan chủ trì: Sở Y tế\n"
            "- Thời gian: Quý III/2026\n2. Nâng cấp mạng cáp quang tới các trạm y tế xã.\n"
            "- Hoàn thành trong năm")
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    found = units(hit, text)
    task = next(c for c in found if c.kind == "item" and c.text.startswith("1. Xây dựng kho"))
    lead = next(c for c in found if c.kind == "item" and c.text.startswith("- Cơ quan chủ trì"))
    assert "Xây dựng kho dữ liệu y tế dùng chung" in lead.context
    other = next(c for c in found if c.kind == "item" and c.text.startswith("- Hoàn thành"))
    assert "Nâng cấp mạng" not in other.context
    idf = idf_function(lambda t: 1, 10)
    asked = reading(analyse("Cơ quan nào chủ trì xây dựng kho dữ liệu y tế dùng chung?", {}), [hit], idf)
    assert unit_refusal(asked, task) == "lead_unstated"
    assert unit_refusal(asked, lead) is None
    assert detail_yield(asked, [task, other, lead], [0, 1, 2], 0) == 2
    assert detail_yield(asked, [lead, task], [0, 1], 0) == 0  # nothing refused: kept
    assert detail_yield(asked, [task, other], [0, 1], 0) == 0  # no line of its own: refused as before


def test_a_unit_missing_the_form_asked_yields_to_one_holding_it():
    """Rule "the form asked yields" (reader.form_yield): asked for a plan's budget, the
    plan's title (every word of the question, no sum of money: ``form_missing``) yields to
    the best-ranked unit holding a sum that meets no refusal condition; a chosen unit that
    holds the form, or no unit holding it, leaves the choice as it was."""
    from qa.answering.reader import features, form_yield
    text = ("KẾ HOẠCH\nPhát triển kinh tế số tỉnh Hòa Lâm năm 2026\nIII. KINH PHÍ\n"
            "Tổng kinh phí thực hiện là 12,4 tỷ đồng từ ngân sách tỉnh.")
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    found = units(hit, text)
    title = next(c for c in found if c.text.startswith("Phát triển kinh tế số"))
    money = next(c for c in found if c.text.startswith("Tổng kinh phí"))
    idf = idf_function(lambda t: 1, 10)
    asked = reading(analyse("Kinh phí của kế hoạch phát triển kinh tế số tỉnh Hòa Lâm năm 2026 là bao nhiêu?", {}),
                    [hit], idf)
    vectors = [features(asked, c) for c in (title, money)]
    assert vectors[0][list(FEATURES).index("form_missing")] and vectors[1][list(FEATURES).index("type_match")]
    assert form_yield(asked, vectors, [title, money], [0, 1], 0) == 1
    assert form_yield(asked, vectors[::-1], [money, title], [0, 1], 0) == 0  # the form held: kept
    assert form_yield(asked, vectors[:1], [title], [0], 0) == 0  # nothing holds it: refused as before


def test_a_figure_given_as_planned_beside_the_result_states_the_target():
    """Rule "status for target" with ``_PLAN_FIGURE``: a report's "kế hoạch 14%, ước thực
    hiện 11,3%" (or a row "Kế hoạch năm 2024: 50% | Thực hiện năm 2024: 48,7%") gives the
    target beside what was reached, so it is not refused for a question on the target; the
    estimate alone still is."""
    idf = idf_function(lambda t: 1, 10)
    target = analyse("Mục tiêu năm 2024 tỷ lệ hộ gia đình có cáp quang là bao nhiêu?", {})
    for line, refused in (("- Tỷ lệ hộ gia đình có cáp quang: kế hoạch 68%, ước thực hiện 64,5%;", 0.0),
                          ("Chỉ tiêu: Tỷ lệ hộ gia đình có cáp quang | Kế hoạch năm 2024: 68% | "
                           "Thực hiện năm 2024: 64,5%", 0.0),
                          ("- Tỷ lệ hộ gia đình có cáp quang ước thực hiện 64,5%;", 1.0)):
        text = f"Kết quả năm 2024:\n\n{line}"
        hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
        unit = next(c for c in units(hit, text) if c.text == line)
        assert _feature("status_for_target", target, unit, idf) == refused, line


def test_a_target_a_result_is_measured_against_is_no_target_stated():
    """Rule "a target referenced is no target stated" (reader.says_target,
    ``stance_words.json`` "target_referenced"): "đạt 91%, vượt chỉ tiêu đề ra" reports a
    result and names the target only as what it beat, so asked for the year's target it is
    refused (``status_for_target``); "còn cách xa mục tiêu 70%" states a target (a figure
    follows), and a plan's "phấn đấu đạt 70%" states one too."""
    from qa.answering.reader import says_result, says_target
    assert not says_target("nam 2023, ty le ho so truc tuyen cua tinh dat 91%, vuot chi tieu de ra")
    assert says_result("nam 2023, ty le ho so truc tuyen cua tinh dat 91%, vuot chi tieu de ra")
    assert says_target("ty le ho so dat 40%, con cach xa muc tieu 70% cua ca nam")
    assert says_target("phan dau nam 2023 ty le ho so truc tuyen dat 70%")
    assert not says_result("phan dau nam 2023 ty le ho so truc tuyen dat 70%")
    text = "Năm 2023, tỷ lệ hồ sơ trực tuyến của tỉnh Hòa Lâm đạt 91%, vượt chỉ tiêu đề ra."
    unit = _unit_starting(text, "Năm 2023", doc_id="p")
    idf = idf_function(lambda t: 1, 10)
    target = analyse("What online application rate does Hoa Lam target for 2023?", {})
    reached = analyse("What online application rate did Hoa Lam reach in 2023?", {})
    assert _feature("status_for_target", target, unit, idf) == 1.0
    assert _feature("status_for_target", reached, unit, idf) == 0.0


def test_a_question_on_what_was_done_asks_for_a_result():
    """Rule (a question asking what was reached: query.wants_status with
    ``stance_words.json`` "question_status" and ``_STATUS_DONE_VI``): a half-year's figure
    ("nửa đầu năm", "in the first half of") and a verb between "đã" and "được" ask what was
    reached; a province whose folded name reads "da" ("Đà Nẵng được …") does not."""
    assert analyse("Nửa đầu năm 2023 tỉnh Hòa Lâm có bao nhiêu hồ sơ trực tuyến?", {}).wants_status
    assert analyse("hoa lam da lap duoc bao nhieu to cong nghe so", {}).wants_status
    assert analyse("Tỉnh Hòa Lâm đã lắp đặt được bao nhiêu trạm 4G?", {}).wants_status
    assert analyse("How many villages had 4G in the first half of 2023?", {}).wants_status
    assert not analyse("Các chỉ tiêu của Đà Nẵng được chia thành những nhóm nào?", {}).wants_status
    assert not analyse("da nang duoc chia thanh may nhom chi tieu", {}).wants_status
    assert not analyse("Tỉnh Hòa Lâm đặt mục tiêu bao nhiêu trạm 4G năm 2023?", {}).wants_status


def test_a_unit_in_the_other_stance_yields_to_one_in_the_stance_asked():
    """Rule "the stance asked yields" (reader.stance_yield): asked for a year's target, a
    news sentence of what was reached ("đạt 91%, vượt chỉ tiêu đề ra": ``status_for_target``)
    yields to the best-ranked unit holding as much of the question that meets no refusal
    condition (the plan's "đạt 85%"); a chosen unit in the stance asked is kept, and with no
    other unit the choice (refused) stays."""
    from qa.answering.reader import features, stance_yield
    text = ("KẾ HOẠCH năm 2023\nI. MỤC TIÊU\n1. Tỷ lệ hồ sơ trực tuyến toàn trình của tỉnh Hòa Lâm đạt 85%.\n"
            "II. TIN TỨC\nNăm 2023, tỷ lệ hồ sơ trực tuyến toàn trình của tỉnh Hòa Lâm đạt 91%, vượt chỉ tiêu đề ra.")
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    found = units(hit, text)
    news = next(c for c in found if c.text.startswith("Năm 2023"))
    plan = next(c for c in found if c.text.startswith("1. Tỷ lệ"))
    idf = idf_function(lambda t: 1, 10)
    asked = reading(analyse("What fully-online application rate does Hoa Lam target for 2023?", {}), [hit], idf)
    vectors = [features(asked, c) for c in (news, plan)]
    index = list(FEATURES).index
    assert vectors[0][index("status_for_target")] and not vectors[1][index("status_for_target")]
    assert stance_yield(asked, vectors, [news, plan], [0, 1], 0) == 1
    assert stance_yield(asked, vectors[::-1], [plan, news], [0, 1], 0) == 0  # the stance asked: kept
    assert stance_yield(asked, vectors[:1], [news], [0], 0) == 0  # nothing else: refused as before


def test_a_unit_about_another_year_yields_to_one_stating_the_year_asked():
    """Rule "the year asked yields" (reader.year_yield): asked where the province ranked in
    2023, a plan's indicator row for 2025 (every word of the question, ``year_conflict``)
    yields to the best-ranked unit that states 2023 and holds a rank (``year_match``,
    ``type_match``) and meets no refusal condition; a chosen unit of the year asked is kept,
    and with no such unit the choice (refused) stays."""
    from qa.answering.reader import features, year_yield
    text = ("Chỉ tiêu: Xếp hạng Chỉ số chuyển đổi số cấp tỉnh (DTI) của Hòa Lâm | Năm 2025: nhóm 20\n\n"
            "Theo kết quả đánh giá năm 2023, Hòa Lâm xếp thứ 40/63 tỉnh, thành phố.")
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    found = units(hit, text)
    row = next(c for c in found if c.text.startswith("Chỉ tiêu: Xếp hạng"))
    news = next(c for c in found if c.text.startswith("Theo kết quả"))
    idf = idf_function(lambda t: 1, 10)
    asked = reading(analyse("Where did Hoa Lam rank in the 2023 DTI?", {}), [hit], idf)
    vectors = [features(asked, c) for c in (row, news)]
    index = list(FEATURES).index
    assert vectors[0][index("year_conflict")] and vectors[1][index("year_match")] and vectors[1][index("type_match")]
    assert year_yield(asked, vectors, [row, news], [0, 1], 0) == 1
    assert year_yield(asked, vectors[::-1], [news, row], [0, 1], 0) == 0  # the year asked: kept
    assert year_yield(asked, vectors[:1], [row], [0], 0) == 0  # nothing else: refused as before


def test_a_plans_task_answers_no_question_on_what_was_done():
    """Rule "a plan's task is no result" (reader.under_task_heading, ``stance_words.json``
    "task_headings"): "Phủ sóng 4G cho 40 thôn" under "II. NHIỆM VỤ, GIẢI PHÁP" is work the
    plan sets; asked what was done ("đã phủ sóng được bao nhiêu"), it is refused
    (``target_for_status``); the same line under a results heading, or asked with no
    stance, is not."""
    idf = idf_function(lambda t: 1, 10)
    done = analyse("Tỉnh Hòa Lâm đã phủ sóng 4G được bao nhiêu thôn?", {})
    plain = analyse("Tỉnh Hòa Lâm phủ sóng 4G cho bao nhiêu thôn?", {})
    for heading, expected in (("II. NHIỆM VỤ, GIẢI PHÁP", 1.0), ("II. KẾT QUẢ NĂM 2023", 0.0)):
        text = f"{heading}\n1. Hạ tầng số\nPhủ sóng 4G cho 40 thôn của tỉnh Hòa Lâm.\n2. Dữ liệu số\nXây dựng kho dữ liệu."
        unit = _unit_starting(text, "Phủ sóng", doc_id="p")
        assert _feature("target_for_status", done, unit, idf) == expected
        assert _feature("target_for_status", plain, unit, idf) == 0.0
