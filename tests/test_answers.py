"""The product's promises on the real plans: right figure, right province, honest abstention."""

from __future__ import annotations

import pytest

from qa.errors import BadQuestionError

from helpers import first_marked

HA_TINH_EPAYMENT = [
    "What is Hà Tĩnh's 2025 e-payment target?",
    "Mục tiêu tỷ lệ dân số có tài khoản thanh toán điện tử của Hà Tĩnh đến năm 2025 là bao nhiêu?",
    "muc tieu thanh toan dien tu Ha Tinh 2025",
]

#: Why a test is expected to fail for now (strict: it fails the run once it passes).
KNOWN_REGRESSION = ("known regression of the learned reader (qa/answering/reader.py) on the five bundled articles, "
                    "which the old hand rules were tuned on; kept visible until the reader answers it again")


@pytest.mark.parametrize("question", HA_TINH_EPAYMENT)
def test_the_ha_tinh_e_payment_question_answers_30_percent_citing_the_ha_tinh_plan(assistant, question):
    answer = assistant.ask(question)
    assert not answer.abstained
    assert "30%" in answer.answer
    assert first_marked(answer).province == "Hà Tĩnh"
    assert len(answer.answer) <= 300


@pytest.mark.parametrize("question, figure, province", [
    ("What is Quảng Nam's 2025 e-payment target?", "50%", "Quảng Nam"),
    ("Mục tiêu thanh toán điện tử của Quảng Nam đến năm 2025?", "50%", "Quảng Nam"),
    ("What is Đồng Nai's 2025 e-payment target?", "60%", "Đồng Nai"),
    ("muc tieu tai khoan thanh toan dien tu Dong Nai", "60%", "Đồng Nai"),
])
def test_the_same_indicator_is_answered_from_each_provinces_own_plan(assistant, question, figure, province):
    answer = assistant.ask(question)
    assert figure in answer.answer
    assert first_marked(answer).province == province


def test_an_english_question_is_answered_in_english_quoting_the_plan(assistant):
    answer = assistant.ask("What is Đồng Nai's digital economy share of GRDP target for 2025?")
    assert answer.answer.startswith("According to the Đồng Nai plan")
    assert "20% GRDP" in answer.answer


def test_a_comparison_names_the_province_with_the_highest_target(assistant):
    answer = assistant.ask("Which province targets the highest digital-economy share of GRDP by 2025?")
    assert answer.answer.startswith("Đồng Nai")
    assert first_marked(answer).province == "Đồng Nai"


@pytest.mark.parametrize("question", [
    "What is Cà Mau's 2025 e-payment target?",
    "Kế hoạch chuyển đổi số của Lào Cai đặt mục tiêu kinh tế số bao nhiêu phần trăm GRDP?",
    "muc tieu thanh toan dien tu cua Thanh Hoa",
])
def test_a_province_not_in_the_collection_abstains(assistant, question):
    answer = assistant.ask(question)
    assert answer.abstained
    assert "30%" not in answer.answer and "50%" not in answer.answer


def test_a_year_the_plan_does_not_state_abstains_and_shows_the_nearest_passage(assistant):
    answer = assistant.ask("What is Hà Tĩnh's e-payment target for 2030?")
    assert answer.abstained
    assert answer.answer.startswith("The plans in the collection do not state this")
    assert answer.citations, "an abstention still offers the nearest passages"


def test_an_abstention_in_vietnamese_says_so_in_vietnamese(assistant):
    answer = assistant.ask("Quảng Nam dành bao nhiêu tỷ đồng ngân sách cho blockchain?")
    assert answer.abstained
    assert answer.answer.startswith("Các kế hoạch trong bộ tài liệu không nêu")


