"""Provinces: names read as whole names (not folded pieces of other phrases), the 2025
mergers known both ways, and a question about a new province finding its predecessors' plans."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from datafiles import copied_data_dir
from qa.retrieval import provinces
from qa.data import DataFileError
from qa.retrieval.provinces import (canonical, current, describe, find_provinces, in_scope, old_names_marked, one_territory,
                          predecessors, province_spans, scope, successor, successors_after_merger, successors_when_silent, units, Holdings)
from qa.retrieval.query import analyse


def asked(question: str) -> tuple[str, ...]:
    """The provinces a question names, as the pipeline reads them."""
    return analyse(question, {}).provinces


# ------------------------------------------------------------------ collisions

@pytest.mark.parametrize("question, expected", [
    # "quang" (light, in "cáp quang" = fibre) is not "Quảng"
    ("Tỷ lệ hộ gia đình có cáp quang Nam Định năm 2025?", ("Nam Định",)),
    ("ty le ho gia dinh co cap quang Nam Dinh nam 2025", ("Nam Định",)),
    ("ty le ho gia dinh co cap quang nam dinh nam 2025", ("Nam Định",)),
    ("Mạng cáp quang Bình Dương phủ bao nhiêu xã?", ("Bình Dương",)),
    ("mang cap quang binh duong phu bao nhieu xa", ("Bình Dương",)),
    # the Pacific holds both Thái Bình and Bình Dương
    ("Tuyến cáp biển Thái Bình Dương có mấy tuyến?", ()),
    ("tuyen cap bien thai binh duong co may tuyen", ()),
    # "cao bằng" = as high as
    ("Tỷ lệ này có cao bằng năm trước không?", ()),
    ("ty le nay co cao bang nam truoc khong", ()),
    # "năm" folds to "nam": fibre coverage in 2025, not Quảng Nam
    ("ha tang cap quang nam 2025 dat bao nhieu", ()),
    # peace, President Hồ Chí Minh and a street are not provinces
    ("Giữ vững hòa bình, ổn định để chuyển đổi số", ()),
    ("Học tập tư tưởng Hồ Chí Minh về chuyển đổi số", ()),
    ("diem wifi tren duong nguyen hue", ()),
    ("nguyen hue la ai", ()),
    # an ambiguous name opens a question only when typed without diacritics
    ("hòa bình là điều kiện để chuyển đổi số", ()),
    # "đánh giá lại" = re-evaluate, folded "danh gia lai": not Gia Lai; the province still is
    ("Truong DVCM co the to chuc danh gia lai chuong trinh khong", ()),
    ("danh gia lai muc do chuyen doi so gia lai 2025", ("Gia Lai",)),
])
def test_a_phrase_that_folds_like_a_province_is_not_read_as_one(question, expected):
    assert asked(question) == expected


@pytest.mark.parametrize("question, expected", [
    ("muc tieu thanh toan dien tu ha tinh 2025", "Hà Tĩnh"),
    ("ty le dan so quang nam co tai khoan", "Quảng Nam"),
    ("What is Dong Nai's digital economy target?", "Đồng Nai"),
    ("Kinh tế số TP HCM đóng góp bao nhiêu GRDP?", "TP Hồ Chí Minh"),
    ("Kinh tế số TP.HCM đóng góp bao nhiêu GRDP?", "TP Hồ Chí Minh"),
    ("kinh te so tp hcm 2025", "TP Hồ Chí Minh"),
    ("Mục tiêu của Bà Rịa – Vũng Tàu về chuyển đổi số", "Bà Rịa - Vũng Tàu"),
    ("Kế hoạch chuyển đổi số tỉnh Cao Bằng năm 2025", "Cao Bằng"),
    ("ke hoach chuyen doi so tinh cao bang", "Cao Bằng"),
    ("muc tieu cua hoa binh nam 2025", "Hòa Bình"),
    ("What does Cao Bang's plan target?", "Cao Bằng"),
    ("Mục tiêu của Khánh Hoà", "Khánh Hòa"),  # old tone placement
    ("Kế hoạch của Thừa Thiên - Huế", "Thừa Thiên Huế"),
    ("Hanoi's e-government target", "Hà Nội"),
    # an ambiguous name that opens a question typed without diacritics (_opens_question)
    ("thai binh dat muc tieu ty le ho so truc tuyen 2030 la bao nhieu", "Thái Bình"),
    ("hai duong dvctt toan trinh 2025 chi tieu", "Hải Dương"),
    # ... and one whose other reading is a person's name (the given name "Huệ")
    ("hue ty trong kinh te so grdp muc tieu 2025", "Huế"),
    ("hue so to cong nghe so cong dong cap xa", "Huế"),
])
def test_a_province_is_found_with_or_without_diacritics_and_in_lower_case(question, expected):
    assert asked(question) == (expected,)


def test_a_capitalised_name_typed_without_diacritics_counts_in_an_accented_question():
    assert asked("Compare Hà Tĩnh with Quang Nam on e-payment") == ("Hà Tĩnh", "Quảng Nam")


def test_spans_point_at_the_name_as_written():
    text = "Sở TT&TT TP. Hồ Chí Minh và UBND tỉnh Bà Rịa-Vũng Tàu"
    assert [text[a:b] for a, b, _ in province_spans(text)] == ["TP. Hồ Chí Minh", "Bà Rịa-Vũng Tàu"]


def test_documents_read_capitalised_and_cued_names_including_all_capitals():
    text = ("ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN\nKẾ HOẠCH chuyển đổi số tỉnh Lạng Sơn. "
            "Giữ gìn hòa bình; tuyến cáp Thái Bình Dương; UBND TỈNH HÒA BÌNH.")
    assert find_provinces(text, case_sensitive=True) == {"Lạng Sơn": 2, "Hòa Bình": 1}


def test_an_edited_document_does_not_read_a_lower_case_name():
    assert find_provinces("mở rộng mạng tới nam định", case_sensitive=True) == {}
    assert find_provinces("mở rộng mạng tới nam định") == {"Nam Định": 1}


# ------------------------------------------------------------------ names and the 2025 mapping

@pytest.mark.parametrize("spelling, expected", [
    ("Bà Rịa - Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu"),
    ("TP Hồ Chí Minh", "TP Hồ Chí Minh"),
    ("TP. Hồ Chí Minh", "TP Hồ Chí Minh"),
    ("Thành phố Hồ Chí Minh", "TP Hồ Chí Minh"),
    ("Hà Nội", "Hà Nội"),
    ("Tỉnh Hòa Bình", "Hòa Bình"),
    ("thua thien hue", "Thừa Thiên Huế"),
    ("Đắc Lắc", "Đắk Lắk"),
    ("Atlantis", None),
])
def test_catalogue_spellings_map_to_one_canonical_name(spelling, expected):
    assert canonical(spelling) == expected


def test_the_data_knows_63_former_and_34_current_provinces():
    former = [u for u in units().values() if u.change != "named"]
    assert len(former) == 63
    assert len(current()) == 34
    assert {"Đà Nẵng", "Huế", "TP Hồ Chí Minh", "Ninh Bình", "Vĩnh Long"} <= set(current())
    assert not {"Quảng Nam", "Nam Định", "Bến Tre", "Thừa Thiên Huế"} & set(current())


@pytest.mark.parametrize("old, new", [
    ("Quảng Nam", "Đà Nẵng"), ("Nam Định", "Ninh Bình"), ("Bến Tre", "Vĩnh Long"),
    ("Bà Rịa - Vũng Tàu", "TP Hồ Chí Minh"), ("ba ria vung tau", "TP Hồ Chí Minh"),
    ("Thừa Thiên Huế", "Huế"), ("Hà Tĩnh", "Hà Tĩnh"), ("Đà Nẵng", "Đà Nẵng"),
])
def test_each_former_province_has_its_successor(old, new):
    assert successor(old) == new


def test_a_new_province_knows_its_predecessors():
    assert predecessors("Ninh Bình") == ("Hà Nam", "Nam Định")
    assert predecessors("TP. Hồ Chí Minh") == ("Bà Rịa - Vũng Tàu", "Bình Dương")
    assert predecessors("Hà Tĩnh") == ()
    assert successor("Atlantis") is None


def test_a_new_name_searches_its_predecessors_plans_and_an_old_name_its_own():
    assert scope("Đà Nẵng") == ("Đà Nẵng", "Quảng Nam")
    assert scope("Quảng Nam") == ("Quảng Nam",)
    assert set(scope("Huế")) == set(scope("Thừa Thiên Huế")) == {"Huế", "Thừa Thiên Huế"}
    assert scope("Atlantis") == ("Atlantis",)


def test_the_scope_is_given_in_the_collections_own_spellings():
    collection = ["TP. Hồ Chí Minh", "Bình Dương", "Hà Tĩnh", "Quảng Nam"]
    assert in_scope(["TP HCM"], collection) == ("TP. Hồ Chí Minh", "Bình Dương")
    assert in_scope(["Đà Nẵng"], collection) == ("Quảng Nam",)
    assert in_scope(["Cà Mau"], collection) == ()


def test_an_old_name_asked_about_a_year_after_its_merger_also_searches_its_successor():
    collection = ["Tây Ninh", "Long An", "Hà Tĩnh", "Quảng Nam", "Đà Nẵng", "Thừa Thiên Huế"]
    # No plan of Long An for 2026 exists: Tây Ninh's covers its territory.
    assert in_scope(["long an"], collection, (2026,)) == ("Tây Ninh", "Long An")
    assert in_scope(["Quảng Nam"], collection, (2027, 2030)) == ("Quảng Nam", "Đà Nẵng")
    # The year of the merger itself, an earlier year or none: its own plans only.
    assert in_scope(["Long An"], collection, (2025,)) == ("Long An",)
    assert in_scope(["Long An"], collection, (2024, 2026)) == ("Long An",)
    assert in_scope(["Long An"], collection) == ("Long An",)
    # A unit kept or renamed gains nothing.
    assert in_scope(["Hà Tĩnh"], collection, (2026,)) == ("Hà Tĩnh",)
    assert in_scope(["Thừa Thiên Huế"], collection, (2026,)) == ("Thừa Thiên Huế",)
    # Its own plans name the year (a 2030 target set before the merger): they answer alone.
    held = {"Long An": Holdings(frozenset({2024, 2030}), (None,)),
            "Tây Ninh": Holdings(frozenset({2026}), ("2026-01-16",))}
    assert in_scope(["Long An"], collection, (2030,), lambda p: held.get(p, Holdings())) == ("Long An",)
    assert in_scope(["Long An"], collection, (2026,), lambda p: held.get(p, Holdings())) == ("Tây Ninh", "Long An")
    # The successor holds nothing dated since the merger (the old city's news): not reached.
    held["Tây Ninh"] = Holdings(frozenset({2026, 2030}), ("2024-05-02", None))
    assert in_scope(["Long An"], collection, (2026,), lambda p: held.get(p, Holdings())) == ("Long An",)


def test_an_old_name_asked_about_no_year_reaches_its_successor():
    """Rule "an old name asked about no year asks of today's plan" (provinces._today_asked):
    with no year asked, Hòa Bình reaches Phú Thọ when the collection holds a Phú Thọ plan
    dated since the merger and nothing of Hòa Bình; where it holds Hòa Bình's own documents,
    only a question asking for a target reaches Phú Thọ too (Hòa Bình's stay in the search).
    Not when Phú Thọ's are all older than the merger, without what the collection holds, nor
    when a year is asked that Hòa Bình's own documents name."""
    collection = ["Phú Thọ", "Sơn La", "Hòa Bình"]
    held = {"Phú Thọ": Holdings(frozenset({2026}), ("2026-01-16",))}
    assert in_scope(["hoa binh"], collection[:2], (), lambda p: held.get(p, Holdings())) == ("Phú Thọ",)
    assert successors_after_merger(("Hòa Bình",), (), lambda p: held.get(p, Holdings())) == ("Phú Thọ",)
    assert successors_after_merger(("Hòa Bình",), ()) == ()
    own = dict(held, **{"Hòa Bình": Holdings(frozenset({2024}), ("2024-03-01",))})
    assert successors_after_merger(("Hòa Bình",), (), lambda p: own.get(p, Holdings())) == ()
    assert successors_after_merger(("Hòa Bình",), (), lambda p: own.get(p, Holdings()), target=True) == ("Phú Thọ",)
    assert in_scope(["Hòa Bình"], collection, (), lambda p: own.get(p, Holdings())) == ("Hòa Bình",)
    assert in_scope(["Hòa Bình"], collection, (), lambda p: own.get(p, Holdings()), target=True) == ("Phú Thọ", "Hòa Bình")
    assert successors_after_merger(("Hòa Bình",), (2024,), lambda p: own.get(p, Holdings()), target=True) == ()
    older = {"Phú Thọ": Holdings(frozenset({2025}), ("2025-05-15",))}
    assert successors_after_merger(("Hòa Bình",), (), lambda p: older.get(p, Holdings()), target=True) == ()


def test_the_successor_is_named_to_the_search_only_when_the_question_does_not():
    assert successors_after_merger(("Long An",), (2026,)) == ("Tây Ninh",)
    assert successors_after_merger(("Long An", "Tây Ninh"), (2026,)) == ()
    assert successors_after_merger(("Long An",), (2024,)) == ()
    assert successors_after_merger(("Bà Rịa - Vũng Tàu",), (2030,), lambda p: Holdings(frozenset({2030}))) == ()


@pytest.mark.parametrize("doc, asked_for, lang, expected", [
    ("Quảng Nam", "Đà Nẵng", "vi", "nay thuộc Đà Nẵng"),
    ("Quảng Nam", ("Đà Nẵng", "Hà Tĩnh"), "vi", "nay thuộc Đà Nẵng"),  # a question's provinces
    ("Quảng Nam", ("Hà Tĩnh", "quang nam"), "en", None),
    ("Quảng Nam", "Đà Nẵng", "en", "now part of Đà Nẵng"),
    ("Quảng Nam", None, "vi", "nay thuộc Đà Nẵng"),
    ("Thừa Thiên Huế", "Huế", "en", "now Huế"),
    ("Quảng Nam", "Quảng Nam", "vi", None),  # asked for by its own name
    ("Hà Tĩnh", "Hà Tĩnh", "en", None),
    ("Đà Nẵng", None, "en", None),
    (None, "Đà Nẵng", "vi", None),
    ("Tây Ninh", ("Long An",), "vi", "nay gồm cả Long An"),  # the successor's plan, asked by an old name
    ("Tây Ninh", ("Long An",), "en", "now including Long An"),
    ("Tây Ninh", ("Long An", "Tây Ninh"), "vi", None),
    ("Huế", ("Thừa Thiên Huế",), "vi", None),  # renamed, not absorbed
])
def test_describe_says_what_became_of_a_former_province(doc, asked_for, lang, expected):
    assert describe(doc, asked_for, lang) == expected


# ------------------------------------------------------------------ the data files

@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Iterator:
    yield from copied_data_dir(tmp_path, monkeypatch, (provinces._tables, provinces.canonical))


def test_a_successor_that_is_not_a_current_province_is_reported(data_dir):
    path = data_dir / "provinces.tsv"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "Quảng Nam\tmerged 2025-07-01\tĐà Nẵng", "Quảng Nam\tmerged 2025-07-01\tĐà Lạt"), encoding="utf-8")
    with pytest.raises(DataFileError, match="provinces.tsv.*Quảng Nam.*Đà Lạt"):
        canonical("Quảng Nam")


