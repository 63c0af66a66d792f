"""Questions about a document itself are answered from its title block
(``qa.answering.document_metadata``): its own number, day and signer, not a number or a
date its body quotes of another document, and never another year's document's."""

from __future__ import annotations

import pytest

from helpers import first_marked, write

PLAN_2025 = """ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN

Số: 41/KH-UBND

Điện Biên, ngày 12 tháng 3 năm 2025

KẾ HOẠCH

Chuyển đổi số tỉnh Điện Biên năm 2025

Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt Chương trình chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030;

Theo đề nghị của Sở Khoa học và Công nghệ tại Tờ trình số 15/TTr-SKHCN ngày 02/3/2025, Ủy ban nhân dân tỉnh ban hành Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2025 với các nội dung như sau:

I. MỤC TIÊU

1. Đến hết năm 2025, 80% hồ sơ thủ tục hành chính của tỉnh Điện Biên được xử lý trực tuyến toàn trình.

2. Tỷ lệ dân số trưởng thành có tài khoản thanh toán điện tử đạt 60%.

II. TỔ CHỨC THỰC HIỆN

Sở Khoa học và Công nghệ chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch này.

Nơi nhận:
- Như trên;
- Lưu: VT.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lò Văn Tiến
"""

PLAN_2022 = """ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN

Số: 88/KH-UBND

Điện Biên, ngày 20 tháng 5 năm 2022

KẾ HOẠCH

Triển khai thực hiện Nghị quyết số 09-NQ/TU ngày 10/01/2022 của Ban Thường vụ Tỉnh ủy về chuyển đổi số tỉnh Điện Biên đến năm 2025

Căn cứ Nghị quyết số 09-NQ/TU ngày 10/01/2022 của Ban Thường vụ Tỉnh ủy về chuyển đổi số tỉnh Điện Biên đến năm 2025;

I. MỤC ĐÍCH, YÊU CẦU

1. Quán triệt, triển khai đầy đủ các nhiệm vụ của Nghị quyết số 09-NQ/TU đến các cơ quan, đơn vị trên địa bàn tỉnh.

2. Phấn đấu đến năm 2025 có 50% doanh nghiệp nhỏ và vừa sử dụng nền tảng số.
"""


def _assistant_of(tmp_path_factory, name: str, files: dict[str, str]):
    """An assistant over a folder holding only ``files`` (file name → text), indexed beside it."""
    from qa.config import load_settings
    from qa.pipeline import Assistant

    docs = tmp_path_factory.mktemp(name) / "docs"
    for file_name, text in files.items():
        write(docs / file_name, text)
    return Assistant.open(load_settings(documents_dir=docs, index_dir=docs.parent / "index"))


@pytest.fixture(scope="module")
def dien_bien(tmp_path_factory):
    """Two of one province's plans, of 2025 and of 2022, each with a title block."""
    return _assistant_of(tmp_path_factory, "own", {"dien_bien_1.txt": PLAN_2025, "dien_bien_2.txt": PLAN_2022})


@pytest.mark.parametrize("question", [
    "Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2025 là kế hoạch số mấy?",
    "What is the number of Dien Bien's 2025 digital transformation plan?",
])
def test_a_plans_number_is_its_title_blocks_number_line(dien_bien, question):
    answer = dien_bien.ask(question)
    assert not answer.abstained
    assert "41/KH-UBND" in answer.answer and "749/QĐ-TTg" not in answer.answer
    assert "Số: 41/KH-UBND" in first_marked(answer).passage


@pytest.mark.parametrize("question", [
    "ke hoach chuyen doi so dien bien nam 2025 ban hanh ngay nao",
    "When was Dien Bien's 2025 digital transformation plan issued?",
])
def test_the_day_a_plan_was_issued_is_its_title_blocks_date_not_a_cited_submissions(dien_bien, question):
    answer = dien_bien.ask(question)
    assert not answer.abstained
    assert "ngày 12 tháng 3 năm 2025" in answer.answer
    assert "02/3/2025" not in answer.answer and "03/6/2020" not in answer.answer


def test_who_signed_a_plan_is_its_signature_block(dien_bien):
    answer = dien_bien.ask("Ai ký kế hoạch chuyển đổi số tỉnh Điện Biên năm 2025?")
    assert not answer.abstained
    assert "Lò Văn Tiến" in answer.answer


def test_a_plan_implementing_a_resolution_is_dated_by_the_plan_not_the_resolution(dien_bien):
    answer = dien_bien.ask("Kế hoạch thực hiện Nghị quyết 09-NQ/TU của Điện Biên ban hành ngày nào?")
    assert not answer.abstained
    assert "20 tháng 5 năm 2022" in answer.answer and "10/01/2022" not in answer.answer