def test_the_json_answer_has_exactly_the_documented_schema(assistant):
    data = assistant.ask("muc tieu kinh te so Dong Nai 2025", id="q1").to_json()
    assert list(data) == ["id", "question", "answer", "abstained", "citations", "timings_ms"]
    assert data["id"] == "q1"
    citation = data["citations"][0]
    assert list(citation) == ["n", "doc_id", "title", "province", "passage", "start", "end", "score"]
    assert [c["n"] for c in data["citations"]] == list(range(1, len(data["citations"]) + 1))
    scores = [c["score"] for c in data["citations"]]
    assert scores == sorted(scores, reverse=True), "citations come in rank order"


def test_a_citation_points_at_the_exact_text_of_its_document(assistant):
    answer = assistant.ask(HA_TINH_EPAYMENT[0])
    for c in answer.citations:
        assert assistant.document(c.doc_id).text[c.start:c.end] == c.passage
    cited = first_marked(answer)
    highlighted = cited.passage[cited.highlight_start:cited.highlight_end]
    assert "30%" in highlighted


@pytest.mark.parametrize("question", ["", "   \n\t ", "\x00\x01\x02", "?!..."])
def test_an_empty_question_gets_a_clear_message(assistant, question):
    with pytest.raises(BadQuestionError, match="question"):
        assistant.ask(question)


def test_a_50000_character_question_gets_a_clear_message(assistant):
    with pytest.raises(BadQuestionError, match="50,000 characters"):
        assistant.ask("thanh toán điện tử " * 2500 + "x" * 2500)


def test_control_characters_in_a_question_are_ignored(assistant):
    answer = assistant.ask("muc tieu thanh\x00 toan dien tu\x07 Ha Tinh\u200f 2025")
    assert "30%" in answer.answer


def test_the_province_filter_restricts_sources(assistant):
    answer = assistant.ask("tỷ lệ dân số có tài khoản thanh toán điện tử", province="Quảng Nam")
    assert {c.province for c in answer.citations} == {"Quảng Nam"}
    assert "50%" in answer.answer


@pytest.mark.parametrize("mode", ["bm25", "dense", "hybrid"])
def test_every_retrieval_mode_answers_the_ha_tinh_question(assistant, mode):
    answer = assistant.ask(HA_TINH_EPAYMENT[1], mode=mode)
    assert "30%" in answer.answer


def test_a_question_about_2030_is_answered_from_a_2030_target(assistant):
    answer = assistant.ask("What does Đồng Nai aim to become by 2030?")
    assert not answer.abstained
    assert "đô thị thông minh" in answer.answer


def test_a_question_naming_only_a_province_and_an_unstated_year_abstains(assistant):
    assert assistant.ask("Hà Tĩnh 2040?").abstained


def test_a_target_stated_for_2025_is_no_answer_for_2030(assistant):
    assert not assistant.ask("ben tre chi tieu thanh toan dien tu nam 2025").abstained
    assert assistant.ask("ben tre chi tieu thanh toan dien tu nam 2030").abstained


def test_a_quoted_indicator_is_not_left_with_a_stray_quotation_mark(assistant):
    answer = assistant.ask("Bến Tre: tỷ lệ người trưởng thành dùng smartphone tham gia thanh toán điện tử?")
    assert "30%" in answer.answer
    assert answer.answer.count("“") == answer.answer.count("”")


def test_comparing_two_named_provinces_lists_both_figures(assistant):
    answer = assistant.ask("So sánh mục tiêu kinh tế số của Quảng Nam và Đồng Nai")
    assert answer.answer.startswith("So sánh: Đồng Nai 20% [1], Quảng Nam 10% [2]")
    assert [c.province for c in answer.citations] == ["Đồng Nai", "Quảng Nam"]


def test_a_figure_asked_of_two_named_provinces_gives_each_ones_figure(assistant):
    """"… của Quảng Nam và Đồng Nai là bao nhiêu?" asks both figures, with no comparing
    word (query.compares_named)."""
    from qa.retrieval.query import analyse

    question = "Mục tiêu kinh tế số năm 2025 của Quảng Nam và Đồng Nai là bao nhiêu?"
    assert analyse(question, {}).wants_comparison
    answer = assistant.ask(question)
    assert answer.answer.startswith("So sánh: Đồng Nai 20% [1], Quảng Nam 10% [2]"), answer.answer
    assert not analyse("Mục tiêu kinh tế số năm 2025 của Quảng Nam là bao nhiêu?", {}).wants_comparison


