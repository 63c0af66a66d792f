"""Promises of the chat (app.py), checked with Streamlit's AppTest and on its pure helpers.

AppTest runs the script in-process, so these tests need no browser. The bundled plans
are indexed once into a temporary folder (the session's shared index from conftest.py
when there is one); the project's own index/ is not touched.
"""

from __future__ import annotations

import csv
import html
import importlib.util
import io
import re
import sqlite3
import tomllib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from streamlit.testing.v1 import AppTest

from qa.config import PROJECT_ROOT
from qa.serving.feedback import FeedbackStore
from qa.types import Answer, Citation
from qa.serving.ui_text import EXAMPLES, PROVINCE_EXAMPLES, TEXT, examples, normalise_lang, t

APP = str(PROJECT_ROOT / "app.py")


def _import_app() -> ModuleType:
    """app.py as a module, for its pure helpers (its page only runs as ``__main__``).

    Loaded by path: the project root is not necessarily on ``sys.path`` under ``pytest``.
    """
    spec = importlib.util.spec_from_file_location("chat_app", APP)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it runs
    spec.loader.exec_module(module)
    return module


app = _import_app()
HA_TINH_QUESTION = "What is Hà Tĩnh's 2025 e-payment target?"
CA_MAU_QUESTION = "What does Cà Mau's digital transformation plan aim for by 2025?"

HOSTILE_DOCUMENT = """\
Kế hoạch chuyển đổi số tỉnh Cà Mau <img src=x onerror=alert(1)>

Kế hoạch chuyển đổi số tỉnh Cà Mau giai đoạn 2021 - 2025 đặt mục tiêu đến năm 2025 có 50% \
dân số trưởng thành có tài khoản thanh toán điện tử <script>alert(1)</script> và 90% hồ sơ \
công việc cấp tỉnh được xử lý trên môi trường mạng.

Tỉnh Cà Mau ưu tiên chuyển đổi số trong các lĩnh vực y tế, giáo dục, nông nghiệp và du lịch. \
[Bấm vào đây](javascript:alert(1)) để xem thêm. ![x](http://evil.example/x.png)
"""


# --- Fixtures ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary index of the bundled plans: the session's shared one when conftest offers it
    (built once for the whole test run), else an empty folder the first app run builds."""
    try:
        return Path(request.getfixturevalue("assistant").settings.index_dir)
    except pytest.FixtureLookupError:
        return tmp_path_factory.mktemp("index")


@pytest.fixture
def feedback_db(tmp_path: Path, index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app at the temporary index and a fresh feedback database."""
    path = tmp_path / "feedback.sqlite3"
    monkeypatch.setenv("QA_INDEX_DIR", str(index_dir))
    monkeypatch.setenv("QA_DOCUMENTS_DIR", str(PROJECT_ROOT / "documents"))
    monkeypatch.setenv("QA_FEEDBACK_DB", str(path))
    return path


def _app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


def _ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def _html(at: AppTest) -> list[str]:
    """Every markdown block of the page (cards, answers, documents) as its raw HTML."""
    return [element.value for element in at.markdown]


def _cards(at: AppTest) -> list[str]:
    return [value for value in _html(at) if value.startswith('<div class="qa-card')]


def _notices(at: AppTest) -> list[str]:
    """The text of every notice (``notice_html``) and Streamlit alert on the page."""
    found = [element.value for element in (*at.info, *at.warning, *at.error)]
    for value in _html(at):
        if value.startswith('<div class="qa-notice'):
            found.append(html.unescape(re.sub(r"<[^>]+>", "", value)))
    return found


def _feedback_key(at: AppTest) -> str:
    return next(group.key for group in at.button_group if (group.key or "").startswith("fb-"))


# --- The chat ------------------------------------------------------------------------


def test_an_english_question_about_ha_tinh_gets_the_30_percent_target_with_a_ha_tinh_source(
    feedback_db: Path,
) -> None:
    at = _ask(_app(), HA_TINH_QUESTION)
    answers = [value for value in _html(at) if value.startswith('<div class="qa-answer">')]
    assert answers and "30%" in answers[0]
    # Each [n] is a link to its cited card under this answer.
    link = re.search(r'<sup class="qa-ref"><a href="#(qa-src-\w+-1)" data-qa-card="\1">\[1\]</a></sup>', answers[0])
    assert link, answers[0]
    cards = _cards(at)
    assert cards and cards[0].startswith(f'<div class="qa-card qa-cited" id="{link.group(1)}">')
    assert '<span class="qa-n">[1]</span>' in cards[0] and t("vi", "cited_badge") in cards[0]
    assert "Hà Tĩnh" in cards[0] and "<mark>" in cards[0] and "30%" in cards[0]