@pytest.mark.parametrize("question", [
    "Kế hoạch chuyển đổi số năm 2024 của Điện Biên có số hiệu là gì?",
    "Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2024 ban hành ngày nào?",
])
def test_a_plan_of_a_year_the_collection_lacks_is_not_answered_from_another_years_title_block(dien_bien, question):
    answer = dien_bien.ask(question)
    said = answer.answer
    assert answer.abstained or ("41/KH-UBND" not in said and "88/KH-UBND" not in said
                                and "12 tháng 3 năm 2025" not in said and "20 tháng 5 năm 2022" not in said), said


def test_a_decision_approving_a_strategy_is_the_document_a_question_about_the_strategy_names():
    from qa.answering.document_metadata import is_of_kind
    from qa.types import Document

    decision = Document("d", "t", "", kind="decision")
    assert is_of_kind(decision, "QUYẾT ĐỊNH PHÊ DUYỆT CHIẾN LƯỢC CHUYỂN ĐỔI SỐ TỈNH THÁI NGUYÊN ĐẾN NĂM 2030", "strategy")
    assert is_of_kind(decision, "QUYẾT ĐỊNH Về việc phê duyệt Đề án tổng thể chuyển đổi số", "scheme")
    plan = Document("p", "t", "", kind="plan")
    assert not is_of_kind(plan, "KẾ HOẠCH Triển khai thực hiện Nghị quyết số 05-NQ/TU", "resolution")


def test_a_deadline_the_plan_sets_is_not_its_day_of_issue(tmp_path):
    """"… trước ngày nào?" asks a deadline the plan sets (document_metadata.asks_deadline),
    not the day of the title block, though it names the plan."""
    from qa.config import load_settings
    from qa.pipeline import Assistant

    docs = tmp_path / "docs"
    write(docs / "dien_bien_1.txt", PLAN_2025.replace(
        "Sở Khoa học và Công nghệ chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch này.",
        "Sở Khoa học và Công nghệ chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch này.\n\n"
        "Ủy ban nhân dân các xã xây dựng kế hoạch chuyển đổi số năm 2025 của địa phương trước ngày 28 tháng 02 năm 2025."))
    assistant = Assistant.open(load_settings(documents_dir=docs, index_dir=tmp_path / "index"))
    answer = assistant.ask("Ủy ban nhân dân các xã ở Điện Biên phải xây dựng kế hoạch chuyển đổi số năm 2025 trước ngày nào?")
    assert not answer.abstained
    assert "28 tháng 02 năm 2025" in answer.answer
    issued = assistant.ask("ke hoach chuyen doi so dien bien nam 2025 ban hanh ngay nao")
    assert "ngày 12 tháng 3 năm 2025" in issued.answer


def test_a_title_block_answer_names_no_target_year(dien_bien):
    """"Theo kế hoạch của Điện Biên, đến năm 2025: “Số: 41/KH-UBND”" read the title's year
    as a target's: a title-block or signature line gets no year note (answer._context_year)."""
    number = dien_bien.ask("Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2025 là kế hoạch số mấy?")
    assert number.answer.startswith("Theo kế hoạch của Điện Biên: “Số: 41/KH-UBND”"), number.answer
    signer = dien_bien.ask("Ai ký kế hoạch chuyển đổi số tỉnh Điện Biên năm 2025?")
    assert "đến năm" not in signer.answer and "Lò Văn Tiến" in signer.answer


@pytest.mark.parametrize("question", [
    "When did Dien Bien issue its 2025 digital transformation plan?",
    "Điện Biên ban hành kế hoạch chuyển đổi số năm 2025 vào ngày nào?",
])
def test_a_named_documents_title_block_is_read_though_no_retrieved_passage_holds_it(dien_bien, question):
    """Whether the title block is among the passages depends on the question's wording
    (an active "When did … issue …" ranked it sixth on a floor check): the named document's
    own passages are read for it (document_metadata.unretrieved_title_block), cited last."""
    from qa.answering.answer import compose
    from qa.answering.document_metadata import title_block_answer

    query = dien_bien.analyse(question)
    index = dien_bien.index
    body = [h for h in dien_bien.retriever.search(query, k=10) if "Số: 41/KH-UBND" not in h.chunk.text
            and h.chunk.doc_id.startswith("dien_bien_1")]
    assert body, "the test needs a body passage of the plan"
    assert title_block_answer(query, body, index.documents, dien_bien._idf)[0] is None  # the retrieved passages alone
    own, _ = title_block_answer(query, body, index.documents, dien_bien._idf, index.chunks_of)
    assert own is not None and "12 tháng 3 năm 2025" in own.text and own.rank == len(body)
    text, abstained, citations = compose(query, body, index.documents, dien_bien._idf, None, 600,
                                         chunks_of=index.chunks_of)
    assert not abstained and "ngày 12 tháng 3 năm 2025" in text
    assert "Số: 41/KH-UBND" in citations[-1].passage