def test_a_comparison_between_two_says_higher_and_reads_decimal_commas(assistant):
    answer = assistant.ask("Ha Tinh hay Ben Tre dat muc tang nang suat lao dong cao hon")
    assert answer.answer.startswith("Bến Tre có mức cao hơn (12,5%)")


def test_tied_provinces_are_named_together(assistant):
    answer = assistant.ask("tinh nao co muc tieu kinh te so thap nhat")
    tied, _, rest = answer.answer.partition(" có mức thấp nhất (10%)")
    assert rest, answer.answer
    assert sorted(tied.replace(" và ", ", ").split(", ")) == ["Bến Tre", "Hà Tĩnh", "Quảng Nam"]
    assert "Đồng Nai 20%" in answer.answer


def test_an_english_question_on_a_topic_the_plans_never_mention_abstains(assistant):
    assert assistant.ask("Does Quảng Nam plan to use blockchain?").abstained
    assert assistant.ask("What is the budget for Đồng Nai's digital transformation?").abstained


def test_who_signed_a_plan_whose_article_names_no_signer_is_refused(assistant):
    answer = assistant.ask("who signed Đồng Nai's plan?")
    assert answer.abstained, "a sentence about digital signatures (chữ ký số) names no signer"


def test_a_question_about_the_current_state_is_not_answered_with_a_target(assistant):
    answer = assistant.ask("Quảng Nam hiện có bao nhiêu dịch vụ công trực tuyến mức độ 4?")
    assert answer.abstained
    assert "80%" in answer.answer, "the nearest passage (the 2025 target) is still shown"
    status = assistant.ask("Nam Định hiện có bao nhiêu dịch vụ công mức độ 4?")
    assert not status.abstained and "533" in status.answer


def test_a_how_many_question_is_answered_with_a_number_written_in_words(assistant):
    assert "hàng trăm" in assistant.ask("nam dinh ket noi camera tai bao nhieu diem").answer


@pytest.mark.xfail(strict=True, reason=KNOWN_REGRESSION + " (the threshold fitted with the follow-up dev turns "
                   "is 0.22: it answers with the 2025 coverage target, a clause that names no 'xã thông minh')")
def test_a_how_many_question_about_a_thing_the_plans_never_count_abstains(assistant):
    assert assistant.ask("Quảng Nam hiện có bao nhiêu xã thông minh?").abstained


def test_zero_sources_is_refused_not_replaced_by_the_default(assistant):
    with pytest.raises(BadQuestionError, match="at least 1"):
        assistant.ask(HA_TINH_EPAYMENT[0], k=0)


def test_which_province_questions_answer_from_the_plan_that_states_it(assistant):
    answer = assistant.ask("Which province lists energy among its priority areas for digitalisation?")
    assert first_marked(answer).province == "Đồng Nai"
    assert "năng lượng" in answer.answer


@pytest.mark.parametrize("question, agency", [
    ("Which agency leads the rollout of remote medical consultation platforms in Ben Tre?", "Sở Y tế"),
    ("Ở Bến Tre, cơ quan nào chủ trì hướng dẫn cài đặt phần mềm an toàn thông tin cho điện thoại?", "Sở TT&TT"),
])
def test_which_agency_questions_quote_the_agency(assistant, question, agency):
    assert agency in assistant.ask(question).answer


def test_english_acronyms_the_plans_do_not_use_are_not_demanded(assistant):
    answer = assistant.ask("What is the name of the SME support programme Ben Tre wants small firms to join?")
    assert not answer.abstained and "SMEdx" in answer.answer


