"""Promises of the chat and the intranet widget in a real browser (Debian's Chromium).

Each server is a real ``streamlit run app.py`` on a free port with a temporary index,
so the first page load also shows the index build. The screenshots land in
tests/artifacts/ (in docs/screenshots/ for the README with QA_UPDATE_SCREENSHOTS=1);
the latencies measured on the way are printed (``pytest -s`` shows them).

Run: ``python -m pytest tests/test_browser.py -q -s`` (marker: ``browser``).
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest

from qa.serving.chat_server import ANSWERED_JS, CHROMIUM, CHROMIUM_ARGS, running_chat

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


@dataclass
class Portal:
    """A local web server for portal pages (examples/); counts the requests per path."""

    url: str
    hits: dict[str, int] = field(default_factory=dict)


@contextlib.contextmanager
def portal_server() -> Iterator[Portal]:
    """examples/ over HTTP on a free loopback port (a portal has an http origin, which
    the chat's frame-ancestors list can name; a file:// page has none)."""
    portal = Portal(url="")

    class Handler(SimpleHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            path = self.path.split("?", 1)[0]
            portal.hits[path] = portal.hits.get(path, 0) + 1
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(PROJECT_ROOT / "examples")))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    portal.url = f"http://127.0.0.1:{httpd.server_port}"
    try:
        yield portal
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def portal() -> Iterator[Portal]:
    """The portal whose origin the chat lets frame it."""
    with portal_server() as running:
        yield running


@pytest.fixture(scope="module")
def stranger() -> Iterator[Portal]:
    """Another site, not on the chat's frame-ancestors list."""
    with portal_server() as running:
        yield running


ADMIN_TOKEN = "browser-test-admin-token"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, portal: Portal) -> Iterator[Server]:
    """The chat on the bundled plans, with an empty index folder: its first page load builds it.

    Only the test portal may frame it, and it has an administrator token."""
    tmp = tmp_path_factory.mktemp("server")
    with streamlit_server(
        tmp,
        QA_INDEX_DIR=str(tmp / "index"),
        QA_DOCUMENTS_DIR=str(PROJECT_ROOT / "documents"),
        QA_FRAME_ANCESTORS=f"'self' {portal.url}",
        QA_ADMIN_TOKEN=ADMIN_TOKEN,
    ) as running:
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

def ask(target, question: str) -> float:
    """Type ``question`` into the chat input and wait for its reply; returns the seconds taken.

    ``target`` is a Playwright Page or Frame (the widget's iframe).
    """
    before = target.locator('[data-testid="stChatMessage"]').count()
    target.fill(CHAT_INPUT, question)
    started = time.perf_counter()
    target.press(CHAT_INPUT, "Enter")
    target.wait_for_function(ANSWERED_JS, arg=before + 2, timeout=ANSWER_TIMEOUT * 1000)
    return time.perf_counter() - started


def last_reply_text(target) -> str:
    return target.locator('[data-testid="stChatMessage"]').last.inner_text()


def screenshot(page, name: str) -> Path:
    """Save the page's viewport as ``SCREENSHOTS/name``, reduced to a 256-colour PNG
    (a UI screenshot has few colours; this keeps each README image small)."""
    import io

    from PIL import Image

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    image = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(path, optimize=True)
    return path


def scroll_to_top(page) -> None:
    """Show the page from its title, once Streamlit's stick-to-bottom scrolling is done."""
    time.sleep(1.0)
    page.locator('[data-testid="stAppScrollToBottomContainer"]').evaluate("(el) => { el.scrollTop = 0; }")
    time.sleep(0.5)


_IDLE = """() => { const s = document.querySelector('[data-test-script-state]');
                   return !s || s.getAttribute('data-test-script-state') === 'notRunning'; }"""


def wait_until_idle(target) -> None:
    """Wait until Streamlit's script run is over (its last elements are on the page)."""
    target.wait_for_function(_IDLE, timeout=ANSWER_TIMEOUT * 1000)