def test_a_question_about_a_province_outside_the_collection_reads_as_an_abstention(
    feedback_db: Path,
) -> None:
    at = _ask(_app(), CA_MAU_QUESTION)
    notices = (t("en", "abstain_notice"), t("vi", "abstain_notice"))
    assert any(notice in alert for alert in _notices(at) for notice in notices)
    # The nearest passages are shown as related passages, not as numbered sources.
    assert f"**{t('vi', 'related')}**" in _html(at)
    assert not any(t("vi", "cited_sources") in value for value in _html(at))
    cards = _cards(at)
    assert cards and all('class="qa-card qa-related"' in card and "qa-n" not in card for card in cards)
    assert not any("<mark>" in card for card in cards)  # no answer highlight on what is not the answer


def test_a_thumb_and_a_comment_are_stored_in_the_feedback_database(feedback_db: Path) -> None:
    at = _ask(_app(), HA_TINH_QUESTION)
    at.button_group(key=_feedback_key(at)).set_value("up").run()
    at.text_input(key=next(w.key for w in at.text_input if (w.key or "").startswith("fbc-"))).input(
        "Đúng, có nguồn rõ ràng"
    ).run()
    assert not at.exception, at.exception

    rows = sqlite3.connect(feedback_db).execute(
        "SELECT question, answer, citations_json, verdict, comment, created_at FROM feedback"
    ).fetchall()
    assert len(rows) == 1
    question, answer, citations_json, verdict, comment, created_at = rows[0]
    assert question == HA_TINH_QUESTION and "30%" in answer
    assert '"province": "Hà Tĩnh"' in citations_json
    assert verdict == "up" and comment == "Đúng, có nguồn rõ ràng"
    assert created_at.endswith("+00:00")  # UTC


def test_a_question_without_words_gets_a_message_instead_of_a_crash(feedback_db: Path) -> None:
    at = _ask(_app(), "??? !!!")
    assert _notices(at) and _notices(at)[0]  # the core's message for the reader
    assert not _cards(at) and not [g for g in at.button_group if (g.key or "").startswith("fb-")]


def test_the_full_document_opens_with_the_cited_passage_marked_in_place(feedback_db: Path) -> None:
    at = _ask(_app(), HA_TINH_QUESTION)
    first_source = next(b for b in at.button if (b.key or "").startswith("doc-") and b.key.endswith("-1"))
    first_source.click().run()
    documents = [value for value in _html(at) if value.startswith('<div class="qa-doc">')]
    assert len(documents) == 1
    assert f'<span class="qa-anchor" id="{app.CITED_ID}"></span><mark>' in documents[0]
    marked = documents[0].split("<mark>", 1)[1].split("</mark>", 1)[0]
    assert "<strong>" in marked and "30%" in marked.split("<strong>", 1)[1]


def test_an_example_button_asks_its_question(feedback_db: Path) -> None:
    at = _app()
    example = EXAMPLES["vi"][0]
    next(b for b in at.button if b.label == example).click().run()
    assert any(v.startswith('<div class="qa-question"') and f">{example}</div>" in v for v in _html(at))
    assert _cards(at)


def test_the_interface_is_vietnamese_by_default_and_english_with_lang_en(feedback_db: Path) -> None:
    assert _app().title[0].value == t("vi", "app_title")
    english = _app(lang="en")
    assert english.title[0].value == t("en", "app_title")
    assert english.chat_input[0].placeholder == t("en", "input_placeholder")


def test_the_sidebar_language_selector_switches_the_whole_interface(feedback_db: Path) -> None:
    at = _app()
    at.button_group(key="lang").set_value("en").run()
    assert at.title[0].value == t("en", "app_title")
    assert at.selectbox(key="province-en").label == t("en", "province")
    assert at.selectbox(key="province-en").format_func(at.selectbox(key="province-en").value) == t(
        "en", "all_provinces"
    )
    assert at.button[0].label == EXAMPLES["en"][0]


