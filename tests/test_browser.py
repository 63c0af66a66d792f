"""Promises of the chat and the intranet widget in a real browser (Debian's Chromium).

Each server is a real ``streamlit run app.py`` on a free port with a temporary index,
so the first page load also shows the index build. The screenshots land in
tests/artifacts/ (in docs/screenshots/ for the README with QA_UPDATE_SCREENSHOTS=1);
the latencies measured on the way are printed (``pytest -s`` shows them).

Run: ``python -m pytest tests/test_browser.py -q -s`` (marker: ``browser``).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

from qa.chat_server import CHROMIUM, CHROMIUM_ARGS, running_chat

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Screenshots go to tests/artifacts/ (git-ignored), so a test run changes no tracked file;
# QA_UPDATE_SCREENSHOTS=1 writes them to docs/screenshots/ for the README instead.
SCREENSHOTS = (PROJECT_ROOT / "docs" / "screenshots" if os.environ.get("QA_UPDATE_SCREENSHOTS") == "1"
               else PROJECT_ROOT / "tests" / "artifacts")
CHAT_INPUT = '[data-testid="stChatInputTextArea"]'
HA_TINH_QUESTION = "What is Hà Tĩnh's 2025 e-payment target?"
# Bounds of every wait, in seconds: the first page load builds the index (~15 s).
START_TIMEOUT = 60
BUILD_TIMEOUT = 180
ANSWER_TIMEOUT = 60

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium); "
        "Playwright's own browser download is not available offline",
    ),
]


# --- A streamlit server per fixture --------------------------------------------------


@dataclass
class Server:
    url: str
    started: float  # time.perf_counter() when the process was spawned
    healthy_after: float  # seconds from spawn to /_stcore/health answering "ok"
    log: Path


@contextlib.contextmanager
def streamlit_server(tmp: Path, **env: str) -> Iterator[Server]:
    """``streamlit run app.py`` on a free port with ``env``; always stopped afterwards."""
    log = tmp / "streamlit.log"
    environment = {"QA_FEEDBACK_DB": str(tmp / "feedback.sqlite3"), **env}
    with running_chat(environment, log=log, timeout=START_TIMEOUT) as chat:
        yield Server(chat.url, chat.started, chat.healthy_after, log)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The chat on the bundled plans, with an empty index folder: its first page load builds it."""
    tmp = tmp_path_factory.mktemp("server")
    with streamlit_server(tmp, QA_INDEX_DIR=str(tmp / "index"), QA_DOCUMENTS_DIR=str(PROJECT_ROOT / "documents")) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


# --- Driving the chat (a page or the widget's frame) -----------------------------------

_ANSWERED = """(expected) => {
  const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
  if (messages.length < expected) return false;
  const last = messages[messages.length - 1];
  const state = document.querySelector('[data-test-script-state]');
  return !!last.querySelector('.qa-card, [data-testid="stAlert"]')
      && !document.querySelector('[data-testid="stSpinner"]')
      && (!state || state.getAttribute('data-test-script-state') === 'notRunning');
}"""


def ask(target, question: str) -> float:
    """Type ``question`` into the chat input and wait for its reply; returns the seconds taken.

    ``target`` is a Playwright Page or Frame (the widget's iframe).
    """
    before = target.locator('[data-testid="stChatMessage"]').count()
    target.fill(CHAT_INPUT, question)
    started = time.perf_counter()
    target.press(CHAT_INPUT, "Enter")
    target.wait_for_function(_ANSWERED, arg=before + 2, timeout=ANSWER_TIMEOUT * 1000)
    return time.perf_counter() - started


def last_reply_text(target) -> str:
    return target.locator('[data-testid="stChatMessage"]').last.inner_text()


def scroll_to_top(page) -> None:
    """Show the page from its title, once Streamlit's stick-to-bottom scrolling is done."""
    time.sleep(1.0)
    page.locator('[data-testid="stAppScrollToBottomContainer"]').evaluate("(el) => { el.scrollTop = 0; }")
    time.sleep(0.5)


def scroll_to_message(target, index: int) -> None:
    """Scroll a chat message to the top, once Streamlit's stick-to-bottom scrolling is done."""
    time.sleep(1.0)
    target.locator('[data-testid="stChatMessage"]').nth(index).evaluate("(el) => el.scrollIntoView()")
    time.sleep(0.5)


# --- Promises --------------------------------------------------------------------------


def test_the_chat_builds_its_index_visibly_then_answers_with_a_cited_ha_tinh_source(server: Server, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1100}, locale="vi-VN")
    loaded = time.perf_counter()
    page.goto(server.url + "/", timeout=START_TIMEOUT * 1000)
    # First start: the index build reports its progress instead of a frozen page.
    page.wait_for_selector('[data-testid="stProgress"]', timeout=START_TIMEOUT * 1000)
    page.wait_for_selector(CHAT_INPUT, timeout=BUILD_TIMEOUT * 1000)
    ready = time.perf_counter() - loaded

    first = ask(page, HA_TINH_QUESTION)
    reply = last_reply_text(page)
    assert "30%" in reply
    first_card = page.locator(".qa-card").first
    assert "Hà Tĩnh" in first_card.inner_text()
    assert first_card.locator("mark").count() == 1
    cold_total = time.perf_counter() - server.started

    later = [ask(page, q) for q in (
        "Quảng Nam ưu tiên chuyển đổi số những lĩnh vực nào?",
        "What is Đồng Nai's digital economy target for 2025?",
        "Mục tiêu thanh toán điện tử của Hà Tĩnh đến năm 2025?",
    )]
    print(
        f"\n[latency] server healthy after {server.healthy_after:.1f} s; page to chat input "
        f"(index build) {ready:.1f} s; first answer {first:.2f} s; cold start to first answer "
        f"{cold_total:.1f} s; later answers {', '.join(f'{s:.2f}' for s in later)} s"
    )
    assert max(later) < 10

    page.set_viewport_size({"width": 1280, "height": 1350})
    page.goto(server.url + "/", timeout=START_TIMEOUT * 1000)  # a fresh session for the screenshot
    page.wait_for_selector(CHAT_INPUT, timeout=START_TIMEOUT * 1000)
    ask(page, HA_TINH_QUESTION)
    scroll_to_top(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "chat.png"))
    page.close()