def scroll_to_message(target, index: int) -> None:
    """Scroll a chat message to the top, once Streamlit's run and its stick-to-bottom
    scrolling are done (tried again while a late re-render pulls the page elsewhere)."""
    wait_until_idle(target)
    message = target.locator('[data-testid="stChatMessage"]').nth(index)
    for _ in range(5):
        time.sleep(1.0)
        message.evaluate("(el) => el.scrollIntoView()")
        time.sleep(0.5)
        if abs(message.evaluate("(el) => el.getBoundingClientRect().top")) < 5:
            return


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
    screenshot(page, "chat.png")
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
    screenshot(page, "document.png")
    page.close()


def test_the_intranet_widget_opens_the_embedded_chat_and_answers(server: Server, browser, portal: Portal) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{portal.url}/intranet.html?app=" + quote(server.url, safe=""), timeout=START_TIMEOUT * 1000)
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
    screenshot(page, "widget.png")

    # "New conversation" in the panel's head: the frame reloads with an empty chat.
    page.get_by_role("button", name="Cuộc trò chuyện mới").click()
    page.wait_for_timeout(500)
    frame = page.frame_locator("iframe.qa-widget-frame")
    frame.locator(CHAT_INPUT).wait_for(timeout=START_TIMEOUT * 1000)
    frame.get_by_text("Thử một câu hỏi:").wait_for(timeout=START_TIMEOUT * 1000)  # the examples of an empty chat
    assert frame.locator('[data-testid="stChatMessage"]').count() == 0

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


# --- Web inputs are text; only listed portals frame the chat; export for administrators ---

CRAFTED = "**Phiên hết hạn.** [Đăng nhập lại tại đây](http://evil.example/login) ![x]({tracker})"


def _open(browser, url: str, **options):
    page = browser.new_page(**options)
    page.goto(url, timeout=START_TIMEOUT * 1000)
    page.wait_for_selector(CHAT_INPUT, timeout=BUILD_TIMEOUT * 1000)
    return page


def test_a_crafted_province_shows_as_text_and_fetches_nothing(server: Server, browser, portal: Portal) -> None:
    tracker = f"{portal.url}/track.png"
    crafted = CRAFTED.format(tracker=tracker)
    # As a link to the page, and as the widget's data-province on a portal page.
    page = _open(browser, f"{server.url}/?province={quote(crafted)}")
    widget = browser.new_page()
    widget.goto(f"{portal.url}/intranet.html?app={quote(server.url, safe='')}&province={quote(crafted)}",
                timeout=START_TIMEOUT * 1000)
    widget.get_by_role("button", name="Hỏi đáp kế hoạch").click()
    frame = widget.frame_locator("iframe.qa-widget-frame")
    frame.locator(CHAT_INPUT).wait_for(timeout=START_TIMEOUT * 1000)
    for target in (page, frame):
        notice = target.locator(".qa-notice").first
        notice.wait_for(timeout=START_TIMEOUT * 1000)
        assert crafted in notice.inner_text()  # the very characters, asterisks and brackets included
        assert target.locator('a[href*="evil.example"]').count() == 0
        assert target.locator(f'img[src*="{portal.url}"]').count() == 0
    time.sleep(1.0)
    assert portal.hits.get("/track.png", 0) == 0  # the browser never asked for the image
    page.close()
    widget.close()


def test_every_response_names_the_sites_that_may_frame_the_chat(server: Server, portal: Portal) -> None:
    for path in ("/", "/app/static/widget.js", "/_stcore/health"):
        with urllib.request.urlopen(server.url + path, timeout=30) as response:
            assert response.headers["Content-Security-Policy"] == f"frame-ancestors 'self' {portal.url}"


def test_a_site_not_on_the_list_cannot_frame_the_chat(server: Server, browser, stranger: Portal) -> None:
    page = browser.new_page()
    page.goto(f"{stranger.url}/intranet.html?app={quote(server.url, safe='')}", timeout=START_TIMEOUT * 1000)
    page.get_by_role("button", name="Hỏi đáp kế hoạch").click()
    page.wait_for_selector("iframe.qa-widget-frame", timeout=START_TIMEOUT * 1000)
    time.sleep(3.0)
    frame = page.frame_locator("iframe.qa-widget-frame")
    assert frame.locator(CHAT_INPUT).count() == 0  # Chromium refused to show it
    page.close()