def test_the_province_query_parameter_sets_the_starting_filter(feedback_db: Path) -> None:
    at = _app(province="Hà Tĩnh")
    assert at.selectbox(key="province-vi").value == "Hà Tĩnh"
    at.button_group(key="lang").set_value("en").run()
    assert at.selectbox(key="province-en").value == "Hà Tĩnh"  # the choice survives the switch
    # Examples then ask about that province, so each of them has an answer.
    assert any("Hà Tĩnh" in b.label for b in at.button if (b.key or "").startswith("example-"))


def test_with_a_province_filter_every_source_comes_from_that_province(feedback_db: Path) -> None:
    at = _app(province="Đồng Nai")
    _ask(at, "Mục tiêu về dịch vụ công trực tuyến đến năm 2025?")
    cards = _cards(at)
    assert cards and all(re.search(r'<div class="qa-meta">[^<]*Đồng Nai</div>', card) for card in cards)


def test_the_sidebar_lists_the_indexed_documents_with_their_passage_counts(feedback_db: Path) -> None:
    at = _app()
    listing = next(value for value in _html(at) if value.startswith('<ul class="qa-doc-list">'))
    assert listing.count("<li>") == 5
    assert "Hà Tĩnh" in listing and t("vi", "n_chunks", n="").strip() in listing


def test_an_empty_documents_folder_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "documents").mkdir()
    monkeypatch.setenv("QA_DOCUMENTS_DIR", str(tmp_path / "documents"))
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert not at.exception, at.exception
    message = " ".join(e.value for e in at.error)
    assert "documents/" in message and "python -m qa index" in message
    assert not at.chat_input  # no chat without documents


