"""The optional generator hook: an OpenAI-compatible endpoint may rewrite the answer; a
failing one never costs the reader the extractive answer."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from qa.config import load_settings
from qa.generator import rewrite
from qa.types import Citation

CITATION = Citation(n=1, doc_id="d", title="t", province="Hà Tĩnh", passage="tỷ lệ … đạt trên 30%",
                    start=0, end=20, score=1.0)


@pytest.fixture()
def endpoint():
    """A local OpenAI-compatible server; records the request it got."""
    seen: dict = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            seen["path"] = self.path
            seen["body"] = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            reply = {"choices": [{"message": {"content": seen.get("reply", "Hà Tĩnh: hơn 30% dân số [1].")}}]}
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/v1", seen
    server.shutdown()


def test_an_endpoint_rewrites_the_answer_from_the_cited_passages(endpoint):
    url, seen = endpoint
    settings = load_settings(generator_url=url, generator_model="local")
    assert rewrite("“… trên 30%” [1].", "Hà Tĩnh e-payment?", [CITATION], settings) == "Hà Tĩnh: hơn 30% dân số [1]."
    assert seen["path"] == "/v1/chat/completions"
    assert seen["body"]["model"] == "local"
    assert "tỷ lệ … đạt trên 30%" in seen["body"]["messages"][1]["content"]


def test_a_rewrite_that_drops_the_markers_is_not_used(endpoint):
    url, seen = endpoint
    seen["reply"] = "About thirty percent."
    assert rewrite("“… 30%” [1].", "q", [CITATION], load_settings(generator_url=url)) == "“… 30%” [1]."


def test_an_unreachable_endpoint_keeps_the_extractive_answer():
    settings = load_settings(generator_url="http://127.0.0.1:9/v1")
    assert rewrite("“… 30%” [1].", "q", [CITATION], settings) == "“… 30%” [1]."


def test_without_an_endpoint_nothing_is_called():
    assert rewrite("a [1]", "q", [CITATION], load_settings()) == "a [1]"
