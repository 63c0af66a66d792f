"""Everyday requests: greetings and thanks, "X là gì / what is X", plan summaries by
pillar, and comparisons shown as a table."""

from __future__ import annotations

import re

import pytest

from qa.answering import intents
from qa.retrieval.query import analyse
from qa.types import Chunk, Document, Hit

from helpers import first_marked


# ----------------------------------------------------------------- greetings

@pytest.mark.parametrize("message, kind, lang", [
    ("xin chào", "greeting", "vi"), ("Xin chao!", "greeting", "vi"), ("Chào bạn ạ", "greeting", "vi"),
    ("Cảm ơn bạn nhiều!", "thanks", "vi"), ("cam on", "thanks", "vi"),
    ("hello", "greeting", "en"), ("Hi there", "greeting", "en"), ("thanks!", "thanks", "en"),
    ("Thank you very much", "thanks", "en"),
])
def test_a_message_that_only_greets_or_thanks_is_recognised(message, kind, lang):
    assert intents.greeting(message) == intents.Greeting(kind, lang)


@pytest.mark.parametrize("message", ["xin chào, mục tiêu kinh tế số của Hà Tĩnh?", "chào mừng năm 2025",
                                     "thanks to fibre, how many households are connected?", "chuyển đổi số"])
def test_a_message_that_asks_something_is_no_greeting(message):
    assert intents.greeting(message) is None


def test_a_greeting_gets_a_short_reply_and_three_example_questions_the_plans_answer(assistant):
    reply = assistant.ask("xin chào")
    assert reply.intent == "greeting" and reply.citations == [] and not reply.abstained
    assert reply.answer.startswith("Xin chào!")
    examples = re.findall(r"^- (.+)$", reply.answer, flags=re.MULTILINE)
    assert len(examples) == 3
    for example in examples:
        answer = assistant.ask(example)
        assert not answer.abstained, f"example {example!r} is not answered: {answer.answer}"
    assert any(p in reply.answer for p in assistant.provinces())


def test_thanks_in_english_are_answered_in_english(assistant):
    reply = assistant.ask("Thanks a lot!")
    assert reply.intent == "greeting" and reply.lang == "en"
    assert reply.answer.startswith("Glad to help!") and reply.answer.count("\n- ") == 3


def test_a_greeting_counts_the_provinces_of_a_large_collection_rather_than_naming_them():
    many = [f"Tỉnh {i}" for i in range(63)]
    reply = intents.greeting_reply(intents.Greeting("greeting", "en"), many, ["q1", "q2", "q3"])
    assert "plans of 63 provinces" in reply and "Tỉnh 7" not in reply
    few = intents.greeting_reply(intents.Greeting("greeting", "vi"), ["Hà Tĩnh", "Bến Tre"], ["q"])
    assert "của Hà Tĩnh và Bến Tre" in few and few.endswith("\n- q")


# ----------------------------------------------------------------- definitions

@pytest.mark.parametrize("question", ["chuyển đổi số là gì?", "chuyen doi so la gi", "What is digital transformation?",
                                      "Thế nào là chuyển đổi số?", "What does CĐS mean?"])
def test_a_definition_quotes_the_sentence_that_defines_the_term(assistant, question):
    answer = assistant.ask(question)
    assert answer.intent == "definition" and not answer.abstained
    assert "CĐS là quá trình số hóa" in answer.answer
    cited = first_marked(answer)
    assert cited.cited and "CĐS là quá trình số hóa" in cited.passage[cited.highlight_start:cited.highlight_end]


@pytest.mark.parametrize("question, term", [("kinh tế số là gì?", "kinh tế số"), ("What is an LGSP?", "LGSP")])
def test_a_term_no_plan_defines_gets_an_honest_abstention_not_a_sentence_that_mentions_it(assistant, question, term):
    answer = assistant.ask(question)
    assert answer.abstained and answer.intent == "abstain"
    assert f"“{term}”" in answer.answer and answer.answer.count("“") == 1, "no quoted passage"
    assert answer.citations and not any(c.cited for c in answer.citations), "related passages only"


@pytest.mark.parametrize("question", ["What is Hà Tĩnh's 2025 e-payment target?", "Mục tiêu kinh tế số là gì?",
                                      "Kế hoạch của Đồng Nai là gì?", "What is the vision for 2030?",
                                      "What is the share of households with fibre?"])
def test_a_question_about_a_plan_is_no_definition(question):
    assert intents.definition_term(question, analyse(question, {})) is None