def test_a_source_opens_the_full_document_scrolled_to_the_cited_passage(server: Server, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server.url + "/", timeout=START_TIMEOUT * 1000)
    page.wait_for_selector(CHAT_INPUT, timeout=BUILD_TIMEOUT * 1000)
    ask(page, HA_TINH_QUESTION)
    page.get_by_role("button", name="Xem toàn văn").first.click()
    mark = page.wait_for_selector(".qa-doc mark", timeout=ANSWER_TIMEOUT * 1000)
    time.sleep(0.5)
    box = page.locator(".qa-doc").bounding_box()
    marked = mark.bounding_box()
    assert page.locator(".qa-doc").evaluate("(el) => el.scrollTop") > 0
    assert box and marked and box["y"] <= marked["y"] <= box["y"] + box["height"]
    assert "30%" in mark.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "document.png"))
    page.close()


def test_the_intranet_widget_opens_the_embedded_chat_and_answers(server: Server, browser) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    portal = (PROJECT_ROOT / "examples" / "intranet.html").as_uri() + "?app=" + quote(server.url, safe="")
    page.goto(portal, timeout=START_TIMEOUT * 1000)
    button = page.get_by_role("button", name="Hỏi đáp kế hoạch")
    button.wait_for(timeout=START_TIMEOUT * 1000)
    assert page.locator("iframe").count() == 0  # no chat session until someone opens it
    button.click()

    iframe = page.wait_for_selector("iframe.qa-widget-frame", timeout=START_TIMEOUT * 1000)
    src = iframe.get_attribute("src") or ""
    assert src == f"{server.url}/?embed=true&lang=vi&province=H%C3%A0%20T%C4%A9nh"
    frame = iframe.content_frame()
    frame.wait_for_selector(CHAT_INPUT, timeout=BUILD_TIMEOUT * 1000)
    assert not frame.locator('header[data-testid="stHeader"]').is_visible()
    assert not frame.locator('[data-testid="stSidebar"]').is_visible()
    assert not frame.locator("h1").count()  # the compact chat has no page title…
    assert frame.get_by_text("Đang hỏi về: Hà Tĩnh").is_visible()  # …and says its filter

    seconds = ask(frame, "Mục tiêu thanh toán điện tử của Hà Tĩnh đến năm 2025?")
    print(f"\n[latency] widget answer {seconds:.2f} s")
    assert "30%" in last_reply_text(frame)
    assert "Hà Tĩnh" in frame.locator(".qa-card").first.inner_text()
    scroll_to_message(frame, 0)
    page.screenshot(path=str(SCREENSHOTS / "widget.png"))

    button.click()  # the same button closes the panel
    assert not page.locator(".qa-widget-panel").is_visible()
    page.close()


HOSTILE_DOCUMENT = """\
Kế hoạch chuyển đổi số tỉnh Cà Mau <img src=x onerror=alert(1)>

Kế hoạch chuyển đổi số tỉnh Cà Mau giai đoạn 2021 - 2025 đặt mục tiêu đến năm 2025 có 50% \
dân số trưởng thành có tài khoản thanh toán điện tử <script>alert(1)</script> và 90% hồ sơ \
công việc cấp tỉnh được xử lý trên môi trường mạng.
"""


def test_a_document_with_script_and_onerror_shows_them_as_text_and_runs_nothing(
    tmp_path: Path, browser
) -> None:
    documents = tmp_path / "documents"
    documents.mkdir()
    (documents / "hostile.txt").write_text(HOSTILE_DOCUMENT, encoding="utf-8")
    with streamlit_server(tmp_path, QA_DOCUMENTS_DIR=str(documents), QA_INDEX_DIR=str(tmp_path / "index")) as running:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(running.url + "/", timeout=START_TIMEOUT * 1000)
        page.wait_for_selector(CHAT_INPUT, timeout=BUILD_TIMEOUT * 1000)
        ask(page, "Mục tiêu thanh toán điện tử của Cà Mau đến năm 2025?")
        page.get_by_role("button", name="Xem toàn văn").first.click()
        page.wait_for_selector(".qa-doc", timeout=ANSWER_TIMEOUT * 1000)
        time.sleep(1)

        card = page.locator(".qa-card").first.inner_text()
        assert "<script>alert(1)</script>" in card
        assert "<img src=x onerror=alert(1)>" in card
        assert "<script>alert(1)</script>" in page.locator(".qa-doc").inner_text()
        injected = page.evaluate(
            "document.querySelectorAll('.qa-card script, .qa-card img, .qa-doc script, .qa-doc img').length"
        )
        assert injected == 0 and dialogs == []
        page.close()
