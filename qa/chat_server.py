"""Run the chat (``streamlit run app.py``) as a child process on a free local port.

The browser tests and the browser latency benchmark both need a real server that
is started, awaited and always stopped; this is that one piece of code. Also the
Chromium settings that work on a machine with no network.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .config import PROJECT_ROOT

#: Debian's Chromium (Playwright's own browser download cannot work offline).
CHROMIUM = Path("/usr/bin/chromium")
#: Flags that keep a headless Chromium from reaching for the network or a sandbox.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@dataclass(frozen=True)
class RunningChat:
    """A chat server that answers at ``url``."""

    url: str
    started: float  # time.perf_counter() when the process was spawned
    healthy_after: float  # seconds from spawn until /_stcore/health answered "ok"


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def running_chat(env: dict[str, str] | None = None, log: Path | None = None,
                 timeout: float = 60.0) -> Iterator[RunningChat]:
    """The chat on a free loopback port with ``env`` added; stopped on exit, always."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1"]
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env={**os.environ, **(env or {})},
                                   stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        stack.callback(_stop, process)
        _wait_healthy(url, process, timeout)
        yield RunningChat(url, started, time.perf_counter() - started)


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


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and its children (it runs in its own process group)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
