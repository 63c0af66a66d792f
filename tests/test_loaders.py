"""Promises of the load stage: every supported file gives its Vietnamese text back intact,
and every bad file is refused with a DocumentError that says what is wrong.

All fixtures are generated here, in tmp_path.
"""

from __future__ import annotations

import os
import random
import struct
import tracemalloc
import unicodedata
import zipfile
import zlib
from pathlib import Path

import docx
import matplotlib
import pytest
from docx.oxml import parse_xml
from fpdf import FPDF
from pypdf import PdfWriter

from qa.config import load_settings
from qa.errors import DocumentError
from qa.documents.loaders import SUPPORTED_EXTENSIONS, LoadedFile, load_file

E_PAYMENT = "Tỷ lệ dân số có tài khoản thanh toán điện tử đạt trên 30%."
ONLINE_FILES = (
    "Phấn đấu đến năm 2025, 100% hồ sơ công việc cấp tỉnh được xử lý trên môi trường mạng, "
    "trừ hồ sơ công việc thuộc phạm vi bí mật nhà nước."
)
PLAN_TITLE = "Kế hoạch chuyển đổi số tỉnh Hà Tĩnh giai đoạn 2021-2025"
FONT = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSans.ttf"


def words(text: str) -> str:
    """Text with every run of whitespace made one space, as a reader compares it."""
    return " ".join(text.split())


def is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def refusal(path: Path, **limits: object) -> str:
    """The reason load_file gives for refusing ``path`` (fails the test if it loads),
    with the given settings (e.g. ``max_text_chars=1000``) changed."""
    with pytest.raises(DocumentError) as caught:
        load_file(path, load_settings().with_overrides(**limits))
    assert caught.value.path == str(path)
    return caught.value.reason


def peak_bytes_while(action) -> int:
    """The most memory Python held at once while ``action()`` ran."""
    tracemalloc.start()
    try:
        action()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


# --- fixture builders -----------------------------------------------------------------


def make_pdf(path: Path, paragraphs: list[str], title: str | None = PLAN_TITLE) -> Path:
    """A PDF written with DejaVu Sans (it has every Vietnamese glyph), one cell per paragraph."""
    pdf = FPDF()
    if title:
        pdf.set_title(title)
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=12)
    for paragraph in paragraphs:
        pdf.multi_cell(0, 8, paragraph)
        pdf.ln(4)
    pdf.output(str(path))
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose page is only drawn shapes, like a scan: no text layer at all."""
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 50, style="F")
    pdf.line(20, 90, 150, 90)
    pdf.output(str(path))
    return path


def make_docx(path: Path) -> Path:
    """A Word file: title in core properties, a heading, a paragraph, a table, a closing line."""
    document = docx.Document()
    document.core_properties.title = PLAN_TITLE
    document.add_heading("Mục tiêu đến năm 2025", level=1)
    document.add_paragraph(E_PAYMENT)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Chỉ tiêu"
    table.cell(0, 1).text = "Năm 2025"
    table.cell(1, 0).text = "Dịch vụ công trực tuyến mức độ 4"
    table.cell(1, 1).text = "100%"
    document.add_paragraph(ONLINE_FILES)
    document.save(str(path))
    return path


def encode_cp1258(text: str) -> bytes:
    """Text as a Windows-1258 file: letters it lacks are a base letter plus a combining tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", char)
        for i in range(1, len(parts)):
            base = unicodedata.normalize("NFC", parts[:i] + parts[i + 1 :])
            try:
                out += base.encode("cp1258") + parts[i].encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise ValueError(f"{char!r} has no cp1258 form")
    return bytes(out)


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def zip_bomb_docx(path: Path, mib: int, declared_size: int | None = None) -> Path:
    """A .docx whose word/document.xml inflates to ``mib`` MiB (or says it does not).

    Deflate blocks that end in a full flush are byte-identical, so the stream is one
    ~2.5 KB block repeated: building a 601 MiB bomb costs a CRC pass, not compressing
    601 MiB. The zip is written by hand so that its declared size can also lie.
    """
    block = (b"<w:p><w:r><w:t>" + b"a" * 1000 + b"</w:t></w:r></w:p>") * 1100
    block = block[: 1 << 20]
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    stream = piece * mib + compressor.flush()
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    types = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
    members = [
        (b"[Content_Types].xml", types, zipfile.ZIP_STORED, zlib.crc32(types), len(types)),
        (b"word/document.xml", stream, zipfile.ZIP_DEFLATED, crc,
         mib << 20 if declared_size is None else declared_size),
    ]
    out, central = bytearray(), bytearray()
    for name, data, method, member_crc, size in members:
        offset = len(out)
        out += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, method, 0, 33, member_crc, len(data), size,
                           len(name), 0) + name + data
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", 20, 20, 0, method, 0, 33, member_crc, len(data), size,
                               len(name), 0, 0, 0, 0, 0, offset) + name
    out += central + struct.pack("<4s4H2IH", b"PK\x05\x06", 0, 0, len(members), len(members), len(central),
                                 len(out), 0)
    return write(path, bytes(out))


