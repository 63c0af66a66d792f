"""The optional generator hook: an OpenAI-compatible endpoint may rewrite the answer, but
only with figures and links the cited passages have, and only within its timeout; a
failing, inventive or slow one never costs the reader the extractive answer."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from qa.config import load_settings
from qa.answering.generator import rewrite, unsupported
from qa.types import Citation

PASSAGE = ("Đến năm 2025, tỷ lệ dân số có tài khoản thanh toán điện tử đạt trên 30%; "
           "xem chi tiết tại https://hatinh.gov.vn/ke-hoach.")
CITATION = Citation(n=1, doc_id="d", title="t", province="Hà Tĩnh", passage=PASSAGE,
                    start=0, end=len(PASSAGE), score=1.0)
OTHER = Citation(n=2, doc_id="e", title="u", province="Đồng Nai", passage="Đồng Nai: 99% hồ sơ trực tuyến.",
                 start=0, end=31, score=0.5)
DRAFT = "Theo kế hoạch của Hà Tĩnh (đến năm 2025): “tỷ lệ … đạt trên 30%” [1]."


@pytest.fixture()
def endpoint() -> Iterator[tuple[str, dict]]:
    """A local OpenAI-compatible server; records the request it got.

    ``seen["reply"]`` sets its answer; ``seen["hold"]`` (an Event) makes it wait for
    that event before answering, like a slow model.
    """
    seen: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            seen["path"] = self.path
            seen["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            hold = seen.get("hold")
            if hold is not None:
                seen["answered_after_release"] = hold.wait(timeout=30)
            reply = {"choices": [{"message": {"content": seen.get("reply", "Hà Tĩnh: hơn 30% dân số [1].")}}]}
            data = json.dumps(reply).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up waiting
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1", seen
    if seen.get("hold") is not None:
        seen["hold"].set()
    server.shutdown()
    server.server_close()


def test_an_endpoint_rewrites_the_answer_from_the_cited_passages(endpoint):
    url, seen = endpoint
    settings = load_settings(generator_url=url, generator_model="local")
    assert rewrite(DRAFT, "Hà Tĩnh e-payment?", [CITATION], settings) == "Hà Tĩnh: hơn 30% dân số [1]."
    assert seen["path"] == "/v1/chat/completions"
    assert seen["body"]["model"] == "local"
    assert "tỷ lệ dân số có tài khoản thanh toán điện tử đạt trên 30%" in seen["body"]["messages"][1]["content"]


def test_a_rewrite_that_states_a_figure_the_passages_do_not_have_is_rejected(endpoint):
    url, seen = endpoint
    seen["reply"] = "Hà Tĩnh đặt mục tiêu 99% dân số có tài khoản thanh toán điện tử [1]."
    assert rewrite(DRAFT, "q", [CITATION], load_settings(generator_url=url)) == DRAFT


def test_a_figure_from_another_source_than_the_one_cited_does_not_count(endpoint):
    url, seen = endpoint
    seen["reply"] = "Hà Tĩnh: 99% [1]."  # 99% is in source [2], not in the cited [1]
    assert rewrite(DRAFT, "q", [CITATION, OTHER], load_settings(generator_url=url)) == DRAFT


def test_a_rewrite_that_adds_a_link_is_rejected(endpoint):
    url, seen = endpoint
    seen["reply"] = "Hơn 30% [1]. [Đăng nhập lại tại đây](http://evil.example/login)"
    assert rewrite(DRAFT, "q", [CITATION], load_settings(generator_url=url)) == DRAFT


def test_a_rewrite_that_drops_the_markers_is_not_used(endpoint):
    url, seen = endpoint
    seen["reply"] = "About thirty percent."
    assert rewrite(DRAFT, "q", [CITATION], load_settings(generator_url=url)) == DRAFT


def test_a_slow_endpoint_is_abandoned_at_the_timeout_and_the_extractive_answer_stays(endpoint):
    url, seen = endpoint
    seen["hold"] = threading.Event()  # the endpoint answers only once the test releases it
    settings = load_settings(generator_url=url, generator_timeout=0.3)
    assert rewrite(DRAFT, "q", [CITATION], settings) == DRAFT
    # rewrite() returned while the endpoint was still holding its reply back.
    assert "answered_after_release" not in seen
    seen["hold"].set()


def test_the_timeout_defaults_to_five_seconds_and_is_configurable(monkeypatch):
    assert load_settings().generator_timeout == 5.0
    monkeypatch.setenv("QA_GENERATOR_TIMEOUT", "1.5")
    assert load_settings().generator_timeout == 1.5
    monkeypatch.setenv("QA_GENERATOR_TIMEOUT", "0")
    with pytest.raises(ValueError, match="generator_timeout"):
        load_settings()


def test_figures_and_links_found_in_the_cited_passage_are_accepted():
    assert unsupported("Trên 30 % dân số (năm 2025) [1]; https://hatinh.gov.vn/ke-hoach.", DRAFT, [CITATION]) is None
    assert unsupported("Over 30% by 2025 [1].", DRAFT, [CITATION]) is None


@pytest.mark.parametrize("text, reason", [
    ("Trên 30,5% [1].", "states 30.5"),
    ("Trên 30% vào năm 2030 [1].", "states 2030"),
    ("Trên 30% [3].", "not a source"),
    ("Xem www.evil.example [1].", "www.evil.example"),
    ("Xem evil.example/login [1].", "evil.example/login"),
    ("Liên hệ mailto:a@evil.example [1].", "mailto:"),
    ("   ", "empty"),
])
def test_what_the_passages_do_not_support_is_named(text, reason):
    problem = unsupported(text, DRAFT, [CITATION])
    assert problem is not None and reason in problem


def test_vietnamese_and_english_digit_grouping_are_the_same_figure():
    citation = Citation(n=1, doc_id="d", title="t", province=None, passage="đạt 1.000 điểm", start=0, end=14,
                        score=1.0)
    assert unsupported("reaches 1,000 points [1]", "d [1]", [citation]) is None


def test_an_unreachable_endpoint_keeps_the_extractive_answer():
    settings = load_settings(generator_url="http://127.0.0.1:9/v1")
    assert rewrite(DRAFT, "q", [CITATION], settings) == DRAFT


def test_without_an_endpoint_nothing_is_called():
    assert rewrite("a [1]", "q", [CITATION], load_settings()) == "a [1]"