def test_a_malformed_reading_names_its_file_and_line(data_dir):
    path = data_dir / "province_readings.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append("hòa bình\tnoun\tpeace")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=rf"province_readings.tsv, line {len(lines)}: kind 'noun'"):
        province_spans("Hòa Bình")


@pytest.mark.parametrize("names, expected", [
    (["Quảng Ngãi", "Kon Tum"], True),  # a province and its old name
    (["kon tum", "Quang Ngai"], True),
    (["Vĩnh Phúc", "Hòa Bình"], True),  # two former provinces of one (Phú Thọ)
    (["Bắc Giang", "Lâm Đồng"], False),
    (["Quảng Ngãi"], False),  # one name is no pair
])
def test_names_of_one_territory(names, expected):
    assert one_territory(names) is expected


# ------------------------------------------------------------------ in the pipeline

def test_a_province_named_with_its_old_name_is_not_compared_with_every_province(assistant):
    """Rule "one territory is no comparison" (pipeline._one_plan_compared): Đà Nẵng named
    with Quảng Nam, merged into it, where only Quảng Nam's plan is held, asks that plan's
    figure; it is not a comparison of every province in the collection."""
    answer = assistant.ask("Ty le dan so co tai khoan thanh toan dien tu cua Da Nang (Quang Nam cu) la bao nhieu?")
    assert answer.intent != "comparison"
    assert answer.citations and {assistant.document(c.doc_id).province for c in answer.citations} == {"Quảng Nam"}