def test_the_feedback_export_is_refused_to_a_reader(server: Server, browser) -> None:
    export = "Tải phản hồi (CSV)"
    page = _open(browser, server.url + "/", viewport={"width": 1366, "height": 900})
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Quản trị", exact=True).is_visible()
    assert page.get_by_text(export).count() == 0  # not hidden: not on the page at all
    sidebar.get_by_text("Quản trị", exact=True).click()
    field = sidebar.locator('input[type="password"]')
    field.fill("a reader's guess")
    field.press("Enter")
    page.get_by_text("Mã quản trị không đúng").wait_for(timeout=ANSWER_TIMEOUT * 1000)
    assert page.get_by_text(export).count() == 0
    # The embedded chat has no administration at all, whatever its URL says.
    embedded = _open(browser, server.url + "/?embed=true&admin=1")
    assert embedded.get_by_text("Quản trị", exact=True).count() == 0 and embedded.get_by_text(export).count() == 0
    assert embedded.locator('input[type="password"]').count() == 0
    # An administrator with the token gets the button (so the checks above can fail).
    field.fill(ADMIN_TOKEN)
    field.press("Enter")
    page.get_by_role("button", name=export).first.wait_for(timeout=ANSWER_TIMEOUT * 1000)
    page.close()
    embedded.close()


# --- Sources that say what supports the answer; a page that behaves -----------------------


def test_cited_sources_come_first_and_a_clicked_marker_opens_its_card(server: Server, browser) -> None:
    page = _open(browser, server.url + "/", viewport={"width": 1366, "height": 768})
    ask(page, HA_TINH_QUESTION)
    reply = page.locator('[data-testid="stChatMessage"]').last
    cited, related = reply.locator(".qa-cited"), reply.locator(".qa-related")
    assert cited.count() >= 1 and related.count() >= 1
    assert "được trích dẫn" in cited.first.inner_text() and cited.first.locator("mark").count() == 1
    assert related.locator("mark").count() == 0  # no answer highlight on what the answer does not cite
    # Every cited card sits above the "Liên quan" heading and every related one below it.
    order = reply.evaluate("""(reply) => {
      const heading = [...reply.querySelectorAll('p')].find((p) => p.textContent.trim() === 'Liên quan');
      const y = (el) => el.getBoundingClientRect().top;
      return {heading: y(heading), cited: [...reply.querySelectorAll('.qa-cited')].map(y),
              related: [...reply.querySelectorAll('.qa-related')].map(y)};
    }""")  # measured at one instant
    assert max(order["cited"]) < order["heading"] < min(order["related"]), order
    assert page.evaluate("document.documentElement.lang") == "vi"
    assert reply.locator('[aria-live="polite"]').count() + page.locator('[aria-live="polite"]').count() >= 1

    # Close the card and scroll away; the [1] in the answer opens it and brings it into view.
    link = reply.locator(".qa-answer a[data-qa-card]").first
    card_id = link.get_attribute("data-qa-card")
    page.evaluate(f"document.querySelector('#{card_id} details').open = false")
    ask(page, "Quảng Nam ưu tiên chuyển đổi số những lĩnh vực nào?")
    time.sleep(2.0)
    card = page.locator(f"#{card_id}")
    assert card.bounding_box()["y"] < 0  # now above the screen
    page.locator(f'.qa-answer a[data-qa-card="{card_id}"]').click()
    page.wait_for_function(f"document.querySelector('#{card_id} details').open", timeout=10_000)
    time.sleep(0.5)
    box = card.bounding_box()
    assert 0 <= box["y"] < 768 and card.locator(".qa-passage").is_visible()
    page.close()