@pytest.mark.parametrize("question", [
    "Which agency issued Dien Bien's 2025 digital transformation plan?",
    "Cơ quan nào ban hành kế hoạch chuyển đổi số tỉnh Điện Biên năm 2025?",
    "ai ban hanh ke hoach chuyen doi so dien bien nam 2025",
])
def test_who_issued_a_plan_is_the_issuer_its_title_block_opens_with(dien_bien, question):
    """An agent asked with a word of issue asks for the issuer line, not an agency the body
    names ("Sở Khoa học và Công nghệ chủ trì …")."""
    from qa.answering.document_metadata import asked_own

    assert asked_own(dien_bien.analyse(question)) == "issuer"
    answer = dien_bien.ask(question)
    assert not answer.abstained
    assert "“ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN”" in answer.answer and "Sở Khoa học" not in answer.answer


@pytest.mark.parametrize("question, own", [
    ("Ai ký kế hoạch chuyển đổi số tỉnh Điện Biên năm 2025?", "signer"),
    ("Cơ quan nào chủ trì theo dõi việc thực hiện kế hoạch chuyển đổi số tỉnh Điện Biên năm 2025?", None),
    ("Who signed Dien Bien's 2025 digital transformation plan?", "signer"),
])
def test_an_agent_asked_without_a_word_of_issue_is_not_the_issuer(dien_bien, question, own):
    from qa.answering.document_metadata import asked_own

    assert asked_own(dien_bien.analyse(question)) == own


@pytest.mark.parametrize("question", [
    "Cơ quan nào đề nghị ban hành kế hoạch chuyển đổi số tỉnh Điện Biên năm 2025?",
    "co quan nao tham muu ban hanh ke hoach chuyen doi so dien bien nam 2025",
    "Which department proposed Dien Bien's 2025 digital transformation plan for issue?",
])
def test_who_proposed_a_plan_is_the_department_its_body_names_not_the_issuer(dien_bien, question):
    """Rule "who proposed is not who issued" (document_metadata.asked_own): an agent asked with
    a word of the plan's proposal is the department of "Theo đề nghị của Sở …", which the
    reader quotes; the title block's issuer did not propose the plan."""
    from qa.answering.document_metadata import asked_own

    assert asked_own(dien_bien.analyse(question)) is None
    answer = dien_bien.ask(question)
    assert not answer.abstained
    assert "Sở Khoa học và Công nghệ" in answer.answer and "“ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN”" not in answer.answer


DECISION_2026 = """ỦY BAN NHÂN DÂN
TỈNH ĐIỆN BIÊN

Số: 215/QĐ-UBND

Điện Biên, ngày 20 tháng 01 năm 2026

QUYẾT ĐỊNH
Về việc ban hành Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026

ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN

Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lò Văn Tiến

ỦY BAN NHÂN DÂN
TỈNH ĐIỆN BIÊN

Số: 63/KH-UBND

Điện Biên, ngày 20 tháng 01 năm 2026

KẾ HOẠCH
Chuyển đổi số tỉnh Điện Biên năm 2026

I. MỤC TIÊU
1. Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình đạt 60%.
2. Tỷ trọng kinh tế số trong GRDP của tỉnh đạt 9%.
"""


@pytest.fixture(scope="module")
def dien_bien_decision(tmp_path_factory):
    """A decision that issues a plan and attaches it, the plan's own title block included."""
    return _assistant_of(tmp_path_factory, "attached", {"dien_bien_qd.txt": DECISION_2026})


@pytest.mark.parametrize("question, number, other", [
    ("Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026 có số hiệu là gì?", "63/KH-UBND", "215/QĐ-UBND"),
    ("ke hoach chuyen doi so dien bien nam 2026 co so hieu la gi", "63/KH-UBND", "215/QĐ-UBND"),
    ("Kế hoạch chuyển đổi số năm 2026 của Điện Biên được ban hành kèm theo quyết định số mấy?",
     "215/QĐ-UBND", "63/KH-UBND"),
])
def test_a_plan_attached_to_its_decision_is_numbered_by_its_own_title_block(dien_bien_decision, question, number, other):
    """Rules "an attachment's title block" (candidates.is_attached_number_line) and "the
    number of the document asked" (document_metadata.attached_number): the plan's number
    answers for the plan, the decision's for the decision."""
    answer = dien_bien_decision.ask(question)
    assert not answer.abstained
    assert number in answer.answer and other not in answer.answer, answer.answer