@pytest.mark.parametrize("line, term, defines", [
    ("- Học phần điều kiện: là các học phần sinh viên bắt buộc phải học.", "Học phần điều kiện", True),
    ("1. Chương trình chuẩn: được xây dựng theo quy định hiện hành.", "chương trình chuẩn", True),
    ("P.ĐTĐH: Phòng Đào tạo Đại học", "PĐTĐH", True),  # spaced or punctuated otherwise
    ("a) Học bổng học tập: căn cứ trên kết quả học tập.", "học bổng học tập", True),
    ("Học phần điều kiện gồm các học phần sau: giáo dục thể chất.", "Học phần điều kiện", False),  # no label
    ("Tỷ trọng kinh tế số: đạt 20% GRDP.", "kinh tế số", False),  # the label is more than the term
    ("Trường: Trường ĐHCNTT", "Trường ĐHCNTT", False),  # the term is what the label stands for
])
def test_a_glossary_entry_defines_its_label(line, term, defines):
    """Rule "a glossary entry defines its label" (intents.glossary_entry)."""
    assert intents.glossary_entry(line, intents.term_aliases(term, "vi")) is defines


@pytest.mark.parametrize("sentence, term, named", [
    ("1. Văn bản này quy định về việc dạy và học theo phương thức trực tuyến (DHTT) và phương thức kết hợp.", "DHTT",
     "1. Văn bản này quy định về việc dạy và học theo phương thức trực tuyến (DHTT)"),
    ("- Phòng Thanh tra pháp chế và Đảm bảo chất lượng (P. TTPC&ĐBCL) là đơn vị phối hợp.", "P. TTPC&ĐBCL",
     "- Phòng Thanh tra pháp chế và Đảm bảo chất lượng (P. TTPC&ĐBCL)"),
    ("- CTĐT ghi rõ các môn được học riêng – sau đây gọi chung là các môn học tài năng. Các môn …",
     "môn học tài năng", "- CTĐT ghi rõ các môn được học riêng – sau đây gọi chung là các môn học tài năng"),
    ("Trường Đại học Công nghệ Thông tin (sau đây gọi tắt là Trường) ban hành.", "Trường",
     "Trường Đại học Công nghệ Thông tin (sau đây gọi tắt là Trường)"),
    ("Sinh viên chương trình chuẩn (CTC) được đăng ký.", "chương trình chuẩn", None),  # it names CTC
    ("Hệ thống quản lý học tập (LMS) được nâng cấp.", "LGSP", None),
])
def test_a_term_named_in_passing_is_read_when_nothing_defines_it(sentence, term, named):
    """Rule "a term named in passing" (intents.naming_sentence), with the term's own form only."""
    found = intents.naming_sentence(sentence, intents.term_aliases(term, "vi")[:1])
    assert (found.text if found else None) == named


def test_a_defining_sentence_wins_over_a_naming_one_and_a_long_naming_sentence_is_quoted_to_its_naming():
    naming = ("1. Văn bản này quy định về tổ chức, quản lý và đánh giá việc dạy và học theo phương thức trực tuyến "
              "(DHTT) cho hệ đại học chính quy của Trường, áp dụng cho mọi đơn vị, giảng viên, sinh viên và cá nhân "
              "có liên quan đến việc tổ chức, quản lý, giảng dạy, học tập, kiểm tra và đánh giá theo phương thức này.")
    entry = "DHTT: dạy và học theo phương thức trực tuyến."
    doc = Document("r.txt", "Quy định", naming + "\n\n" + entry)
    first = Hit(Chunk(0, "r.txt", naming, 0, len(naming)), 1.0)
    second = Hit(Chunk(1, "r.txt", entry, len(naming) + 2, len(doc.text)), 0.5)
    aliases = intents.term_aliases("DHTT", "vi")
    assert intents.find_definition([first, second], aliases).hit is second  # the entry, though ranked lower
    found = intents.find_definition([first], aliases)
    assert found is not None and found.keep_to == naming.index("(DHTT)") + len("(DHTT)")
    reply, abstained, _ = intents.definition_reply("DHTT", "vi", found, [first], {"r.txt": doc}, 5, 200)
    assert not abstained and len(reply) <= 200
    assert reply.endswith("dạy và học theo phương thức trực tuyến (DHTT)” [1].") and "áp dụng cho mọi" not in reply
    short, _, _ = intents.definition_reply("DHTT", "vi", found, [first], {"r.txt": doc}, 5, 100)
    assert len(short) <= 100 and short.endswith("(DHTT)” [1].") and "“…" in short  # the naming kept, its start cut


@pytest.mark.parametrize("question, term", [
    ("P.ĐTĐH là viết tắt của đơn vị nào?", "P.ĐTĐH"), ("SHD là viết tắt của gì?", "SHD"),
    ("CĐS là chữ viết tắt của cụm từ nào?", "CĐS"),
    ("Trường ĐHCNTT gọi tắt là gì?", None), ("Hội đồng bảo vệ KLTN được viết tắt là gì?", None)])