def test_a_question_about_a_new_province_searches_its_predecessors_plans(assistant):
    answer = assistant.ask("Mục tiêu tỷ lệ dân số có tài khoản thanh toán điện tử của Đà Nẵng đến năm 2025?")
    assert answer.retrieved and {h.chunk.doc_id for h in answer.retrieved} <= {
        d.doc_id for d in assistant.documents() if d.province == "Quảng Nam"}


def test_fibre_in_nam_dinh_is_searched_in_the_nam_dinh_plan(assistant):
    answer = assistant.ask("ty le phu cap quang nam dinh")
    provinces_cited = {assistant.document(h.chunk.doc_id).province for h in answer.retrieved}
    assert provinces_cited == {"Nam Định"}


@pytest.mark.parametrize("question, expected", [
    ("ty le dan so co tai khoan thanh toan dien tu Ho Chi Minh muc tieu 2025", ["TP Hồ Chí Minh"]),
    ("Hồ Chí Minh đặt mục tiêu kinh tế số bao nhiêu?", ["TP Hồ Chí Minh"]),
    ("Học tập tư tưởng Hồ Chí Minh trong chuyển đổi số?", []),
    ("What did President Ho Chi Minh say about learning?", []),
])
def test_a_question_reads_a_bare_ho_chi_minh_as_the_city_unless_it_speaks_of_the_person(question, expected):
    assert [name for _, _, name in province_spans(question)] == expected