# --- PDF ----------------------------------------------------------------------------------


def test_a_pdfs_vietnamese_text_comes_out_with_its_diacritics_intact(tmp_path: Path) -> None:
    loaded = load_file(make_pdf(tmp_path / "plan.pdf", [E_PAYMENT, ONLINE_FILES]))

    assert isinstance(loaded, LoadedFile)
    assert E_PAYMENT in words(loaded.text)
    assert ONLINE_FILES in words(loaded.text)
    assert is_nfc(loaded.text)


def test_a_pdfs_paragraphs_come_out_in_reading_order(tmp_path: Path) -> None:
    text = load_file(make_pdf(tmp_path / "plan.pdf", [E_PAYMENT, ONLINE_FILES])).text

    assert text.index("Tỷ lệ dân số") < text.index("Phấn đấu đến năm 2025")


def test_a_pdfs_title_comes_from_its_metadata(tmp_path: Path) -> None:
    assert load_file(make_pdf(tmp_path / "plan.pdf", [E_PAYMENT])).title == PLAN_TITLE


def test_a_pdf_without_a_metadata_title_has_no_title(tmp_path: Path) -> None:
    assert load_file(make_pdf(tmp_path / "plan.pdf", [E_PAYMENT], title=None)).title is None


def test_a_pdf_written_with_decomposed_accents_comes_out_composed(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", E_PAYMENT)
    text = load_file(make_pdf(tmp_path / "nfd.pdf", [decomposed])).text

    assert E_PAYMENT in words(text)
    assert is_nfc(text)


def test_a_pdfs_accents_drawn_apart_from_their_letters_are_joined_back(tmp_path: Path) -> None:
    # Some PDF producers draw each accent as its own glyph; pypdf may then put a space
    # between the letter and the accent. A space before a combining mark is never text.
    apart = "".join(
        " " + char if unicodedata.combining(char) else char for char in unicodedata.normalize("NFD", E_PAYMENT)
    )
    text = load_file(make_pdf(tmp_path / "apart.pdf", [apart])).text

    assert E_PAYMENT in words(text)


def test_an_uppercase_extension_is_loaded_like_a_lowercase_one(tmp_path: Path) -> None:
    assert E_PAYMENT in words(load_file(make_pdf(tmp_path / "PLAN.PDF", [E_PAYMENT])).text)


def test_a_pdf_encrypted_without_a_user_password_is_read(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=make_pdf(tmp_path / "plain.pdf", [E_PAYMENT]))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    writer.write(tmp_path / "no-copy.pdf")

    assert E_PAYMENT in words(load_file(tmp_path / "no-copy.pdf").text)


def test_a_password_protected_pdf_is_refused_asking_for_an_unprotected_copy(tmp_path: Path) -> None:
    writer = PdfWriter(clone_from=make_pdf(tmp_path / "plain.pdf", [E_PAYMENT]))
    writer.encrypt(user_password="bí mật", owner_password="owner", algorithm="AES-128")
    writer.write(tmp_path / "locked.pdf")

    assert "password" in refusal(tmp_path / "locked.pdf")


def test_a_scanned_pdf_is_refused_saying_it_needs_ocr(tmp_path: Path) -> None:
    reason = refusal(make_scanned_pdf(tmp_path / "scan.pdf"))

    assert "no text layer" in reason
    assert "OCR" in reason


def test_a_truncated_pdf_is_refused_as_damaged_or_incomplete(tmp_path: Path) -> None:
    whole = make_pdf(tmp_path / "whole.pdf", [E_PAYMENT, ONLINE_FILES]).read_bytes()
    half = write(tmp_path / "half.pdf", whole[: len(whole) // 2])

    assert "truncated" in refusal(half)


def test_random_bytes_named_pdf_are_refused_as_not_a_pdf(tmp_path: Path) -> None:
    noise = random.Random(1).randbytes(4096)

    assert "not a PDF" in refusal(write(tmp_path / "noise.pdf", noise))


def test_a_pdf_header_followed_by_garbage_is_refused_as_damaged(tmp_path: Path) -> None:
    garbage = b"%PDF-1.7\n" + random.Random(2).randbytes(4096)

    assert "damaged" in refusal(write(tmp_path / "garbage.pdf", garbage))


def test_a_pdf_that_reads_too_slowly_is_given_up_instead_of_hanging(tmp_path: Path) -> None:
    reason = refusal(make_pdf(tmp_path / "plan.pdf", [E_PAYMENT]), pdf_seconds=-1.0)

    assert "took longer" in reason and "QA_PDF_SECONDS" in reason


def test_a_pdf_with_more_text_than_the_limit_is_refused_page_by_page(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "long.pdf", [E_PAYMENT, ONLINE_FILES])
    assert E_PAYMENT in words(load_file(pdf).text)

    reason = refusal(pdf, max_text_chars=40)

    assert "more than 40 characters" in reason and "QA_MAX_TEXT_CHARS" in reason


# --- DOCX ---------------------------------------------------------------------------------


def test_a_word_files_paragraphs_and_table_come_out_in_document_order(tmp_path: Path) -> None:
    text = load_file(make_docx(tmp_path / "plan.docx")).text
    lines = text.split("\n")

    assert lines == [
        "Mục tiêu đến năm 2025",
        E_PAYMENT,
        "Chỉ tiêu | Năm 2025",
        "Dịch vụ công trực tuyến mức độ 4 | 100%",
        ONLINE_FILES,
    ]


def test_a_word_files_title_comes_from_its_core_properties(tmp_path: Path) -> None:
    assert load_file(make_docx(tmp_path / "plan.docx")).title == PLAN_TITLE


def test_a_word_files_tracked_insertions_and_hyperlinks_are_kept(tmp_path: Path) -> None:
    document = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    paragraph = parse_xml(
        f"<w:p {w}><w:r><w:t xml:space=\"preserve\">Tỷ lệ dân số </w:t></w:r>"
        f'<w:ins w:id="1" w:author="A"><w:r><w:t xml:space="preserve">có tài khoản </w:t></w:r></w:ins>'
        f'<w:del w:id="2" w:author="A"><w:r><w:delText>không có </w:delText></w:r></w:del>'
        f"<w:hyperlink><w:r><w:t>thanh toán điện tử</w:t></w:r></w:hyperlink>"
        f"<w:r><w:t xml:space=\"preserve\"> đạt trên 30%.</w:t></w:r></w:p>"
    )
    document.element.body.insert(0, paragraph)
    document.save(str(tmp_path / "tracked.docx"))

    assert load_file(tmp_path / "tracked.docx").text == E_PAYMENT


def test_a_word_files_content_controls_are_read_like_ordinary_paragraphs(tmp_path: Path) -> None:
    document = docx.Document()
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    cover = parse_xml(
        f"<w:sdt {w}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>{PLAN_TITLE}</w:t></w:r></w:p>"
        "</w:sdtContent></w:sdt>"
    )
    document.element.body.insert(0, cover)
    document.add_paragraph(E_PAYMENT)
    document.save(str(tmp_path / "cover.docx"))

    assert load_file(tmp_path / "cover.docx").text.split("\n") == [PLAN_TITLE, E_PAYMENT]


def test_a_truncated_word_file_is_refused_as_truncated(tmp_path: Path) -> None:
    whole = make_docx(tmp_path / "whole.docx").read_bytes()
    half = write(tmp_path / "half.docx", whole[: len(whole) // 2])

    assert "truncated" in refusal(half)


def test_an_old_doc_file_renamed_to_docx_is_refused_saying_how_to_convert_it(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048)

    assert "save as .docx" in refusal(write(tmp_path / "old.docx", ole))


def test_a_zip_that_is_not_a_word_file_is_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "photos.docx", "w") as archive:
        archive.writestr("photo.txt", "không phải tài liệu Word")

    assert "not a readable Word document" in refusal(tmp_path / "photos.docx")


def test_a_docx_bomb_is_refused_by_its_declared_size_without_inflating_it(tmp_path: Path) -> None:
    bomb = zip_bomb_docx(tmp_path / "bomb.docx", mib=601)
    assert bomb.stat().st_size < 3 * 2**20, "1.5 MB on disk"
    with zipfile.ZipFile(bomb) as archive:
        assert archive.getinfo("word/document.xml").file_size == 601 * 2**20

    reasons: list[str] = []
    peak = peak_bytes_while(lambda: reasons.append(refusal(bomb)))

    assert "word/document.xml" in reasons[0] and "601 MiB" in reasons[0] and "zip bomb" in reasons[0]
    assert "QA_MAX_ARCHIVE_MEMBER_BYTES" in reasons[0]
    assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MiB held while refusing a 601 MiB part"


def test_a_docx_bomb_that_lies_about_its_size_is_refused_while_unzipping(tmp_path: Path) -> None:
    liar = zip_bomb_docx(tmp_path / "liar.docx", mib=601, declared_size=1000)

    reasons: list[str] = []
    peak = peak_bytes_while(lambda: reasons.append(refusal(liar)))

    assert "damaged" in reasons[0]
    assert peak < 16 * 2**20, f"{peak / 2**20:.0f} MiB held while reading a lying 601 MiB part"


def test_a_docx_part_over_the_configured_limit_is_refused(tmp_path: Path) -> None:
    document = make_docx(tmp_path / "plan.docx")
    assert E_PAYMENT in words(load_file(document).text)

    assert "zip bomb" in refusal(document, max_archive_member_bytes=1000)


def test_a_word_file_with_only_empty_paragraphs_is_refused_as_having_no_text(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("   ")
    document.save(str(tmp_path / "blank.docx"))

    assert "no text" in refusal(tmp_path / "blank.docx")


# --- HTML ---------------------------------------------------------------------------------

PAGE = f"""<!DOCTYPE html>
<html lang="vi"><head>
  <meta charset="utf-8">
  <title>{PLAN_TITLE}</title>
  <style>body {{ color: red }}</style>
  <script>var tracking = "Đăng nhập";</script>
</head><body>
  <header><a href="/">Trang chủ</a> | Đăng nhập</header>
  <nav><ul><li>Tin tức</li><li>Liên hệ</li></ul></nav>
  <!-- quảng cáo -->
  <article>
    <h1>Hà Tĩnh đẩy mạnh chuyển đổi số</h1>
    <p>{E_PAYMENT}</p>
    <p>Phấn đấu đến năm 2025,
       100% hồ sơ công việc cấp tỉnh<br>được xử lý trên môi trường mạng.</p>
    <table><tr><th>Chỉ tiêu</th><th>Năm 2025</th></tr>
           <tr><td><p>Dịch vụ công</p><p>trực tuyến</p></td><td>100%</td></tr></table>
  </article>
  <aside>Bài viết liên quan</aside>
  <form><input name="q"> Tìm kiếm</form>
  <noscript>Bật JavaScript</noscript>
  <footer>Bản quyền © Sở Thông tin và Truyền thông</footer>
  <script>document.write("Quảng cáo")</script>
</body></html>
"""


def test_a_web_pages_article_text_comes_out_without_scripts_or_navigation(tmp_path: Path) -> None:
    text = load_file(write(tmp_path / "page.html", PAGE.encode("utf-8"))).text

    assert text.split("\n") == [
        "Hà Tĩnh đẩy mạnh chuyển đổi số",
        E_PAYMENT,
        "Phấn đấu đến năm 2025, 100% hồ sơ công việc cấp tỉnh",
        "được xử lý trên môi trường mạng.",
        "Chỉ tiêu | Năm 2025",
        "Dịch vụ công trực tuyến | 100%",
    ]


@pytest.mark.parametrize(
    "noise", ["Đăng nhập", "Trang chủ", "Tin tức", "quảng cáo", "Quảng cáo", "Bài viết liên quan",
              "Tìm kiếm", "JavaScript", "Bản quyền", "color: red"]
)
def test_a_web_pages_furniture_is_dropped(tmp_path: Path, noise: str) -> None:
    text = load_file(write(tmp_path / "page.htm", PAGE.encode("utf-8"))).text

    assert noise not in text


def test_a_web_pages_title_comes_from_its_title_tag(tmp_path: Path) -> None:
    assert load_file(write(tmp_path / "page.html", PAGE.encode("utf-8"))).title == PLAN_TITLE


def test_a_web_page_without_a_title_tag_takes_its_first_heading(tmp_path: Path) -> None:
    page = f"<html><body><h1>  Hà Tĩnh\n đẩy mạnh chuyển đổi số </h1><p>{E_PAYMENT}</p></body></html>"

    assert load_file(write(tmp_path / "page.html", page.encode())).title == "Hà Tĩnh đẩy mạnh chuyển đổi số"


def test_an_articles_own_header_keeps_its_headline_and_date(tmp_path: Path) -> None:
    page = (
        "<html><body><header>Menu</header><article><header><h1>Hà Tĩnh</h1>"
        f"<time>15/03/2022</time></header><p>{E_PAYMENT}</p></article></body></html>"
    )
    text = load_file(write(tmp_path / "page.html", page.encode())).text

    assert text.split("\n") == ["Hà Tĩnh", "15/03/2022", E_PAYMENT]


def test_a_page_that_asp_net_wraps_in_one_form_keeps_its_text(tmp_path: Path) -> None:
    page = (
        '<html><body><form id="aspnetForm" method="post"><div class="menu">'
        '<form action="/search"><input name="q"> Tìm kiếm</form></div>'
        f"<h1>Hà Tĩnh</h1><p>{E_PAYMENT}</p><p>{ONLINE_FILES}</p></form></body></html>"
    )
    text = load_file(write(tmp_path / "portal.aspx.html", page.encode())).text

    assert text.split("\n") == ["Hà Tĩnh", E_PAYMENT, ONLINE_FILES]


def test_a_web_page_in_its_declared_legacy_charset_is_decoded(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="windows-1258"></head><body><p>{E_PAYMENT}</p></body></html>'

    assert load_file(write(tmp_path / "page.html", encode_cp1258(page))).text == E_PAYMENT


def test_a_utf8_web_page_that_declares_latin1_is_still_read_as_utf8(tmp_path: Path) -> None:
    page = f'<html><head><meta charset="iso-8859-1"></head><body><p>{E_PAYMENT}</p></body></html>'

    assert load_file(write(tmp_path / "page.html", page.encode("utf-8"))).text == E_PAYMENT


def test_a_web_page_with_only_scripts_is_refused_as_having_no_text(tmp_path: Path) -> None:
    page = b"<html><head><title>Trang</title><script>var a = 1;</script></head><body></body></html>"

    assert "no text" in refusal(write(tmp_path / "page.html", page))


# --- Markdown -----------------------------------------------------------------------------

MARKDOWN = f"""# Kế hoạch **chuyển đổi số** tỉnh Hà Tĩnh

## Mục tiêu ##

> {E_PAYMENT}

- Phấn đấu **100%** hồ sơ được xử lý *trên môi trường mạng*.
- Xem [Quyết định số 749/QĐ-TTg](https://vanban.chinhphu.vn/?docid=200163) và ![bản đồ](map.png).
- Tên tệp `ke_hoach_2025.pdf` giữ nguyên dấu gạch dưới: so_hoa_ho_so.

---
"""


def test_a_markdown_files_words_stay_and_its_markup_goes(tmp_path: Path) -> None:
    text = load_file(write(tmp_path / "plan.md", MARKDOWN.encode())).text
    lines = [line for line in text.split("\n") if line]

    assert lines == [
        "Kế hoạch chuyển đổi số tỉnh Hà Tĩnh",
        "Mục tiêu",
        E_PAYMENT,
        "- Phấn đấu 100% hồ sơ được xử lý trên môi trường mạng.",
        "- Xem Quyết định số 749/QĐ-TTg và bản đồ.",
        "- Tên tệp ke_hoach_2025.pdf giữ nguyên dấu gạch dưới: so_hoa_ho_so.",
    ]


def test_a_markdown_files_title_is_its_first_top_level_heading(tmp_path: Path) -> None:
    loaded = load_file(write(tmp_path / "plan.md", MARKDOWN.encode()))

    assert loaded.title == "Kế hoạch chuyển đổi số tỉnh Hà Tĩnh"


# --- plain text and encodings --------------------------------------------------------------

LETTER = f"{PLAN_TITLE}\n{E_PAYMENT}\n{ONLINE_FILES}\n"


def test_a_utf8_text_file_with_a_byte_order_mark_loses_only_the_mark(tmp_path: Path) -> None:
    loaded = load_file(write(tmp_path / "plan.txt", LETTER.encode("utf-8-sig")))

    assert loaded.text == LETTER
    assert loaded.title is None


def test_a_utf16_text_file_saved_by_notepad_is_read(tmp_path: Path) -> None:
    assert load_file(write(tmp_path / "plan.txt", LETTER.encode("utf-16"))).text == LETTER


def test_a_legacy_windows_1258_text_file_is_recognised_and_composed(tmp_path: Path) -> None:
    data = encode_cp1258(LETTER)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    text = load_file(write(tmp_path / "plan.txt", data)).text

    assert text == LETTER
    assert is_nfc(text)


def test_a_utf8_file_cut_inside_its_last_character_keeps_the_rest(tmp_path: Path) -> None:
    data = (E_PAYMENT + " Đạ").encode("utf-8")[:-1]  # "ạ" is 3 bytes; one is missing

    assert load_file(write(tmp_path / "cut.txt", data)).text == E_PAYMENT + " Đ"


def test_line_breaks_spaces_and_control_characters_are_normalised(tmp_path: Path) -> None:
    messy = "Tỷ\u00a0lệ dân số\r\ncó tài\x07 khoản\rthanh toán\x0cđiện tử\tđạt\u202ftrên 30%."
    text = load_file(write(tmp_path / "messy.txt", unicodedata.normalize("NFD", messy).encode())).text

    assert text == "Tỷ lệ dân số\ncó tài khoản\nthanh toán\nđiện tử\tđạt trên 30%."
    assert is_nfc(text)


def test_nothing_but_normalisation_is_done_to_the_text(tmp_path: Path) -> None:
    scraped = "  Trang chủ  \n\n\nQuảng cáo!!! truc tiep bong da\n  Tỷ lệ   dân số  \n"

    assert load_file(write(tmp_path / "scraped.txt", scraped.encode())).text == scraped


# --- bad files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["empty.txt", "empty.md", "empty.html", "empty.pdf", "empty.docx"])
def test_an_empty_file_is_refused_as_empty(tmp_path: Path, name: str) -> None:
    assert "empty" in refusal(write(tmp_path / name, b""))


def test_a_whitespace_only_file_is_refused_as_having_no_text(tmp_path: Path) -> None:
    assert "no text" in refusal(write(tmp_path / "blank.txt", b" \n\t\r\n \xc2\xa0\n"))


def test_binary_bytes_in_a_text_file_are_refused_as_binary(tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(3).randbytes(512)

    assert "binary" in refusal(write(tmp_path / "image.txt", png))


def test_control_characters_without_nul_bytes_are_refused_as_binary(tmp_path: Path) -> None:
    assert "binary" in refusal(write(tmp_path / "controls.txt", bytes(range(1, 32)) * 20))


def test_a_mis_encoded_file_is_refused_asking_for_utf8(tmp_path: Path) -> None:
    mixed = LETTER.encode("utf-8") + encode_cp1258(E_PAYMENT) + LETTER.encode("utf-8")

    reason = refusal(write(tmp_path / "mixed.txt", mixed))

    assert "not valid UTF-8" in reason
    assert "save it as UTF-8" in reason


def test_random_high_bytes_are_refused_asking_for_utf8(tmp_path: Path) -> None:
    noise = bytes(random.Random(4).randrange(0x80, 0x100) for _ in range(600))

    assert "save it as UTF-8" in refusal(write(tmp_path / "noise.md", noise))


def test_an_unknown_extension_is_refused_naming_the_supported_ones(tmp_path: Path) -> None:
    reason = refusal(write(tmp_path / "plan.xyz", LETTER.encode()))

    assert "'.xyz'" in reason
    for extension in SUPPORTED_EXTENSIONS:
        assert extension in reason


def test_a_text_file_too_large_for_the_text_limit_is_refused_unread(tmp_path: Path) -> None:
    # 4 bytes per character is the most UTF-8 needs, so 5,000 bytes cannot be 1,000 characters.
    reason = refusal(write(tmp_path / "long.txt", ("a" * 4999 + "\n").encode()), max_text_chars=1000)

    assert "more than a text of 1,000 characters" in reason and "QA_MAX_TEXT_CHARS" in reason


def test_a_text_over_the_text_limit_once_decoded_is_refused(tmp_path: Path) -> None:
    # 3 letters of UTF-8 are less than 4 bytes per character of 2 letters: read, then refused.
    reason = refusal(write(tmp_path / "long.txt", (LETTER * 3).encode()), max_text_chars=len(LETTER) * 2)

    assert f"has more than {len(LETTER) * 2:,} characters" in reason


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "plan.pdf", [E_PAYMENT])

    reason = refusal(pdf, max_file_bytes=pdf.stat().st_size - 1)

    assert "QA_MAX_FILE_BYTES" in reason


def test_a_symbolic_link_is_refused_without_opening_its_target(tmp_path: Path, monkeypatch) -> None:
    target = write(tmp_path / "outside.txt", LETTER.encode())
    link = tmp_path / "docs" / "plan.txt"
    link.parent.mkdir()
    link.symlink_to(target)
    opened: list[str] = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda path, *a, **k: opened.append(os.path.realpath(path)) or real_open(path, *a, **k))

    assert "symbolic link" in refusal(link)
    assert str(target) not in opened


def test_a_missing_file_is_refused_as_missing(tmp_path: Path) -> None:
    assert "does not exist" in refusal(tmp_path / "missing.pdf")


def test_a_folder_named_like_a_document_is_refused(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()

    assert "not a regular file" in refusal(tmp_path / "folder.txt")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need a POSIX system")
def test_a_named_pipe_is_refused_instead_of_blocking_forever(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")

    assert "not a regular file" in refusal(tmp_path / "pipe.txt")


def _damaged_copies(data: bytes, seed: int) -> list[bytes]:
    """Truncations and byte flips of ``data``: the damage real downloads and disks do."""
    rng = random.Random(seed)
    cuts = [data[: rng.randrange(1, len(data))] for _ in range(4)]
    flips = []
    for _ in range(4):
        damaged = bytearray(data)
        for _ in range(8):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        flips.append(bytes(damaged))
    return cuts + flips


@pytest.mark.parametrize("kind", ["pdf", "docx", "html", "md", "txt"])
@pytest.mark.parametrize("seed", range(5))
def test_a_damaged_file_either_loads_or_raises_document_error_and_nothing_else(
    tmp_path: Path, kind: str, seed: int
) -> None:
    if kind == "pdf":
        original = make_pdf(tmp_path / "original.pdf", [E_PAYMENT, ONLINE_FILES]).read_bytes()
    elif kind == "docx":
        original = make_docx(tmp_path / "original.docx").read_bytes()
    elif kind == "html":
        original = PAGE.encode()
    elif kind == "md":
        original = MARKDOWN.encode()
    else:
        original = encode_cp1258(LETTER)

    for number, data in enumerate(_damaged_copies(original, seed)):
        path = write(tmp_path / f"damaged{number}.{kind}", data)
        try:
            loaded = load_file(path)
        except DocumentError:
            continue
        assert isinstance(loaded.text, str) and loaded.text.strip()
        assert is_nfc(loaded.text)