def test_an_abbreviation_asked_both_ways(question, term):
    """Rule "an abbreviation asked both ways" (intents.definition_term): what an abbreviation
    stands for is a definition; the short name of something is a question for the reader."""
    found = intents.definition_term(question, analyse(question, {}))
    assert (found.text if found else None) == term


def test_the_term_is_returned_as_typed():
    term = intents.definition_term("Chuyển đổi số là gì?", analyse("Chuyển đổi số là gì?", {}))
    assert term == intents.Term("Chuyển đổi số", "vi")
    assert intents.term_aliases("chuyển đổi số", "vi") == ["chuyen doi so", "cds"]


# ----------------------------------------------------------------- summaries

def summary_lines(answer) -> list[tuple[str, int]]:
    return [(m.group(1), int(m.group(2))) for m in re.finditer(r"^- (.+) \[(\d+)\]$", answer.answer, re.MULTILINE)]


@pytest.mark.parametrize("question", ["Tóm tắt kế hoạch của Hà Tĩnh", "tom tat ke hoach Ha Tinh",
                                      "Các mục tiêu của Hà Tĩnh là gì?"])
def test_a_summary_lists_the_plans_targets_by_pillar_each_line_cited(assistant, question):
    answer = assistant.ask(question)
    assert answer.intent == "summary" and not answer.abstained
    assert answer.answer.startswith("Các mục tiêu trong kế hoạch của Hà Tĩnh, theo trụ cột:")
    for heading in ("**Chính quyền số**", "**Kinh tế số**", "**Xã hội số**"):
        assert heading in answer.answer
    lines = summary_lines(answer)
    assert len(lines) >= 8 and len(lines) == answer.answer.count("\n- ")
    by_n = {c.n: c for c in answer.citations}
    for text, n in lines:
        assert by_n[n].province == "Hà Tĩnh" and by_n[n].cited
        assert text.rstrip("…") in by_n[n].passage, text
    assert any("trên 30%" in text for text, _ in lines)


def test_a_summary_in_english_has_english_headings_and_quotes_the_plan(assistant):
    answer = assistant.ask("Summarise Dong Nai's plan")
    assert answer.intent == "summary" and answer.lang == "en"
    assert answer.answer.startswith("Targets in the plan of Đồng Nai, by pillar:")
    assert "**Digital economy**" in answer.answer and "20% GRDP" in answer.answer


def test_a_summary_of_a_merged_province_summarises_its_predecessors_plan_and_says_so(assistant):
    answer = assistant.ask("Tóm tắt kế hoạch của Đà Nẵng")
    assert answer.intent == "summary"
    assert answer.answer.startswith("Các mục tiêu trong kế hoạch của Quảng Nam (nay thuộc Đà Nẵng), theo trụ cột:")
    assert {c.province for c in answer.citations} == {"Quảng Nam"}


def test_a_plan_without_quantified_targets_is_not_summarised_with_status_figures(assistant):
    answer = assistant.ask("các mục tiêu của Nam Định")
    assert answer.abstained and "không nêu mục tiêu định lượng" in answer.answer
    assert "533" not in answer.answer


def test_a_summary_without_a_province_asks_which_one(assistant):
    answer = assistant.ask("Tóm tắt kế hoạch")
    assert answer.abstained and "tỉnh nào" in answer.answer
    assert all(p in answer.answer for p in assistant.provinces())


def test_a_summary_of_the_filtered_province(assistant):
    answer = assistant.ask("tóm tắt kế hoạch", province="Bến Tre")
    assert answer.intent == "summary" and "kế hoạch của Bến Tre" in answer.answer


@pytest.mark.parametrize("question, wanted", [
    ("Tóm tắt kế hoạch của Hà Tĩnh", True), ("summarize the plan of Quang Nam", True),
    ("What are Bến Tre's main targets?", True), ("các mục tiêu kinh tế số của Hà Tĩnh", False),
    ("Mục tiêu thanh toán điện tử của Hà Tĩnh?", False),
])
def test_a_summary_is_asked_for_only_without_an_indicator_of_its_own(question, wanted):
    assert intents.summary_requested(question, analyse(question, {})) is wanted


