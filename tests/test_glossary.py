"""Plan vocabulary as data: English questions get the plans' Vietnamese, and an abbreviation
on either side (question or passage) matches its full form on the other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from datafiles import copied_data_dir
from qa.retrieval import glossary
from qa.indexing.bm25 import BM25Index, terms
from qa.data import DataFileError
from qa.retrieval.glossary import abbreviation_key, expand_abbreviations, full_forms, translate
from qa.retrieval.query import analyse
from qa.text import fold, words


@pytest.mark.parametrize("question, vietnamese", [
    ("How many citizens should have a VNeID account?", "định danh điện tử"),
    ("What share of public services are end-to-end online?", "toàn trình"),
    ("How many businesses issue e-invoices?", "hóa đơn điện tử"),
    ("How many officials use digital signatures?", "chữ ký số"),
    ("Which big data platforms will be built?", "dữ liệu lớn"),
    ("Where will artificial intelligence be applied?", "trí tuệ nhân tạo"),
    ("How many community digital technology teams were set up?", "tổ công nghệ số cộng đồng"),
    ("What DTI ranking does the plan aim for?", "chỉ số chuyển đổi số"),
    ("When will the intelligent operations centre open?", "trung tâm điều hành thông minh"),
    ("What share of online public services are level 4?", "dịch vụ công trực tuyến"),
    ("How many dossiers go through the one-stop shop?", "một cửa"),
    ("Is the LGSP connected to the national platform?", "lgsp"),
    ("Which hamlets have fibre?", "thôn"),
    ("Which agency is the standing body for the plan?", "cơ quan thường trực"),
    ("Which agency is the focal point for the scheme?", "cơ quan đầu mối"),
    ("Who monitors the plan's implementation?", "theo dõi"),   # monitor -> monitors
    ("Who is monitoring the plan?", "giám sát"),
    ("Who heads the provincial Department of Home Affairs?", "giám đốc"),   # the head of a department
    # officials' own English for indicators every plan lists (the English floor check)
    ("How many open datasets will the province publish?", "bộ dữ liệu mở"),
    ("How many open datasets will the province publish?", "công bố"),
    ("What share of businesses sign contracts electronically?", "hợp đồng"),
    ("What percentage of communes have dedicated IT staff?", "chuyên trách"),
    ("What percentage of communes have dedicated IT staff?", "cán bộ"),
    ("What share of adults own smartphones?", "điện thoại thông minh"),
    ("What share of dossiers were settled on time?", "đúng hạn"),
    ("What share of dossiers were settled on time?", "giải quyết"),
    ("What share of residential areas have 5G coverage?", "khu dân cư"),
    ("What share of the labour force works in the digital economy?", "lực lượng lao động"),
    ("Which schools use digital school records?", "học bạ"),
    ("How much do private sources contribute?", "xã hội hóa"),
    ("By when must communes and wards draw up their plans?", "phường"),
    ("By when must communes and wards draw up their plans?", "xây dựng"),
    ("By how many places did the province climb in the DTI ranking?", "tăng"),
    ("How many tasks had not been started by the end of November?", "triển khai"),
    ("How many tasks had not been started by the end of November?", "tháng 11"),
    ("Which villages are extremely disadvantaged?", "đặc biệt khó khăn"),
    ("Which body leads Project 06 with the provincial police?", "công an"),
    ("Who builds the traceability system for shrimp?", "truy xuất nguồn gốc"),
    ("What share of social welfare payments are cashless?", "an sinh xã hội"),
    ("What share of pensions are paid without cash?", "lương hưu"),
    ("How much socialised funding does the plan include?", "xã hội hóa"),
    ("How much of the state budget goes to the scheme?", "ngân sách nhà nước"),
    ("When will the smart operations centre open?", "trung tâm điều hành"),
    # the grounds every plan cites and the results it reports, in an official's English
    ("Which decree on digital data does the decision cite?", "nghị định"),
    ("Which Politburo resolution does the plan build on?", "bộ chính trị"),
    ("When did the provincial party committee adopt its resolution?", "ban chấp hành đảng bộ"),
    ("When did the provincial party committee adopt its resolution?", "ban hành"),
    ("Which city party committee resolution does the plan implement?", "thành ủy"),
    ("How many indicators were met or exceeded?", "vượt"),
    ("What was the estimated digital economy revenue in 2024?", "doanh thu"),
    ("What was the estimated digital economy revenue in 2024?", "ước tính"),
    ("What share of certified products are sold online?", "chứng nhận"),
    ("How many agencies have anti-malware software?", "mã độc"),
    # a ministry report's English on plans and their news pages (the second English check on
    # the dev provinces' real pages)
    ("How many priority tasks does the plan set?", "nhiệm vụ trọng tâm"),
    ("What did the provincial party secretary say?", "bí thư"),
    ("What position did the province hold nationally?", "đứng thứ"),
    ("How many dossiers were settled online in the first half of 2024?", "6 tháng đầu năm"),
    ("How many community technology teams were set up?", "cộng đồng"),
    ("How many firms per thousand inhabitants?", "nghìn"),
    ("What does the project on universalising digital skills aim for?", "phổ cập"),
    ("Which urban areas become smart cities?", "đô thị"),
    ("How many servers does the data centre run?", "máy chủ"),
    ("For how many years in a row has the city led the DTI?", "liên tiếp"),
    ("How is the political system reorganised?", "hệ thống chính trị"),
    ("How many targets were achieved?", "hoàn thành"),
    # plan vocabulary from the documents' side (bench/vocab_terms.py): frequent terms of the
    # plans' indicator and target lines that no row reached
    ("What share of adults own a smartphone?", "trưởng thành"),  # "người dân trưởng thành"
    ("What did the province rank nationally?", "xếp thứ"),
    ("How many billion VND does the plan cost?", "tỷ đồng"),
    ("How many state agencies use the shared platform?", "cơ quan nhà nước"),
    ("What is the plan's general objective?", "mục tiêu chung"),
    ("How many OCOP products are sold online?", "ocop"),
    ("How many cooperatives sell online?", "hợp tác xã"),
    ("How many industrial parks have fibre?", "khu công nghiệp"),
    ("Are classified documents sent on the network?", "văn bản mật"),
    ("What funding comes from other lawful sources?", "hợp pháp"),
    ("How many residents have a digital identity?", "danh tính điện tử"),
    ("How many business households sell online?", "hộ kinh doanh"),
    ("How many mobile dead zones remain?", "lõm sóng"),
    ("What share of rural households have fibre?", "nông thôn"),
    ("How is the digital divide narrowed for ethnic minorities?", "khoảng cách số"),
    ("How is the digital divide narrowed for ethnic minorities?", "dân tộc thiểu số"),
    ("By how many percentage points did the index grow?", "điểm phần trăm"),
    ("What was the provincial average?", "bình quân"),
])
def test_an_english_question_gets_the_plans_vietnamese(question, vietnamese):
    assert vietnamese in translate(question).terms


@pytest.mark.parametrize("question, not_vietnamese", [
    ("Where are first aid stations?", "trí tuệ nhân tạo"),  # "ai" does not take in "aid"
    ("Who signed the decision?", "chữ ký số"),  # signing is not a digital signature
    ("Does the plan mention heart disease?", "trung tâm"),
    ("How many homes have internet access?", "wifi"),
    ("What may the province march towards?", "tháng 5"),   # "may" and "march" are verbs as often as months
    ("What may the province march towards?", "tháng 3"),
    ("How many dossiers were settled online in the first half of 2024?", "đầu tiên"),  # a half year, not a first
    ("How many state agencies use the shared platform?", "sở"),  # "state agency" wins over "agency" (cơ quan|sở)
    ("What is the human resources target?", "nguồn lực"),  # "human resources" wins over "resource"
])
def test_a_word_is_not_translated_by_another_words_entry(question, not_vietnamese):
    assert not_vietnamese not in translate(question).terms


@pytest.mark.parametrize("question, vietnamese", [
    ("Which agencies run the document system?", "cơ quan"),        # agency -> agencies
    ("Which bodies were issued certificates?", "chứng thư"),        # certificate -> certificates
    ("How many households are using e-wallets?", "hộ gia đình"),    # a plural of a longer phrase's last word
    ("Which projects were planned for 2025?", "dự án"),
])
def test_plural_and_verb_endings_of_a_glossary_word_are_found(question, vietnamese):
    assert vietnamese in translate(question).terms


@pytest.mark.parametrize("question, vietnamese", [
    ("When will the operation centre open?", "trung tâm điều hành"),   # "operations center": an inner word singular
    ("Which public services portals are used?", "dịch vụ công"),       # "public service": the first word plural
])
def test_an_inner_word_of_a_glossary_phrase_is_found_in_either_number(question, vietnamese):
    assert vietnamese in translate(question).terms


def test_an_inner_word_in_the_other_number_is_matched_by_a_row_added_in_one_number(data_dir):
    path = data_dir / "glossary.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "harbour authority\tcảng vụ\n", encoding="utf-8")
    assert "cảng vụ" in translate("Which harbours authorities are digitised?").terms
    assert "cảng vụ" in translate("Which harbor authority is digitised?").terms
    assert "cảng vụ" not in translate("Which harbouring authority is digitised?").terms  # plural only, no verb ending


@pytest.mark.parametrize("word, forms", [
    ("operations", ["operations", "operation"]),
    ("service", ["service", "services"]),
    ("agency", ["agency", "agencies"]),
    ("facilities", ["facilities", "facility"]),
    ("switch", ["switch", "switches"]),
    ("business", ["business"]),   # -ss, -us, -is and short words keep their form
    ("status", ["status"]),
    ("it", ["it"]),
])
def test_numbers_gives_the_singular_and_the_plural(word, forms):
    assert glossary.numbers(word) == forms


@pytest.mark.parametrize("word", ["gives", "names", "lists", "mentions", "stating", "targeted", "what"])
def test_a_stop_word_in_any_inflection_is_a_stop_word(word):
    assert glossary.is_stopword(word)


@pytest.mark.parametrize("word", ["noted", "thing", "ones", "wed", "retail"])
def test_a_word_that_only_looks_like_an_inflected_short_stop_word_is_not_one(word):
    # "noted" is no form of "not", nor "thing" of "the": only stop words of four letters or
    # more are inflected
    assert not glossary.is_stopword(word)


def test_an_inflected_stop_word_is_not_counted_untranslated():
    assert "gives" not in translate("Which report gives the results of the plan?").untranslated
    assert "names" not in translate("Which plan names the most priority sectors?").untranslated
    assert "noted" in translate("What has the report noted about the portal?").untranslated


@pytest.mark.parametrize("question, word", [
    ("Who spoke at Tech4life 2024?", "tech4life"),
    ("How many monuments will be digitised in 3D?", "3d"),
    ("Which agencies have moved to IPv6?", "ipv6"),
])
def test_a_name_with_digits_is_one_untranslated_word(question, word):
    untranslated = translate(question).untranslated
    assert word in untranslated
    assert not {"tech", "life", "ipv"} & set(untranslated)


@pytest.mark.parametrize("question, not_word", [
    ("Where did the province rank, 10th or 12th?", "10th"),   # an ordinal
    ("How did the 2010s plans compare?", "2010s"),              # a decade
    ("Which plan implements Resolution 05-NQ/TU?", "05-nq"),    # part of a document's code
    ("How many households have 4G?", "4g"),                     # a glossary phrase
])
def test_an_ordinal_a_code_or_a_glossary_phrase_is_no_name_with_digits(question, not_word):
    assert not_word not in translate(question).untranslated


def test_a_name_with_digits_is_found_in_a_passage_as_the_index_cuts_it():
    from qa.answering.term_sets import term_set

    for word in translate("Who spoke at Tech4life 2024 about 3D maps?").untranslated:
        if any(ch.isdigit() for ch in word):
            assert word in term_set("Tại Tech4Life 2024, bản đồ 3D được giới thiệu")


@pytest.mark.parametrize("word, forms, not_forms", [
    ("agency", ("agency", "agencies"), ("agencys",)),
    ("manage", ("manages", "managed", "managing"), ("manag",)),
    ("plan", ("plans", "planned", "planning"), ("planner",)),
    ("ai", ("ai", "ais"), ("aid",)),
])
def test_inflected_takes_the_english_endings(word, forms, not_forms):
    import re

    pattern = re.compile(rf"^{glossary.inflected(word)}$")
    assert all(pattern.match(f) for f in forms)
    assert not any(pattern.match(f) for f in not_forms)


@pytest.mark.parametrize("word, others", [
    ("digitise", ("digitize",)),
    ("digitisation", ("digitization",)),
    ("analyse", ("analyze",)),
    ("centre", ("center",)),
    ("fibres", ("fibers",)),
    ("labour", ("labor",)),
    ("licence", ("license",)),
    ("programme", ("program",)),
])
def test_spellings_gives_the_british_and_american_forms_either_way(word, others):
    assert glossary.spellings(word)[0] == word and set(others) <= set(glossary.spellings(word))
    assert all(word in glossary.spellings(o) for o in others)


@pytest.mark.parametrize("word", ["for", "ai", "e", "data", "household"])
def test_spellings_leaves_a_word_without_a_variant_alone(word):
    assert glossary.spellings(word) == [word]


@pytest.mark.parametrize("british, american", [
    ("How many records were digitised?", "How many records were digitized?"),
    ("households with fibre broadband", "households with fiber broadband"),
    ("the smart city operations centres", "the smart city operations centers"),
    ("the labour force trained", "the labor force trained"),
])
def test_a_british_and_an_american_question_get_the_same_vietnamese(british, american):
    assert translate(british).terms == translate(american).terms != []


def test_a_spelling_the_glossary_lists_once_is_found_in_the_other(data_dir):
    path = data_dir / "glossary.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "harbour\tbến cảng\ncolourfulness\tsắc màu\n", encoding="utf-8")
    assert "bến cảng" in translate("Which harbors are digitized?").terms
    assert "sắc màu" not in translate("colorfulness").terms  # -our only at a word's end


def test_a_compound_written_apart_or_together_pools_its_translations(data_dir):
    path = data_dir / "glossary.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "e ticket\tvé điện tử\neticket\tvé số hóa\n", encoding="utf-8")
    apart, together, hyphen = (set(translate(q).terms) for q in ("e ticket", "etickets", "e-ticket"))
    assert apart == together == hyphen == {"vé điện tử", "vé số hóa"}


def test_the_glossary_lists_each_word_in_one_spelling():
    """``spellings`` finds the other one: a second entry would only repeat the first."""
    from itertools import product

    entries = glossary.glossary()
    for english in entries:
        variants = {" ".join(w) for w in product(*(glossary.spellings(x) for x in english.split(" ")))}
        assert not (variants - {english}) & set(entries), english


def test_a_compound_the_glossary_writes_both_ways_gets_all_its_translations():
    assert set(translate("cyber security drills").terms) >= {"an ninh mạng", "an toàn thông tin mạng", "diễn tập"}


@pytest.mark.parametrize("spellings", [
    ("TT&TT", "TTTT", "TT-TT", "tt&tt"),
    ("GD&ĐT", "GDĐT", "GD-ĐT", "gd&đt"),
    ("KT-XH", "KTXH"),
    ("NN&PTNT", "NNPTNT"),
    ("KH&CN", "KHCN"),
])
def test_the_spellings_of_an_abbreviation_fold_to_one_key(spellings):
    assert len({abbreviation_key(s) for s in spellings}) == 1
    assert all(full_forms(s) == full_forms(spellings[0]) != () for s in spellings)


@pytest.mark.parametrize("abbreviation, full", [
    ("Sở TTTT", "Sở Thông tin và Truyền thông"),
    ("Sở TT&TT", "Sở Thông tin và Truyền thông"),
    ("HĐND tỉnh", "Hội đồng nhân dân tỉnh"),
    ("UBND tỉnh", "Ủy ban nhân dân tỉnh"),
    ("phát triển KT-XH", "phát triển kinh tế - xã hội"),
    ("Sở NN&PTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
    ("Sở GD&ĐT", "Sở Giáo dục và Đào tạo"),
    ("BCĐ chuyển đổi số", "Ban Chỉ đạo chuyển đổi số"),
    ("chỉ số DTI", "chỉ số chuyển đổi số"),
    ("Trung tâm IOC", "Trung tâm điều hành thông minh"),
    ("ứng dụng CNTT", "ứng dụng công nghệ thông tin"),
    ("Kế hoạch CĐS", "Kế hoạch chuyển đổi số"),
    ("Sở KH&CN", "Sở Khoa học và Công nghệ"),
])
def test_an_abbreviation_has_the_terms_of_its_full_form(abbreviation, full):
    assert set(terms(abbreviation)) >= {fold(w) for w in words(full)}


def test_a_question_is_expanded_like_a_passage():
    assert {"thong", "tin", "truyen"} <= set(analyse("Sở TTTT chủ trì nhiệm vụ nào?", {}).bm25_terms)


@pytest.mark.parametrize("question, passage", [
    ("Sở Thông tin và Truyền thông chủ trì", "Giao Sở TT&TT chủ trì triển khai nền tảng"),
    ("Sở TTTT chủ trì", "Giao Sở Thông tin và Truyền thông chủ trì triển khai nền tảng"),
    ("Sở TT-TT chủ trì", "Giao Sở TT&TT chủ trì triển khai nền tảng"),
])
def test_bm25_matches_an_abbreviation_and_its_full_form_either_way(question, passage):
    index = BM25Index.build([passage, "Giao Sở Tài chính chủ trì bố trí kinh phí", "Sở Y tế triển khai hồ sơ sức khỏe"])
    scores = index.scores(terms(question))
    assert scores.argmax() == 0 and scores[0] > scores[1]


def test_every_spelling_of_an_abbreviation_also_shares_one_term():
    assert "tttt" in expand_abbreviations(["tt&tt"]) and "tttt" in expand_abbreviations(["tt-tt"])
    assert expand_abbreviations(["ai", "hà"]) == []  # "ai" (who) is no abbreviation


def test_the_vocabulary_files_load_with_every_entry_translated():
    assert all(glossary.glossary().values()) and len(glossary.glossary()) > 300
    assert all(glossary.abbreviations().values())
    assert {"the", "what", "plan"} <= glossary.english_stopwords()


# ------------------------------------------------------------------ the data files

@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Iterator:
    yield from copied_data_dir(tmp_path, monkeypatch, (glossary.glossary, glossary.abbreviations, glossary._phrases))


def test_a_bad_glossary_row_names_its_file_and_line(data_dir):
    path = data_dir / "glossary.tsv"
    lines = path.read_text(encoding="utf-8").splitlines() + ["E-Invoice\thóa đơn điện tử"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"glossary.tsv, line {len(lines)}: 'E-Invoice'"):
        translate("e-invoice")


def test_two_spellings_of_one_abbreviation_are_one_entry(data_dir):
    path = data_dir / "abbreviations.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "TT-TT\tthông tin truyền thông\n", encoding="utf-8")
    with pytest.raises(DataFileError, match="abbreviations.tsv, line .*'TT-TT' repeats the key 'tttt'"):
        full_forms("TTTT")


def test_a_missing_data_file_says_the_package_lacks_it(data_dir):
    (data_dir / "abbreviations.tsv").unlink()
    with pytest.raises(DataFileError, match="abbreviations.tsv: missing"):
        full_forms("TTTT")
