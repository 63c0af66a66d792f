"""Acronyms a collection defines for itself (qa.retrieval.acronyms)."""

from __future__ import annotations

from qa.retrieval.acronyms import defined_acronyms, expansion_terms, full_form
from qa.retrieval.query import analyse

TEXTS = [
    "Điều 1. Phạm vi\nQuy định này áp dụng cho Chương trình tài năng (CTTN) của Trường.",
    "Sinh viên làm khóa luận tốt nghiệp (sau đây gọi tắt là KLTN) trong học kỳ cuối.",
    "Phòng Thanh tra - Pháp chế - Đảm bảo chất lượng (TTPCĐBCL) giám sát kỳ thi.",
    "Sở Thông tin và Truyền thông (STTTT) chủ trì.",  # the glossary's own: left to it
    "Năm 2025 (KH) đạt 80%.",  # a bracket whose words do not spell it defines nothing
]


def test_a_definition_in_brackets_gives_the_acronym_its_full_form():
    acronyms = defined_acronyms(TEXTS)
    assert acronyms["cttn"] == ("chương trình tài năng",)
    assert acronyms["kltn"] == ("khóa luận tốt nghiệp",)
    assert acronyms["ttpcdbcl"] == ("thanh tra - pháp chế - đảm bảo chất lượng",)
    assert "sttttt" not in acronyms and "stttt" not in acronyms and "kh" not in acronyms
    assert full_form("áp dụng cho Chương trình tài năng", "CTTN") == "Chương trình tài năng"
    assert full_form("áp dụng cho Chương trình", "CTTN") is None


def test_a_question_is_searched_with_the_other_form_of_a_defined_acronym():
    acronyms = defined_acronyms(TEXTS)
    assert "cttn" in expansion_terms("Chương trình tài năng kéo dài mấy năm?", acronyms)
    assert "cttn" in expansion_terms("chuong trinh tai nang keo dai may nam", acronyms)
    assert {"khoa_luan", "tot_nghiep"} <= set(expansion_terms("Ai hướng dẫn KLTN?", acronyms))
    # lower case is an ordinary word, not the acronym
    assert expansion_terms("ai huong dan kltn", acronyms) == []
    query = analyse("Chương trình tài năng kéo dài mấy năm?", {}, acronyms=acronyms)
    assert "cttn" in query.bm25_terms and "cttn" not in analyse("Chương trình tài năng?", {}).bm25_terms
    # the full form is one concept that the acronym answers too
    assert (("chuong", "trinh", "tai", "nang", "chuong_trinh", "trinh_tai", "tai_nang"), ("cttn",)) in query.concepts