def test_targets_take_the_pillar_the_plan_names_else_the_one_their_words_say():
    text = ("Kế hoạch chuyển đổi số tỉnh X\n\n"
            "Về phát triển kinh tế số, đến năm 2025 kinh tế số chiếm 15% GRDP. Tỷ lệ doanh nghiệp dùng hợp đồng "
            "điện tử đạt 40%.\n\n"
            "Đến nay, tỉnh đã cung cấp 300 dịch vụ công mức độ 4.\n\n"
            "Mục tiêu cụ thể\n\n"
            "Phấn đấu đến năm 2025, 90% hộ gia đình được phủ cáp quang.\n\n"
            "Kế hoạch đặt 3 trụ cột: chính quyền số, kinh tế số, xã hội số.")
    doc = Document(doc_id="x", title="Kế hoạch chuyển đổi số tỉnh X", text=text, province="Hà Giang")
    targets = intents.plan_targets(doc)
    pillars = [p["vi"] for p in intents.load_data("intents_pillars.json")["pillars"]]
    found = [(t.span.text, pillars[t.pillar] if t.pillar is not None else None, t.stated) for t in targets]
    assert found == [
        ("Về phát triển kinh tế số, đến năm 2025 kinh tế số chiếm 15% GRDP.", "Kinh tế số", True),
        ("Tỷ lệ doanh nghiệp dùng hợp đồng điện tử đạt 40%.", "Kinh tế số", True),
        ("Phấn đấu đến năm 2025, 90% hộ gia đình được phủ cáp quang.", "Hạ tầng số", False),
    ], "status reports and overviews are no targets; a heading ends the framing"
    assert all(t.years == {2025} for t in targets)


# ----------------------------------------------------------------- comparison tables

def table_rows(answer) -> list[list[str]]:
    return [row.strip("|").split("|") for row in answer.answer.splitlines() if row.startswith("|")]


def test_comparing_two_provinces_adds_a_table_of_province_figure_year_and_source(assistant):
    answer = assistant.ask("So sánh mục tiêu kinh tế số của Quảng Nam và Đồng Nai")
    assert answer.intent == "comparison"
    rows = table_rows(answer)
    assert rows[0] == ["Tỉnh", "Chỉ tiêu", "Năm", "Nguồn"] and set(rows[1]) == {"---"}
    assert rows[2:] == [["Đồng Nai", "20%", "2025", "[1]"], ["Quảng Nam", "10%", "2025", "[2]"]]
    assert [c.province for c in answer.citations] == ["Đồng Nai", "Quảng Nam"]


def test_a_ranking_table_gives_each_figure_as_the_plan_writes_it_and_stays_short(assistant):
    answer = assistant.ask("Which province has the highest e-payment account target?")
    assert answer.intent == "comparison" and answer.answer.startswith("Đồng Nai has the highest figure (60%) [1].")
    rows = table_rows(answer)
    assert rows[0] == ["Province", "Figure", "Year", "Source"]
    figures = {row[0]: row[1] for row in rows[2:]}
    assert figures["Đồng Nai"].lower() == "trên 60%" and figures["Quảng Nam"] == "trên 50%"
    by_n = {f"[{c.n}]": c for c in answer.citations}
    for province, figure, _, source in rows[2:]:
        assert by_n[source].province == province and figure in by_n[source].passage
    assert "“" not in answer.answer, "the table replaces the quoted clause"
    assert len(answer.answer) <= 300


def test_an_english_term_is_defined_without_its_source_and_in_vietnamese_order():
    """Rules "a term is defined without its source" (intents.without_source) and "head-initial
    compounds" (intents.head_initial)."""
    from qa.answering.intents import head_initial, term_aliases, without_source
    assert without_source("electronic authentication service under the decree", "en") == "electronic authentication service"
    assert without_source("dich vu xac thuc dien tu theo nghi dinh nay", "vi") == "dich vu xac thuc dien tu"
    assert without_source("chuyen doi so", "vi") == "chuyen doi so"
    assert head_initial((("điện tử",), ("xác thực điện tử",), ("dịch vụ",))) == "dịch vụ xác thực điện tử"
    assert "tai khoan dinh danh dien tu" in term_aliases("electronic identification account", "en")


@pytest.mark.parametrize("kind, lang, lead", [
    ("news", "vi", "Theo tin về Bạc Liêu: “"), ("news", "en", "According to news on Bạc Liêu: “"),
    ("plan", "vi", "Theo kế hoạch của Bạc Liêu: “"), ("plan", "en", "According to the Bạc Liêu plan: “")])
def test_a_definition_says_whose_words_it_quotes_as_answers_do(kind, lang, lead):
    """A definition found on a news page is quoted as news, not as the province's plan
    (answer.source_lead, shared with the reader's answers)."""
    text = "Chuyển đổi số là quá trình thay đổi tổng thể và toàn diện cách sống, cách làm việc."
    doc = Document("n.html", "Tin chuyển đổi số", text, province="Bạc Liêu", kind=kind)
    hit = Hit(Chunk(0, "n.html", text, 0, len(text)), 1.0)
    found = intents.find_definition([hit], ["chuyen doi so"])  # aliases are folded
    reply, abstained, citations = intents.definition_reply("chuyển đổi số", lang, found, [hit], {"n.html": doc}, 5, 300)
    assert not abstained and reply.startswith(lead) and "quá trình thay đổi tổng thể" in reply
    assert citations[0].highlight_end == len(text)  # the defining sentence is the one highlighted