def test_a_later_number_line_is_read_as_a_title_block_line():
    from qa.answering.candidates import is_attached_number_line
    assert is_attached_number_line("Số: 57/KH-UBND Sơn La, ngày 24 tháng 02 năm 2025")
    assert is_attached_number_line("Số: 12/2025/QĐ-UBND")
    assert not is_attached_number_line("Số lượng 57/KH điểm")
    assert not is_attached_number_line("Số hồ sơ: 412.560")


#: A province portal's page for a plan: masthead and menu, the page's heading, the plan's
#: metadata table and a summary, without the plan's own title block (``metadata_table``).
PORTAL_PAGE = """<html><head><title>Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026 - Cổng thông tin điện tử tỉnh Điện Biên</title></head>
<body>
<div class="header">Cổng thông tin điện tử tỉnh Điện Biên <span>Thứ Hai, 09/02/2026</span> <a href="/dang-nhap">Đăng nhập</a> | <a href="/en">English</a></div>
<ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/tin-tuc">Tin tức - Sự kiện</a></li><li><a href="/van-ban">Văn bản chỉ đạo điều hành</a></li></ul>
<h1>Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026</h1>
<table class="meta">
<tr><td>Số ký hiệu</td><td>37/KH-UBND</td></tr>
<tr><td>Ngày ban hành</td><td>27/01/2026</td></tr>
<tr><td>Loại văn bản</td><td>Kế hoạch</td></tr>
<tr><td>Cơ quan ban hành</td><td>UBND tỉnh Điện Biên</td></tr>
<tr><td>Người ký</td><td>Phó Chủ tịch Lò Văn Tiến</td></tr>
</table>
<p>Thực hiện Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ, UBND tỉnh ban hành Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026.</p>
<h2>I. MỤC TIÊU</h2>
<p>Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình đạt 70%.</p>
<p>Tỷ lệ dân số trưởng thành có tài khoản thanh toán điện tử đạt 65%.</p>
</body></html>
"""


@pytest.fixture(scope="module")
def portal_page(tmp_path_factory):
    """A province portal's page of a plan: a headline and a metadata table, no type line."""
    return _assistant_of(tmp_path_factory, "portal", {"dien_bien_kh_2026.html": PORTAL_PAGE})


@pytest.mark.parametrize("question, expected", [
    ("Ai ký kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026?", "Lò Văn Tiến"),
    ("Who signed Dien Bien's 2026 digital transformation plan?", "Lò Văn Tiến"),
    ("Kế hoạch chuyển đổi số Điện Biên năm 2026 ban hành ngày nào?", "27/01/2026"),
    ("What is the number of Dien Bien's 2026 digital transformation plan?", "37/KH-UBND"),
])
def test_a_portal_pages_metadata_table_answers_as_a_title_block(portal_page, question, expected):
    """A portal's metadata table is the page's title block (structure.metadata_table): its
    "Người ký" row answers who signed, though the row shares no word with the question, and
    the day of issue is its "Ngày ban hành" row, not the masthead's day the page was viewed."""
    answer = portal_page.ask(question)
    assert not answer.abstained
    assert expected in answer.answer
    assert "09/02/2026" not in answer.answer


DECISION_CITING = """ỦY BAN NHÂN DÂN
TỈNH ĐIỆN BIÊN

Số: 968/QĐ-UBND

Điện Biên, ngày 10 tháng 4 năm 2024

QUYẾT ĐỊNH
PHÊ DUYỆT KẾ HOẠCH CHUYỂN ĐỔI SỐ TỈNH ĐIỆN BIÊN NĂM 2024

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH ĐIỆN BIÊN

Căn cứ Nghị định số 47/2020/NĐ-CP ngày 09 tháng 4 năm 2020 của Chính phủ về quản lý, kết nối và chia sẻ dữ liệu số của cơ quan nhà nước;

Căn cứ Quyết định số 2207/QĐ-UBND ngày 06 tháng 8 năm 2021 của Ủy ban nhân dân tỉnh phê duyệt Chương trình hành động về chuyển đổi số, đô thị thông minh gắn với cải cách hành chính;

QUYẾT ĐỊNH:

Điều 1. Phê duyệt Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2024 kèm theo Quyết định này.

Điều 2. Quyết định này có hiệu lực kể từ ngày ký.
"""