def test_a_document_still_needs_a_cue_for_ho_chi_minh_the_city():
    assert province_spans("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.", case_sensitive=True) == []
    assert [n for *_, n in province_spans("Thành phố Hồ Chí Minh phấn đấu", case_sensitive=True)] == ["TP Hồ Chí Minh"]


def test_a_new_name_with_documents_of_its_own_for_the_year_asked_leaves_out_its_predecessors():
    """Rule "a new name's own documents first" (provinces._own_documents_answer): Lâm Đồng's
    own report naming 2024 answers a 2024 question about Lâm Đồng alone, without the plans
    of Bình Thuận and Đắk Nông merged into it; a year its own documents never name, or a
    collection holding nothing of Lâm Đồng itself, still reaches them; no year asked and a
    document of its own: its own alone. A renamed unit keeps both names, and without what
    the collection holds nothing changes."""
    collection = ["Lâm Đồng", "Bình Thuận", "Đắk Nông", "Huế", "Thừa Thiên Huế"]
    held = {"Lâm Đồng": Holdings(frozenset({2024, 2025}), ("2024-12-18",))}
    holdings = lambda p: held.get(p, Holdings())  # noqa: E731
    assert in_scope(["lam dong"], collection, (2024,), holdings) == ("Lâm Đồng",)
    assert in_scope(["Lâm Đồng"], collection, (), holdings) == ("Lâm Đồng",)
    assert in_scope(["Lâm Đồng"], collection, (2030,), holdings) == ("Lâm Đồng", "Bình Thuận", "Đắk Nông")
    assert in_scope(["Lâm Đồng"], collection, (2024,)) == ("Lâm Đồng", "Bình Thuận", "Đắk Nông")
    assert in_scope(["Lâm Đồng"], collection[1:], (2024,), lambda p: Holdings()) == ("Bình Thuận", "Đắk Nông")
    # A predecessor the question names itself stays: "Lâm Đồng và Đắk Nông".
    assert in_scope(["Lâm Đồng", "Đắk Nông"], collection, (2024,), holdings) == ("Lâm Đồng", "Đắk Nông")
    held["Huế"] = Holdings(frozenset({2025}), ("2025-03-01",))
    assert set(in_scope(["Huế"], collection, (2025,), holdings)) == {"Huế", "Thừa Thiên Huế"}


