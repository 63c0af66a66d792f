"""Conversations: follow-ups read against the turns before them, new topics read alone,
the named province over the chat's filter, and conversation ids in CLI batches."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from eval import followup
from eval.metrics import Result
from qa.config import PROJECT_ROOT
from qa.answering.conversation import Conversations, read_slots, resolve
from qa.retrieval.provinces import province_spans
from qa.text import fold, years
from qa.types import Answer

from helpers import first_marked

def converse(assistant, *questions: str, province: str | None = None) -> list[Answer]:
    """Ask the questions as one conversation, each with the answers before it."""
    history: list[Answer] = []
    for question in questions:
        history.append(assistant.ask(question, history=history, province=province))
    return history


def named(text: str) -> set[str]:
    return {name for _, _, name in province_spans(text)}


# ----------------------------------------------------------------- carried over

def test_and_for_2030_keeps_the_province_and_indicator_and_abstains_for_an_unstated_year(assistant):
    first, then = converse(assistant, "What is Hà Tĩnh's 2025 e-payment target?", "and for 2030?")
    assert "30%" in first.answer and first.understood is None
    assert then.understood == "What is Hà Tĩnh's 2030 e-payment target?"
    assert then.abstained, "the plans give no 2030 e-payment target; Đồng Nai's 2030 vision is no answer"
    assert then.lang == "en"


@pytest.mark.parametrize("follow_up", ["còn Đồng Nai thì sao?", "con Dong Nai thi sao", "Đồng Nai?", "Thế còn Đồng Nai?"])
def test_a_new_province_keeps_the_indicator_and_year(assistant, follow_up):
    _, then = converse(assistant, "muc tieu kinh te so Quang Nam 2025", follow_up)
    assert named(then.understood) == {"Đồng Nai"} and years(then.understood) == [2025]
    assert "kinh te so" in then.understood
    assert "20%" in then.answer and first_marked(then).province == "Đồng Nai"


def test_a_new_indicator_keeps_the_province_and_year(assistant):
    *_, fibre = converse(assistant, "What share of Quang Nam's population should have an e-payment account by 2025?",
                         "And Đồng Nai?", "What about fibre?")
    assert named(fibre.understood) == {"Đồng Nai"} and years(fibre.understood) == [2025]
    assert "fibre" in fibre.understood and "e-payment" not in fibre.understood
    # Đồng Nai states two fibre targets for 2025: "phủ trên 90% hộ gia đình" (a solution) and
    # "tỷ lệ ấp/khu phố … đảm bảo hạ tầng cáp quang cung cấp cho hộ gia đình đạt 100%" (its
    # social targets, which the reader chooses since the semantic feature); either answers.
    assert ("90% hộ gia đình" in fibre.answer or "cáp quang cung cấp cho hộ gia đình đạt 100%" in fibre.answer)
    assert first_marked(fibre).province == "Đồng Nai"


def test_a_shorter_topic_replaces_only_the_words_it_shares(assistant):
    _, then = converse(assistant, "Tỷ lệ hồ sơ công việc cấp xã được xử lý trên môi trường mạng của Quảng Nam "
                                  "đến năm 2025 là bao nhiêu?", "Còn cấp tỉnh?")
    assert "hồ sơ công việc cấp tỉnh" in then.understood and "cấp xã" not in then.understood
    assert named(then.understood) == {"Quảng Nam"}


def test_a_lone_number_replaces_the_previous_number(assistant):
    _, then = converse(assistant, "How many level 4 online public services does Nam Định currently provide?",
                       "And level 3?")
    assert then.understood == "How many level 3 online public services does Nam Định currently provide?"
    assert "615" in then.answer


def test_it_and_tinh_nay_stand_for_the_province_the_previous_answer_named(assistant):
    _, its = converse(assistant, "Which province plans to offer 100% of level 4 online public services in 2021?",
                      "What is its 2025 e-payment target?")
    assert its.understood == "What is Đồng Nai's 2025 e-payment target?"
    assert "60%" in its.answer
    _, this = converse(assistant, "Tỉnh nào đặt mục tiêu cung cấp 100% dịch vụ công trực tuyến mức 4 ngay trong năm 2021?",
                       "Mục tiêu kinh tế số của tỉnh này đến năm 2025 là bao nhiêu?")
    assert this.understood == "Mục tiêu kinh tế số của Đồng Nai đến năm 2025 là bao nhiêu?"
    assert "20% GRDP" in this.answer


def test_a_comparison_follow_up_compares_the_new_indicator(assistant):
    _, then = converse(assistant, "Which province targets the highest share of people with an e-payment account?",
                       "What about household fibre coverage?")
    assert then.intent == "comparison" and named(then.understood) == set()
    assert then.answer.startswith("Đồng Nai")


def test_a_comparison_follow_up_for_a_year_no_plan_gives_a_share_for_is_refused(assistant):
    first, then = converse(assistant, "Which province targets the highest digital economy share by 2025?", "and by 2030?")
    assert first.intent == "comparison" and first.answer.startswith("Đồng Nai")
    assert then.understood == "Which province targets the highest digital economy share by 2030?"
    assert then.abstained, ("no plan gives a 2030 share: the sentence naming the periods to 2025 and to 2030, "
                            "with no share in it, is no answer")


def test_a_province_after_a_question_across_provinces_is_asked_for_its_own_figure(assistant):
    _, then = converse(assistant, "Tỉnh nào có mục tiêu kinh tế số cao nhất?", "còn Hà Tĩnh?")
    assert then.understood == "Hà Tĩnh có mục tiêu kinh tế số?"
    assert first_marked(then).province == "Hà Tĩnh" and "10%" in then.answer


def test_a_where_question_naming_a_province_is_not_a_question_across_provinces(assistant):
    _, then = converse(assistant, "Where does Hà Tĩnh aim to rank on the PCI competitiveness index?", "And Đồng Nai?")
    assert then.understood == "Where does Đồng Nai aim to rank on the PCI competitiveness index?"
    assert then.abstained, "Đồng Nai's plan sets no PCI goal"


def test_a_conversation_typed_without_diacritics_is_understood_without_them(assistant):
    # Rule "typed without diacritics" (conversation._typed_without_diacritics): with the
    # province written "Đồng Nai" the question no longer read as typed without diacritics,
    # its other words were not restored, and the list Đồng Nai's plan gives went unread.
    _, then = converse(assistant, "Quang Nam uu tien chuyen doi so nhung linh vuc nao", "con Dong Nai thi sao")
    assert then.understood == "Dong Nai uu tien chuyen doi so nhung linh vuc nao"
    assert not then.abstained and "năng lượng" in then.answer
    _, fresh = converse(assistant, "muc tieu kinh te so Quang Nam 2025", "con chu ky so cua Ben Tre thi sao")
    assert fresh.understood == "Chu ky so cua Ben Tre", "a question of its own, its cues left out, as typed"
    _, year = converse(assistant, "Mục tiêu kinh tế số của Quảng Nam năm 2025?", "con Dong Nai")
    assert "Đồng Nai" in year.understood, "words typed with diacritics keep them, and the province its name"


def test_a_follow_up_asking_for_the_target_turns_a_status_question_into_a_target_question(assistant):
    # Rule "stance" (conversation._new_stance, _stance_edit): "target" was a generic word
    # and was dropped, so the figure reached answered the target question.
    _, then = converse(assistant, "How many level 4 online public services does Nam Định currently provide?",
                       "And the 2025 target?")
    assert then.understood == "As a target, how many level 4 online public services does Nam Định provide in 2025?"
    assert then.abstained, "Nam Định's article gives what it provides, no 2025 target"
    _, muc_tieu = converse(assistant, "Nam Định hiện có bao nhiêu dịch vụ công mức độ 4?", "Còn mục tiêu năm 2025?")
    assert muc_tieu.understood == "Theo mục tiêu, Nam Định có bao nhiêu dịch vụ công mức độ 4 năm 2025?"
    assert muc_tieu.abstained


def test_a_follow_up_asking_what_was_achieved_keeps_the_indicator_and_drops_the_target_words(assistant):
    _, then = converse(assistant, "Mục tiêu kinh tế số của Quảng Nam năm 2025 là bao nhiêu?", "Còn kết quả thực tế?")
    assert then.understood == "Trên thực tế, kinh tế số của Quảng Nam năm 2025 là bao nhiêu?"
    _, en = converse(assistant, "What share of GRDP is Quảng Nam's digital economy targeted to reach by 2025?",
                     "And what had it actually achieved in 2020?")
    assert en.understood == "In fact, what share of GRDP did Quảng Nam's digital economy reach by 2020?"


def test_a_carried_province_goes_before_the_words_a_vietnamese_question_closes_with(assistant):
    # Rule "insert before the closing words" (conversation._closing_start): "… là bao nhiêu
    # của Quảng Nam năm 2025?" put the province after the question words.
    _, then = converse(assistant, "Mục tiêu kinh tế số của Quảng Nam năm 2025 là bao nhiêu?",
                       "Còn tỷ lệ dân số có tài khoản thanh toán điện tử là bao nhiêu?")
    assert then.understood == "Tỷ lệ dân số có tài khoản thanh toán điện tử của Quảng Nam năm 2025 là bao nhiêu?"
    assert "50%" in then.answer


def test_a_follow_up_asking_bao_nhieu_in_its_own_words_is_not_put_into_the_previous_question(assistant):
    # Rule "frame phrases" (Slots.has_frame): "bao nhiêu" is two words and neither alone
    # matched the frame list, so the follow-up was read as a topic and spliced into the
    # previous question ("Nam Định kết nối liên thông với bình quân hàng tháng … khi nào?").
    _, then = converse(assistant, "Nam Định kết nối liên thông với Cổng dịch vụ công quốc gia khi nào?",
                       "bình quân hàng tháng bao nhiêu văn bản sử dụng chữ ký số?")
    assert then.understood == "Bình quân hàng tháng bao nhiêu văn bản sử dụng chữ ký số của Nam Định?"
    assert "7.500" in then.answer


def test_a_follow_up_s_own_measure_word_replaces_the_previous_one(assistant):
    # Rule "measure words go with the indicator" (conversation._grown): "tỷ lệ" is a
    # generic word, so only "thanh toán điện tử" replaced "kinh tế số" and the previous
    # "tỷ trọng" lost half of itself ("Tỷ thanh toán điện tử …"); typed without
    # diacritics "điện tử" also lost "tử".
    _, then = converse(assistant, "Tỷ trọng kinh tế số của Quảng Nam năm 2025 đạt bao nhiêu?",
                       "Còn tỷ lệ thanh toán điện tử?")
    assert then.understood == "Tỷ lệ thanh toán điện tử của Quảng Nam năm 2025 đạt bao nhiêu?"
    assert "50%" in then.answer
    _, bare = converse(assistant, "ty trong kinh te so cua Quang Nam nam 2025 dat bao nhieu", "con ty le thanh toan dien tu")
    assert bare.understood == "ty le thanh toan dien tu cua Quang Nam nam 2025 dat bao nhieu"


def test_a_follow_up_with_a_topic_of_its_own_keeps_its_stance(assistant):
    # Rule "stance" with a topic: "mục tiêu" was dropped with the topic put in, and the
    # previous "hiện có" made it a question about the present.
    _, then = converse(assistant, "Nam Định hiện có bao nhiêu dịch vụ công mức độ 4?",
                       "Còn mục tiêu thanh toán điện tử năm 2025?")
    assert then.understood == "Theo mục tiêu, Nam Định có bao nhiêu thanh toán điện tử năm 2025?"
    assert then.abstained, "Nam Định's article states no e-payment target"


def test_a_shared_word_replaces_only_where_the_new_topic_fits(assistant):
    # Rule "the shared word's window fits" (conversation._topic_edit): "so hieu" shares
    # "so" with the last word of "chuyen doi so"; the two-word window there ran past the
    # topic and gave "chuyen doi so hieu".
    _, then = converse(assistant, "ai ky ke hoach chuyen doi so quang nam", "con so hieu ke hoach")
    assert "chuyen doi so hieu" not in then.understood and then.understood.startswith("so hieu ke hoach")


def test_it_after_a_question_naming_a_document_is_the_document(assistant):
    # Rule "it is the document" (conversation._document_named): "it" was the province
    # ("When was Quảng Nam approved?").
    _, then = converse(assistant, "Who signed Quảng Nam's digital transformation plan?", "And when was it approved?")
    assert then.understood == "When was Quảng Nam's plan approved?"
    _, its = converse(assistant, "What is Đồng Nai's 2025 e-payment target?", "And what is its 2030 fibre target?")
    assert "Đồng Nai's 2030 fibre target" in its.understood, "no document event: 'its' is the province's"


def test_an_english_topic_put_in_keeps_the_previous_question_s_verb(assistant):
    # Rule "the verb stays" (conversation._indicator_end): the topic "digital economy
    # contribute" was replaced whole, and the question lost its verb.
    _, then = converse(assistant, "What share of GRDP did Quảng Nam's digital economy contribute in 2020?",
                       "What about e-commerce?")
    assert then.understood == "What share of GRDP did Quảng Nam's e-commerce contribute in 2020?"


def test_a_follow_up_of_generic_words_is_not_dropped_for_the_previous_question(assistant):
    # Rule "no follow-up dropped" (conversation._words_of_its_own): "number" and "plan" are
    # generic words, the follow-up had no topic, and the previous question was asked again.
    _, then = converse(assistant, "What is Hà Tĩnh's 2025 e-payment target?", "And the number of the plan?")
    assert then.understood == "The number of the plan in Hà Tĩnh in 2025?"
    _, same = converse(assistant, "What is Hà Tĩnh's 2025 e-payment target?", "What about it?")
    assert same.understood is None or "e-payment" in same.understood


def test_a_greeting_between_turns_is_not_the_context(assistant):
    *_, then = converse(assistant, "muc tieu thanh toan dien tu Ha Tinh 2025", "cảm ơn", "còn Quảng Nam?")
    assert named(then.understood) == {"Quảng Nam"} and "50%" in then.answer


# ----------------------------------------------------------------- new topics

def test_a_question_with_its_own_indicator_and_province_carries_nothing(assistant):
    _, then = converse(assistant, "What is Đồng Nai's e-payment target for 2030?",
                       "What share of GRDP should the digital economy reach in Quảng Nam?")
    assert then.understood is None, "the 2030 of the first turn must not be carried"
    assert "10% GRDP" in then.answer and not then.abstained


def test_a_new_topic_opening_with_a_cue_is_asked_without_it(assistant):
    _, then = converse(assistant, "muc tieu thanh toan dien tu Ha Tinh 2025", "còn chữ ký số của Bến Tre thì sao?")
    assert then.understood == "Chữ ký số của Bến Tre?"
    assert first_marked(then).province == "Bến Tre"


def test_a_question_asked_alone_is_understood_as_asked(assistant):
    answer = assistant.ask("muc tieu kinh te so Quang Nam 2025")
    assert answer.understood is None and answer.intent == "answer"


# ----------------------------------------------------------------- the named province wins

def test_a_question_naming_another_province_than_the_filter_is_answered_for_the_named_one(assistant):
    answer = assistant.ask("Mục tiêu kinh tế số của Đồng Nai năm 2025?", province="Hà Tĩnh")
    assert "20%" in answer.answer and first_marked(answer).province == "Đồng Nai"
    assert answer.notices == ["Bạn đang lọc Hà Tĩnh; câu hỏi nói về Đồng Nai, nên câu trả lời lấy từ kế hoạch "
                              "của Đồng Nai."]


def test_the_notice_is_in_the_question_language(assistant):
    answer = assistant.ask("What is Đồng Nai's 2025 e-payment target?", province="ha tinh")
    assert "60%" in answer.answer
    assert answer.notices == ["You are filtering on Hà Tĩnh; the question is about Đồng Nai, so the answer comes "
                              "from the plan of Đồng Nai."]


def test_the_filter_still_applies_when_the_question_names_no_other_province(assistant):
    unnamed = assistant.ask("tỷ lệ dân số có tài khoản thanh toán điện tử", province="Quảng Nam")
    same = assistant.ask("Mục tiêu thanh toán điện tử của Quảng Nam?", province="Quảng Nam")
    for answer in (unnamed, same):
        assert answer.notices == [] and {c.province for c in answer.citations} == {"Quảng Nam"}
        assert "50%" in answer.answer


def test_a_comparison_naming_other_provinces_than_the_filter_compares_them(assistant):
    answer = assistant.ask("So sánh mục tiêu kinh tế số của Quảng Nam và Đồng Nai", province="Hà Tĩnh")
    assert answer.intent == "comparison"
    assert {c.province for c in answer.citations} == {"Quảng Nam", "Đồng Nai"}
    assert "Quảng Nam và Đồng Nai" in answer.notices[0]


def test_a_merged_province_named_under_its_predecessors_filter_keeps_the_filter(assistant):
    answer = assistant.ask("Mục tiêu thanh toán điện tử của Đà Nẵng?", province="Quảng Nam")
    assert answer.notices == [], "Đà Nẵng's plans before 2025 are Quảng Nam's: nothing to warn about"
    assert "50%" in answer.answer


# ----------------------------------------------------------------- slots (no index needed)

def test_slots_tell_cues_provinces_years_and_topic_apart():
    slots = read_slots("còn Đồng Nai năm 2030 thì sao?", "vi")
    roles = {t.text: t.role for t in slots.tokens}
    assert roles["còn"] == "cue" and roles["sao"] == "cue" and roles["2030"] == "year"
    assert roles["Đồng"] == "province" and slots.topic_words == []
    folded = read_slots("con Dong Nai nam 2030 thi sao", "vi")
    assert [t.role for t in folded.tokens] == [t.role for t in slots.tokens[:len(folded.tokens)]]
    english = read_slots("What about fibre coverage?", "en")
    assert [t.text for t in english.topic_words] == ["fibre", "coverage"] and not english.has_frame()
    assert read_slots("And which sectors does it prioritise?", "en").has_frame()


def test_words_typed_with_diacritics_are_compared_with_them(assistant):
    # Rule "words compared as typed" (conversation._find, _topic_edit): folded, "thị" of
    # "đô thị" was the cue "thì", and "độ" of "mức độ 4" the "đô" of "đô thị".
    slots = read_slots("Bình Định sẽ xây dựng những đô thị thông minh nào đến năm 2025?", "vi")
    assert [t.text for t in slots.topic_words] == ["xây", "dựng", "đô", "thị", "thông", "minh"]
    assert {t.text: t.role for t in read_slots("con Dong Nai thi sao", "vi").tokens}["thi"] == "cue"
    _, then = converse(assistant, "Quảng Nam xây dựng những đô thị thông minh nào?",
                       "Còn dịch vụ công trực tuyến mức độ 4 thì sao?")
    assert "thị thông minh" not in then.understood and "mức độ 4" in then.understood


def test_a_place_word_is_content_unless_it_introduces_a_province():
    assert [t.role for t in read_slots("cấp tỉnh", "vi").tokens] == ["topic", "topic"]
    assert read_slots("tỉnh Hà Tĩnh", "vi").tokens[0].role == "generic"
    assert read_slots("tỉnh nào cao nhất", "vi").tokens[0].role == "generic"


def resolved(assistant, *questions: str) -> str | None:
    """How the last question is understood, each turn read against the ones before it
    (rewriting only: nothing is retrieved or answered)."""
    history: list[Answer] = []
    for question in questions:
        found = resolve(question, assistant.analyse(question), history, assistant.analyse,
                        assistant.provinces(), assistant.index.spellings)
        history.append(Answer(question=question, answer="", abstained=False, understood=found.understood))
    return found.understood


def test_a_bare_syllable_of_a_collection_pair_is_content(assistant):
    # Rule "a bare syllable of a collection pair is content" (conversation._paired_content):
    # folded, "tu" of "dien tu" was the question word "từ" and stayed behind when a
    # follow-up replaced the topic ("… ve tai khoan thanh toan tu dat bao nhieu").
    spellings = {"dien_tu": "điện_tử", "tai_khoan": "tài_khoản", "ty_trong": "tỷ_trọng"}
    roles = {t.text: t.role for t in read_slots("ty trong thuong mai dien tu dat bao nhieu", "vi", spellings).tokens}
    assert roles["tu"] == "topic"
    assert roles["ty"] == roles["dat"] == roles["bao"] == "generic", "question words the pairs do not change"
    assert roles["trong"] == "generic", "'tỷ trọng' is a measure phrase (generic), as 'tỷ lệ' is"
    assert {t.text: t.role for t in read_slots("dien tu dat bao nhieu", "vi").tokens}["tu"] == "generic"
    assert {t.text: t.role for t in read_slots("tu nam 2025", "vi", spellings).tokens}["tu"] == "generic"
    then = resolved(assistant, "dong nai phan dau ty trong thuong mai dien tu dat bao nhieu", "con ty le ho gia dinh co cap quang?")
    assert "tu" not in then.split() and "thuong mai" not in then and "cap quang" in then


def test_a_filler_word_is_not_grown_into_the_topic(assistant):
    # Rule "filler words are not measure words" (conversation._grown): "về" went into the
    # topic and took the place of the previous measure ("… bao nhiêu về hạ tầng").
    then = resolved(assistant, "dong nai dat muc tieu bao nhieu phan tram ho gia dinh co cap quang nam 2025",
                    "con chi tieu ve thanh toan dien tu?")
    assert "ve" not in then.split() and "phan tram thanh toan dien tu" in then


def test_a_follow_up_counting_nothing_counts_what_the_previous_question_counted(assistant):
    # Rule "the counted thing is carried" (conversation._counted).
    assert resolved(assistant, "How many dossiers has Nam Dinh received online?",
                    "And how many has it resolved?") == "How many dossiers has Nam Định resolved?"
    assert resolved(assistant, "Nam Định đã tiếp nhận bao nhiêu hồ sơ?",
                    "Giải quyết được bao nhiêu?") == "Giải quyết được bao nhiêu hồ sơ của Nam Định?"
    measured = resolved(assistant, "Nam Định đã tiếp nhận bao nhiêu hồ sơ?", "Còn tỷ lệ trực tuyến bao nhiêu phần trăm?")
    assert "hồ sơ" not in measured, "a follow-up that says what it measures keeps it"


def test_a_new_level_replaces_only_the_level(assistant):
    # Rule "the head word stays" (conversation._head_edit, _names_level).
    first = "What share of Quang Nam's commune-level work files should be processed online by 2025?"
    expected = "What share of Quảng Nam's {}-level work files should be processed online by 2025?"
    assert resolved(assistant, first, "and at provincial level?") == expected.format("provincial")
    assert resolved(assistant, first, "What about the district level?") == expected.format("district")
    share = resolved(assistant, "What is Dong Nai's e-commerce share of retail sales target for 2025?",
                     "what about the digital economy share?")
    assert "retail" not in share and "digital economy" in share, "only a level is a head word"


def test_ai_asks_in_words_of_its_own_and_an_acronym_is_content(assistant):
    # "ai" (who) is a frame word: "ai chịu trách nhiệm …" was put into the previous question
    # as its topic ("ke hoach ai chiu trach nhiem tham muu … duoc ban hanh ngay nao").
    assert resolved(assistant, "ke hoach chuyen doi so quang nam duoc ban hanh ngay nao",
                    "ai chiu trach nhiem tham muu ke hoach nay") == "Ai chiu trach nhiem tham muu ke hoach cua Quang Nam"
    # Rule "an acronym is content" (conversation._acronym): "AI" is no "ai".
    assert {t.text: t.role for t in read_slots("con ung dung AI thi sao", "vi").tokens}["AI"] == "topic"


# ----------------------------------------------------------------- the command line's batches

def test_conversations_keep_one_history_per_id():
    conversations = Conversations()
    a1, b1 = Answer("q", "a", False), Answer("r", "b", False)
    conversations.add({"conversation": "A"}, a1)
    conversations.add({"conversation": 7}, b1)
    conversations.add({}, Answer("lone", "x", False))
    assert conversations.history({"conversation": "A"}) == [a1]
    assert conversations.history({"conversation": "7"}) == [b1]
    assert conversations.history({"question": "no id"}) == []
    line = conversations.to_json({"conversation": "A"}, Answer("q", "a", False, understood="Q"))
    assert line["understood"] == "Q" and line["conversation"] == "A"


def test_a_batch_asks_lines_of_one_conversation_as_turns_in_order(assistant, tmp_path):
    batch = tmp_path / "turns.jsonl"
    batch.write_text("\n".join(json.dumps(line, ensure_ascii=False) for line in [
        {"id": "1", "conversation": "c1", "question": "What is Hà Tĩnh's 2025 e-payment target?"},
        {"id": "2", "conversation": "c2", "question": "muc tieu kinh te so Quang Nam 2025"},
        {"id": "3", "conversation": "c1", "question": "and Quảng Nam?"},
        {"id": "4", "conversation": "c2", "question": "còn Đồng Nai thì sao?"},
        {"id": "5", "question": "còn Đồng Nai thì sao?"},
    ]) + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "qa", "ask", "--batch", str(batch), "--index",
                           str(assistant.settings.index_dir)], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    lines = {line["id"]: line for line in map(json.loads, done.stdout.splitlines())}
    assert lines["1"]["understood"] is None and lines["1"]["conversation"] == "c1"
    assert lines["3"]["understood"] == "What is Quảng Nam's 2025 e-payment target?" and "50%" in lines["3"]["answer"]
    assert "Đồng Nai" in lines["4"]["understood"] and "20%" in lines["4"]["answer"]
    assert lines["5"]["understood"] is None and "conversation" not in lines["5"], "no id: no history"


# ----------------------------------------------------------------- the follow-up set and its scorer

def test_the_follow_up_set_has_60_conversations_of_2_or_3_turns_split_by_conversation(assistant):
    conversations, problems = followup.load_conversations(followup.DEFAULT_QUESTIONS)
    assert problems == []
    assert len(conversations) >= 60
    assert all(2 <= len(c) <= 3 for c in conversations)
    assert Counter(c[0]["split"] for c in conversations).keys() == {"dev", "test"}
    assert {c[0]["lang"] for c in conversations} == {"vi", "vi-nodiac", "en"}
    assert all(c[0]["carries"] == [] for c in conversations), "a first turn has nothing to carry"
    later = [t for c in conversations for t in c[1:]]
    assert sum(1 for t in later if not t["carries"]) >= 6, "topic changes that must not carry over"
    for what in followup.CARRIED:
        assert sum(1 for t in later if what in t["carries"]) >= 10, what
    text = "\n".join(assistant.document(d.doc_id).text for d in assistant.documents())
    for turn in (t for c in conversations for t in c):
        assert turn["evidence"] in text, turn["id"]
        assert all(named(p) == {p} for p in turn["expect_provinces"]), turn["id"]


def test_a_turn_counts_as_resolved_only_when_it_names_exactly_what_it_should():
    turn = {"expect_provinces": ["Đồng Nai"], "expect_years": [2025]}
    assert followup.resolved_right(turn, "muc tieu kinh te so Dong Nai 2025")
    assert not followup.resolved_right(turn, "mục tiêu kinh tế số Đồng Nai 2030")
    assert not followup.resolved_right(turn, "mục tiêu kinh tế số Đồng Nai và Quảng Nam 2025")
    assert not followup.resolved_right({"expect_provinces": [], "expect_years": []}, "Hà Tĩnh 2025")


def test_the_scorer_counts_turns_conversations_and_carried_turns():
    def record(cid: str, n: int, carries: list[str], correct: bool, resolved: bool = True) -> followup.TurnRecord:
        turn = {"id": f"{cid}-{n}", "turn": n, "carries": carries, "lang": "vi", "answers": ["x"], "question": "?"}
        return followup.TurnRecord(turn, Result(answer="x" if correct else "", abstained=False), None, correct,
                                   resolved)
    runs = [[record("a", 1, [], True), record("a", 2, ["province"], True)],
            [record("b", 1, [], True), record("b", 2, ["year"], False), record("b", 3, [], True, resolved=False)]]
    f = followup.figures(runs)
    assert f["turn_accuracy"] == 4 / 5
    assert f["followup_accuracy"] == 1 / 3 and f["resolution_accuracy"] == 2 / 3
    assert f["carried_accuracy"] == 1 / 2 and f["new_topic_accuracy"] == 0.0
    assert f["conversation_accuracy"] == 1 / 2
    assert f["by_carried"] == {"province": 1.0, "year": 0.0, "indicator": None}
    assert [x["id"] for x in followup.failures(runs)] == ["b-2", "b-3"]


def test_the_scorer_runs_a_conversation_through_the_assistant_with_its_history(assistant, tmp_path):
    path = tmp_path / "turns.jsonl"
    path.write_text("\n".join(json.dumps(t, ensure_ascii=False) for t in [
        {"id": "x1", "conversation": "x", "turn": 1, "question": "What is Hà Tĩnh's 2025 e-payment target?",
         "lang": "en", "kind": "fact", "answers": ["trên 30%"], "evidence": "đạt trên 30%", "split": "dev",
         "carries": [], "expect_provinces": ["Hà Tĩnh"], "expect_years": [2025]},
        {"id": "x2", "conversation": "x", "turn": 2, "question": "and Quảng Nam?", "lang": "en", "kind": "fact",
         "answers": ["trên 50%"], "evidence": "đạt trên 50%", "split": "dev", "carries": ["indicator", "year"],
         "expect_provinces": ["Quảng Nam"], "expect_years": [2025]},
        {"id": "y1", "conversation": "y", "turn": 1, "question": "muc tieu kinh te so Quang Nam 2025", "lang": "vi",
         "kind": "fact", "answers": ["10%"], "evidence": "10% GRDP", "split": "dev"},
        {"id": "y2", "conversation": "y", "turn": 2, "question": "còn Đồng Nai?", "lang": "xx"},
    ]) + "\n", encoding="utf-8")
    conversations, problems = followup.load_conversations(path)
    assert [c[0]["conversation"] for c in conversations] == ["x"], "a conversation with a bad line is left out"
    assert len(problems) == 2 and "'y' left out" in problems[1]
    run = followup.run_followup(conversations, assistant.ask)
    assert run["figures"]["followup_accuracy"] == 1.0 and run["failures"] == []
    assert "follow-up accuracy" in followup.table({**run, "split": "dev"})


@pytest.mark.parametrize("question", ["Hồ sơ giấy được lưu trữ tại Bộ phận Một cửa trong bao lâu?",
                                      "Trung tâm điều hành thông minh đặt ở đâu?", "ho so giay luu tru bao lau"])
def test_a_question_of_its_own_with_no_province_is_asked_as_typed(assistant, question):
    """"bao lâu", "ở đâu", "bao giờ", "tại sao" are question words (conversation_words.json
    "frame", "generic"): a question of its own in a collection of no province ("Hồ sơ giấy
    … trong bao lâu?" after a question on fees) was put into the previous question
    ("Lệ Hồ sơ giấy … trong bao lâu là bao nhiêu?")."""
    understood = resolved(assistant, "Lệ phí nộp hồ sơ trực tuyến trên Cổng Dịch vụ công quốc gia là bao nhiêu?", question)
    assert understood is None or "phí" not in understood and "bao nhiêu" not in understood, understood


def test_the_year_of_a_document_number_is_not_carried():
    """A document's number ("Nghị định 45/2026/NĐ-CP") names the year it was issued, not
    one the question is about (qa.text.years, read_slots)."""
    assert years("Nghị định 45/2026/NĐ-CP hết hiệu lực vào ngày nào?") == []
    assert years("ngày 14/9/2022, năm 2025") == [2022, 2025]
    assert not read_slots("Nghị định 45/2026/NĐ-CP hết hiệu lực vào ngày nào?", "vi").years


def test_the_scorer_asks_conversations_on_an_evaluator_s_documents_folder(tmp_path):
    """``--documents`` re-points the collection to a folder of the evaluator's, with that
    folder's own index under eval/cache (as ``python -m eval --documents`` does), and
    ``--index`` still wins; without it the collection's documents and index are kept."""
    from eval.runner import own_index
    from eval.sets import standard_sets

    folder = tmp_path / "docs"
    args = followup.build_parser().parse_args(["--set", "plans", "--documents", str(folder)])
    chosen = followup.collection_for(args)
    assert chosen.documents == folder and chosen.index == own_index(folder)
    assert chosen.index != standard_sets()["plans"].index
    args = followup.build_parser().parse_args(["--documents", str(folder), "--index", str(tmp_path / "ix")])
    assert followup.collection_for(args).index == tmp_path / "ix"
    plain = followup.collection_for(followup.build_parser().parse_args(["--set", "plans"]))
    assert plain.documents == standard_sets()["plans"].documents and plain.index == standard_sets()["plans"].index


def test_a_bare_level_replaces_only_the_level(assistant):
    # Rule "a bare level is the level" (conversation._head_edit, _level_named): "the
    # communes" put in whole asked for "the share of communes level".
    first = "What share of Quang Nam's work files should be processed online at the provincial level by 2025?"
    expected = "What share of Quảng Nam's work files should be processed online at the {} level by 2025?"
    assert resolved(assistant, first, "How about the communes?") == expected.format("commune")
    assert resolved(assistant, first, "and districts?") == expected.format("district")
    hyphen = "What share of Quang Nam's commune-level work files should be processed online by 2025?"
    assert resolved(assistant, hyphen, "what about the districts?") == \
        "What share of Quảng Nam's district-level work files should be processed online by 2025?"


def test_a_year_counted_from_the_conversation_s_is_written_in(assistant):
    # Rule "a year counted from the conversation's" (conversation.counted_years): "last
    # year's" was a topic ("… 2025 figure for the last year's?").
    from qa.answering.conversation import counted_years

    assert counted_years("What about last year's result?", "What is Ha Tinh's 2025 target?") == \
        "What about 2024 result?"
    assert counted_years("con nam ngoai?", "muc tieu Ha Tinh nam 2025") == "con nam 2024?", \
        "typed without diacritics, written without them"
    assert counted_years("Còn năm sau thì sao?", "Mục tiêu năm 2025") == "Còn năm 2026 thì sao?"
    assert counted_years("and 2030 compared with the year before?", "x 2025") == "and 2030 compared with 2029?", \
        "the follow-up's own year first"
    assert counted_years("and next year?", "targets for 2025 and 2030") is None, "no single year to count from"
    assert counted_years("And Quang Nam?", "x 2025") is None
    vi = resolved(assistant, "Mục tiêu kinh tế số của Hà Tĩnh năm 2025 là bao nhiêu?", "Còn năm ngoái?")
    assert years(vi) == [2024] and named(vi) == {"Hà Tĩnh"} and "kinh tế số" in vi
    en = resolved(assistant, "What is Ha Tinh's 2025 e-payment target?", "what about last year's result?")
    assert years(en) == [2024] and named(en) == {"Hà Tĩnh"} and "last" not in en and en.startswith("In fact")


def test_a_year_is_counted_from_the_year_asked_about_not_from_a_baseline():
    """counted_years reads each question's own years (``qa.text.own_years``), as the
    reader does: "so với năm 2023" is a comparison's baseline, not the year counted from."""
    from qa.answering.conversation import counted_years

    assert counted_years("Còn năm ngoái tăng bao nhiêu so với năm 2023?", "Chỉ số DTI của Hà Tĩnh năm 2025 xếp thứ mấy?") \
        == "Còn năm 2024 tăng bao nhiêu so với năm 2023?", "the follow-up's baseline is no year of its own"
    assert counted_years("con nam ngoai so voi nam 2023", "chi so DTI Ha Tinh nam 2025") == "con nam 2024 so voi nam 2023"
    assert counted_years("Năm ngoái thì sao?", "DTI năm 2025 tăng bao nhiêu bậc so với năm 2023?").lower() == \
        "năm 2024 thì sao?", \
        "the previous question's baseline is no year of its own either"
    assert counted_years("And last year, compared with 2023?", "What is Ha Tinh's DTI rank in 2025?") == \
        "And 2024, compared with 2023?"


@pytest.mark.parametrize("first, follow_up, kept", [
    ("Tỷ trọng kinh tế số trong GRDP của Quảng Nam năm 2025 là bao nhiêu?", "còn thương mại điện tử?",
     "tỷ trọng thương mại điện tử"),
    ("ty trong kinh te so trong GRDP cua Quang Nam nam 2025 la bao nhieu", "con thuong mai dien tu",
     "ty trong thuong mai dien tu"),
])
def test_ty_trong_is_a_measure_word_that_stays_with_a_new_indicator(assistant, first, follow_up, kept):
    # conversation_words.json generic "tỷ trọng" (rule "measure words go with the indicator"):
    # read as topic, "trọng" was replaced and "Tỷ thương mại điện tử …" asked nothing.
    out = resolved(assistant, first, follow_up)
    assert kept in out.lower() and "kinh" not in fold(out).lower()
    assert named(out) == {"Quảng Nam"} and years(out) == [2025]


def test_thi_bao_nhieu_is_a_cue_and_o_is_no_topic(assistant):
    # conversation_words.json: cue "thì bao nhiêu" (as "thì sao"), generic and filler "ở".
    first = "Tỷ lệ hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng của Hà Tĩnh năm 2025 là bao nhiêu?"
    level = resolved(assistant, first, "cấp huyện thì bao nhiêu?")
    assert "hồ sơ công việc cấp huyện" in level and named(level) == {"Hà Tĩnh"} and years(level) == [2025]
    place = resolved(assistant, first, "còn ở Đồng Nai?")
    assert "hồ sơ công việc cấp tỉnh" in place and named(place) == {"Đồng Nai"} and years(place) == [2025]
    bare = resolved(assistant, fold(first), "con o Dong Nai nam 2024")
    assert "ho so cong viec cap tinh" in bare and named(bare) == {"Đồng Nai"} and years(bare) == [2024]


def test_a_year_s_possessive_is_the_year(assistant):
    # Rule "a year's possessive is the year" (conversation._possessive_year): "2024's" was
    # a topic word ("… 2025 figure for the 2024's?").
    assert {t.text: t.role for t in read_slots("how about 2024's result?", "en").tokens}["2024"] == "year"
    out = resolved(assistant, "What is Ha Tinh's 2025 e-payment target?", "how about 2030's target?")
    assert years(out) == [2030] and "2030's" not in out and named(out) == {"Hà Tĩnh"}


def test_a_part_of_the_previous_topic_with_a_province_is_no_new_question(assistant):
    # Rule "a part of the previous topic" (conversation._part_of_previous): asked alone,
    # "Cấp xã của Đồng Nai năm 2024?" had lost the indicator.
    first = "Tỷ lệ hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng của Hà Tĩnh năm 2025 là bao nhiêu?"
    out = resolved(assistant, first, "còn cấp xã của Đồng Nai năm 2024?")
    assert "hồ sơ công việc cấp xã" in out and named(out) == {"Đồng Nai"} and years(out) == [2024]
    bare = resolved(assistant, fold(first), "con cap xa cua Dong Nai")
    assert "ho so cong viec cap xa" in bare and named(bare) == {"Đồng Nai"} and years(bare) == [2025]
    en = resolved(assistant, "What share of Quang Nam's work files should be processed online at the provincial "
                             "level by 2025?", "what about Dong Nai's communes?")
    assert en == "What share of Đồng Nai's work files should be processed online at the commune level by 2025?"
    fresh = resolved(assistant, first, "còn chữ ký số của Bến Tre thì sao?")
    assert "hồ sơ" not in fresh and years(fresh) == [], "a topic opening otherwise is a new question"


@pytest.mark.parametrize("first, follow_up, expected", [
    ("Who signed Ha Tinh's 2025 digital transformation plan?", "And Dong Nai's decision?",
     "Who signed Đồng Nai's 2025 digital transformation plan?"),
    ("Ai ký kế hoạch chuyển đổi số năm 2025 của Hà Tĩnh?", "còn quyết định của Đồng Nai?",
     "Ai ký kế hoạch chuyển đổi số năm 2025 của Đồng Nai?"),
])
def test_a_kind_of_document_is_no_topic_of_its_own(assistant, first, follow_up, expected):
    # conversation_words.json generic "decision", "quyết định", "đề án" (as "plan"): read as
    # a topic with a province, "And Ca Mau's decision?" was asked alone and not answered.
    assert resolved(assistant, first, follow_up) == expected


def test_a_window_is_a_word_or_two(assistant):
    # Rule "a window is a word or two" (conversation._topic_edit): folded, "ho" of "ho so"
    # (hồ) was the "ho" of "ho gia dinh" (hộ), and the four-word topic replaced a window
    # of it, leaving "quang" of "cap quang" behind.
    out = resolved(assistant, "ty le ho gia dinh co cap quang cua Dong Nai nam 2025 la bao nhieu",
                   "con ho so TTHC truc tuyen thi sao")
    assert out == "ty le ho so TTHC truc tuyen cua Dong Nai nam 2025 la bao nhieu"
    level = resolved(assistant, "ty le ho so cong viec cap tinh xu ly tren moi truong mang cua Dong Nai nam 2025",
                     "con cap xa?")
    assert "ho so cong viec cap xa xu ly" in level, "a word or two still replace their window"


@pytest.mark.parametrize("first, follow_up, expected", [
    ("How much is Ha Tinh's 2025 digital transformation budget?", "Same question for Dong Nai in 2030.",
     "How much is Đồng Nai's 2030 digital transformation budget?"),
    ("tong kinh phi chuyen doi so nam 2025 cua Ha Tinh la bao nhieu", "cau hoi tuong tu cho Dong Nai nam 2030",
     "tong kinh phi chuyen doi so nam 2030 cua Dong Nai la bao nhieu"),
])
def test_same_question_names_no_topic(assistant, first, follow_up, expected):
    # conversation_words.json generic and filler "question", "câu hỏi": read as a topic with
    # a province, "Same question for …" was asked alone ("Question for Tây Ninh in 2026.").
    assert resolved(assistant, first, follow_up) == expected


def test_a_follow_up_naming_a_province_with_its_old_name_is_no_comparison(assistant):
    """Rule "one territory is no comparison" (pipeline._one_plan_compared) is part of the
    question's analysis (``Assistant.analyse``): a follow-up, the standalone question it
    resolves to and the previous question meet it as a question asked alone does. Đà
    Nẵng and Quảng Nam, merged into it, where only Quảng Nam's plan is held, ask one
    plan's figure."""
    first, then = converse(assistant, "Tỷ lệ dân số có tài khoản thanh toán điện tử của Hà Tĩnh là bao nhiêu?",
                           "Đà Nẵng và Quảng Nam là bao nhiêu?")
    standalone = "Tỷ lệ dân số có tài khoản thanh toán điện tử của Đà Nẵng và Quảng Nam là bao nhiêu?"
    assert then.understood == standalone
    assert then.intent != "comparison" and {assistant.document(c.doc_id).province for c in then.citations} == {"Quảng Nam"}
    follow_up = "Đà Nẵng và Quảng Nam là bao nhiêu?"
    resolution = resolve(follow_up, assistant.analyse(follow_up), [first], assistant.analyse, assistant.provinces(),
                         assistant.index.spellings)
    assert resolution.text == standalone and not resolution.query.wants_comparison
    assert assistant.analyse("Tỷ lệ dân số có tài khoản thanh toán điện tử của Đồng Nai và Quảng Nam là bao nhiêu?"
                             ).wants_comparison, "two provinces, two plans: a comparison"


def test_a_documents_number_is_no_term(assistant):
    # Rule "a document's number is no term" (conversation.asks_of_document): "Số hiệu
    # quyết định là gì?" was read as a definition, asked without the province and refused.
    from qa.answering.conversation import asks_of_document
    then = resolved(assistant, "Quyết định phê duyệt đề án chuyển đổi số của Hà Tĩnh được ban hành ngày nào?",
                    "Số hiệu quyết định là gì?")
    assert then is not None and "Hà Tĩnh" in then and "Số hiệu quyết định" in then
    assert "Hà Tĩnh" in resolved(assistant, "Hà Tĩnh ban hành kế hoạch chuyển đổi số năm 2025 ngày nào?",
                                 "Người ký quyết định là gì?")
    assert resolved(assistant, "Mục tiêu kinh tế số của Hà Tĩnh năm 2025 là bao nhiêu?",
                    "Chính quyền số là gì?") is None, "a term is still a definition in a conversation"
    assert asks_of_document("Số hiệu quyết định là gì?", assistant.analyse("Số hiệu quyết định là gì?"))
    assert not asks_of_document("Quyết định hành chính là gì?", assistant.analyse("Quyết định hành chính là gì?"))