def test_a_document_containing_script_is_shown_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "hostile.txt").write_text(HOSTILE_DOCUMENT, encoding="utf-8")
    monkeypatch.setenv("QA_DOCUMENTS_DIR", str(documents))
    monkeypatch.setenv("QA_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("QA_FEEDBACK_DB", str(tmp_path / "feedback.sqlite3"))

    at = _ask(_app(), "Mục tiêu thanh toán điện tử của Cà Mau đến năm 2025?")
    at.button(key=next(b.key for b in at.button if (b.key or "").startswith("doc-"))).click().run()
    page = "\n".join(_html(at))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown, as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the title too
    assert "<script" not in page and "<img" not in page
    assert any(v.startswith("<div class=\"qa-doc\">") for v in _html(at))  # full document shown


# --- The HTML helpers ---------------------------------------------------------------


def test_highlighting_escapes_the_passage_and_marks_the_answering_sentence() -> None:
    passage = "Mục tiêu <script>alert(1)</script>. Tỷ lệ thanh toán điện tử đạt 30%. Hết."
    start = passage.index("Tỷ lệ")
    end = passage.index("30%.") + 4
    result = app.highlight_html(passage, start, end)
    assert result == (
        "Mục tiêu &lt;script&gt;alert(1)&lt;/script&gt;. "
        "<mark>Tỷ lệ thanh toán điện tử đạt 30%.</mark> Hết."
    )


def test_a_span_covering_markup_is_marked_after_escaping_by_raw_offsets() -> None:
    passage = "a <b>bold</b> c"
    assert app.highlight_html(passage, 2, 13) == "a <mark>&lt;b&gt;bold&lt;/b&gt;</mark> c"


@pytest.mark.parametrize("span", [(None, None), (5, 5), (9, 3), (-4, 0), (50, 60)])
def test_a_missing_or_impossible_span_leaves_the_text_escaped_and_unmarked(span: tuple) -> None:
    assert app.highlight_html("<i>x</i> y", *span) == "&lt;i&gt;x&lt;/i&gt; y"


def test_quotes_are_escaped_so_text_cannot_leave_an_attribute() -> None:
    assert app.escape_text('" onmouseover="alert(1)') == "&quot; onmouseover=&quot;alert(1)"
    assert app.escape_text("it's") == "it&#x27;s"


def test_html_fragments_never_contain_a_blank_line() -> None:
    # A blank line would end Streamlit's raw-HTML block and expose the rest to markdown.
    text = "para one\n\n[link](javascript:alert(1))\r\n\r\n![x](http://evil/x.png)"
    for fragment in (app.escape_text(text), app.highlight_html(text, 0, 4), app.document_html(text, 0, 4)):
        assert "\n" not in fragment
    assert app.escape_text("a\n\n\nb", compact=True) == "a<br>b"
    assert app.escape_text("a\n\nb") == "a<br><br>b"


def test_answer_markers_become_citation_badges_and_the_rest_is_escaped() -> None:
    assert app.answer_html("30% <b>[1]</b> và [2].") == (
        '30% &lt;b&gt;<sup class="qa-ref">[1]</sup>&lt;/b&gt; và <sup class="qa-ref">[2]</sup>.'
    )


def test_markers_of_cited_sources_link_to_their_cards_and_others_stay_plain() -> None:
    result = app.answer_html("a [1] b [2, 3].", "t1", cited=[1, 3])
    assert result == (
        'a <sup class="qa-ref"><a href="#qa-src-t1-1" data-qa-card="qa-src-t1-1">[1]</a></sup> b '
        '<sup class="qa-ref">[2]<a href="#qa-src-t1-3" data-qa-card="qa-src-t1-3">[3]</a></sup>.'
    )
    assert app.card_anchor('x"><script>', 2) == "qa-src-xscript-2"  # an id never leaves its attribute


def test_a_summary_shows_its_pillars_as_headings_and_its_targets_as_a_cited_list() -> None:
    summary = "Các mục tiêu của X:\n\n**Chính quyền số**\n- 80% <b>DVC</b> [1]\n- 90% hồ sơ [2]\n\n**Kinh tế số**\n- 10% GRDP [3]"
    result = app.answer_html(summary, "t1", cited=[1, 2, 3])
    assert "**" not in result and "\n" not in result and "<br>" not in result
    assert result.startswith('Các mục tiêu của X:<div class="qa-answer-heading">Chính quyền số</div><ul class="qa-list">')
    assert result.count("<li>") == 3 and result.count('data-qa-card="qa-src-t1-') == 3
    assert "<li>80% &lt;b&gt;DVC&lt;/b&gt; <sup" in result  # the lines' text is still escaped
    assert '<div class="qa-answer-heading">Kinh tế số</div>' in result


def test_a_comparison_table_becomes_an_html_table_with_escaped_cells() -> None:
    text = "A cao nhất (20%) [1].\n\n|Tỉnh|Mức|Năm|Nguồn|\n|---|---|---|---|\n|A|trên 20%|2025|[1]|\n|<i>B</i>|10%|2025|[2]|"
    result = app.answer_html(text, "t1", cited=[1, 2])
    assert "|" not in result and "---" not in result
    assert "<th>Tỉnh</th><th>Mức</th><th>Năm</th><th>Nguồn</th>" in result
    assert "<td>&lt;i&gt;B&lt;/i&gt;</td><td>10%</td>" in result
    assert result.count("<tr>") == 3 and result.count("data-qa-card") == 3


def test_a_screen_reader_hears_a_summary_and_a_table_without_markdown_marks() -> None:
    summary = "Các mục tiêu của X:\n\n**Chính quyền số**\n- 80% DVC\n- 90% hồ sơ\n\n**Kinh tế số**\n- 10% GRDP"
    assert app.plain_answer(summary) == "Các mục tiêu của X:\nChính quyền số:\n80% DVC.\n90% hồ sơ.\nKinh tế số:\n10% GRDP."
    table = "A cao nhất (20%).\n\n|Tỉnh|Mức|Năm|\n|---|---|---|\n|A|trên 20%|2025|"
    assert app.plain_answer(table) == "A cao nhất (20%).\nTỉnh: A; Mức: trên 20%; Năm: 2025."


def test_text_that_only_looks_like_markup_stays_text() -> None:
    # A pipe line without a rule under it is not a table; "**" inside a line is not a heading.
    assert app.answer_html("|a|b|\nx **y** z") == "|a|b|<br>x **y** z"


def test_a_card_escapes_title_province_and_date() -> None:
    citation = Citation(
        n=3, doc_id="d", title="<img src=x onerror=alert(1)>", province="<b>P</b>",
        passage="p <script>", start=0, end=10, score=0.5, highlight_start=0, highlight_end=1,
        date="<i>2025</i>",
    )
    card = app.card_html(citation, "vi")
    assert "<img" not in card and "<script" not in card and "<b>P" not in card and "<i>" not in card
    assert '<span class="qa-n">[3]</span> &lt;img src=x onerror=alert(1)&gt;' in card
    related = app.card_html(citation, "vi", related=True)
    assert "qa-n" not in related and "<mark>" not in related and "qa-badge" not in related


def test_a_card_shows_what_a_checker_needs_where_it_is_known() -> None:
    citation = Citation(
        n=1, doc_id="d", title="Kế hoạch", province="Hà Tĩnh", passage="p", start=0, end=1, score=1.0,
        date="2021-05-20", number="245/KH-UBND", heading_path="II. MỤC TIÊU › 2. Cụ thể",
        url="https://hatinh.gov.vn/ke-hoach?a=1&b=2", cited=True,
    )
    card = app.card_html(citation, "en", anchor="qa-src-t-1")
    assert '<div class="qa-meta">No. 245/KH-UBND · 2021-05-20 · Hà Tĩnh</div>' in card
    assert '<div class="qa-heading">II. MỤC TIÊU › 2. Cụ thể</div>' in card
    assert '<a href="https://hatinh.gov.vn/ke-hoach?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">' in card
    bare = Citation(n=1, doc_id="d", title="t", province=None, passage="p", start=0, end=1, score=1.0)
    assert '<div class="qa-meta">Province unknown</div>' in app.card_html(bare, "en")
    assert "qa-heading" not in app.card_html(bare, "en") and "qa-url" not in app.card_html(bare, "en")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "//evil.example", 'https://a/"x'])