@pytest.mark.parametrize("question", [
    "What is Da Nang's 2025 e-payment target?",
    "Mục tiêu tỷ lệ dân số có tài khoản thanh toán điện tử của Đà Nẵng năm 2025?",
])
def test_a_question_naming_a_merged_province_is_answered_from_its_predecessor_and_says_so(assistant, question):
    answer = assistant.ask(question)
    assert not answer.abstained
    assert "50%" in answer.answer
    assert "Quảng Nam" in answer.answer and "Đà Nẵng" in answer.answer
    assert first_marked(answer).province == "Quảng Nam"


@pytest.fixture(scope="module")
def ranked(tmp_path_factory):
    """Two provinces' reports giving their digital-transformation (DTI) ranks."""
    from helpers import write
    from qa.config import load_settings
    from qa.pipeline import Assistant

    docs = tmp_path_factory.mktemp("ranks") / "docs"
    write(docs / "ha_tinh.txt", "Báo cáo chuyển đổi số tỉnh Hà Tĩnh\n\nNăm 2024, chỉ số chuyển đổi số (DTI) "
                                "của tỉnh Hà Tĩnh xếp thứ 12 trên 63 tỉnh, thành phố.")
    write(docs / "dong_nai.txt", "Báo cáo chuyển đổi số tỉnh Đồng Nai\n\nNăm 2024, chỉ số chuyển đổi số (DTI) "
                                 "của tỉnh Đồng Nai xếp thứ 5 trên 63 tỉnh, thành phố.")
    return Assistant.open(load_settings(documents_dir=docs, index_dir=docs.parent / "index"))


@pytest.mark.parametrize("question, first", [
    ("Năm 2024, Hà Tĩnh và Đồng Nai, tỉnh nào xếp hạng chuyển đổi số cao hơn?", "Đồng Nai xếp hạng cao hơn (5)"),
    ("In 2024, which ranked higher in digital transformation, Ha Tinh or Dong Nai?", "Đồng Nai ranks higher (5)"),
    ("Năm 2024, Hà Tĩnh và Đồng Nai, tỉnh nào xếp hạng chuyển đổi số thấp hơn?", "Hà Tĩnh xếp hạng thấp hơn (12)"),
])
def test_a_rank_is_better_the_smaller_it_is(ranked, question, first):
    answer = ranked.ask(question)
    assert answer.answer.startswith(first), answer.answer


def test_a_comparison_of_ranks_reads_the_position_over_the_total_not_the_change(tmp_path):
    """"xếp thứ 27/63 tỉnh, … giảm 4 bậc": a rank comparison compares 27 (answer.rank_positions),
    and "thứ hạng" asks for a rank."""
    from helpers import write
    from qa.answering.reader import answer_types
    from qa.config import load_settings
    from qa.pipeline import Assistant

    docs = tmp_path / "docs"
    write(docs / "lam_dong.txt", "Báo cáo chuyển đổi số tỉnh Lâm Đồng\n\nChỉ số chuyển đổi số cấp tỉnh (DTI) năm 2023 "
          "của tỉnh Lâm Đồng xếp thứ 27/63 tỉnh, thành phố, giảm 4 bậc so với năm 2022.")
    write(docs / "nghe_an.txt", "Báo cáo chuyển đổi số tỉnh Nghệ An\n\nChỉ số chuyển đổi số cấp tỉnh (DTI) năm 2023 "
          "của tỉnh Nghệ An xếp thứ 8/63 tỉnh, thành phố, tăng 6 bậc so với năm 2022.")
    assert "rank" in answer_types("so sanh thu hang DTI nam 2023 cua Nghe An va Lam Dong", "vi")
    assistant = Assistant.open(load_settings(documents_dir=docs, index_dir=tmp_path / "index"))
    answer = assistant.ask("Which province ranked higher in the 2023 DTI, Nghe An or Lam Dong?")
    assert answer.answer.startswith("Nghệ An ranks higher (8/63)"), answer.answer
    assert "27/63" in answer.answer