@pytest.mark.parametrize("question, expected", [
    ("Lam Dong (Dak Nong cu) co bao nhieu to cong nghe so cong dong nam 2024?", {"Đắk Nông"}),
    ("Kế hoạch năm 2024 của khu vực Long An cũ, nay thuộc Tây Ninh", {"Long An"}),
    ("the 2024 plan of Tay Ninh's former Long An province", {"Long An"}),
    ("TP Hồ Chí Minh (Bình Dương cũ) đặt chỉ tiêu", {"Bình Dương"}),
    ("Lâm Đồng và Đắk Nông năm 2024", set()),  # two names, neither marked
    ("Long An cư dân", set()),  # "cư" is not "cũ" in a text with diacritics
    ("Lâm Đồng cũ", set()),  # Lâm Đồng continues: no old territory to mark
])
def test_a_name_marked_old_is_read_as_the_old_territory(question, expected):
    assert old_names_marked(question) == expected


def test_an_old_name_beside_its_new_one_narrows_the_question_to_the_old_territory():
    """Rule "an old name beside its new one narrows" (provinces._old_name_narrows): "Lâm
    Đồng (Đắk Nông cũ) … năm 2024" searches Đắk Nông's documents alone when they name 2024;
    not when they do not, nor when no year is asked, nor without the mark or the holdings."""
    collection = ["Lâm Đồng", "Bình Thuận", "Đắk Nông"]
    held = {"Lâm Đồng": Holdings(frozenset({2024}), ("2024-12-18",)),
            "Đắk Nông": Holdings(frozenset({2024, 2025}), ("2024-12-01",))}
    holdings = lambda p: held.get(p, Holdings())  # noqa: E731
    names = ["Lâm Đồng", "Đắk Nông"]
    assert in_scope(names, collection, (2024,), holdings, ("Đắk Nông",)) == ("Đắk Nông",)
    assert in_scope(names, collection, (2024,), holdings) == ("Lâm Đồng", "Đắk Nông")
    assert in_scope(names, collection, (2023,), holdings, ("Đắk Nông",)) == tuple(collection)
    assert in_scope(names, collection, (), holdings, ("Đắk Nông",)) == ("Lâm Đồng", "Đắk Nông")
    assert set(in_scope(names, collection, (2024,), None, ("Đắk Nông",))) == set(collection)