def test_a_catalogue_url_becomes_a_link_only_if_it_is_plain_http(url: str) -> None:
    assert app.safe_url(url) is None
    assert app.safe_url(" https://hatinh.gov.vn/a ") == "https://hatinh.gov.vn/a"


def test_notices_and_labels_show_their_text_literally() -> None:
    crafted = "**Phiên hết hạn.** [Đăng nhập lại tại đây](http://evil.example/login)\n\n![x](http://x/t.png)"
    notice = app.notice_html(crafted, "warning")
    assert notice.startswith('<div class="qa-notice qa-notice-warning" role="status">**Phiên')
    assert "\n" not in notice and "<img" not in notice and "<a " not in notice
    label = app.markdown_label("![x](http://x/t.png) <b>")
    assert label == "\\!\\[x\\]\\(http\\:\\/\\/x\\/t\\.png\\) \\<b\\>"
    assert app.markdown_label("a" * 100, limit=10) == "a" * 9 + "…"


def test_the_document_view_anchors_the_cited_passage_and_strengthens_its_answering_sentence() -> None:
    text = "intro <x>. cited <y>. part. outro"
    start, end = text.index("cited"), text.index(" outro")
    focus = (text.index("part") - start, end - start)
    html = app.document_html(text, start, end, *focus)
    assert html == (
        '<div class="qa-doc">intro &lt;x&gt;. '
        f'<span class="qa-anchor" id="{app.CITED_ID}"></span>'
        "<mark>cited &lt;y&gt;. <strong>part.</strong></mark> outro</div>"
    )
    assert app.document_html("<b>", 2, 1) == '<div class="qa-doc">&lt;b&gt;</div>'


def test_a_province_in_the_url_matches_whatever_its_case_or_unicode_form() -> None:
    provinces = ["Hà Tĩnh", "Đồng Nai"]
    assert app.match_province("hà tĩnh", provinces) == "Hà Tĩnh"
    decomposed = "Ha\u0300 Ti\u0303nh"  # NFD, as some portals send it
    assert app.match_province(decomposed, provinces) == "Hà Tĩnh"
    assert app.match_province("Cà Mau", provinces) is None
    assert app.match_province(None, provinces) is None


# --- Interface strings --------------------------------------------------------------


def test_both_languages_define_every_interface_string() -> None:
    assert set(TEXT["vi"]) == set(TEXT["en"])
    assert set(EXAMPLES) == set(PROVINCE_EXAMPLES) == set(TEXT)


def test_the_abstention_notice_reads_as_specified() -> None:
    assert t("vi", "abstain_notice").startswith("Các kế hoạch trong bộ tài liệu không nêu thông tin này")
    assert t("en", "abstain_notice").startswith("The plans in the collection do not state this")


def test_language_codes_are_normalised_and_default_to_vietnamese() -> None:
    assert normalise_lang("EN-us") == "en"
    assert normalise_lang("fr") == "vi"
    assert normalise_lang(None) == "vi"


def test_examples_ask_about_the_filtered_province() -> None:
    assert examples("vi") == EXAMPLES["vi"]
    assert all("Đồng Nai" in q for q in examples("en", "Đồng Nai"))


