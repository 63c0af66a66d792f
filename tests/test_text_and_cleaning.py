"""Cleaning removes web-page junk and nothing of substance; Vietnamese text handling."""

from __future__ import annotations

import json
import math
import re

import pytest
import rank_bm25

from qa.indexing.bm25 import B, K1, BM25Index, terms
from qa.documents.clean import (
    _NUMBERED_HEADER_LINE, _ROW_NUMBER_HEADER, clean, figures_with_their_unit, is_boilerplate, signature_cells, take_date,
)
from qa.config import PROJECT_ROOT
from qa.documents.ingest import detect_province
from qa.retrieval.query import analyse, detect_language, restore_diacritics
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


def test_question_words_get_their_own_spellings_and_the_collections_pairs_still_win():
    # A collection where "bao", "co", "nhat" and "dau" are mostly other words, as in plans.
    spellings = {"bao": "báo", "nhieu": "nhiều", "co": "cơ", "nhat": "nhật", "dau": "đấu",
                 "co_quan": "cơ_quan", "cap_nhat": "cập_nhật", "ty_le": "tỷ_lệ"}
    assert restore_diacritics("gom bao nhieu", spellings) == "gom bao nhiêu"
    assert restore_diacritics("co ty le cao nhat o dau", spellings) == "có tỷ lệ cao nhất ở đâu"
    assert restore_diacritics("co quan nao cap nhat", spellings) == "cơ quan nào cập nhật"


def test_a_document_codes_letters_are_not_restored_in_either_case():
    # The collection spells "tu" as "tử" and "kh" as "kh" of no code: a code stays as typed.
    spellings = {"tu": "tử", "nghi_quyet": "nghị_quyết", "ke_hoach": "kế_hoạch", "ubnd": "ubnđ"}
    assert restore_diacritics("nghi quyet 09-NQ/TU", spellings) == "nghị quyết 09-NQ/TU"
    assert restore_diacritics("ke hoach 59/kh-ubnd tu", spellings) == "kế hoạch 59/kh-ubnd tử"
    assert restore_diacritics("ty le 24/63 tu", spellings) == "ty le 24/63 tử"  # no code: a figure


def test_a_lone_syllable_is_spelt_as_the_pair_agreeing_with_its_neighbour():
    # "học kỳ" is chosen; "kỳ hè" agrees with its "kỳ", so "he" is "hè", not the frequent "hệ".
    spellings = {"hoc_ky": "học_kỳ", "ky_he": "kỳ_hè", "he": "hệ", "ky_thi": "kỳ_thi", "thi": "thì"}
    counts = {"hoc_ky": 100, "ky_he": 5}
    assert restore_diacritics("hoc ky he", spellings, lambda k: counts.get(k, 1)) == "học kỳ hè"
    # a pair that disagrees with the neighbour's chosen spelling says nothing
    assert restore_diacritics("ky thi he", {"ky_thi": "kỳ_thi", "thi_he": "thị_hè", "he": "hệ"}) == "kỳ thi hệ"


def test_overlapping_pairs_are_chosen_by_their_counts_not_greedily_from_the_left():
    # "so ho" (số hỗ, from "số hỗ trợ") overlaps "ho so" (hồ sơ); "da tiep" overlaps "tiep nhan".
    spellings = {"tong": "tổng", "so": "số", "ho": "hồ", "nhan": "nhân", "da": "đa", "so_ho": "số_hỗ", "ho_so": "hồ_sơ",
                 "da_tiep": "đã_tiếp", "tiep_nhan": "tiếp_nhận"}
    chunks = {"so_ho": 3, "ho_so": 40, "da_tiep": 5, "tiep_nhan": 30}
    restored = restore_diacritics("tong so ho so da tiep nhan", spellings, lambda t: chunks.get(t, 0))
    # "da", left out of the pairs, is spelt as "đã tiếp" has it, agreeing with the chosen
    # "tiếp" (_spelt_by_neighbour), not as the single "đa".
    assert restored == "tổng số hồ sơ đã tiếp nhận"
    # Without counts every pair weighs the same: of equal totals the earlier pair wins.
    assert restore_diacritics("tong so ho so", spellings) == "tổng số hỗ số"