CONTRAST = """(el) => {
  const rgb = (c) => c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = (c) => { const v = rgb(c).map((x) => { x /= 255; return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
                       return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  let bg = el, color = getComputedStyle(el).color;
  while (bg && ['rgba(0, 0, 0, 0)', 'transparent'].includes(getComputedStyle(bg).backgroundColor)) bg = bg.parentElement;
  const back = bg ? getComputedStyle(bg).backgroundColor : 'rgb(255, 255, 255)';
  const [a, b] = [lum(color), lum(back)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


@pytest.mark.parametrize("width, height", [(1366, 768), (390, 844)])
def test_the_new_answer_starts_in_view_after_a_reply(server: Server, browser, width: int, height: int) -> None:
    phone = width < 600
    page = _open(browser, server.url + "/", viewport={"width": width, "height": height},
                 is_mobile=phone, has_touch=phone)
    box = page.locator('[data-testid="stSidebar"]').bounding_box()
    if phone:  # the sidebar starts collapsed, off the screen, and leaves the chat alone
        assert box is None or box["x"] + box["width"] <= 0, box
    else:  # on a desktop it starts open
        assert box is not None and box["x"] >= 0 and box["width"] > 150, box
    for question in (HA_TINH_QUESTION, "Quảng Nam ưu tiên chuyển đổi số những lĩnh vực nào?"):
        ask(page, question)
        # Measured once Streamlit's run is over and the page has had time to settle.
        page.wait_for_function("() => { const s = document.querySelector('[data-test-script-state]');"
                               " return !s || s.getAttribute('data-test-script-state') === 'notRunning'; }",
                               timeout=60_000)
        time.sleep(2.0)
        answer = page.locator('[data-testid="stChatMessage"]').last
        top = answer.bounding_box()["y"]
        assert 0 <= top < height * 0.6, f"the new answer's top is at {top:.0f} px of {height}"
        assert answer.locator(".qa-answer").is_visible()
    caption = page.locator('[data-testid="stCaptionContainer"]').last
    assert caption.evaluate(CONTRAST) >= 4.5  # WCAG AA for the captions
    page.close()


# --- A conversation; the province the question names; a plan's summary -------------------


def reply_cards(reply) -> dict[str, str]:
    """The ids of the cited cards under one reply, with their text."""
    cards = reply.locator(".qa-cited")
    return {cards.nth(i).get_attribute("id"): cards.nth(i).inner_text() for i in range(cards.count())}


def test_a_follow_up_is_understood_and_answered_for_the_province_it_names(server: Server, browser) -> None:
    page = _open(browser, server.url + "/", viewport={"width": 1280, "height": 1000})
    ask(page, "Mục tiêu tỷ lệ dân số có tài khoản thanh toán điện tử của Hà Tĩnh đến năm 2025 là bao nhiêu?")
    first = page.locator('[data-testid="stChatMessage"]').last
    assert "trên 30%" in first.locator(".qa-answer").inner_text()
    assert first.locator(".qa-understood").count() == 0  # a standalone question needs no reading

    ask(page, "Còn Quảng Nam thì sao?")
    reply = page.locator('[data-testid="stChatMessage"]').last
    understood = reply.locator(".qa-understood").inner_text()
    assert understood.startswith("Hiểu là:") and "Quảng Nam" in understood and "Hà Tĩnh" not in understood
    assert "thanh toán điện tử" in understood and "2025" in understood  # indicator and year carried over
    answer = reply.locator(".qa-answer").inner_text()
    assert "trên 50%" in answer and "30%" not in answer
    # The answer's markers link to cards of Quảng Nam's plan, and only to cited cards.
    cards = reply_cards(reply)
    links = [a.get_attribute("data-qa-card") for a in reply.locator(".qa-answer a[data-qa-card]").all()]
    assert links and all(link in cards for link in links)
    for link in links:
        assert "Quảng Nam" in cards[link] and "Hà Tĩnh" not in cards[link].split("\n")[1]  # the meta line
    assert any("trên 50%" in reply.locator(f"#{link} mark").inner_text() for link in links)
    scroll_to_message(page, 2)
    screenshot(page, "followup.png")
    page.close()


def choose_province(page, province: str) -> None:
    """Set the sidebar's province filter as a reader does: open the box, click the name."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first
    box.click()
    page.get_by_role("option", name=province, exact=True).click()
    wait_until_idle(page)
    assert box.locator("input").input_value() == province


DONG_NAI_QUESTION = "Mục tiêu kinh tế số của Đồng Nai năm 2025?"
FILTER_NOTICE = "Bạn đang lọc Hà Tĩnh; câu hỏi nói về Đồng Nai"