def test_an_old_name_its_own_documents_leave_unanswered_names_its_successor():
    """Rule "an old name its own documents leave unanswered" (provinces.successors_when_silent):
    Vĩnh Phúc, whose own documents the collection holds, names Phú Thọ when Phú Thọ holds a
    document dated since the merger; not when Phú Thọ's are older, when the question names
    Phú Thọ itself, for a kept province, nor when ``successors_after_merger`` reaches it
    already (a later year, or a target asked with no year: ``_today_asked``)."""
    held = {"Vĩnh Phúc": Holdings(frozenset({2022, 2025}), ("2022-08-01",)),
            "Phú Thọ": Holdings(frozenset({2026}), ("2026-01-16",))}
    get = lambda p: held.get(p, Holdings())  # noqa: E731
    assert successors_after_merger(("Vĩnh Phúc",), (), get) == ()
    assert successors_when_silent(("vinh phuc",), (), get) == ("Phú Thọ",)
    assert successors_when_silent(("Vĩnh Phúc", "Phú Thọ"), (), get) == ()
    assert successors_when_silent(("Sơn La",), (), get) == ()
    assert successors_when_silent(("Vĩnh Phúc",), (2026,), get) == ()  # reached before, by the year
    assert successors_when_silent(("Vĩnh Phúc",), (), get, target=True) == ()  # reached before: a target today
    older = dict(held, **{"Phú Thọ": Holdings(frozenset({2025}), ("2025-05-15",))})
    assert successors_when_silent(("Vĩnh Phúc",), (), lambda p: older.get(p, Holdings())) == ()


