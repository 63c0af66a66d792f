"""How long the chat makes a reader wait, measured in a real browser.

Starts ``streamlit run app.py`` on a free port, opens it in Debian's Chromium and asks
questions through the chat input, timing what a reader sees:

- server: process start until ``/_stcore/health`` answers;
- ready: page opened until the chat input shows (the first session loads the
  assistant, and builds the index when ``--fresh-index`` is given);
- first answer: Enter pressed until the reply and its sources are on screen;
- later answers: the same for the following questions (the server is warm).

    python bench/app_latency.py                 # the project's index (built if missing)
    python bench/app_latency.py --fresh-index   # cold start including the index build
    python bench/app_latency.py --repeat 3 --json

Needs /usr/bin/chromium and the ``playwright`` package (no browser download).
Prints the 1-minute load average before and after each run: above about 1.0 on the
2-core machine, other work shared the cores and the figures are pessimistic.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
from pathlib import Path

import benchlib  # first: puts this repository on sys.path, so its qa (and app.py) are measured

from qa.serving.chat_server import CHROMIUM, CHROMIUM_ARGS, running_chat

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHAT_INPUT = '[data-testid="stChatInputTextArea"]'
QUESTIONS = [
    "What is Hà Tĩnh's 2025 e-payment target?",
    "Quảng Nam ưu tiên chuyển đổi số những lĩnh vực nào?",
    "What is Đồng Nai's digital economy target for 2025?",
    "Mục tiêu thanh toán điện tử của Hà Tĩnh đến năm 2025?",
    "Bến Tre đặt chỉ tiêu gì về chữ ký số cá nhân?",
    "What does Cà Mau's plan say about e-health?",
]
ANSWERED = """(expected) => {
  const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
  const state = document.querySelector('[data-test-script-state]');
  return messages.length >= expected
      && !!messages[messages.length - 1].querySelector('.qa-card, .qa-notice, [data-testid="stAlert"]')
      && (!state || state.getAttribute('data-test-script-state') === 'notRunning');
}"""


def _ask(page, question: str) -> tuple[float, float | None]:
    """Seconds until the reply is on screen, and the seconds ``Assistant.ask`` took.

    The second number is read from the reply's "answered in N s" caption; the
    difference is what Streamlit and the browser add.
    """
    before = page.locator('[data-testid="stChatMessage"]').count()
    page.fill(CHAT_INPUT, question)
    started = time.perf_counter()
    page.press(CHAT_INPUT, "Enter")
    page.wait_for_function(ANSWERED, arg=before + 2, timeout=120_000)
    seen = time.perf_counter() - started
    caption = page.locator('[data-testid="stChatMessage"]').last.locator('[data-testid="stCaptionContainer"]')
    found = re.search(r"(\d+(?:\.\d+)?)", caption.first.inner_text()) if caption.count() else None
    return seen, float(found.group(1)) if found else None


def measure(env: dict[str, str], questions: list[str]) -> dict[str, object]:
    """One cold server start: the timings of its first session."""
    from playwright.sync_api import sync_playwright

    load_before = benchlib.load_average()
    with running_chat(env, timeout=60) as chat, sync_playwright() as playwright:
        healthy = chat.healthy_after
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page()
        opened = time.perf_counter()
        page.goto(chat.url + "/")
        page.wait_for_selector(CHAT_INPUT, timeout=300_000)
        ready = time.perf_counter() - opened
        first, first_core = _ask(page, questions[0])
        to_first_answer = time.perf_counter() - chat.started
        later_pairs = [_ask(page, question) for question in questions[1:]]
        later = [seen for seen, _ in later_pairs]
        browser.close()
    return {
        "load_before": load_before,
        "load_after": benchlib.load_average(),
        "server_healthy_s": round(healthy, 2),
        "page_to_chat_input_s": round(ready, 2),
        "first_answer_s": round(first, 2),
        "first_answer_in_assistant_s": first_core,
        "cold_start_to_first_answer_s": round(to_first_answer, 2),
        "later_answers_s": [round(s, 2) for s in later],
        "later_answer_median_s": round(statistics.median(later), 2) if later else None,
        "later_answers_in_assistant_s": [core for _, core in later_pairs],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh-index", action="store_true", help="build the index in a temporary folder")
    parser.add_argument("--repeat", type=int, default=1, help="cold starts to measure")
    parser.add_argument("--json", action="store_true", help="print JSON only")
    benchlib.add_max_wait(parser)
    args = parser.parse_args()
    benchlib.wait_until_quiet(args.max_wait)

    runs = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            env = {"QA_FEEDBACK_DB": str(Path(tmp) / "feedback.sqlite3")}
            if args.fresh_index:
                env["QA_INDEX_DIR"] = str(Path(tmp) / "index")
            runs.append(measure(env, QUESTIONS))
    if args.json:
        print(json.dumps(runs, indent=2))
        return
    for i, run in enumerate(runs, 1):
        print(f"run {i}: " + ", ".join(f"{key}={value}" for key, value in run.items()))


if __name__ == "__main__":
    main()
