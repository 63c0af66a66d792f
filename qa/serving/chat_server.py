"""Serving the chat: its security headers, and a child server on a free local port.

``serve.py`` (``streamlit run serve.py``) serves ``app.py`` through Streamlit's ASGI
``App`` with ``SecurityHeaders``: Streamlit has no setting for response headers, and
without ``Content-Security-Policy: frame-ancestors`` any site could frame the chat.

The browser tests and the browser latency benchmark both need a real server that
is started, awaited and always stopped; ``running_chat`` is that one piece of code.
Also the Chromium settings that work on a machine with no network.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qa.config import PROJECT_ROOT

#: Debian's Chromium (Playwright's own browser download cannot work offline).
CHROMIUM = Path("/usr/bin/chromium")
#: A page function for Playwright's ``wait_for_function(ANSWERED_JS, arg=n)``: the chat
#: shows at least ``n`` messages, the last with its sources, a notice or an error, and
#: Streamlit's run is over (the browser tests and bench/reliability.py wait on it).
ANSWERED_JS = """(expected) => {
  const messages = document.querySelectorAll('[data-testid="stChatMessage"]');
  if (messages.length < expected) return false;
  const last = messages[messages.length - 1];
  const state = document.querySelector('[data-test-script-state]');
  return !!last.querySelector('.qa-card, .qa-notice, [data-testid="stAlert"]')
      && !document.querySelector('[data-testid="stSpinner"]')
      && (!state || state.getAttribute('data-test-script-state') === 'notRunning');
}"""
#: Flags that keep a headless Chromium from reaching for the network or a sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


#: The script that serves the chat with its headers (``streamlit run serve.py``).
SERVE_SCRIPT = "serve.py"

# One CSP source expression: a keyword, a scheme, or a host with optional scheme, port
# and path (https://intranet.example.gov.vn, *.example.gov.vn, http://10.0.0.5:8080).
_SOURCE = re.compile(
    r"'self'|'none'|\*|[a-z][a-z0-9+.-]*:"
    r"|(?:[a-z][a-z0-9+.-]*://)?(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(?:\d{1,5}|\*))?(?:/[A-Za-z0-9._~%!$&()*+=:@/-]*)?",
    re.IGNORECASE,
)

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def frame_ancestors_policy(allowed: str) -> str:
    """The ``Content-Security-Policy`` value that lets only ``allowed`` frame the chat.

    ``allowed`` is ``Settings.frame_ancestors`` (``QA_FRAME_ANCESTORS``): CSP sources
    separated by spaces, e.g. ``'self' https://intranet.example.gov.vn``. Anything else
    (a ``;`` that would smuggle in another directive, a comma, a quote) is refused with
    a message that says what is expected; an empty list means no site may frame it.
    """
    sources = allowed.split()
    for source in sources:
        if not _SOURCE.fullmatch(source):
            raise ValueError(
                f"QA_FRAME_ANCESTORS: {source!r} is not a CSP source; list origins separated by spaces, "
                "e.g. \"'self' https://intranet.example.gov.vn\""
            )
    return "frame-ancestors " + (" ".join(sources) if sources else "'none'")


class SecurityHeaders:
    """ASGI middleware: every HTTP response carries the chat's security headers.

    ``Content-Security-Policy: frame-ancestors …`` keeps other sites from framing the
    chat (clickjacking; the portal widget's origin must be listed), and
    ``X-Content-Type-Options: nosniff`` keeps the browser to the declared types.
    """

    def __init__(self, app: ASGIApp, policy: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", policy.encode("latin-1")),
            (b"x-content-type-options", b"nosniff"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in self.headers}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + self.headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


@dataclass(frozen=True)
class RunningChat:
    """A chat server that answers at ``url``."""

    url: str
    started: float  # time.perf_counter() when the process was spawned
    healthy_after: float  # seconds from spawn until /_stcore/health answered "ok"
    pid: int  # the server's process id (its memory is in /proc/<pid>/status)


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_chat(env: dict[str, str] | None = None, log: Path | None = None,
                 timeout: float = 60.0) -> Iterator[RunningChat]:
    """The chat (``serve.py``, headers included) on a free loopback port with ``env``
    added; stopped on exit, always."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "run", SERVE_SCRIPT, "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1"]
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**os.environ, **(env or {})},
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        stack.callback(stop_process_group, process)
        _wait_healthy(url, process, timeout)
        yield RunningChat(url, started, time.perf_counter() - started, process.pid)


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {process.returncode}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().strip() == b"ok":
                    return
        time.sleep(0.1)
    raise TimeoutError(f"streamlit did not answer {url}/_stcore/health within {timeout:.0f} s")


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop the server and its children (it runs in its own process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