def test_an_old_name_is_answered_from_its_successor_only_where_its_own_documents_are_silent(tmp_path):
    """Rule "an old name its own documents leave unanswered" (Assistant._successor_when_silent):
    a question about Vĩnh Phúc that its own 2022 plan does not answer is answered from Phú Thọ's
    2026 plan; one its own plan answers still is."""
    from helpers import assistant_on

    assistant = assistant_on(tmp_path, {
        "vinh_phuc.txt": "ỦY BAN NHÂN DÂN TỈNH VĨNH PHÚC\nSố: 193/KH-UBND\nVĩnh Phúc, ngày 01 tháng 8 năm 2022\n\n"
                         "KẾ HOẠCH chuyển đổi số tỉnh Vĩnh Phúc năm 2022\n\n"
                         "Năm 2022, tỉnh Vĩnh Phúc phấn đấu tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến đạt 50%.",
        "phu_tho.txt": "ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ\nSố: 118/KH-UBND\nPhú Thọ, ngày 16 tháng 01 năm 2026\n\n"
                       "KẾ HOẠCH chuyển đổi số tỉnh Phú Thọ năm 2026\n\n"
                       "Đến năm 2026, tỷ lệ hộ gia đình có kết nối Internet cáp quang băng rộng đạt 92%."})
    silent = assistant.ask("Vĩnh Phúc tỷ lệ hộ gia đình có Internet cáp quang là bao nhiêu?")
    assert not silent.abstained and "92%" in silent.answer, silent.answer
    own = assistant.ask("Vĩnh Phúc tỷ lệ hồ sơ thủ tục hành chính xử lý trực tuyến năm 2022 là bao nhiêu?")
    assert "50%" in own.answer, own.answer


def test_an_old_name_the_collection_holds_nothing_of_is_read_in_its_successors_plan(tmp_path):
    """Rule "an old name its own documents leave unanswered" (Assistant._successor_when_silent,
    ``covered``): the collection holds no document of Hà Giang, only the plan Tuyên Quang issued
    after the two merged; a question about Hà Giang's 2024 rank is answered from that plan,
    which states it, and not refused as a province with no plan; a figure the plan does not
    give for Hà Giang (its 2025 e-commerce target) is still refused."""
    from helpers import assistant_on

    assistant = assistant_on(tmp_path, {"tuyen_quang.txt": (
        "ỦY BAN NHÂN DÂN TỈNH TUYÊN QUANG\nSố: 186/KH-UBND\n"
        "Tuyên Quang, ngày 24 tháng 10 năm 2025\n\nKẾ HOẠCH chuyển đổi số tỉnh Tuyên Quang giai đoạn 2026 - 2030\n\n"
        "Năm 2024, chỉ số DTI của tỉnh Tuyên Quang (cũ) xếp thứ 41/63 và của tỉnh Hà Giang xếp thứ 55/63.\n\n"
        "Đến năm 2030, tỷ lệ hộ gia đình có kết nối Internet cáp quang băng rộng đạt 100%.")})
    rank = assistant.ask("Hà Giang xếp hạng DTI năm 2024 thứ mấy?")
    assert not rank.abstained and "55/63" in rank.answer, rank.answer
    unstated = assistant.ask("Hà Giang đặt mục tiêu doanh thu thương mại điện tử năm 2025 là bao nhiêu?")
    assert unstated.abstained, unstated.answer