def assert_answered_for_dong_nai_with_a_notice(target) -> None:
    """The last reply (in a page or the widget's frame) warns about the filter and answers
    with Đồng Nai's figure from Đồng Nai's plan."""
    reply = target.locator('[data-testid="stChatMessage"]').last
    notice = reply.locator(".qa-notice-warning")
    assert notice.count() == 1 and notice.is_visible()
    assert FILTER_NOTICE in notice.inner_text()
    answer = reply.locator(".qa-answer").inner_text()
    assert "20% GRDP" in answer  # Đồng Nai's figure; Hà Tĩnh's plan says "tối thiểu 10% GRDP"
    cards = reply_cards(reply)
    assert cards and all("Đồng Nai" in text and "Hà Tĩnh" not in text for text in cards.values())


def test_the_province_a_question_names_wins_over_the_sidebar_filter_with_a_notice(server: Server, browser) -> None:
    page = _open(browser, server.url + "/", viewport={"width": 1280, "height": 900})
    choose_province(page, "Hà Tĩnh")
    # The filter is in force: a question naming no province is answered from Hà Tĩnh's plan.
    ask(page, "Mục tiêu thanh toán điện tử đến năm 2025?")
    reply = page.locator('[data-testid="stChatMessage"]').last
    assert reply.locator(".qa-notice-warning").count() == 0
    assert all("Hà Tĩnh" in text for text in reply_cards(reply).values())

    ask(page, DONG_NAI_QUESTION)
    assert_answered_for_dong_nai_with_a_notice(page)
    # The filter is kept as the reader set it: the notice says the answer went elsewhere.
    assert page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"] input').first.input_value() == "Hà Tĩnh"
    scroll_to_message(page, 2)
    screenshot(page, "notice.png")
    page.close()


def test_the_widget_answers_for_the_named_province_with_a_notice(server: Server, browser, portal: Portal) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(f"{portal.url}/intranet.html?app={quote(server.url, safe='')}&province={quote('Hà Tĩnh')}",
              timeout=START_TIMEOUT * 1000)
    page.get_by_role("button", name="Hỏi đáp kế hoạch").click()
    iframe = page.wait_for_selector("iframe.qa-widget-frame", timeout=START_TIMEOUT * 1000)
    assert "province=H%C3%A0%20T%C4%A9nh" in (iframe.get_attribute("src") or "")  # data-province="Hà Tĩnh"
    frame = iframe.content_frame()
    frame.wait_for_selector(CHAT_INPUT, timeout=BUILD_TIMEOUT * 1000)
    ask(frame, DONG_NAI_QUESTION)
    assert_answered_for_dong_nai_with_a_notice(frame)
    page.close()


def test_the_summary_of_a_plan_cites_every_line(server: Server, browser) -> None:
    page = _open(browser, server.url + "/", viewport={"width": 1280, "height": 1000})
    ask(page, "Tóm tắt kế hoạch của Hà Tĩnh")
    reply = page.locator('[data-testid="stChatMessage"]').last
    answer = reply.locator(".qa-answer")
    # The plan's targets grouped by pillar: headings, not Markdown shown as text.
    headings = answer.locator(".qa-answer-heading").all_inner_texts()
    assert {"Chính quyền số", "Kinh tế số", "Xã hội số"} <= set(headings), headings
    assert "**" not in answer.inner_text()
    lines = answer.locator("li")
    assert lines.count() >= 6
    cards = reply_cards(reply)
    for i in range(lines.count()):
        line = lines.nth(i)
        links = [a.get_attribute("data-qa-card") for a in line.locator("a[data-qa-card]").all()]
        assert links, f"line {i + 1} has no citation: {line.inner_text()}"
        for link in links:  # each marker names a cited card of Hà Tĩnh's plan under this reply
            assert link in cards and "Hà Tĩnh" in cards[link]
    assert any("trên 30%" in text for text in lines.all_inner_texts())
    # A line's marker opens its card.
    last = lines.last.locator("a[data-qa-card]").first
    card_id = last.get_attribute("data-qa-card")
    page.evaluate(f"document.querySelector('#{card_id} details').open = false")
    last.click()
    page.wait_for_function(f"document.querySelector('#{card_id} details').open", timeout=10_000)
    time.sleep(0.5)
    box = page.locator(f"#{card_id}").bounding_box()
    assert box and 0 <= box["y"] < 1000
    scroll_to_message(page, 0)
    screenshot(page, "summary.png")
    page.close()