@pytest.fixture(scope="module")
def dien_bien_citing(tmp_path_factory):
    """A decision approving a 2024 plan, grounded on a 2020 decree and a 2021 decision."""
    return _assistant_of(tmp_path_factory, "citing", {"dien_bien_qd.txt": DECISION_CITING})


def test_a_document_cited_by_the_named_one_is_not_numbered_by_its_title_block(dien_bien_citing):
    """Rules "a cited document is not the citing one" (asked_own) and "the year names the
    citing document" (reader.cited_for_year): the 2021 decision the 2024 decision cites,
    not the 2024 decision's own number, and not refused for its 2021 date."""
    answer = dien_bien_citing.ask("Which decision on the digital transformation action programme does "
                                  "Dien Bien's 2024 decision cite?")
    assert not answer.abstained, answer.answer
    assert "2207/QĐ-UBND" in answer.answer and "968/QĐ-UBND" not in answer.answer


def test_a_decree_cited_by_a_document_of_the_year_asked_is_no_year_conflict(dien_bien_citing):
    """Rule "the year names the citing document" (reader.cited_for_year): the 2024
    decision's grounds date the decree 2020."""
    answer = dien_bien_citing.ask("Which decree on managing and sharing digital data does Dien Bien's 2024 "
                                  "decision cite?")
    assert not answer.abstained, answer.answer
    assert "47/2020/NĐ-CP" in answer.answer


PLAN_OF_SEVERAL_YEARS = """ỦY BAN NHÂN DÂN
TỈNH ĐIỆN BIÊN

Số: 215/KH-UBND

Điện Biên, ngày 18 tháng 8 năm 2022

KẾ HOẠCH
CHUYỂN ĐỔI SỐ TỈNH ĐIỆN BIÊN ĐẾN NĂM 2025 VÀ ĐỊNH HƯỚNG ĐẾN NĂM 2030

Căn cứ Quyết định số 411/QĐ-TTg ngày 31/3/2022 của Thủ tướng Chính phủ phê duyệt Chiến lược quốc gia phát triển kinh tế số và xã hội số;

Căn cứ Chỉ thị số 17-CT/TU ngày 20/6/2022 của Ban Thường vụ Tỉnh ủy về tăng cường lãnh đạo công tác chuyển đổi số;

UBND tỉnh Điện Biên ban hành Kế hoạch chuyển đổi số đến năm 2025 và định hướng đến năm 2030 như sau:

I. MỤC TIÊU

Đến năm 2025, 80% hồ sơ công việc tại cấp huyện được xử lý trên môi trường mạng.
"""


@pytest.fixture(scope="module")
def dien_bien_several_years(tmp_path_factory):
    """A plan to 2025 with a vision to 2030, grounded on a 2022 directive."""
    return _assistant_of(tmp_path_factory, "several", {"dien_bien_kh.txt": PLAN_OF_SEVERAL_YEARS})


def test_a_plan_of_several_years_cites_a_document_of_another_year(dien_bien_several_years):
    """Rule "a plan of several years cites" (reader.cited_for_year): "đến 2025" names the
    plan, whose title names 2025 and 2030; the directive it cites, dated 2022, answers and
    is not refused for its year."""
    answer = dien_bien_several_years.ask("Ke hoach CDS Dien Bien den 2025 can cu chi thi nao cua Ban thuong vu Tinh uy?")
    assert not answer.abstained, answer.answer
    assert "17-CT/TU" in answer.answer


@pytest.mark.parametrize("fixture, question, day", [
    ("dien_bien_citing", "When was Dien Bien's decision 968/QĐ-UBND issued?", "10 tháng 4 năm 2024"),
    ("dien_bien", "When was Dien Bien's plan 41/KH-UBND issued?", "12 tháng 3 năm 2025"),
    ("dien_bien", "Kế hoạch 88/KH-UBND của Điện Biên ban hành ngày nào?", "20 tháng 5 năm 2022"),
])
def test_a_document_named_by_its_number_is_dated_by_its_title_block(request, fixture, question, day):
    """Rule "a document named by its number" (names_number), with "a document's number is
    no word of the question's language" (qa.retrieval.query.detect_language)."""
    answer = request.getfixturevalue(fixture).ask(question)
    assert not answer.abstained, answer.answer
    assert day in answer.answer


def test_a_number_names_a_document_only_as_a_whole_code():
    from qa.answering.document_metadata import names_number

    assert names_number("When was Vinh Phuc's plan 193/KH-UBND issued?", "193/KH-UBND")
    assert names_number("ke hoach 86/KH-UBND ban hanh ngay nao", "86 /KH-UBND")
    assert not names_number("When was plan 193/KH-UBND issued?", "93/KH-UBND")
    assert not names_number("When was the plan issued?", None)
