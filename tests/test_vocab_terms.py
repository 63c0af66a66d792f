"""bench/vocab_terms.py: the documents' frequent plan terms and which of them English reaches."""

from __future__ import annotations

from pathlib import Path

from bench.vocab_terms import covered, dev_plan_files, fragment, target_lines, terms


def test_a_term_is_reached_when_glossary_translations_cover_all_its_syllables():
    glossed = [["thanh", "toan"], ["dien", "tu"], ["nguoi", "truong", "thanh"]]
    assert covered("thanh toán điện tử", glossed)
    assert not covered("người dân trưởng thành", glossed)  # "người trưởng thành" is not in it
    assert not covered("thanh toán trực tuyến", glossed)


def test_a_term_seen_mostly_inside_a_longer_one_is_a_fragment():
    docs = {"đổi số": {"a", "b", "c"}, "chuyển đổi số": {"a", "b", "c"}, "kinh tế": {"a", "b", "c"},
            "kinh tế số": {"a"}}
    assert fragment("đổi số", docs)
    assert not fragment("kinh tế", docs)  # "kinh tế số" keeps one document of three


def test_only_indicator_target_and_heading_lines_are_read():
    text = ("II. MỤC TIÊU\nTỷ lệ hộ gia đình có cáp quang đạt 80%.\nCác sở phối hợp triển khai các nhiệm vụ "
            "được giao, báo cáo kết quả cho Ủy ban nhân dân tỉnh theo quy định.")
    assert target_lines(text) == ["II. MỤC TIÊU", "Tỷ lệ hộ gia đình có cáp quang đạt 80%."]


def test_terms_have_content_at_both_ends_and_no_digits():
    found = terms("Tỷ lệ hộ gia đình có cáp quang đạt 80%")
    assert "hộ gia đình" in found and "cáp quang" in found
    assert not any(t.startswith("có ") or t.endswith(" đạt") for t in found)


def test_only_the_dev_provinces_files_are_listed(tmp_path: Path):
    for stem in ["an_giang_1", "ba_ria_vung_tau_1", "ba_ria_vung_tau_2", "bac_kan_1", "bac_lieu_1"]:
        (tmp_path / f"{stem}.txt").write_text("x", encoding="utf-8")
    # stems sorted: an_giang, ba_ria_vung_tau, bac_kan, bac_lieu -> the 2nd and 4th are dev
    assert [p.name for p in dev_plan_files(tmp_path)] == ["ba_ria_vung_tau_1.txt", "ba_ria_vung_tau_2.txt",
                                                          "bac_lieu_1.txt"]