# --- Feedback store -----------------------------------------------------------------


def test_the_feedback_store_records_utc_time_and_exports_csv(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "sub" / "feedback.sqlite3")
    row = store.add("Câu hỏi?", "Trả lời [1]", "[]", "down", "thiếu nguồn")
    store.update(row, verdict="up", comment="đã sửa")
    exported = list(csv.DictReader(io.StringIO(store.to_csv())))
    assert [(r["question"], r["verdict"], r["comment"]) for r in exported] == [("Câu hỏi?", "up", "đã sửa")]
    assert exported[0]["created_at"].endswith("+00:00")


@pytest.mark.parametrize("comment", [
    '=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", " =1+1", "\n=1+1",
    "＝1+1", "＋1", "－1", "＠SUM(A1)", '"=1+1"', "'=1", "\u00a0=1",
])
def test_a_comment_that_could_start_a_formula_is_exported_as_text(tmp_path: Path, comment: str) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.add(comment, "a", "[]", "down", comment)
    row = next(csv.DictReader(io.StringIO(store.to_csv())))
    assert row["comment"] == "'" + comment and row["question"] == "'" + comment


def test_ordinary_cells_are_exported_unchanged(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.add("Mục tiêu 2025?", "30% [1]", "[]", "up", "đúng")
    row = next(csv.DictReader(io.StringIO(store.to_csv())))
    assert (row["question"], row["answer"], row["comment"]) == ("Mục tiêu 2025?", "30% [1]", "đúng")


def test_a_withdrawn_thumb_is_forgotten_and_an_unknown_verdict_is_refused(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    store.delete(store.add("q", "a", "[]", "up"))
    assert store.rows() == []
    with pytest.raises(ValueError, match="verdict"):
        store.add("q", "a", "[]", "maybe")


def test_the_feedback_database_path_comes_from_qa_feedback_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_FEEDBACK_DB", str(tmp_path / "x.sqlite3"))
    assert FeedbackStore().path == tmp_path / "x.sqlite3"
    monkeypatch.delenv("QA_FEEDBACK_DB")
    assert FeedbackStore().path == PROJECT_ROOT / "feedback.sqlite3"


@pytest.fixture(autouse=True)
def _no_stray_feedback_file() -> Iterator[None]:
    """No test may write the project's real feedback database."""
    real = PROJECT_ROOT / "feedback.sqlite3"
    existed = real.exists()
    yield
    assert existed or not real.exists(), "a test wrote the project's feedback.sqlite3"


def test_setup_errors_say_what_to_do() -> None:
    from qa.errors import BrokenIndexError, NoDocumentsError

    broken = app._setup_error_message(BrokenIndexError("manifest `v3` unreadable"), "en")
    assert "python -m qa index" in broken and "`manifest 'v3' unreadable`" in broken
    assert "documents/" in app._setup_error_message(NoDocumentsError("empty"), "vi")


def test_a_question_of_only_symbols_gets_a_clear_message_in_vietnamese(feedback_db: Path) -> None:
    at = _ask(_app(), "?!...")
    messages = _notices(at)
    assert any(t("vi", "question_no_words") in m for m in messages), messages



# --- Web inputs, administration, conversation ------------------------------------------

CRAFTED_PROVINCE = "**Phiên hết hạn.** [Đăng nhập lại tại đây](http://evil.example/login) ![x](http://127.0.0.1:9/t.png)"


def test_a_crafted_province_parameter_is_shown_as_plain_text(feedback_db: Path) -> None:
    at = _app(province=CRAFTED_PROVINCE)
    assert not at.warning and not at.info  # nothing of it reaches a Markdown alert
    shown = [value for value in _html(at) if value.startswith('<div class="qa-notice')]
    assert len(shown) == 1 and html.escape(CRAFTED_PROVINCE, quote=True) in shown[0]
    assert "<a " not in shown[0] and "<img" not in shown[0]


def _download_labels(at: AppTest) -> list[str]:
    return [element.proto.label for element in at.get("download_button")]


def test_without_an_admin_token_there_is_no_feedback_export(feedback_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QA_ADMIN_TOKEN", raising=False)
    at = _ask(_app(), HA_TINH_QUESTION)
    assert t("vi", "feedback_export") not in _download_labels(at)
    assert not [w for w in at.text_input if w.key == "admin_token_input"]


def test_the_feedback_export_needs_the_admin_token(feedback_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QA_ADMIN_TOKEN", "s3cret-token")
    at = _app()
    assert t("vi", "feedback_export") not in _download_labels(at)  # a reader gets no export
    at.text_input(key="admin_token_input").input("guess").run()
    assert any(t("vi", "admin_refused") in notice for notice in _notices(at))
    assert t("vi", "feedback_export") not in _download_labels(at)
    at.text_input(key="admin_token_input").input("s3cret-token").run()
    assert t("vi", "feedback_export") in _download_labels(at)


def test_is_admin_token_never_accepts_without_a_configured_token() -> None:
    from qa.config import load_settings

    assert not app.is_admin_token("", load_settings(admin_token=None))
    assert not app.is_admin_token("x", load_settings())
    assert app.is_admin_token("tok", load_settings(admin_token="tok"))
    assert not app.is_admin_token("tok ", load_settings(admin_token="tok"))


def test_a_conversation_survives_a_reload_through_its_url(feedback_db: Path) -> None:
    first = _ask(_app(), HA_TINH_QUESTION)
    chat_id = first.query_params[app.CHAT_PARAM]
    chat_id = chat_id[0] if isinstance(chat_id, list) else chat_id
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", chat_id)
    reloaded = _app(chat=chat_id)  # a new session, as after a reload
    questions = [value for value in _html(reloaded) if value.startswith('<div class="qa-question"')]
    assert len(questions) == 1 and html.escape(HA_TINH_QUESTION) in questions[0]
    assert _cards(reloaded)
    assert not any(value.startswith('<div class="qa-question"') for value in _html(_app(chat="x" * 22)))


def test_a_question_over_the_limit_gets_a_clear_message(feedback_db: Path) -> None:
    at = _ask(_app(), "thanh toán điện tử " * 200 + "?")  # 3,801 characters
    assert any("3,801" in notice and "2,000" in notice for notice in _notices(at)), _notices(at)
    shown = next(v for v in _html(at) if v.startswith('<div class="qa-question"'))
    assert len(shown) < 1000  # the paste is not echoed in full


def test_the_newest_reply_is_announced_to_screen_readers(feedback_db: Path) -> None:
    at = _ask(_app(), HA_TINH_QUESTION)
    live = [v for v in _html(at) if 'aria-live="polite"' in v]
    assert len(live) == 1 and "30%" in live[0] and "[1]" not in live[0]


class _FakeAssistant:
    def __init__(self, with_history: bool) -> None:
        self.calls: list[dict] = []
        if with_history:
            self.ask = self._ask_with_history  # type: ignore[method-assign]

    def ask(self, question: str, *, mode=None, k=None, province=None):  # noqa: ANN001, ANN201
        self.calls.append({"question": question})
        return Answer(question=question, answer="a", abstained=False)

    def _ask_with_history(self, question: str, *, mode=None, k=None, province=None, history=()):  # noqa: ANN001, ANN201
        self.calls.append({"question": question, "history": list(history)})
        return Answer(question=question, answer="b", abstained=False)


def test_earlier_answers_go_to_the_core_only_if_it_takes_a_history() -> None:
    controls = app.Controls(lang="vi", province=None, k=5, mode="hybrid", embed=False)
    earlier = app.Turn(id="t1", question="q1", answer=Answer(question="q1", answer="x", abstained=False))
    failed = app.Turn(id="t2", question="q2", error="too long")
    old = _FakeAssistant(with_history=False)
    app.ask(old, "q3", controls, history=[earlier, failed])
    assert old.calls == [{"question": "q3"}]
    new = _FakeAssistant(with_history=True)
    app.ask(new, "q3", controls, history=[earlier, failed])
    assert new.calls == [{"question": "q3", "history": [earlier.answer]}]


def test_the_conversation_downloads_as_markdown_with_its_cited_sources() -> None:
    cited = Citation(n=1, doc_id="d", title="Kế hoạch Hà Tĩnh", province="Hà Tĩnh", passage="đạt trên 30%.",
                     start=0, end=13, score=1.0, number="245/KH-UBND", url="https://hatinh.gov.vn/kh", cited=True)
    related = Citation(n=2, doc_id="e", title="Khác", province="Đồng Nai", passage="khác", start=0, end=4,
                       score=0.5)
    answer = Answer(question="q", answer="Trên 30% [1].", abstained=False, citations=[cited, related],
                    understood="Mục tiêu thanh toán điện tử của Hà Tĩnh năm 2025", notices=["Bạn đang lọc Hà Tĩnh"])
    turns = [app.Turn(id="t1", question="Mục tiêu?", answer=answer), app.Turn(id="t2", question="x", error="Lỗi")]
    text = app.conversation_markdown(turns, "vi")
    assert "**Hỏi:** Mục tiêu?" in text and "**Trả lời:** Trên 30% [1]." in text
    assert "*Hiểu là: Mục tiêu thanh toán điện tử của Hà Tĩnh năm 2025*" in text
    assert "> Bạn đang lọc Hà Tĩnh" in text
    assert "- [1] Kế hoạch Hà Tĩnh (Số 245/KH-UBND · Hà Tĩnh)" in text and "https://hatinh.gov.vn/kh" in text
    assert "Khác" not in text  # related passages are not what the answer rests on
    assert "> Lỗi" in text


def test_the_conversation_store_keeps_the_most_recent_and_refuses_bad_ids() -> None:
    store = app.ConversationStore(limit=2)
    ids = ["a" * 22, "b" * 22, "c" * 22]
    for chat_id in ids:
        store.put(chat_id, [])
    assert store.get(ids[0]) is None and store.get(ids[2]) == []
    assert store.get("../../etc") is None and store.get(None) is None


def test_the_reply_shows_how_the_question_was_understood_and_the_core_notices() -> None:
    answer = Answer(question="q", answer="30% [1].", abstained=False,
                    understood="<b>Đồng Nai</b> 2030", notices=["Bạn đang lọc Hà Tĩnh; câu hỏi nói về **Đồng Nai**"])
    turn = app.Turn(id="t1", question="còn Đồng Nai?", answer=answer)
    at = AppTest.from_function(_render_one_turn, args=(turn,), default_timeout=30).run()
    assert not at.exception, at.exception
    page = "\n".join(_html(at))
    assert "Hiểu là: &lt;b&gt;Đồng Nai&lt;/b&gt; 2030" in page
    assert "Bạn đang lọc Hà Tĩnh; câu hỏi nói về **Đồng Nai**" in page and not at.warning


def _render_one_turn(turn) -> None:  # noqa: ANN001 (runs inside AppTest, which pickles nothing)
    import importlib.util
    import sys

    from qa.config import PROJECT_ROOT
    from qa.serving.feedback import FeedbackStore

    spec = importlib.util.spec_from_file_location("chat_app_fn", str(PROJECT_ROOT / "app.py"))
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    controls = module.Controls(lang="vi", province=None, k=5, mode="hybrid", embed=False)
    module.render_reply(None, turn, controls, FeedbackStore("/tmp/qa-test-unused.sqlite3"))


# --- Serving: headers and error details ---------------------------------------------------


def test_the_frame_ancestors_policy_lists_the_configured_origins_and_refuses_anything_else() -> None:
    from qa.serving.chat_server import frame_ancestors_policy

    assert frame_ancestors_policy("'self' https://intranet.example.gov.vn") == (
        "frame-ancestors 'self' https://intranet.example.gov.vn"
    )
    assert frame_ancestors_policy("") == "frame-ancestors 'none'"
    for bad in ("'self'; script-src *", "https://a,https://b", "\"x\"", "https://x/\u00e9"):
        with pytest.raises(ValueError, match="QA_FRAME_ANCESTORS"):
            frame_ancestors_policy(bad)


def test_the_shipped_config_hides_error_details_and_serve_py_is_an_asgi_app() -> None:
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    from streamlit.web.server.app_discovery import discover_asgi_app

    assert discover_asgi_app(PROJECT_ROOT / "serve.py").is_asgi_app


def test_the_copy_button_carries_the_answer_and_its_sources_as_escaped_text() -> None:
    text = 'Trên 30% [1].\n\n- [1] "Kế hoạch" <b>\n  > đạt trên 30%.'
    button = app.copy_button_html(text, "en")
    assert "\n" not in button  # a blank line would end the raw-HTML block
    assert 'data-qa-copy="Trên 30% [1].&#10;&#10;- [1] &quot;Kế hoạch&quot; &lt;b&gt;&#10;  &gt; đạt trên 30%."' in button
    assert button.endswith(">Copy</button>")