@pytest.mark.parametrize("question, lang", [
    ("What is Hà Tĩnh's 2025 e-payment target?", "en"),
    ("muc tieu kinh te so Dong Nai 2025", "vi"),
    ("Mục tiêu kinh tế số của Đồng Nai?", "vi"),
    ("Dong Nai digital economy target", "en"),
    ("ty le ho gia dinh co cap quang", "vi"),
    # Lower-case abbreviations without a vowel are no English words.
    ("kh cds 2026 nghe an quyet dinh so", "vi"),
    ("kts lao cai 2025 bao nhieu % grdp", "vi"),
    ("tay ninh phu song 5g 2026", "vi"),
    ("What is the dvctt rate of Lao Cai?", "en"),
    # Nor are the plan abbreviations with a vowel (abbreviations.tsv), typed in lower case.
    ("son la muc tieu dti 2025", "vi"),
    ("quang ngai dti 2024 diem so", "vi"),
    ("ubnd tinh ioc", "vi"),
    ("What is the DTI of Son La?", "en"),
    ("dti ranking 2024 son la", "en"),
    # A document's number code keeps its issuer's letters (Đ) and says nothing of the language.
    ("When was Ba Ria - Vung Tau's decision 968/QĐ-UBND issued?", "en"),
    ("Which decree replaced 47/2020/NĐ-CP?", "en"),
    ("quyet dinh 968/QĐ-UBND ban hanh ngay nao", "vi"),
    ("Quyết định 968/QĐ-UBND ban hành ngày nào?", "vi"),
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


# ---------------------------------------------------------------- structure-preserving cleaning

ARTICLE = ("Tỉnh Hòa Lạc đẩy mạnh chuyển đổi số năm 2025\n\n" + "Tỉnh đặt mục tiêu phát triển chính quyền số. " * 8
           + "\n\n")


@pytest.mark.parametrize("line", ["TT", "STT", "IV.", "UBND", "KH-UBND"])
def test_a_short_capitals_line_in_the_last_third_does_not_cut_what_follows(line):
    raw = ARTICLE + "Đoạn thứ hai của kế hoạch.\n\n" + line + "\n\n" + "Nội dung tiếp theo của kế hoạch vẫn được giữ."
    assert "Nội dung tiếp theo của kế hoạch vẫn được giữ." in clean(raw).text


def test_a_closing_byline_cuts_the_teasers_but_not_numbered_content():
    teasers = "M.T\n\nBí thư tỉnh khác: chuyển đổi số để cải cách\n\nBí thư tỉnh khác: chuyển đổi số để cải cách"
    cleaned = clean(ARTICLE + "Kết thúc bài viết.\n\n" + teasers)
    assert "M.T" not in cleaned.text and "Bí thư" not in cleaned.text
    structured = ARTICLE + "Đoạn cuối.\n\nN.H.A\n\nIII. TỔ CHỨC THỰC HIỆN\n\n1. Sở TT&TT chủ trì thực hiện."
    assert "1. Sở TT&TT chủ trì thực hiện." in clean(structured).text


def test_repeated_item_lines_survive_and_a_repeated_caption_does_not():
    raw = ("Ảnh: Lễ ra mắt nền tảng số của tỉnh.\n\nẢnh: Lễ ra mắt nền tảng số của tỉnh.\n\n"
           "a) Xây dựng kho dữ liệu dùng chung.\n- Cơ quan chủ trì: Sở TT&TT.\n"
           "b) Phát triển nền tảng định danh.\n- Cơ quan chủ trì: Sở TT&TT.\n")
    text = clean(raw).text
    assert text.count("- Cơ quan chủ trì: Sở TT&TT.") == 2
    assert text.count("Lễ ra mắt nền tảng số") == 1


def test_hard_wrapped_lines_are_joined_back_into_sentences():
    raw = ("I. MỤC ĐÍCH,\nYÊU CẦU\n1. Cụ thể hóa sự lãnh đạo, chỉ\nđạo của Tỉnh ủy về chuyển đổi số trên địa bàn,\n"
           "bảo đảm đạt các chỉ tiêu chung của cả nước.\n2. Yêu cầu\nXác định rõ nhiệm vụ của từng cơ quan.")
    assert clean(raw).text.split("\n\n") == [
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Cụ thể hóa sự lãnh đạo, chỉ đạo của Tỉnh ủy về chuyển đổi số trên địa bàn, bảo đảm đạt các chỉ tiêu "
        "chung của cả nước.",
        "2. Yêu cầu",
        "Xác định rõ nhiệm vụ của từng cơ quan.",
    ]


def test_a_wrapped_sentence_continues_past_a_short_line_until_it_ends():
    body = ["Thực hiện Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt Chương",
            "trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030; Quyết định số 942/QĐ-TTg",
            "ngày 15/6/2021 của Thủ tướng Chính phủ phê duyệt Chiến lược phát triển Chính phủ điện",
            "tử hướng tới",
            "Chính phủ số giai đoạn 2021-2025, UBND tỉnh đã tập trung chỉ đạo triển khai thực hiện.",
            "Mục tiêu cụ thể",
            "Năm 2025, 80% hồ sơ công việc được xử lý trên môi trường mạng của tỉnh và các huyện."]
    raw = "\n".join(["I. TÌNH HÌNH THỰC HIỆN NĂM 2024 TRÊN ĐỊA BÀN TỈNH"] + body * 2)
    paragraphs = clean(raw).text.split("\n\n")
    assert any("điện tử hướng tới Chính phủ số giai đoạn 2021-2025" in p for p in paragraphs)
    assert "Mục tiêu cụ thể" in paragraphs  # a heading of one line stays its own line


def _wide_plan(width: int) -> list[str]:
    """A plan hard-wrapped at ``width``: short one-line items and headings among wrapped
    tasks, each wrap cutting before a capitalised agency name."""
    lines = ["KẾ HOẠCH", "CHUYỂN ĐỔI SỐ NĂM 2025", "I. MỤC TIÊU CỤ THỂ"]
    lines += [f"{c}) Tỷ lệ hồ sơ được xử lý trực tuyến toàn trình đạt {50 + i}%." for i, c in enumerate("abcdefghij")]
    lines.append("II. NHIỆM VỤ TRỌNG TÂM")
    for i in range(10):
        head = f"- Nhiệm vụ {i + 1}: triển khai hạ tầng số, nền tảng dữ liệu dùng chung và dịch vụ công trực tuyến "
        head += "toàn trình cho người dân, doanh nghiệp trên địa bàn các huyện phía Bắc của tỉnh"
        head = head[:width - 8 + i % 6].rsplit(" ", 1)[0]
        lines += [head, f"Viễn thông tỉnh chủ trì, hoàn thành trong quý {i % 4 + 1}/2025."]
    return lines


def test_a_text_wrapped_at_a_wide_column_is_read_from_its_lines_cut_mid_sentence():
    from qa.documents.clean import mid_sentence_width, wrap_width
    lines = _wide_plan(150)
    assert wrap_width(lines) is not None and wrap_width(lines) >= 130
    paragraphs = clean("\n".join(lines)).text.split("\n\n")
    assert sum(p.startswith("- Nhiệm vụ") and " Viễn thông tỉnh chủ trì" in p for p in paragraphs) == 10
    assert not any(p.startswith("Viễn thông tỉnh") for p in paragraphs)
    assert "II. NHIỆM VỤ TRỌNG TÂM" in paragraphs and "a) Tỷ lệ hồ sơ được xử lý trực tuyến toàn trình đạt 50%." in paragraphs
    # a web page: one line per paragraph, unpunctuated headings of every length between them
    page = []
    for i in range(12):
        page += ["Tin tức " + "sự kiện " * i, "Tỉnh đẩy mạnh chuyển đổi số trong cơ quan nhà nước. " * (3 + i % 4)]
    assert mid_sentence_width(page) is None and wrap_width(page) is None


def test_both_wrap_widths_take_one_measure_of_a_band_below_the_wrap_column():
    """``_wrap_band``, shared by ``wrap_width`` and ``mid_sentence_width``: the length at
    the 80th percentile, and the lengths from 75% to 105% of it."""
    from qa.documents.clean import _wrap_band
    assert _wrap_band(sorted([30] * 2 + [60] * 3 + [80] * 5)) == (80, 8)  # 60 and 80 are in 60..84
    assert _wrap_band(sorted([30] * 2 + [59] * 3 + [80] * 5)) == (80, 5)  # 59 falls below it


def test_a_table_flattened_one_cell_per_line_comes_back_as_rows_with_headers():
    raw = "\n\n".join(["Tình hình thực hiện các chỉ tiêu năm 2024:", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đánh giá",
                      "- Dịch vụ công trực tuyến toàn trình", "80%", "85,5%", "Vượt",
                      "- Hồ sơ xử lý trên môi trường mạng", "90%", "90%", "Đạt"])
    rows = [line for line in clean(raw).text.split("\n") if " | " in line]
    assert rows == ["Chỉ tiêu | Kế hoạch | Thực hiện | Đánh giá",
                    "Chỉ tiêu: - Dịch vụ công trực tuyến toàn trình | Kế hoạch: 80% | Thực hiện: 85,5% | Đánh giá: Vượt",
                    "Chỉ tiêu: - Hồ sơ xử lý trên môi trường mạng | Kế hoạch: 90% | Thực hiện: 90% | Đánh giá: Đạt"]


@pytest.mark.parametrize("after, cut_off_row", [
    ([], "Chỉ tiêu: - Cơ sở dữ liệu chuyên ngành | Kế hoạch: 40% | Thực hiện: 30"),
    (["Các nhiệm vụ khác tiếp tục triển khai."], None),  # not the end of the text: left as lines
])
def test_a_page_cut_off_in_its_table_s_last_row_keeps_that_row(after, cut_off_row):
    raw = "\n\n".join(["Tình hình thực hiện các chỉ tiêu năm 2024:", "Chỉ tiêu", "Kế hoạch", "Thực hiện", "Đánh giá",
                      "- Dịch vụ công trực tuyến toàn trình", "80%", "85,5%", "Vượt",
                      "- Hồ sơ xử lý trên môi trường mạng", "90%", "90%", "Đạt",
                      "- Cơ sở dữ liệu chuyên ngành", "40%", "30", *after])
    rows = [line for line in clean(raw).text.split("\n") if " | " in line]
    assert len(rows) == 3 + (cut_off_row is not None)
    if cut_off_row:
        assert rows[-1] == cut_off_row


TASKS = ["III. NHIỆM VỤ TRỌNG TÂM", "STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian hoàn thành",
         "1", "Xây dựng Trung tâm điều hành thông minh (IOC) cấp tỉnh", "Sở Khoa học và Công nghệ", "Quý III/2025",
         "2", "Triển khai nền tảng bản đồ số dùng chung", "Sở Nông nghiệp và Môi trường", "Quý IV/2025",
         "IV. KINH PHÍ", "Tổng kinh phí dự kiến 125.500 triệu đồng."]


@pytest.mark.parametrize("gap", ["\n", "\n\n"])
def test_a_numbered_task_table_flattened_one_cell_per_line_comes_back_as_rows(gap):
    text = clean(gap.join(TASKS)).text
    lines = [line for line in text.split("\n") if line]
    assert lines[:4] == [
        "III. NHIỆM VỤ TRỌNG TÂM",  # "STT" is not glued to the heading as a wrapped line
        "STT | Nhiệm vụ | Cơ quan chủ trì | Thời gian hoàn thành",
        "STT: 1 | Nhiệm vụ: Xây dựng Trung tâm điều hành thông minh (IOC) cấp tỉnh | "
        "Cơ quan chủ trì: Sở Khoa học và Công nghệ | Thời gian hoàn thành: Quý III/2025",
        "STT: 2 | Nhiệm vụ: Triển khai nền tảng bản đồ số dùng chung | "
        "Cơ quan chủ trì: Sở Nông nghiệp và Môi trường | Thời gian hoàn thành: Quý IV/2025"]
    assert "Tổng kinh phí dự kiến 125.500 triệu đồng." in lines


def test_a_numbered_table_with_a_missing_cell_is_not_put_under_the_wrong_headers():
    missing = TASKS[:11] + TASKS[12:]  # row 2 lost its agency: its cells would shift
    text = clean("\n\n".join(missing)).text
    assert "STT: " not in text and "Thời gian hoàn thành: IV." not in text  # one whole row is no table
    assert "Sở Khoa học và Công nghệ" in text and "IV. KINH PHÍ" in text
    out_of_order = TASKS[:9] + ["3"] + TASKS[10:]
    assert "STT: " not in clean("\n\n".join(out_of_order)).text


# A target table as layout-preserving PDF text gives it: cells separated by runs of spaces, the
# long cells wrapped onto the next line under their own column, a page break inside the table.
ALIGNED = ["2. Các chỉ tiêu chủ yếu được giao tại bảng sau:",
           "",
           "STT   Chỉ tiêu                                Đơn vị   Năm 2025   Năm 2030   Cơ quan chủ trì",
           "",
           "1     Tỷ lệ hồ sơ thủ tục hành chính được     %        60         90         Sở Khoa học và",
           "      giải quyết trực tuyến toàn trình                                       Công nghệ",
           "2     Tỷ trọng kinh tế số trong GRDP          %        12         25         Sở Tài chính",
           "      của tỉnh",
           "",
           "",
           "                                          1",
           "Kế hoạch chuyển đổi số tỉnh Hòa Lạc giai đoạn 2025 - 2030",
           "",
           "3     Số doanh nghiệp công nghệ số            DN       450        1.000      Sở Tài chính",
           "4     Tỷ lệ trường học triển khai học bạ số   %        70         100        Sở Giáo dục và",
           "                                                                             Đào tạo",
           "",
           "Ghi chú: chỉ tiêu năm 2030 được rà soát sau khi Chỉ số DTI năm 2027 được công bố."]


def test_a_table_laid_out_with_spaces_comes_back_as_rows_with_their_wrapped_cells_and_header():
    lines = clean("\n".join(ALIGNED)).text.split("\n")
    assert lines[2:5] == [
        "STT | Chỉ tiêu | Đơn vị | Năm 2025 | Năm 2030 | Cơ quan chủ trì",
        "STT: 1 | Chỉ tiêu: Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình | Đơn vị: % | "
        "Năm 2025: 60% | Năm 2030: 90% | Cơ quan chủ trì: Sở Khoa học và Công nghệ",
        "STT: 2 | Chỉ tiêu: Tỷ trọng kinh tế số trong GRDP của tỉnh | Đơn vị: % | Năm 2025: 12% | Năm 2030: 25% | "
        "Cơ quan chủ trì: Sở Tài chính"]
    # the rows after the page break take the header of the table they continue
    assert "STT: 4 | Chỉ tiêu: Tỷ lệ trường học triển khai học bạ số | Đơn vị: % | Năm 2025: 70% | Năm 2030: 100% | " \
           "Cơ quan chủ trì: Sở Giáo dục và Đào tạo" in lines
    assert "Ghi chú: chỉ tiêu năm 2030 được rà soát sau khi Chỉ số DTI năm 2027 được công bố." in lines


@pytest.mark.parametrize("raw", [
    # a title block's two columns and a signature: two cells a line
    "ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n  TỈNH HÒA LẠC            Độc lập - Tự do - Hạnh phúc",
    "Đề nghị các sở, ngành phối hợp thực hiện.\nNơi nhận:                TM. ỦY BAN NHÂN DÂN\n"
    "- Như trên;              KT. CHỦ TỊCH\n- Lưu: VT.               PHÓ CHỦ TỊCH",
    # one line of three cells is no table
    "Số liệu   năm 2024   theo báo cáo\nKinh tế số chiếm 12% GRDP của tỉnh.",
    # double spaces in prose, not on common columns
    "Thực hiện 100% thủ tục;  tỷ lệ dữ liệu số đạt 60%;  chế độ báo cáo qua hệ thống.\n"
    "Kinh tế số chiếm 12% GRDP của tỉnh;  doanh nghiệp số đạt 450;  hạ tầng số đạt chuẩn.",
    # paragraphs wider than a printed line whose repeated opening puts the gaps at one place
    "\n".join("TOEIC đạt từ  %d - dưới %d, %s  sẽ được miễn  Anh văn %d." % (n, n + 50, "IELTS 3.5, " * 20, i)
              for i, n in enumerate((350, 400, 450))),
])
def test_lines_with_runs_of_spaces_that_are_no_table_are_left_as_they_were(raw):
    assert " | " not in clean(raw).text


# The same kind of table copied from a PDF viewer: one row a line, its cells run together with single spaces.
COPIED = ["3. Một số chỉ tiêu chủ yếu",
          "STT Chỉ tiêu Đơn vị Thực hiện 2025 Kế hoạch 2026",
          "1 Tỷ lệ hồ sơ TTHC giải quyết trực tuyến toàn trình % 48,5 65",
          "2 Tỷ lệ dân số trưởng thành có VNeID mức độ 2 % 71 80",
          "3 Tỷ lệ hộ gia đình được phủ cáp quang băng rộng đến từng",
          "thôn, ấp % 86 92",
          "III. NHIỆM VỤ, GIẢI PHÁP"]


def test_a_numbered_table_copied_with_single_spaces_comes_back_as_rows_under_its_header():
    lines = clean("\n".join(COPIED)).text.split("\n")
    assert lines[2:6] == [
        "STT | Chỉ tiêu | Đơn vị | Thực hiện 2025 | Kế hoạch 2026",
        "STT: 1 | Chỉ tiêu: Tỷ lệ hồ sơ TTHC giải quyết trực tuyến toàn trình | Đơn vị: % | Thực hiện 2025: 48,5% | "
        "Kế hoạch 2026: 65%",
        # the label's own figure ("mức độ 2") stays in it: every row has three trailing cells
        "STT: 2 | Chỉ tiêu: Tỷ lệ dân số trưởng thành có VNeID mức độ 2 | Đơn vị: % | Thực hiện 2025: 71% | "
        "Kế hoạch 2026: 80%",
        # a label wrapped onto the next line is joined into its row
        "STT: 3 | Chỉ tiêu: Tỷ lệ hộ gia đình được phủ cáp quang băng rộng đến từng thôn, ấp | Đơn vị: % | "
        "Thực hiện 2025: 86% | Kế hoạch 2026: 92%"]
    assert lines[-1] == "III. NHIỆM VỤ, GIẢI PHÁP"


def test_a_copied_table_whose_header_cannot_be_split_keeps_its_rows_bare():
    raw = "\n".join(["STT Hạng mục đầu tư năm sau 2025 2026"] + COPIED[2:4])
    lines = [line for line in clean(raw).text.split("\n") if line]
    assert lines == ["STT Hạng mục đầu tư năm sau 2025 2026",
                     "1 | Tỷ lệ hồ sơ TTHC giải quyết trực tuyến toàn trình | % | 48,5 | 65",
                     "2 | Tỷ lệ dân số trưởng thành có VNeID mức độ 2 | % | 71 | 80"]


@pytest.mark.parametrize("raw", [
    # numbered lines that end with no figure: a list, not a table
    "STT Nhiệm vụ Cơ quan chủ trì\n1 Xây dựng kho dữ liệu dùng chung\n2 Triển khai nền tảng số",
    # a single row is no table
    "STT Chỉ tiêu Đơn vị Kế hoạch 2025\n1 Tỷ lệ hồ sơ trực tuyến % 80\nKinh tế số chiếm 12% GRDP.",
    # no row-number header before the numbered lines
    "Chỉ tiêu Đơn vị Kế hoạch 2025\n1 Tỷ lệ hồ sơ trực tuyến % 80\n2 Tỷ lệ văn bản điện tử % 95",
])
def test_numbered_lines_that_are_no_copied_table_are_left_to_the_other_rules(raw):
    assert " | " not in clean(raw).text


@pytest.mark.parametrize("headers, cells, expected", [
    (["STT", "Chỉ tiêu", "Đơn vị", "Năm 2025", "Năm 2030"], ["1", "Tỷ lệ hồ sơ", "%", "60", "90,5"],
     ["1", "Tỷ lệ hồ sơ", "%", "60%", "90,5%"]),
    # a count, a year or a figure that has its sign already are not shares to sign
    (["TT", "Chỉ tiêu", "ĐVT", "Năm", "Kế hoạch"], ["2", "Tỷ lệ", "%", "2025", "75%"],
     ["2", "Tỷ lệ", "%", "2025", "75%"]),
    # a "." before exactly three digits groups thousands: "1.000" is a count, no share;
    # before fewer it is a decimal point ("12.5")
    (["STT", "Chỉ tiêu", "Đơn vị", "Năm 2025", "Năm 2030"], ["4", "Tỷ lệ hồ sơ", "%", "1.000", "12.5"],
     ["4", "Tỷ lệ hồ sơ", "%", "1.000", "12.5%"]),
    # a unit that is a word is not written onto the figures
    (["STT", "Chỉ tiêu", "Đơn vị tính", "Năm 2030"], ["3", "Số doanh nghiệp công nghệ số", "DN", "450"],
     ["3", "Số doanh nghiệp công nghệ số", "DN", "450"]),
    # no unit column: nothing changes
    (["Chỉ tiêu", "Kế hoạch", "Thực hiện"], ["Tỷ lệ hồ sơ", "80", "85"], ["Tỷ lệ hồ sơ", "80", "85"]),
])
def test_a_row_whose_unit_column_is_a_sign_has_it_on_its_figures(headers, cells, expected):
    assert figures_with_their_unit(headers, cells) == expected


@pytest.mark.parametrize("header", ["STT", "TT", "Số TT", "so tt", "stt."])
def test_a_row_number_header_is_the_same_alone_and_run_together_with_the_others(header):
    """The row-number header's words are written once (``_ROW_NUMBER_ABBREVIATIONS``):
    a header alone on its line and one opening a header row run together agree."""
    assert _ROW_NUMBER_HEADER.match(header)
    assert _NUMBERED_HEADER_LINE.match(f"{header} Chỉ tiêu Đơn vị Kế hoạch 2026")


def test_thu_tu_heads_a_column_alone_but_opens_no_header_row():
    assert _ROW_NUMBER_HEADER.match("Số thứ tự") and _ROW_NUMBER_HEADER.match("Thứ tự")
    assert not _NUMBERED_HEADER_LINE.match("Thứ tự ưu tiên các nhiệm vụ năm 2026")


def test_cleaning_reports_the_characters_it_removed():
    raw = "Chia sẻ bài viết\n-------\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nKinh tế số chiếm 20% GRDP của tỉnh."
    cleaned = clean(raw)
    assert cleaned.text == "Kinh tế số chiếm 20% GRDP của tỉnh."
    assert cleaned.removed_chars == len("Chiasẻbàiviết-------CỘNGHÒAXÃHỘICHỦNGHĨAVIỆTNAM")
    assert clean("Kinh tế số chiếm 20% GRDP.\n\n- Cơ quan chủ trì: Sở TT&TT.").removed_chars == 0


def test_a_date_in_a_table_cell_further_down_is_kept():
    cells = "\n".join(["Nhiệm vụ hoàn thành trước", "31/12/2025"] * 10)
    assert "31/12/2025" in clean(ARTICLE + cells).text


SHARED_PLANS = PROJECT_ROOT.parent / "shared" / "plans"
DEV_PROVINCES = ("ba_ria_vung_tau bac_lieu binh_dinh binh_thuan da_nang dong_thap ha_nam hai_phong hung_yen "
                 "lang_son ninh_binh quang_binh thai_nguyen tp_ho_chi_minh vinh_phuc").split()


@pytest.mark.skipif(not SHARED_PLANS.is_dir(), reason="needs ../shared/plans (the real plan excerpts)")
def test_real_dev_plans_keep_their_words_and_official_ones_their_metadata():
    from qa.documents.chunking import chunk_document
    from qa.documents.ingest import load_document
    from qa.documents.structure import title_block

    files = [p for p in sorted(SHARED_PLANS.glob("*.txt")) if re.sub(r"_\d+$", "", p.stem) in DEV_PROVINCES]
    assert len(files) >= 20
    for path in files:
        raw = path.read_text(encoding="utf-8")
        doc = load_document(path, SHARED_PLANS, {})
        assert doc.removed_chars < 0.15 * len(raw), path.name
        assert not re.fullmatch(r"[\W\d_]*|ỦY BAN NHÂN DÂN|MỚI NHẤT|.{0,12}", doc.title), (path.name, doc.title)
        if re.search(r"^Số:\s*\d", raw, re.MULTILINE) or "\nSố:\n" in raw:
            block = title_block(doc.text)
            assert block.number and block.date and block.issuer, (path.name, block)
        chunks = chunk_document(doc)
        assert len(chunks) <= max(3, len(doc.text) // 250), path.name
        assert all(len(c.text) <= 600 for c in chunks)


def test_the_national_motto_goes_from_the_title_block_only():
    raw = ("ỦY BAN NHÂN DÂN TỈNH HÒA LẠC\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
           "Số: 12/QĐ-UBND\nĐiều 2. Nội dung của bằng tốt nghiệp gồm:\n1. Tiêu đề:\n"
           "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n"
           "2. Không lợi dụng mạng để chống lại Nhà nước Cộng hòa xã hội chủ nghĩa Việt Nam.")
    text = clean(raw).text
    assert text.count("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") == 1 and text.count("Độc lập - Tự do - Hạnh phúc") == 1
    assert "chống lại Nhà nước Cộng hòa xã hội chủ nghĩa Việt Nam." in text
    assert text.index("Số: 12/QĐ-UBND") < text.index("CỘNG HÒA")


def test_a_long_stretch_without_any_punctuation_is_removed_and_counted():
    stuffing = " ".join(["chuyển đổi số tỉnh kế hoạch"] * 2000)  # ~56,000 characters, no punctuation
    cleaned = clean("Kế hoạch chuyển đổi số năm 2025.\n" + stuffing + "\nMục tiêu: 80% hồ sơ được xử lý trực tuyến.")
    assert cleaned.text == "Kế hoạch chuyển đổi số năm 2025.\n\nMục tiêu: 80% hồ sơ được xử lý trực tuyến."
    assert cleaned.removed_chars >= len(stuffing.replace(" ", ""))


def test_a_long_legal_sentence_with_commas_is_kept_whole():
    sentence = "Người học phải hoàn thành học phần, " * 150 + "và nộp đơn."  # 5,400 characters
    assert clean(sentence).text == sentence


def test_a_decisions_signature_before_the_regulation_it_issues_is_read_as_its_signer():
    """Rule "a decision's signature comes before what it issues" (clean.signature_block)."""
    raw = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG TRỊ\nSố: 27/2026/QĐ-UBND\nQuảng Trị, ngày 05 tháng 02 năm 2026\n\n"
           "QUYẾT ĐỊNH\nBan hành Quy chế chia sẻ dữ liệu\n\nCăn cứ Luật Dữ liệu ngày 30 tháng 11 năm 2024;\n\n"
           "QUYẾT ĐỊNH:\n\nĐiều 1. Ban hành kèm theo Quyết định này Quy chế chia sẻ dữ liệu.\n\n"
           "Điều 2. Quyết định này có hiệu lực kể từ ngày 20 tháng 02 năm 2026.\n\n"
           "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\nLê Văn Cường\n\n"
           "QUY CHẾ\nCHIA SẺ DỮ LIỆU TRÊN ĐỊA BÀN TỈNH QUẢNG TRỊ\n"
           "(Ban hành kèm theo Quyết định số 27/2026/QĐ-UBND ngày 05 tháng 02 năm 2026)\n\n"
           "Điều 1. Phạm vi điều chỉnh\nQuy chế này quy định việc chia sẻ dữ liệu.\n\n"
           + "".join(f"Điều {n}. Trách nhiệm của cơ quan thứ {n}\n1. Cập nhật dữ liệu dùng chung.\n"
                     f"2. Báo cáo Sở Khoa học và Công nghệ trước ngày {n} tháng 12 hằng năm.\n\n" for n in range(3, 20))
           + "Điều 2. Kinh phí\nKinh phí thực hiện Quy chế này do ngân sách nhà nước bảo đảm.\n")  # longer than the last 40 lines
    text = clean(raw).text
    assert "Người ký: Lê Văn Cường (TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH)" in text
    assert text.index("Người ký:") < text.index("QUYẾT ĐỊNH\n") and "\nLê Văn Cường" not in text
    assert "(Ban hành kèm theo Quyết định số 27/2026/QĐ-UBND" in text and "Điều 2. Kinh phí" in text


def test_a_signature_laid_out_in_a_word_table_cell_is_read_as_the_signer():
    """Rule "a signature laid out in a table cell" (clean.signature_cells): a .docx
    decision's closing row "recipients | office and name" names its signer."""
    raw = ("ỦY BAN NHÂN DÂN\nTỈNH CÀ MAU\nSố: 1235/QĐ-UBND\nCà Mau, ngày 05 tháng 7 năm 2024\n\n"
           "QUYẾT ĐỊNH\nPhê duyệt Đề án phát triển kinh tế số\n\nCăn cứ Luật Tổ chức chính quyền địa phương;\n\n"
           "QUYẾT ĐỊNH:\n\nĐiều 1. Phê duyệt Đề án.\n\nĐiều 2. Quyết định này có hiệu lực kể từ ngày ký./.\n\n"
           "Nơi nhận: - Như Điều 2; - Lưu: VT. | KT. CHỦ TỊCH PHÓ CHỦ TỊCH (Đã ký) Nguyễn Minh Luân\n")
    text = clean(raw).text
    assert "Người ký: Nguyễn Minh Luân (KT. CHỦ TỊCH PHÓ CHỦ TỊCH)" in text
    assert text.index("Người ký:") < text.index("QUYẾT ĐỊNH\n") and "Nơi nhận: - Như Điều 2" in text


@pytest.mark.parametrize("cell", ["GIÁM ĐỐC Sở Y tế Cà Mau", "CHỦ TỊCH UBND tỉnh", "Chủ tịch Nguyễn Văn A"])
def test_a_table_cell_naming_an_office_but_no_signer_is_left_as_it_was(cell):
    lines = ["Điều 3. Thi hành.", "", f"Nơi nhận: - Lưu: VT. | {cell}"]
    assert signature_cells(lines) == lines


@pytest.mark.parametrize("line, furniture", [
    ("Tải văn bản | Lưu | Theo dõi hiệu lực | In", True),
    ("Văn bản liên quan | Lược đồ | Nội dung MIX | Tiếng Anh", True),
    ("Thứ Hai, 13/01/2025 | Đăng nhập | Đăng ký | Liên hệ quảng cáo", True),
    ("Tiếng Anh | 80%", False),  # a table row
    ("In", False),
    ("Lưu trữ dữ liệu | Tiếng Anh", False),
])
def test_the_tool_bars_of_legal_portals_and_news_sites_are_page_furniture(line, furniture):
    assert is_boilerplate(line) is furniture


def test_a_news_pages_related_articles_after_its_heading_are_cut():
    """Rule "a news page's list of other articles" (clean.cut_related_teasers)."""
    body = ("Năm 2025, tỉnh xác định 3 lĩnh vực ưu tiên chuyển đổi số là nông nghiệp, du lịch và thương mại "
            "điện tử. Tổng kinh phí bố trí cho chuyển đổi số năm 2025 là 152 tỷ đồng.\n")
    raw = ("Trang chủ > Chuyển đổi số\n" + body * 3 + "Thạch Minh Hải\nTin liên quan\n"
           "Cần Thơ ra mắt Trung tâm IOC\nBạc Liêu: Đẩy mạnh thanh toán không dùng tiền mặt\n")
    text = clean(raw).text
    assert "152 tỷ đồng" in text and "Cần Thơ" not in text and "Bạc Liêu" not in text
    assert "Trang chủ" not in text  # a breadcrumb is page furniture
    # what follows the heading is the document going on (a numbered section): nothing is cut
    going_on = body * 5 + "Xem thêm\nII. NHIỆM VỤ\n1. Phát triển hạ tầng số tại Cần Thơ\n"
    assert "Cần Thơ" in clean(going_on).text


def test_a_word_title_block_cells_rule_is_dropped_and_the_issuer_stands_alone():
    """_split_title_block_row: the dashes under "ỦY BAN NHÂN DÂN / TỈNH CÀ MAU" in a Word
    table cell are no hyphen joining the next line to the issuer."""
    raw = ("ỦY BAN NHÂN DÂN TỈNH CÀ MAU ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc "
           "---------------\nSố: 1235/QĐ-UBND | Cà Mau, ngày 05 tháng 7 năm 2024\nQUYẾT ĐỊNH\n"
           "Phê duyệt Đề án phát triển kinh tế số\nCăn cứ Luật Tổ chức chính quyền địa phương;\n")
    lines = clean(raw).text.split("\n")
    assert lines[0] == "ỦY BAN NHÂN DÂN TỈNH CÀ MAU" and "Số: 1235/QĐ-UBND" in lines and "---" not in clean(raw).text


@pytest.mark.parametrize("line, rest, date", [
    ("Cập nhật lúc: 08:15, 13/01/2025 | Tác giả: Thạch Minh Hải | In bài", "Tác giả: Thạch Minh Hải | In bài", "2025-01-13"),
    ("Ngày đăng: 20/10/2025 | Lượt xem: 19", "Lượt xem: 19", "2025-10-20"),
    ("Cập nhật lúc: 08:15, 13/01/2025", "", "2025-01-13"),
    ("Thứ Hai, 13/01/2025 | Đăng nhập | Đăng ký", "Thứ Hai, 13/01/2025 | Đăng nhập | Đăng ký", None),  # the day it was read
    ("Năm 2024 | 80%", "Năm 2024 | 80%", None),
])
def test_a_news_pages_meta_row_is_dated_by_its_posted_cell(line, rest, date):
    """Rule "a news page's meta row" (clean._posted_cell)."""
    assert take_date(line) == (rest, date)


@pytest.mark.parametrize("text, expected", [
    ("Tỷ lệ hồ sơ thanh toán trực tuyến đạt 46,2%, tăng gần 20 điểm phần trăm so với năm 2023", []),
    ("Năm 2024 đạt 57%, so với cùng kỳ năm 2023 tăng 5%", [2024]),
    ("chi so DTI tang bao nhieu bac so voi nam 2022", []),  # typed without diacritics
    ("In 2024 the share rose 5 points compared with 2023", [2024]),
    ("đến năm 2025 đạt 80%, năm 2030 đạt 100%", [2025, 2030]),
])
def test_a_comparisons_baseline_year_is_not_a_year_the_text_is_about(text, expected):
    """Rule "a baseline year is not the year a text is about" (text.own_years)."""
    from qa.text import own_years
    assert own_years(text) == expected


def test_a_question_measuring_against_a_year_asks_about_no_year_of_its_own():
    from qa.retrieval.query import analyse
    assert analyse("chi so DTI cua bac giang tang bao nhieu bac so voi nam 2022", {}).years == ()
    assert analyse("DTI năm 2023 tăng bao nhiêu bậc so với năm 2022?", {}).years == (2023,)


def test_a_question_typed_bare_but_for_its_province_name_is_restored():
    """Rule "a province name written with its diacritics" (query.analyse): "Phú Thọ co bao
    nhieu phuong" is typed without diacritics all the same, its words restored as in "phu
    tho co bao nhieu phuong"; and its level nouns are read folded (reader.levels_named)."""
    from qa.answering.reader import levels_named
    spellings = {"co": "có", "phuong": "phường"}
    mixed = analyse("Phú Thọ co bao nhieu phuong", spellings)
    bare = analyse("phu tho co bao nhieu phuong", spellings)
    assert mixed.concepts == bare.concepts and "phường" in mixed.dense_text
    assert levels_named("Ty le ho so truc tuyen cap huyen cua Sơn La") == frozenset({"district"})
    assert levels_named("nâng cấp xã hội số của Sơn La") == frozenset()


def test_every_document_number_pattern_is_built_from_one_shared_number():
    """qa.text.CODE_NUMBER/CODE_INITIAL: the number, year and code's first capital that
    DOCUMENT_CODE, NUMBER_CODE, reader._DOCNUMBER and candidates._NUMBER_LINE share; each
    differs only where its use asks (spaces as typed, a code's tail, a "Số:" label)."""
    from qa.answering import candidates, reader
    from qa.documents import structure
    from qa.retrieval import query
    from qa.text import CODE_INITIAL, CODE_NUMBER, DOCUMENT_CODE, NUMBER_CODE

    head = re.compile(rf"{CODE_NUMBER}[/-]{CODE_INITIAL}")
    for code in ("968/QĐ-UBND", "137/2024/NĐ-CP", "05-NQ/TU", "5473/BTTTT-KTS&XHS", "193/2025/QH15"):
        assert head.match(code), code
    for text in ("2021-2025", "14/9/2022", "24/63 tỉnh", "QĐ-UBND", "năm 2025"):
        assert not head.search(text), text
    assert query.DOCUMENT_CODE is DOCUMENT_CODE and structure.NUMBER_CODE is reader.NUMBER_CODE is NUMBER_CODE
    for pattern in (DOCUMENT_CODE, NUMBER_CODE, reader._DOCNUMBER, candidates._NUMBER_LINE):
        assert CODE_NUMBER in pattern.pattern and CODE_INITIAL in pattern.pattern


@pytest.mark.parametrize("text, code", [
    ("Quyết định 968/QĐ-UBND về chuyển đổi số", "968/QĐ-UBND"),
    ("theo Nghị định 137/2024/NĐ-CP", "137/2024/NĐ-CP"),
    ("Nghị quyết 05-NQ/TU của Tỉnh ủy", "05-NQ/TU"),
    ("Công văn 5473/BTTTT-KTS&XHS", "5473/BTTTT-KTS&XHS"),
    ("Tờ trình 28/TTr- SKHCN", "28/TTr- SKHCN"),
    ("kế hoạch 86 /KH-UBND", "86 /KH-UBND"),
])
def test_a_questions_document_code_is_read_whole_as_typed(text, code):
    """qa.text.DOCUMENT_CODE: a question's code with the spaces people type around its separators."""
    from qa.text import DOCUMENT_CODE

    assert [m.group() for m in DOCUMENT_CODE.finditer(text)] == [code]


@pytest.mark.parametrize("text", [
    "giai đoạn 2021-2025", "ngày 14/9/2022", "xếp thứ 24/63 tỉnh", "mã QĐ-UBND", "4G/5G", "tỷ lệ 36,8%",
])
def test_ranges_dates_ratios_and_bare_letters_are_no_document_code(text):
    """qa.text.DOCUMENT_CODE, NUMBER_CODE and reader._DOCNUMBER: a code's number is followed by
    a capital; a range, a date, a ratio or letters without a number are not codes."""
    from qa.answering.reader import _DOCNUMBER
    from qa.text import DOCUMENT_CODE, NUMBER_CODE

    assert not DOCUMENT_CODE.search(text) and not NUMBER_CODE.search(text) and not _DOCNUMBER.search(text)


def test_a_passages_number_keeps_its_tail_and_a_codes_kind_is_its_first_word():
    """reader._DOCNUMBER reads a passage's code whole, a legislature's digits too ("QH15"),
    where DOCUMENT_CODE stops at its letters; NUMBER_CODE gives the word naming its kind."""
    from qa.answering.reader import _DOCNUMBER
    from qa.text import DOCUMENT_CODE, NUMBER_CODE

    text = "Luật số 193/2025/QH15"
    assert _DOCNUMBER.search(text).group() == "193/2025/QH15"
    assert DOCUMENT_CODE.search(text).group() == "193/2025/QH"
    assert [m.group(1) for m in NUMBER_CODE.finditer("72/KH-UBND và 05-NQ/TU, 12/2024/NQ-HĐND; 5511/BKHCN-CĐSQG")] == [
        "KH", "NQ", "NQ", "BKHCN"]


def test_a_markdown_tables_header_rule_keeps_its_header_with_its_rows():
    """Rule "a table's header rule is no break" (clean.is_header_rule): under a Markdown
    table's header row, "|---|---|---|" is no separator line: the rows below are written
    with their headers, so a row says which figure was planned and which was reached. A
    rule line after prose is still dropped as a separator."""
    from qa.documents.clean import clean, is_header_rule
    raw = ("2. Kết quả các chỉ tiêu\n| Chỉ tiêu | Kế hoạch năm 2025 | Thực hiện năm 2025 |\n|---|:---:|---|\n"
           "| Tỷ lệ hộ có cáp quang | 70% | 66,2% |\n| Kinh tế số trong GRDP | 9% | 8,1% |\n|\nĐoạn sau.\n---\nHết.")
    text = clean(raw).text
    assert ("Chỉ tiêu: Tỷ lệ hộ có cáp quang | Kế hoạch năm 2025: 70% | Thực hiện năm 2025: 66,2%") in text
    assert "Thực hiện năm 2025: 8,1%" in text
    assert "---" not in text
    assert is_header_rule("--- | :---: | ---") and not is_header_rule("---") and not is_header_rule("a | ---")


def test_a_lone_pipe_line_between_a_header_row_and_its_rows_is_no_break():
    """Rule "table debris inside a table is no break" (clean.is_table_debris): a "|" line
    left between a table's header row and its rows no longer cuts the header off, so the
    rows are written "Header: cell"; after the table's last row it still ends the table."""
    from qa.documents.clean import clean
    raw = ("2. Chỉ tiêu năm 2026\n| STT | Chỉ tiêu | Đơn vị | Năm 2026 |\n|\n| 1 | Tỷ lệ hộ có cáp quang | % | 75 |\n"
           "| 2 | Doanh nghiệp công nghệ số | doanh nghiệp | 120 |\n|\n3. Nhiệm vụ\nTriển khai nền tảng số.")
    text = clean(raw).text
    assert "STT: 1 | Chỉ tiêu: Tỷ lệ hộ có cáp quang | Đơn vị: % | Năm 2026: 75%" in text, text
    assert "Năm 2026: 120\n\n3. Nhiệm vụ" in text


def test_a_decisions_signature_is_read_before_the_plan_it_names_without_a_note():
    """Rule "a decision names what it attaches" (clean.issued_attachment_start): a decision
    printed with its plan, "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch …", then its
    signature, then "KẾ HOẠCH" with no "(Kèm theo …)" note: the plan opens at that line,
    and the decision's signature block before it is written "Người ký: …"."""
    from qa.documents.clean import clean
    body = "\n".join(f"{n}. Nội dung thứ {n} của kế hoạch." for n in range(1, 30))
    raw = ("ỦY BAN NHÂN DÂN\nTỈNH HÒA LÂM\nSố: 15/QĐ-UBND\nHòa Lâm, ngày 03 tháng 3 năm 2026\nQUYẾT ĐỊNH\n"
           "Ban hành Kế hoạch chuyển đổi số năm 2026\nCăn cứ Luật Tổ chức chính quyền địa phương;\nQUYẾT ĐỊNH:\n"
           "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số tỉnh Hòa Lâm năm 2026.\n"
           "Điều 2. Quyết định có hiệu lực kể từ ngày ký.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nTrần Văn Khải\n\nKẾ HOẠCH\n"
           f"Chuyển đổi số tỉnh Hòa Lâm năm 2026\nI. MỤC TIÊU\n{body}\nII. TỔ CHỨC THỰC HIỆN\n" + body)
    text = clean(raw).text
    assert "Người ký: Trần Văn Khải (KT. CHỦ TỊCH PHÓ CHỦ TỊCH)" in text, text[:600]
    unnamed = raw.replace("kèm theo Quyết định này Kế hoạch", "Kế hoạch")
    assert "Người ký:" not in clean(unnamed).text  # nothing says what the decision attaches
