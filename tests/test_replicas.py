"""Two chat replicas behind the generated nginx configuration (qa/serving/replicas.py), sharing
one read-only index folder (and, in the second case, one Milvus server: Milvus Lite's gRPC
server): each answers correctly through the proxy, every request of a browser reaches one
replica, serve.py's security headers pass through, a WebSocket for a public host name on a
non-default port is accepted, and nothing in the index folder is written.

Needs Debian's nginx (test.sh installs it); skips, saying so, without it. Also: the
configuration docs/deploy.md shows is the one the generator writes.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import re
import socket
import urllib.request
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import pytest

from qa.serving.chat_client import ChatSession, Reply
from qa.pipeline import Assistant
from qa.config import PROJECT_ROOT
from qa.serving.replicas import (COOKIE, nginx_binary, running_milvus_server, running_nginx, running_replicas,
                                   site_config)

needs_nginx = pytest.mark.skipif(nginx_binary() is None,
                                 reason="nginx is not installed: apt-get install -y nginx (bash test.sh does it)")

QUESTION, EXPECTED = "What is Hà Tĩnh's 2025 e-payment target?", "30%"
#: Sessions opened, at most, until both replicas have answered one (each lands on a
#: replica at random: all 30 on one replica has a chance of 2 in a billion).
MAX_SESSIONS = 30


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


def _handshake_status(url: str, name: str) -> str:
    """The status line nginx returns to a WebSocket handshake sent for host ``name`` (with the
    proxy's port, as a browser on a non-default port sends it): Streamlit accepts it only when
    the ``Host`` it receives matches the ``Origin``, which localhost names do not show."""
    port = int(url.rsplit(":", 1)[1])
    key = base64.b64encode(os.urandom(16)).decode()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall((f"GET /_stcore/stream HTTP/1.1\r\nHost: {name}:{port}\r\nOrigin: http://{name}:{port}\r\n"
                      f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: streamlit\r\n\r\n").encode())
        head = b""
        while b"\r\n" not in head and (chunk := sock.recv(1024)):
            head += chunk
    return head.split(b"\r\n", 1)[0].decode()


def _replicas_by_key(access_log: Path) -> dict[str, set[str]]:
    """Each sticky key of the access log, with the replicas its requests reached."""
    seen: dict[str, set[str]] = defaultdict(set)
    for replica, key in re.findall(r"replica=(\S+) key=(\S+)", access_log.read_text(encoding="utf-8")):
        seen[key].add(replica)
    return seen


async def _sessions_until_both_answered(url: str, access_log: Path, replicas: list[str]) -> dict[str, list[Reply]]:
    answered: dict[str, list[Reply]] = defaultdict(list)
    for _ in range(MAX_SESSIONS):
        async with ChatSession(url) as chat:
            reply = await chat.ask(QUESTION)
        key = chat.cookies.removeprefix(f"{COOKIE}=")
        reached = _replicas_by_key(access_log)[key]  # logged once the session's WebSocket closed
        assert len(reached) == 1, f"one browser's requests reached {sorted(reached)}: not sticky"
        answered[reached.pop()].append(reply)
        if set(answered) == set(replicas):
            break
    return answered


@needs_nginx
@pytest.mark.parametrize("back_end", ["local", "milvus"])
def test_two_replicas_behind_nginx_both_answer_from_one_read_only_index(back_end, assistant, tmp_path):
    index_dir = assistant.settings.index_dir  # built once for the test session
    env = {"QA_INDEX_DIR": str(index_dir), "QA_READ_ONLY": "1", "QA_FEEDBACK_DB": str(tmp_path / "feedback.sqlite3")}
    with contextlib.ExitStack() as stack:
        if back_end == "milvus":
            pytest.importorskip("milvus_lite", reason="milvus-lite is not installed: pip install 'qa-chuyen-doi-so[milvus]'")
            uri = stack.enter_context(running_milvus_server(tmp_path / "milvus", tmp_path / "milvus.log")).uri
            Assistant.open(replace(assistant.settings, milvus_uri=uri))  # the one writer fills the collection
            env["QA_MILVUS_URI"] = uri
        before = _tree(index_dir)
        _replicas_answer_through_nginx(env, tmp_path)
    assert _tree(index_dir) == before, "a replica wrote to the shared index folder"


def _replicas_answer_through_nginx(env: dict[str, str], tmp_path: Path) -> None:
    with running_replicas(2, env, tmp_path / "logs") as chats:
        replicas = [chat.url.removeprefix("http://") for chat in chats]
        with running_nginx(replicas, tmp_path / "nginx") as url:
            with urllib.request.urlopen(url + "/") as page:
                assert page.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
                assert page.headers["X-Content-Type-Options"] == "nosniff"
                assert page.headers["Set-Cookie"].startswith(f"{COOKIE}=")
            assert _handshake_status(url, "intranet.example.gov.vn") == "HTTP/1.1 101 Switching Protocols"
            answered = asyncio.run(_sessions_until_both_answered(url, tmp_path / "nginx" / "access.log", replicas))
    assert set(answered) == set(replicas), f"only {sorted(answered)} answered in {MAX_SESSIONS} sessions"
    for replica, replies in answered.items():
        assert all(EXPECTED in reply.text and reply.cards for reply in replies), (replica, replies)


def test_the_configuration_docs_deploy_md_shows_is_the_generated_one():
    shown = (PROJECT_ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(.*?)```", shown, re.DOTALL)
    assert block, "docs/deploy.md shows no nginx configuration"
    assert block.group(1) == site_config("80", ["127.0.0.1:8501", "127.0.0.1:8502"],
                                         server_name="intranet.example.gov.vn", path="/hoidap/")
